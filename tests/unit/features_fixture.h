/* features_fixture.h -- what the featurizer's unit tests share
 * (test_features.c, test_features_category.c): a stub event source, the
 * fixture of six sessions (described below), a copy of each featurized row,
 * and the check of expected values. Every expected value in those tests was
 * worked out by hand from the rules in features.h. Include once per test. */
#ifndef ECOMCTL_TEST_FEATURES_FIXTURE_H
#define ECOMCTL_TEST_FEATURES_FIXTURE_H

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

#endif
