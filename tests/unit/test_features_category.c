/* Unit tests of the featurizer's category rows: candidates, labels and
 * candidate features, on the fixture of features_fixture.h. Every expected
 * value was worked out by hand; the arithmetic is next to each value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "features_fixture.h"

static void test_features__category_candidates_first(void **state)
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
}

static void test_features__category_candidates_history(void **state)
{
	(void)state;
	struct out o;
	run_fixture(&o);
	int nc = EC_TASK_CATEGORY;

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
}

static void test_features__category_candidates_users_past(void **state)
{
	(void)state;
	struct out o;
	run_fixture(&o);
	int nc = EC_TASK_CATEGORY;

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
}

static void test_features__category_candidates_two_keys(void **state)
{
	(void)state;
	struct out o;
	run_fixture(&o);
	int nc = EC_TASK_CATEGORY;

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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_features__category_candidates_first),
	    cmocka_unit_test(test_features__category_candidates_history),
	    cmocka_unit_test(test_features__category_candidates_users_past),
	    cmocka_unit_test(test_features__category_candidates_two_keys),
	    cmocka_unit_test(test_features__viewed_history_candidate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
