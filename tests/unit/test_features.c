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

#include "features_fixture.h"

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
}

static void test_features__intent_history_all_folded(void **state)
{
	(void)state;
	struct out o;
	run_fixture(&o);

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
	    cmocka_unit_test(test_features__intent_history_all_folded),
	    cmocka_unit_test(test_features__streams_in_start_order),
	    cmocka_unit_test(test_features__same_start_never_sees_itself),
	    cmocka_unit_test(test_features__tables_and_hash),
	    cmocka_unit_test(test_features__bad_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
