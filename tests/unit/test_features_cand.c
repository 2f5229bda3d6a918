/* Unit tests of the category candidates beyond the viewed keys: keys
 * co-carted with the viewed ones, keys removed from the cart, the most
 * carted keys, with their source flags and strengths, and the point-in-time
 * rule for all of them (only sessions closed at or before the start count).
 * Every expected value was worked out by hand from features.h and the
 * feature tables; the arithmetic is next to it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ecomctl/features.h"

#define V EC_EV_VIEW
#define C EC_EV_CART
#define R EC_EV_REMOVE

struct stub_ev {
	int64_t t;
	int type;
	uint64_t product, user;
	const char *sess;
};

/* Products 1..4: codes a.a, b.b, c.c, d.d, category ids 1..4, price 10 p. */
static const char *const codes[] = {"", "a.a", "b.b", "c.c", "d.d"};

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
	memset(out, 0, sizeof(*out));
	out->time = e->t;
	out->type = (uint8_t)e->type;
	out->product_id = e->product;
	out->category_id = e->product;
	out->price = 10.0 * (double)e->product;
	out->user_id = e->user;
	out->session.p = e->sess;
	out->session.n = strlen(e->sess);
	out->category_code.p = codes[e->product];
	out->category_code.n = strlen(codes[e->product]);
	out->brand.p = "";
	out->line = s->i + 1;
	return 1;
}

struct cand {
	char key[16];
	float x[64];
};
struct sess {
	char id[16];
	uint32_t n;
	struct cand c[8];
};

static int col(const char *name)
{
	const struct ec_feature_def *d = ec_features(EC_TASK_CATEGORY);
	for (uint32_t i = 0; i < ec_features_count(EC_TASK_CATEGORY); i++)
		if (strcmp(d[i].name, name) == 0)
			return (int)i;
	fail_msg("no feature %s", name);
	return -1;
}

static double val(const struct cand *c, const char *name)
{
	return c->x[col(name)];
}

#define assert_val(c, name, want) assert_true(fabs(val(c, name) - (want)) < 1e-6)

/*
 *  s1 user 1     0 view p1 (a.a), 10 cart p2 (b.b); closed at 10 + 1800
 *  s4 user 4  1000 view p1: starts before s1 closed, sees nothing of it
 *  s2 user 2  3000 view p1, 3010 view p3 (c.c); no cart
 *  s3 user 3  5000 remove p4 (d.d), 5010 cart p4: no view before its cutoff
 */
static const struct stub_ev ev[] = {
    {0, V, 1, 1, "s1"},	   {10, C, 2, 1, "s1"},	  {1000, V, 1, 4, "s4"}, {3000, V, 1, 2, "s2"},
    {3010, V, 3, 2, "s2"}, {5000, R, 4, 3, "s3"}, {5010, C, 4, 3, "s3"},
};

static void test_features__candidates_beyond_views(void **state)
{
	(void)state;
	struct ec_session_opts so;
	struct ec_feature_opts fo;
	struct stub s = {ev, sizeof(ev) / sizeof(ev[0]), 0};
	struct ec_sessionizer *z;
	struct ec_featurizer *f;
	struct ec_fsession fs;
	struct ec_err err = {0};
	struct sess out[8];
	uint32_t nc = ec_features_count(EC_TASK_CATEGORY), n = 0;
	int rc;

	assert_true(nc <= 64);
	ec_session_opts_init(&so);
	ec_feature_opts_init(&fo);
	assert_int_equal(ec_sessionizer_new(&z, &so, stub_next, &s, NULL, &err), 0);
	assert_int_equal(ec_featurizer_new(&f, &fo, z, &err), 0);
	while ((rc = ec_featurizer_next(f, &fs, &err)) > 0) {
		struct sess *o = &out[n++];
		snprintf(o->id, sizeof(o->id), "%s", fs.session_id);
		o->n = fs.n_cand;
		assert_true(o->n <= 8);
		for (uint32_t k = 0; k < o->n; k++) {
			snprintf(o->c[k].key, sizeof(o->c[k].key), "%s", fs.cand[k]);
			memcpy(o->c[k].x, fs.cand_x + (size_t)k * nc, nc * sizeof(float));
		}
	}
	assert_int_equal(rc, 0);
	ec_featurizer_free(f);
	ec_sessionizer_free(z);
	assert_int_equal(n, 4);
	/* Start order: s1, s4, s2, s3. */
	assert_string_equal(out[1].id, "s4");
	assert_string_equal(out[2].id, "s2");
	assert_string_equal(out[3].id, "s3");

	/* s4 started before s1 closed: its only candidate is its view. */
	assert_int_equal(out[1].n, 1);
	assert_string_equal(out[1].c[0].key, "a.a");
	assert_val(&out[1].c[0], "cand_cocart_max", 0);
	assert_true(isnan(val(&out[1].c[0], "cand_popularity_rank")));

	/* s2: viewed c.c (last) and a.a; then b.b, the most carted key, which
	 * s1 also co-carted with a.a: 1 of the 2 earlier sessions viewing a.a
	 * (s1 and s4, both closed by 3000). */
	const struct sess *s2 = &out[2];
	assert_int_equal(s2->n, 3);
	assert_string_equal(s2->c[0].key, "c.c");
	assert_string_equal(s2->c[1].key, "a.a");
	assert_string_equal(s2->c[2].key, "b.b");
	const struct cand *b = &s2->c[2], *a = &s2->c[1];
	assert_val(b, "cand_source", 2);
	assert_val(b, "cand_from_popular", 1);
	assert_val(b, "cand_from_cocart", 1);
	assert_val(b, "cand_from_viewed", 0);
	assert_val(b, "cand_cocart_max", 0.5);
	assert_val(b, "cand_cocart_mix", 0.25); /* a.a holds 1 of the 2 views: 1/2 * 1/2 */
	assert_val(b, "cand_popularity_rank", 1);
	assert_true(isnan(val(b, "cand_price_level"))); /* b.b never viewed before */
	assert_val(a, "cand_from_viewed", 1);
	assert_val(a, "cand_cocart_max", 0);
	assert_val(a, "cand_recency_rank", 2);
	assert_val(&s2->c[0], "cand_recency_rank", 1);
	/* a.a was viewed at 10 before (s1, s4); the session's views average
	 * (10 + 30) / 2. */
	assert_val(a, "cand_price_level", log(10.0 / 20.0));

	/* s3: no view before its cart; the removed d.d first, then b.b. */
	const struct sess *s3 = &out[3];
	assert_int_equal(s3->n, 2);
	assert_string_equal(s3->c[0].key, "d.d");
	assert_val(&s3->c[0], "cand_source", 4);
	assert_val(&s3->c[0], "cand_from_removed", 1);
	assert_val(&s3->c[0], "cand_removes", 1);
	assert_string_equal(s3->c[1].key, "b.b");
	assert_val(&s3->c[1], "cand_removes", 0);
	assert_val(&s3->c[1], "cand_cocart_max", 0); /* nothing viewed to co-cart with */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_features__candidates_beyond_views),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
