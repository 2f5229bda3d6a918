/* Unit tests of the featurizer, fed by a real sessionizer from a stub event
 * source. Every expected value below was worked out by hand from the rules
 * in features.h and the descriptions in the feature tables; the arithmetic
 * is written next to each value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ecomctl/features.h"

#define T0 1569888000 /* 2019-10-01 00:00:00 UTC, a Tuesday */
#define V EC_EV_VIEW
#define C EC_EV_CART
#define R EC_EV_REMOVE
#define P EC_EV_PURCHASE

struct stub_ev {
	int64_t t;
	int type;
	uint64_t product;
	uint64_t user;
	const char *sess;
};

/* The catalogue of the fixture: product -> category code, category id, brand, price. */
static void product_of(uint64_t p, const char **code, uint64_t *cat, const char **brand,
		       double *price)
{
	switch (p) {
	case 10:
		*code = "a.b.c", *cat = 1, *brand = "br1", *price = 10;
		break;
	case 11:
		*code = "a.b.c", *cat = 1, *brand = "br1", *price = 20;
		break;
	case 20:
		*code = "x.y", *cat = 2, *brand = "br2", *price = 5;
		break;
	case 30:
		*code = "", *cat = 99, *brand = "", *price = 7;
		break;
	case 31:
		*code = "", *cat = 99, *brand = "", *price = 7;
		break;
	case 40:
		*code = "", *cat = 99, *brand = "br3", *price = 3;
		break;
	default:
		*code = "q", *cat = 5, *brand = "", *price = 1;
		break;
	}
}

struct stub {
	const struct stub_ev *ev;
	size_t n, i;
};

static int stub_next(void *ctx, struct ec_event *out, struct ec_err *err)
{
	(void)err;
	struct stub *s = ctx;
	if (s->i == s->n)
		return 0;
	const struct stub_ev *e = &s->ev[s->i++];
	const char *code, *brand;
	memset(out, 0, sizeof(*out));
	product_of(e->product, &code, &out->category_id, &brand, &out->price);
	out->time = e->t;
	out->type = (uint8_t)e->type;
	out->product_id = e->product;
	out->user_id = e->user;
	out->session.p = e->sess;
	out->session.n = strlen(e->sess);
	out->category_code.p = code;
	out->category_code.n = strlen(code);
	out->brand.p = brand;
	out->brand.n = strlen(brand);
	out->line = s->i + 1;
	return 1;
}

/* A copy of what the featurizer returned for one session. */
struct row {
	char id[64];
	int64_t start, intent_cutoff, category_cutoff;
	int intent_ok, category_ok, purchased, labeled;
	float ix[64];
	uint32_t n_cand, n_truth;
	char cand[8][64];
	uint8_t label[8];
	float cx[8][64];
	char truth[8][64];
	size_t consumed; /* events the stub had given when it came out */
};

struct out {
	int n;
	struct row r[16];
	struct ec_featurizer_stats st;
};

static void run(struct out *o, const struct stub_ev *ev, size_t n, const struct ec_session_opts *so,
		const struct ec_feature_opts *fo)
{
	struct stub s = {ev, n, 0};
	struct ec_sessionizer *z;
	struct ec_featurizer *f;
	struct ec_fsession fs;
	struct ec_err err = {0};
	uint32_t ni = ec_features_count(EC_TASK_INTENT), nc = ec_features_count(EC_TASK_CATEGORY);
	int rc;

	assert_true(ni <= 64 && nc <= 64);
	memset(o, 0, sizeof(*o));
	assert_int_equal(ec_sessionizer_new(&z, so, stub_next, &s, NULL, &err), 0);
	assert_int_equal(ec_featurizer_new(&f, fo, z, &err), 0);
	while ((rc = ec_featurizer_next(f, &fs, &err)) > 0) {
		assert_true(o->n < 16);
		struct row *r = &o->r[o->n++];
		snprintf(r->id, sizeof(r->id), "%s", fs.session_id);
		r->start = fs.start;
		r->intent_cutoff = fs.intent_cutoff;
		r->category_cutoff = fs.category_cutoff;
		r->intent_ok = fs.intent_ok;
		r->category_ok = fs.category_ok;
		r->purchased = fs.purchased;
		r->labeled = fs.category_labeled;
		r->consumed = s.i;
		if (fs.intent_ok)
			memcpy(r->ix, fs.intent_x, ni * sizeof(float));
		assert_true(fs.n_cand <= 8 && fs.n_truth <= 8);
		r->n_cand = fs.n_cand;
		for (uint32_t k = 0; k < fs.n_cand; k++) {
			snprintf(r->cand[k], 64, "%s", fs.cand[k]);
			r->label[k] = fs.cand_label[k];
			memcpy(r->cx[k], fs.cand_x + (size_t)k * nc, nc * sizeof(float));
		}
		r->n_truth = fs.n_truth;
		for (uint32_t k = 0; k < fs.n_truth; k++)
			snprintf(r->truth[k], 64, "%s", fs.truth[k]);
	}
	assert_int_equal(rc, 0);
	o->st = *ec_featurizer_stats(f);
	ec_featurizer_free(f);
	ec_sessionizer_free(z);
}

static int feature_index(int task, const char *name)
{
	const struct ec_feature_def *d = ec_features(task);
	for (uint32_t i = 0; i < ec_features_count(task); i++)
		if (strcmp(d[i].name, name) == 0)
			return (int)i;
	fail_msg("no feature %s", name);
	return -1;
}

/* Expected values: a name and a value (NAN: missing), checked to 1e-6
 * relative (the rows hold floats). */
struct want {
	const char *name;
	double v;
};

static void check(const char *what, int task, const float *x, const struct want *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		double got = x[feature_index(task, w[i].name)];
		if (isnan(w[i].v)) {
			if (!isnan(got))
				fail_msg("%s %s: got %.9g, want missing", what, w[i].name, got);
			continue;
		}
		if (isnan(got) || fabs(got - w[i].v) > 1e-6 * (1 + fabs(w[i].v)))
			fail_msg("%s %s: got %.9g, want %.9g", what, w[i].name, got, w[i].v);
	}
}

#define CHECK(what, task, x, w) check(what, task, x, w, sizeof(w) / sizeof((w)[0]))

/*
 * The fixture (gap 30m, default max-session and lateness; level 2, prior
 * weight 2, at most 4 candidates). Products: p10 (a.b.c, br1, 10), p11
 * (a.b.c, br1, 20), p20 (x.y, br2, 5), p30 and p31 (no code, category 99, no
 * brand, 7), p40 (no code, category 99, br3, 3). Keys: "a.b", "x.y", "id:99".
 *
 *  s1 user 1   0 view p10, 60 view p11, 120 cart p11, 180 purchase p11
 *              end 180, closed_at 180 + 1800 = 1980
 *  s2 user 2   100 view p20, 200 view p20; end 200, closed_at 2000
 *  s3 user 1   2000 view p11, 2010 view p30, 2030 view p31, 2030 purchase p11,
 *              2040 view p11; closed_at 3840. Starts exactly at s2's
 *              closed_at: s1 and s2 are in its priors.
 *  s4 user 1   2100 view p20, 2160 cart p20, 2220 remove p20; closed_at 4020.
 *              Starts 60 s after s3 ended (< gap): s3 is not in its history.
 *  s5 user 1   5000 purchase p10, 5060 view p10: starts with its purchase,
 *              nothing before either cutoff: skipped for both tasks.
 *  s6 user 1   9000 view p40, 9060 view p11, 9120 view p40, 9180 cart p40.
 *              History: s1, s3, s4, s5.
 */
static const struct stub_ev fixture[] = {
    {T0, V, 10, 1, "s1"},	 {T0 + 60, V, 11, 1, "s1"},   {T0 + 100, V, 20, 2, "s2"},
    {T0 + 120, C, 11, 1, "s1"},	 {T0 + 180, P, 11, 1, "s1"},  {T0 + 200, V, 20, 2, "s2"},
    {T0 + 2000, V, 11, 1, "s3"}, {T0 + 2010, V, 30, 1, "s3"}, {T0 + 2030, V, 31, 1, "s3"},
    {T0 + 2030, P, 11, 1, "s3"}, {T0 + 2040, V, 11, 1, "s3"}, {T0 + 2100, V, 20, 1, "s4"},
    {T0 + 2160, C, 20, 1, "s4"}, {T0 + 2220, R, 20, 1, "s4"}, {T0 + 5000, P, 10, 1, "s5"},
    {T0 + 5060, V, 10, 1, "s5"}, {T0 + 9000, V, 40, 1, "s6"}, {T0 + 9060, V, 11, 1, "s6"},
    {T0 + 9120, V, 40, 1, "s6"}, {T0 + 9180, C, 40, 1, "s6"},
};

static void run_fixture(struct out *o)
{
	struct ec_session_opts so;
	struct ec_feature_opts fo;
	ec_session_opts_init(&so);
	ec_feature_opts_init(&fo);
	fo.prior_weight = 2;
	fo.max_candidates = 4;
	run(o, fixture, sizeof(fixture) / sizeof(fixture[0]), &so, &fo);
}

static void test_features__order_cutoffs_and_skips(void **state)
{
	(void)state;
	struct out o;
	run_fixture(&o);
	/* Start order: s1 (0), s2 (100), s3 (2000), s4 (2100), s5 (5000), s6 (9000),
	 * although the sessionizer closes s1 (1980) before s2 (2000) etc. */
	assert_int_equal(o.n, 6);
	const char *ids[] = {"s1", "s2", "s3", "s4", "s5", "s6"};
	for (int i = 0; i < 6; i++)
		assert_string_equal(o.r[i].id, ids[i]);
	/* Intent cutoffs: the first purchase, or end + 1. */
	assert_int_equal(o.r[0].intent_cutoff, T0 + 180);
	assert_int_equal(o.r[1].intent_cutoff, T0 + 201);
	assert_int_equal(o.r[2].intent_cutoff, T0 + 2030);
	assert_int_equal(o.r[3].intent_cutoff, T0 + 2221);
	assert_int_equal(o.r[4].intent_cutoff, T0 + 5000);
	assert_int_equal(o.r[5].intent_cutoff, T0 + 9181);
	/* Category cutoffs: the first cart or purchase, or end + 1. */
	assert_int_equal(o.r[0].category_cutoff, T0 + 120);
	assert_int_equal(o.r[1].category_cutoff, T0 + 201);
	assert_int_equal(o.r[2].category_cutoff, T0 + 2030);
	assert_int_equal(o.r[3].category_cutoff, T0 + 2160);
	assert_int_equal(o.r[5].category_cutoff, T0 + 9180);
	/* s5 begins with its purchase: no event before either cutoff. */
	assert_int_equal(o.r[4].intent_ok, 0);
	assert_int_equal(o.r[4].category_ok, 0);
	assert_int_equal(o.r[4].purchased, 1);
	for (int i = 0; i < 6; i++)
		if (i != 4)
			assert_int_equal(o.r[i].intent_ok, 1);
	/* Labels: s1, s3, s5 bought; s1, s3, s4, s5, s6 carted or bought. */
	int bought[] = {1, 0, 1, 0, 1, 0}, labeled[] = {1, 0, 1, 1, 1, 1};
	for (int i = 0; i < 6; i++) {
		assert_int_equal(o.r[i].purchased, bought[i]);
		assert_int_equal(o.r[i].labeled, labeled[i]);
	}
	assert_int_equal(o.st.sessions, 6);
	assert_int_equal(o.st.intent_rows, 5);
	assert_int_equal(o.st.intent_skipped, 1);
	assert_int_equal(o.st.category_sessions, 5);
	assert_int_equal(o.st.category_skipped, 1);
	/* candidates: s1 1, s2 1, s3 2, s4 2, s6 3 */
	assert_int_equal(o.st.category_rows, 9);
}

static void test_features__intent_first_sessions(void **state)
{
	(void)state;
	struct out o;
	run_fixture(&o);
	/* s1 before 180: view p10 (10) at 0, view p11 (20) at 60, cart p11 (20) at
	 * 120. Nothing folded yet: no history, priors 0, rates missing. */
	const struct want s1[] = {
	    {"events", 3},
	    {"views", 2},
	    {"carts", 1},
	    {"removes", 0},
	    {"products", 2},
	    {"categories", 1},
	    {"brands", 1},
	    {"duration_s", 120},
	    {"gap_mean_s", 60},
	    {"gap_max_s", 60},
	    {"last_gap_s", 60},
	    {"reviews", 0},
	    {"view_price_mean", 15},
	    {"view_price_max", 20},
	    {"view_price_min", 10},
	    {"cart_price_mean", 20},
	    {"cart_price_max", 20},
	    {"cart_value", 20},
	    {"remove_ratio", 0}, /* 0 removes / 1 cart */
	    {"start_hour", 0},
	    {"start_weekday", 1}, /* Tuesday */
	    {"top_category_share", 1},
	    {"view_categories", 1},
	    {"user_sessions", 0},
	    {"user_purchase_sessions", 0},
	    {"user_purchases", 0},
	    {"user_days_since_session", NAN},
	    {"user_days_since_purchase", NAN},
	    {"user_views", 0},
	    {"user_carts", 0},
	    {"user_conversion", NAN}, /* no session folded anywhere yet */
	    {"top_category_views_log", 0},
	    {"top_category_conv", NAN},
	    {"top_brand_views_log", 0},
	    {"top_brand_conv", NAN},
	    {"top_product_views_log", 0},
	    {"top_product_conv", NAN},
	};
	CHECK("s1", EC_TASK_INTENT, o.r[0].ix, s1);
	/* s2: two views of p20 (5) at 100 and 200; no purchase, cutoff 201. */
	const struct want s2[] = {
	    {"events", 2},
	    {"views", 2},
	    {"carts", 0},
	    {"products", 1},
	    {"duration_s", 100},
	    {"gap_mean_s", 100},
	    {"last_gap_s", 100},
	    {"reviews", 1},
	    {"view_price_mean", 5},
	    {"cart_price_mean", NAN},
	    {"cart_price_max", NAN},
	    {"cart_value", 0},
	    {"remove_ratio", NAN},
	    {"user_sessions", 0},
	    {"top_category_views_log", 0},
	};
	CHECK("s2", EC_TASK_INTENT, o.r[1].ix, s2);
}

static void test_features__intent_history_and_priors(void **state)
{
	(void)state;
	struct out o;
	run_fixture(&o);
	/* s3 at 2000 sees s1 (closed 1980) and s2 (closed 2000 = its start).
	 * Folded: 2 sessions, 1 purchasing. user 1: 1 session, 1 purchase, 2
	 * views, 1 cart, last end 180, last purchase 180. Keys: a.b 2 views in 1
	 * session that bought in it; x.y 2 views, 1 session, no purchase: g(cat) =
	 * 1/2. Brands: br1 2 views, 1 viewing session that bought; br2 2 views,
	 * 1 session: g = 1/2. Products viewed per session: p10, p11 (bought),
	 * p20: g = 1/3.
	 * s3 before 2030: view p11 at 2000, view p30 at 2010 (the view of p31 at
	 * 2030 is in the purchase's second: not before the cutoff). */
	const struct want s3[] = {
	    {"events", 2},
	    {"views", 2},
	    {"products", 2},
	    {"categories", 2}, /* ids 1 and 99 */
	    {"brands", 1},     /* br1; p30 has none */
	    {"duration_s", 10},
	    {"gap_mean_s", 10},
	    {"view_price_mean", 13.5},
	    {"view_price_max", 20},
	    {"view_price_min", 7},
	    {"top_category_share", 0.5}, /* a.b 1, id:99 1 */
	    {"view_categories", 2},
	    {"user_sessions", 1},
	    {"user_purchase_sessions", 1},
	    {"user_purchases", 1},
	    {"user_days_since_session", 1820.0 / 86400}, /* 2000 - 180 */
	    {"user_days_since_purchase", 1820.0 / 86400},
	    {"user_views", 2},
	    {"user_carts", 1},
	    {"user_conversion", 0.75}, /* (1 + 1 * 1/2) / (1 + 1) */
	    /* Most viewed key: a tie (1 view each), the later viewed wins: id:99,
	     * unseen before: log1p(0) = 0, rate (0 + 2 * 1/2) / (0 + 2). */
	    {"top_category_views_log", 0},
	    {"top_category_conv", 0.5},
	    /* br1: log1p(2); (1 + 2 * 1/2) / (1 + 2) */
	    {"top_brand_views_log", log(3.0)},
	    {"top_brand_conv", 2.0 / 3},
	    /* p11 and p30 tie, p30 viewed later: unseen; (0 + 2 * 1/3) / 2 */
	    {"top_product_views_log", 0},
	    {"top_product_conv", 1.0 / 3},
	};
	CHECK("s3", EC_TASK_INTENT, o.r[2].ix, s3);

	/* s4 at 2100: s3 closes at 3840 > 2100, so the state is as for s3. */
	const struct want s4[] = {
	    {"events", 3},
	    {"views", 1},
	    {"carts", 1},
	    {"removes", 1},
	    {"duration_s", 120},
	    {"cart_price_mean", 5},
	    {"cart_value", 5},
	    {"remove_ratio", 1},
	    {"user_sessions", 1}, /* s1 only: s3 ended 60 s ago */
	    {"user_purchase_sessions", 1},
	    {"user_days_since_session", 1920.0 / 86400}, /* 2100 - 180 */
	    {"user_days_since_purchase", 1920.0 / 86400},
	    {"user_conversion", 0.75},
	    {"top_category_views_log", log(3.0)}, /* x.y: 2 views */
	    {"top_category_conv", 1.0 / 3},	  /* (0 + 2 * 1/2) / (1 + 2) */
	    {"top_brand_views_log", log(3.0)},	  /* br2 */
	    {"top_brand_conv", 1.0 / 3},
	    {"top_product_views_log", log(3.0)}, /* p20 */
	    {"top_product_conv", 2.0 / 9},	 /* (0 + 2 * 1/3) / (1 + 2) */
	};
	CHECK("s4", EC_TASK_INTENT, o.r[3].ix, s4);

	/* s6 at 9000 sees s1..s5. Folded: 5 sessions, 3 purchasing (s1, s3, s5).
	 * user 1 (s1, s3, s4, s5): 4 sessions, 3 purchasing, 3 purchases, views
	 * 2 + 4 + 1 + 1 = 8, carts 1 + 0 + 1 + 0 = 2, last end 5060, last purchase
	 * 5000. Keys: a.b 5 views, viewed in 3 sessions that all bought in it;
	 * x.y 3 views, 2 sessions, 1 carted it; id:99 2 views in 1 session.
	 * Viewing sessions per key: 6, of them bought 3, carted 4.
	 * Brands: br1 5 views, 3 sessions, 3 bought; br2 2 sessions; 5 viewing,
	 * 3 bought. Products: p10 (s1, s5: 1 bought), p11 (s1, s3: 2 bought),
	 * p20 (s2, s4), p30, p31: 8 viewing, 3 bought.
	 * s6 before 9181: views p40 (3), p11 (20), p40 (3), cart p40 (3). */
	const struct want s6[] = {
	    {"events", 4},
	    {"views", 3},
	    {"carts", 1},
	    {"products", 2},
	    {"categories", 2},
	    {"brands", 2},
	    {"duration_s", 180},
	    {"gap_mean_s", 60},
	    {"gap_max_s", 60},
	    {"last_gap_s", 60},
	    {"reviews", 1},
	    {"view_price_mean", 26.0 / 3},
	    {"view_price_max", 20},
	    {"view_price_min", 3},
	    {"cart_price_mean", 3},
	    {"cart_value", 3},
	    {"remove_ratio", 0},
	    {"start_hour", 2}, /* 02:30 */
	    {"top_category_share", 2.0 / 3},
	    {"view_categories", 2},
	    {"user_sessions", 4},
	    {"user_purchase_sessions", 3},
	    {"user_purchases", 3},
	    {"user_days_since_session", 3940.0 / 86400},  /* 9000 - 5060 */
	    {"user_days_since_purchase", 4000.0 / 86400}, /* 9000 - 5000 */
	    {"user_views", 8},
	    {"user_carts", 2},
	    {"user_conversion", 0.72},		  /* (3 + 1 * 3/5) / (4 + 1) */
	    {"top_category_views_log", log(3.0)}, /* id:99: 2 views (s3) */
	    {"top_category_conv", 1.0 / 3},	  /* (0 + 2 * 3/6) / (1 + 2) */
	    {"top_brand_views_log", 0},		  /* br3, never seen */
	    {"top_brand_conv", 0.6},		  /* (0 + 2 * 3/5) / 2 */
	    {"top_product_views_log", 0},	  /* p40 */
	    {"top_product_conv", 0.375},	  /* (0 + 2 * 3/8) / 2 */
	};
	CHECK("s6", EC_TASK_INTENT, o.r[5].ix, s6);
}

static void test_features__category_candidates(void **state)
{
	(void)state;
	struct out o;
	run_fixture(&o);
	int nc = EC_TASK_CATEGORY;

	/* s1 before 120: two views of a.b. Nothing folded: no other candidate. */
	assert_int_equal(o.r[0].n_cand, 1);
	assert_string_equal(o.r[0].cand[0], "a.b");
	assert_int_equal(o.r[0].label[0], 1);
	assert_int_equal(o.r[0].n_truth, 1);
	assert_string_equal(o.r[0].truth[0], "a.b");
	const struct want s1[] = {
	    {"cand_source", 0},		 {"cand_views", 2},	      {"cand_view_share", 1},
	    {"cand_viewed_last", 1},	 {"cand_view_rank", 1},	      {"cand_secs_since_view", 0},
	    {"cand_prior_views_log", 0}, {"cand_prior_carts_log", 0}, {"cand_prior_cart_rate", NAN},
	    {"sess_events", 2},		 {"sess_views", 2},	      {"sess_categories", 1},
	    {"sess_duration_s", 60},	 {"user_sessions", 0},
	};
	CHECK("s1 a.b", nc, o.r[0].cx[0], s1);
	/* Dwell: 0 -> 60 (the view at 60 is the last before the cutoff). No
	 * earlier session with a cart, no history of the user. */
	const struct want s1n[] = {
	    {"cand_dwell_share", 1},
	    {"cand_top_product_views", 1},
	    {"cand_prior_cart_share", NAN},
	    {"cand_user_views", 0},
	    {"cand_user_view_share", NAN},
	    {"cand_user_view_sessions", 0},
	    {"cand_user_days_since_view", NAN},
	    {"cand_user_last_views", 0},
	};
	CHECK("s1 a.b new", nc, o.r[0].cx[0], s1n);

	/* s2: no cart, so no truth; the viewed key is still a candidate. */
	assert_int_equal(o.r[1].n_cand, 1);
	assert_string_equal(o.r[1].cand[0], "x.y");
	assert_int_equal(o.r[1].n_truth, 0);
	assert_int_equal(o.r[1].label[0], 0);

	/* s3 before 2030: a.b at 2000, id:99 at 2010; tie on views, the later
	 * viewed first. The user's past (a.b) and the popular list (a.b) add
	 * nothing new. Truth: a.b (the purchase). Cart rate g = 1/2 (1 of the 2
	 * viewing sessions carted). */
	assert_int_equal(o.r[2].n_cand, 2);
	assert_string_equal(o.r[2].cand[0], "id:99");
	assert_string_equal(o.r[2].cand[1], "a.b");
	assert_int_equal(o.r[2].label[0], 0);
	assert_int_equal(o.r[2].label[1], 1);
	const struct want s3a[] = {
	    {"cand_source", 0},
	    {"cand_views", 1},
	    {"cand_view_share", 0.5},
	    {"cand_viewed_last", 1},
	    {"cand_view_rank", 1},
	    {"cand_secs_since_view", 0},
	    {"cand_prior_views_log", 0},
	    {"cand_prior_carts_log", 0},
	    {"cand_prior_cart_rate", 0.5}, /* (0 + 2 * 1/2) / (0 + 2) */
	    {"cand_user_carts", 0},
	    {"cand_user_purchases", 0},
	    {"cand_user_top", 0},
	    {"sess_events", 2},
	    {"sess_views", 2},
	    {"sess_categories", 2},
	    {"sess_duration_s", 10},
	    {"user_sessions", 1},
	};
	CHECK("s3 id:99", nc, o.r[2].cx[0], s3a);
	/* Dwell: a.b 2000 -> 2010, id:99 last. One earlier session carted
	 * (s1); the user's history is s1: 2 views of a.b, ending at 180. */
	const struct want s3an[] = {
	    {"cand_dwell_share", 0},
	    {"cand_top_product_views", 1},
	    {"cand_prior_cart_share", 0},
	    {"cand_user_views", 0},
	    {"cand_user_view_share", 0},
	    {"cand_user_view_sessions", 0},
	    {"cand_user_days_since_view", NAN},
	    {"cand_user_last_views", 0},
	};
	CHECK("s3 id:99 new", nc, o.r[2].cx[0], s3an);
	const struct want s3bn[] = {
	    {"cand_dwell_share", 1},
	    {"cand_top_product_views", 1},
	    {"cand_prior_cart_share", 1},
	    {"cand_user_views", 2},
	    {"cand_user_view_share", 1},
	    {"cand_user_view_sessions", 1},
	    {"cand_user_days_since_view", 1820.0 / 86400}, /* 2000 - 180 */
	    {"cand_user_last_views", 2},
	};
	CHECK("s3 a.b new", nc, o.r[2].cx[1], s3bn);
	const struct want s3b[] = {
	    {"cand_source", 0},
	    {"cand_views", 1},
	    {"cand_view_share", 0.5},
	    {"cand_viewed_last", 0},
	    {"cand_view_rank", 2},
	    {"cand_secs_since_view", 10}, /* 2010 - 2000 */
	    {"cand_prior_views_log", log(3.0)},
	    {"cand_prior_carts_log", log(2.0)},
	    {"cand_prior_cart_rate", 2.0 / 3}, /* (1 + 2 * 1/2) / (1 + 2) */
	    {"cand_user_carts", 1},
	    {"cand_user_purchases", 1},
	    {"cand_user_top", 1},
	};
	CHECK("s3 a.b", nc, o.r[2].cx[1], s3b);

	/* s4 before 2160: one view of x.y. Then the user's past category a.b. */
	assert_int_equal(o.r[3].n_cand, 2);
	assert_string_equal(o.r[3].cand[0], "x.y");
	assert_string_equal(o.r[3].cand[1], "a.b");
	assert_int_equal(o.r[3].label[0], 1);
	assert_int_equal(o.r[3].label[1], 0);
	const struct want s4b[] = {
	    {"cand_source", 2}, /* the most carted key (s1) before the user's past */
	    {"cand_from_viewed", 0},
	    {"cand_from_user", 1},
	    {"cand_from_popular", 1},
	    {"cand_popularity_rank", 1},
	    {"cand_views", 0},
	    {"cand_view_share", 0},
	    {"cand_viewed_last", 0},
	    {"cand_view_rank", NAN},
	    {"cand_secs_since_view", NAN},
	    {"cand_prior_views_log", log(3.0)},
	    {"cand_prior_carts_log", log(2.0)},
	    {"cand_prior_cart_rate", 2.0 / 3},
	    {"cand_user_carts", 1},
	    {"cand_user_purchases", 1},
	    {"cand_user_top", 1},
	    {"sess_events", 1},
	    {"sess_duration_s", 0},
	    {"user_sessions", 1},
	};
	CHECK("s4 a.b", nc, o.r[3].cx[1], s4b);
	/* One event before the cutoff: no dwell at all. */
	const struct want s4bn[] = {
	    {"cand_dwell_share", NAN},
	    {"cand_top_product_views", 0},
	    {"cand_prior_cart_share", 1},
	    {"cand_user_views", 2},
	    {"cand_user_view_share", 1},
	    {"cand_user_view_sessions", 1},
	    {"cand_user_days_since_view", 1920.0 / 86400}, /* 2100 - 180 */
	    {"cand_user_last_views", 2},
	};
	CHECK("s4 a.b new", nc, o.r[3].cx[1], s4bn);

	/* s6 before 9180: id:99 viewed twice (last at 9120), a.b once (9060).
	 * The user's past: a.b (1 cart + 3 purchases), x.y (1 cart); popular:
	 * a.b (3 carting sessions), x.y (1). At most 4: id:99, a.b, x.y.
	 * Cart rate g = 4/6. */
	assert_int_equal(o.r[5].n_cand, 3);
	assert_string_equal(o.r[5].cand[0], "id:99");
	assert_string_equal(o.r[5].cand[1], "a.b");
	assert_string_equal(o.r[5].cand[2], "x.y");
	assert_int_equal(o.r[5].label[0], 1);
	assert_int_equal(o.r[5].label[1], 0);
	assert_int_equal(o.r[5].label[2], 0);
	assert_int_equal(o.r[5].n_truth, 1);
	assert_string_equal(o.r[5].truth[0], "id:99");
	const struct want s6a[] = {
	    {"cand_views", 2},
	    {"cand_view_share", 2.0 / 3},
	    {"cand_viewed_last", 1},
	    {"cand_view_rank", 1},
	    {"cand_secs_since_view", 0},
	    {"cand_prior_views_log", log(3.0)},
	    {"cand_prior_carts_log", 0},
	    {"cand_prior_cart_rate", 4.0 / 9}, /* (0 + 2 * 4/6) / (1 + 2) */
	    {"cand_user_top", 0},
	    {"sess_events", 3},
	    {"sess_views", 3},
	    {"sess_categories", 2},
	    {"sess_duration_s", 120},
	    {"user_sessions", 4},
	};
	CHECK("s6 id:99", nc, o.r[5].cx[0], s6a);
	const struct want s6b[] = {
	    {"cand_source", 0},
	    {"cand_views", 1},
	    {"cand_view_share", 1.0 / 3},
	    {"cand_viewed_last", 0},
	    {"cand_view_rank", 2},
	    {"cand_secs_since_view", 60}, /* 9120 - 9060 */
	    {"cand_prior_views_log", log(6.0)},
	    {"cand_prior_carts_log", log(4.0)},
	    {"cand_prior_cart_rate", 13.0 / 15}, /* (3 + 2 * 4/6) / (3 + 2) */
	    {"cand_user_carts", 1},
	    {"cand_user_purchases", 3},
	    {"cand_user_top", 1},
	};
	CHECK("s6 a.b", nc, o.r[5].cx[1], s6b);
	const struct want s6c[] = {
	    {"cand_source", 2}, /* the second most carted key, before the user's past */
	    {"cand_from_user", 1},
	    {"cand_popularity_rank", 2},
	    {"cand_views", 0},
	    {"cand_view_rank", NAN},
	    {"cand_prior_views_log", log(4.0)},
	    {"cand_prior_carts_log", log(2.0)},
	    {"cand_prior_cart_rate", 7.0 / 12}, /* (1 + 2 * 4/6) / (2 + 2) */
	    {"cand_user_carts", 1},
	    {"cand_user_purchases", 0},
	    {"cand_user_top", 0},
	};
	CHECK("s6 x.y", nc, o.r[5].cx[2], s6c);
	/* Dwell: id:99 9000 -> 9060, a.b 9060 -> 9120, 120 in all. Carting
	 * sessions folded: s1, s3, s4, s5 (4). The user's 8 earlier views: a.b
	 * 2 (s1) + 2 (s3) + 1 (s5), id:99 2 (s3, ended 2040), x.y 1 (s4, ended
	 * 2220); the last earlier session is s5 (ended 5060). */
	const struct want s6an[] = {
	    {"cand_dwell_share", 0.5},
	    {"cand_top_product_views", 2}, /* p40 */
	    {"cand_prior_cart_share", 0},
	    {"cand_user_views", 2},
	    {"cand_user_view_share", 0.25},
	    {"cand_user_view_sessions", 1},
	    {"cand_user_days_since_view", 6960.0 / 86400}, /* 9000 - 2040 */
	    {"cand_user_last_views", 0},
	};
	CHECK("s6 id:99 new", nc, o.r[5].cx[0], s6an);
	const struct want s6bn[] = {
	    {"cand_dwell_share", 0.5},
	    {"cand_top_product_views", 1},
	    {"cand_prior_cart_share", 0.75},
	    {"cand_user_views", 5},
	    {"cand_user_view_share", 5.0 / 8},
	    {"cand_user_view_sessions", 3},
	    {"cand_user_days_since_view", 3940.0 / 86400}, /* 9000 - 5060 */
	    {"cand_user_last_views", 1},
	};
	CHECK("s6 a.b new", nc, o.r[5].cx[1], s6bn);
	const struct want s6cn[] = {
	    {"cand_dwell_share", 0},
	    {"cand_top_product_views", 0},
	    {"cand_prior_cart_share", 0.25},
	    {"cand_user_views", 1},
	    {"cand_user_view_share", 1.0 / 8},
	    {"cand_user_view_sessions", 1},
	    {"cand_user_days_since_view", 6780.0 / 86400}, /* 9000 - 2220 */
	    {"cand_user_last_views", 0},
	};
	CHECK("s6 x.y new", nc, o.r[5].cx[2], s6cn);
}

/* A category the user only viewed before is a candidate of the user's past,
 * after the viewed ones, and not the user's "top" (that needs a cart). */
static void test_features__viewed_history_candidate(void **state)
{
	(void)state;
	struct ec_session_opts so;
	struct ec_feature_opts fo;
	ec_session_opts_init(&so);
	ec_feature_opts_init(&fo);
	/* a: two views of x.y, end 30, closed at 1830; b: views a.b at 4000,
	 * carts it at 4010. */
	const struct stub_ev ev[] = {
	    {T0, V, 20, 7, "a"},
	    {T0 + 30, V, 20, 7, "a"},
	    {T0 + 4000, V, 10, 7, "b"},
	    {T0 + 4010, C, 10, 7, "b"},
	};
	struct out o;
	run(&o, ev, 4, &so, &fo);
	assert_int_equal(o.n, 2);
	assert_string_equal(o.r[1].id, "b");
	assert_int_equal(o.r[1].n_cand, 2);
	assert_string_equal(o.r[1].cand[0], "a.b");
	assert_string_equal(o.r[1].cand[1], "x.y");
	assert_int_equal(o.r[1].label[0], 1);
	assert_int_equal(o.r[1].label[1], 0);
	const struct want ab[] = {
	    {"cand_source", 0},
	    {"cand_user_views", 0},
	    {"cand_user_view_share", 0},
	    {"cand_user_days_since_view", NAN},
	    {"cand_user_last_views", 0},
	    {"cand_dwell_share", NAN},
	    {"cand_prior_cart_share", NAN}, /* no earlier session carted */
	};
	CHECK("b a.b", EC_TASK_CATEGORY, o.r[1].cx[0], ab);
	const struct want xy[] = {
	    {"cand_source", 1},
	    {"cand_views", 0},
	    {"cand_user_carts", 0},
	    {"cand_user_top", 0},
	    {"cand_user_views", 2},
	    {"cand_user_view_share", 1},
	    {"cand_user_view_sessions", 1},
	    {"cand_user_days_since_view", 3970.0 / 86400}, /* 4000 - 30 */
	    {"cand_user_last_views", 2},
	    {"cand_top_product_views", 0},
	};
	CHECK("b x.y", EC_TASK_CATEGORY, o.r[1].cx[1], xy);
}

static void test_features__streams_in_start_order(void **state)
{
	(void)state;
	struct ec_session_opts so;
	struct ec_feature_opts fo;
	ec_session_opts_init(&so);
	ec_feature_opts_init(&fo);
	so.gap = 300;
	so.max_session = 600;
	so.lateness = 0;
	/* a (0, 250) closes at 550, b (100) at 400: the sessionizer gives b
	 * first (when f at 450 moves the watermark past 400), a when c (5000)
	 * comes. V, the watermark before the last call that moved it, is 450
	 * after that, then 5000 once d (10000) is read: only then are a, b, f
	 * (start + 600 < 5000) out, in start order, with e still unread; c
	 * (5000 + 600) waits for e. */
	const struct stub_ev ev[] = {
	    {T0, V, 1, 1, "a"},		{T0 + 100, V, 1, 2, "b"},  {T0 + 250, V, 2, 1, "a"},
	    {T0 + 450, V, 1, 6, "f"},	{T0 + 5000, V, 1, 3, "c"}, {T0 + 10000, V, 1, 4, "d"},
	    {T0 + 20000, V, 1, 5, "e"},
	};
	struct out o;
	run(&o, ev, 7, &so, &fo);
	assert_int_equal(o.n, 6);
	const char *ids[] = {"a", "b", "f", "c", "d", "e"};
	const size_t consumed[] = {6, 6, 6, 7, 7, 7};
	for (int i = 0; i < 6; i++) {
		assert_string_equal(o.r[i].id, ids[i]);
		assert_int_equal(o.r[i].consumed, consumed[i]);
	}
}

static void test_features__same_start_never_sees_itself(void **state)
{
	(void)state;
	struct ec_session_opts so;
	struct ec_feature_opts fo;
	ec_session_opts_init(&so);
	ec_feature_opts_init(&fo);
	so.gap = 0;
	/* With --gap 0 a one-event session is over at its own start (closed_at
	 * = start). x and y both start at T0: x goes first (by id) and may not
	 * count itself (nor y, not featurized yet); y sees x (closed at T0 <= its
	 * start); z at T0 + 1 sees both. Were a session folded before its own
	 * features, x would count 2. */
	const struct stub_ev ev[] = {
	    {T0, V, 10, 1, "x"},
	    {T0, P, 11, 1, "y"},
	    {T0, V, 11, 1, "y"},
	    {T0 + 1, V, 11, 1, "z"},
	};
	struct out o;
	run(&o, ev, 4, &so, &fo);
	assert_int_equal(o.n, 3);
	assert_string_equal(o.r[0].id, "x");
	const struct want x[] = {{"user_sessions", 0}, {"user_purchases", 0}};
	CHECK("x", EC_TASK_INTENT, o.r[0].ix, x);
	assert_string_equal(o.r[1].id, "y");
	assert_int_equal(o.r[1].intent_ok, 0); /* starts with its purchase */
	const struct want z[] = {{"user_sessions", 2}, {"user_purchases", 1}};
	CHECK("z", EC_TASK_INTENT, o.r[2].ix, z);
}

/* FNV-1a, written again here from its definition (offset basis
 * 0xcbf29ce484222325, prime 0x100000001b3). */
static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static void test_features__tables_and_hash(void **state)
{
	(void)state;
	/* The published FNV-1a 64 of "a". */
	assert_true(fnv(0xcbf29ce484222325ULL, "a") == 0xaf63dc4c8601ec8cULL);
	for (int t = 0; t < EC_TASK_N; t++) {
		const struct ec_feature_def *d = ec_features(t);
		char buf[32];
		snprintf(buf, sizeof(buf), "%d\n", EC_FEATURES_VERSION);
		uint64_t h = fnv(0xcbf29ce484222325ULL, buf);
		assert_true(ec_features_count(t) > 10);
		for (uint32_t i = 0; i < ec_features_count(t); i++) {
			assert_non_null(d[i].compute);
			assert_true(strlen(d[i].description) > 10);
			for (const char *p = d[i].name; *p; p++)
				assert_true((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
					    *p == '_');
			for (uint32_t j = 0; j < i; j++)
				assert_string_not_equal(d[i].name, d[j].name);
			h = fnv(fnv(h, d[i].name), "\n");
		}
		assert_true(h == ec_features_hash(t));
	}
	assert_true(ec_features_hash(EC_TASK_INTENT) != ec_features_hash(EC_TASK_CATEGORY));
}

static void test_features__bad_options(void **state)
{
	(void)state;
	struct ec_session_opts so;
	struct ec_feature_opts fo;
	struct ec_sessionizer *z;
	struct ec_featurizer *f;
	struct ec_err err = {0};
	struct stub s = {fixture, 0, 0};
	ec_session_opts_init(&so);
	assert_int_equal(ec_sessionizer_new(&z, &so, stub_next, &s, NULL, &err), 0);
	ec_feature_opts_init(&fo);
	fo.prior_weight = -1;
	assert_int_equal(ec_featurizer_new(&f, &fo, z, &err), EC_EUSAGE);
	assert_null(f);
	ec_feature_opts_init(&fo);
	fo.max_candidates = 0;
	assert_int_equal(ec_featurizer_new(&f, &fo, z, &err), EC_EUSAGE);
	ec_feature_opts_init(&fo);
	fo.category_level = -1;
	assert_int_equal(ec_featurizer_new(&f, &fo, z, &err), EC_EUSAGE);
	ec_sessionizer_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_features__order_cutoffs_and_skips),
	    cmocka_unit_test(test_features__intent_first_sessions),
	    cmocka_unit_test(test_features__intent_history_and_priors),
	    cmocka_unit_test(test_features__category_candidates),
	    cmocka_unit_test(test_features__viewed_history_candidate),
	    cmocka_unit_test(test_features__streams_in_start_order),
	    cmocka_unit_test(test_features__same_start_never_sees_itself),
	    cmocka_unit_test(test_features__tables_and_hash),
	    cmocka_unit_test(test_features__bad_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
