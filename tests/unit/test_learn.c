/*
 * test_learn.c -- unit tests of learn.h: ranking order, the time split,
 * category sets and their ranking metrics, and the baselines, on tiny sets
 * whose answers are worked out by hand in the comments.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ecomctl/features.h"
#include "ecomctl/learn.h"

#define TOL 1e-12
#define assert_near(a, b) assert_true(fabs((a) - (b)) < TOL)

static void test_learn__rank_order(void **state)
{
	const float s[] = {0.2f, NAN, 0.9f, 0.2f, 0.5f};
	uint32_t idx[5];
	ec_rank_order(s, 5, idx);
	/* 0.9 (2), 0.5 (4), 0.2 (0 before 3: lower index), NaN last (1). */
	const uint32_t want[] = {2, 4, 0, 3, 1};
	for (int i = 0; i < 5; i++)
		assert_int_equal(idx[i], want[i]);
}

static void test_learn__split(void **state)
{
	const int64_t st[] = {100, 100, 150, 200, 200, 300};
	assert_int_equal(ec_split_index(st, 6, 0), 0);
	assert_int_equal(ec_split_index(st, 6, 100), 0);
	assert_int_equal(ec_split_index(st, 6, 101), 2);
	assert_int_equal(ec_split_index(st, 6, 200), 3);
	assert_int_equal(ec_split_index(st, 6, 301), 6);
	/* Span 100..300: the last 0.2 starts at 100 + 0.8 * 200 = 260. */
	assert_int_equal(ec_split_time(st, 6, 0.2), 260);
	/* 0.25 of 200 is 150 from the start: 250; rounding up keeps it exact. */
	assert_int_equal(ec_split_time(st, 6, 0.75), 150);
}

/* The share split: the last ceil(frac * n) sessions, widened back to
 * min_pos positives but never past half of them; sessions sharing the
 * split's start all validate (ec_split_index). */
static void test_learn__split_share(void **state)
{
	/* Ten sessions; events crowd at the end (the span rule would take 9..10). */
	const int64_t st[] = {0, 10, 20, 30, 40, 50, 60, 61, 62, 63};
	const unsigned char pos[] = {1, 0, 1, 0, 1, 0, 0, 1, 0, 1};
	/* 0.2 of 10: the last two, from 62; no positive count asked. */
	assert_int_equal(ec_split_share(st, NULL, 10, 0.2, 100), 62);
	assert_int_equal(ec_split_share(st, pos, 10, 0.2, 0), 62);
	/* Want 100 positives: 5 in all, so at most 2 validate: 61, 62, 63
	 * hold 2; the next positive (40) would make 3 > 5 / 2. */
	assert_int_equal(ec_split_share(st, pos, 10, 0.2, 100), 50);
	/* Want 1: the last two hold one already. */
	assert_int_equal(ec_split_share(st, pos, 10, 0.2, 1), 62);
	/* No positive at all: the share alone. */
	const unsigned char none[10] = {0};
	assert_int_equal(ec_split_share(st, none, 10, 0.3, 100), 61);
	/* Ties at the split start validate together. */
	const int64_t tie[] = {0, 5, 5, 5, 9};
	assert_int_equal(ec_split_index(tie, 5, ec_split_share(tie, NULL, 5, 0.4, 0)), 1);
	assert_int_equal(ec_split_share(tie, NULL, 0, 0.2, 0), 0);
}

static const struct ec_feature_def idefs[] = {
    {.name = "views"},
    {.name = "carts"},
};

static void test_learn__intent_baselines(void **state)
{
	struct ec_iset s;
	struct ec_err err = {0};
	ec_iset_init(&s, 2);
	/* (views, carts, label): rows 0-1 train, 2-5 validate. */
	const float x[6][2] = {{1, 0}, {2, 1}, {3, 0}, {1, 2}, {5, NAN}, {2, 1}};
	const int y[6] = {0, 1, 0, 1, 0, 0};
	for (int i = 0; i < 6; i++)
		assert_int_equal(ec_iset_add(&s, x[i], y[i], 10 + i, &err), 0);
	assert_int_equal(ec_iset_add(&s, x[0], 0, 5, &err), EC_EINTERNAL);
	const float p[4] = {0.1f, 0.8f, 0.3f, 0.3f};
	struct ec_intent_report r;
	assert_int_equal(ec_eval_intent(&r, &s, 2, 6, p, 0.5, NAN, idefs, 2, &err), 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.n_pos, 1);
	/* The one positive (row 3) scores highest: AUC 1. */
	assert_near(r.m[EC_IB_MODEL].roc_auc, 1.0);
	/* Base rate: all tied at 0.5: AUC 1/2, AP = 1/4; Brier (3 * 0.25 + 0.25) / 4. */
	assert_near(r.m[EC_IB_BASE_RATE].roc_auc, 0.5);
	assert_near(r.m[EC_IB_BASE_RATE].pr_auc, 0.25);
	assert_near(r.m[EC_IB_BASE_RATE].brier, 0.25);
	/* has_cart: carts (0, 2, NaN->0, 1) -> (0, 1, 0, 1): the positive ties
	 * with row 5 above two negatives: AUC (1 + 1 + 0.5) / 3; AP = 1/2. */
	assert_near(r.m[EC_IB_HAS_CART].roc_auc, 2.5 / 3);
	assert_near(r.m[EC_IB_HAS_CART].pr_auc, 0.5);
	/* cart_count: 2 is alone on top: AUC 1, AP 1; not probabilities. */
	assert_near(r.m[EC_IB_CART_COUNT].pr_auc, 1.0);
	assert_true(isnan(r.m[EC_IB_CART_COUNT].log_loss));
	/* Calibration: 0.1 in bin 1, 0.3 twice in bin 3, 0.8 in bin 8. */
	assert_int_equal(r.calib[3].n, 2);
	assert_int_equal(r.calib[8].n, 1);
	assert_near(r.calib[8].observed_rate, 1.0);

	const struct ec_feature_def nocarts[] = {{.name = "views"}};
	assert_int_equal(ec_eval_intent(&r, &s, 2, 6, p, 0.5, NAN, nocarts, 1, &err), EC_EINTERNAL);
	assert_non_null(strstr(err.msg, "carts"));
	ec_iset_release(&s);
}

static const struct ec_feature_def cdefs[] = {
    {.name = "cand_prior_carts_log"},	   {.name = "cand_views"},
    {.name = "cand_secs_since_view"},	   {.name = "cand_viewed_last"},
    {.name = "cand_user_days_since_view"}, {.name = "cand_user_last_views"},
};

static void test_learn__category(void **state)
{
	struct ec_cset s;
	struct ec_err err = {0};
	ec_cset_init(&s, 6);
	/* Session A: candidates a, b, c, d; truth {c}.
	 *   popularity   0.1 0.4 0.2 0.3   -> b d c a
	 *   views        3   1   3   0     -> a c b d (a before c: candidate order)
	 *   secs since   50  NaN 10  10, viewed last: c -> c d a b (d after c:
	 *   the flag; a after d: 50 > 10; NaN last)
	 * Session B: candidates b, e; truth {e, z} (z is not a candidate).
	 *   popularity   0.4 0.1 -> b e; views 0 2 -> e b; last: b -> b e
	 * Days since the user viewed it (NaN: never), then its views in the
	 * user's last session: A 2 NaN 1 NaN -> c a b d; B NaN 5 -> e b. */
	const char *ka[] = {"a", "b", "c", "d"}, *ta[] = {"c"};
	const float xa[] = {0.1f, 3, 50, 0, 2, 1, 0.4f, 1, NAN, 0, NAN, 0,
			    0.2f, 3, 10, 1, 1, 1, 0.3f, 0, 10,	0, NAN, 0};
	const uint8_t la[] = {0, 0, 1, 0};
	const char *kb[] = {"b", "e"}, *tb[] = {"e", "z"};
	const float xb[] = {0.4f, 0, 5, 1, NAN, 0, 0.1f, 2, 30, 0, 5, 3};
	const uint8_t lb[] = {0, 1};
	assert_int_equal(ec_cset_add(&s, 1, 4, ka, xa, la, 1, ta, &err), 0);
	assert_int_equal(ec_cset_add(&s, 2, 2, kb, xb, lb, 2, tb, &err), 0);
	assert_int_equal(s.n_s, 2);
	assert_int_equal(s.n_r, 6);

	/* Model scores: A: c first (hit@1); B: b then e (e at rank 2). */
	const float sc[] = {0.1f, 0.2f, 0.9f, 0.3f, 0.7f, 0.6f};
	/* hit@3 = 1 for both sessions. */
	assert_near(ec_cset_hit3(&s, 0, 2, sc), 1.0);
	/* Only session B: its e is in the top 3 of its two. */
	assert_near(ec_cset_hit3(&s, 1, 2, sc + 4), 1.0);

	struct ec_category_report r;
	assert_int_equal(ec_eval_category(&r, &s, 0, 2, sc, cdefs, 6, &err), 0);
	assert_int_equal(r.truth_keys, 3);
	assert_int_equal(r.truth_not_candidate, 1);
	/* Both sessions have a true key among their candidates. */
	assert_near(r.ceiling, 1.0);
	/* Model: A hit@1 yes, B no -> 1/2; recall@3: A 1, B 1/2 -> 3/4;
	 * MRR: A 1, B 1/2 -> 3/4; NDCG@3: A 1; B DCG 1/log2(3), IDCG 1 + 1/log2(3). */
	const struct ec_rank_metrics *m = &r.m[EC_CB_MODEL];
	assert_near(m->hit1, 0.5);
	assert_near(m->hit3, 1.0);
	assert_near(m->recall3, 0.75);
	assert_near(m->mrr, 0.75);
	double l3 = 1.0 / log2(3.0);
	assert_near(m->ndcg3, (1.0 + l3 / (1.0 + l3)) / 2);
	/* Popularity: A b d c -> c at 3 (hit3, rr 1/3); B b e -> e at 2. */
	m = &r.m[EC_CB_POPULARITY];
	assert_near(m->hit1, 0.0);
	assert_near(m->hit3, 1.0);
	assert_near(m->mrr, (1.0 / 3 + 0.5) / 2);
	/* Most viewed: A a c b d -> c at 2; B e b -> e at 1. */
	m = &r.m[EC_CB_MOST_VIEWED];
	assert_near(m->hit1, 0.5);
	assert_near(m->mrr, (0.5 + 1.0) / 2);
	/* Last viewed: A c first; B b e -> e at 2. */
	m = &r.m[EC_CB_LAST_VIEWED];
	assert_near(m->hit1, 0.5);
	assert_near(m->mrr, (1.0 + 0.5) / 2);
	/* Most viewed, popular fill: A c a b d (a and c tie on views: c is
	 * more popular); B e b. User's last: A c a b d; B e b. */
	assert_near(r.m[EC_CB_VIEWED_POPULAR].hit1, 1.0);
	assert_near(r.m[EC_CB_USER_LAST].hit1, 1.0);
	assert_near(r.m[EC_CB_USER_LAST].mrr, 1.0);
	/* Candidate recall: 2 of the 3 true keys; the scores are probabilities:
	 * p_category_1 is c (0.9, carted) and b (0.7, not). */
	assert_near(r.cand_recall, 2.0 / 3);
	assert_int_equal(r.calibrated, 1);
	assert_int_equal(r.p_n[0], 2);
	assert_near(r.p_mean[0], ((double)0.9f + (double)0.7f) / 2);
	assert_near(r.p_observed[0], 0.5);
	assert_near(r.p_observed[1], 0.5);
	ec_cset_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_learn__rank_order),
	    cmocka_unit_test(test_learn__split),
	    cmocka_unit_test(test_learn__split_share),
	    cmocka_unit_test(test_learn__intent_baselines),
	    cmocka_unit_test(test_learn__category),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
