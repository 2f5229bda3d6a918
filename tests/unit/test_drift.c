/*
 * test_drift.c -- unit tests of drift.h: the reference's cut points and
 * shares, the bins of the values counted, and the PSI, worked out by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ecomctl/drift.h"
#include "ecomctl/json.h"

#define TOL 1e-12
#include "assert_near.h"

/* Column 0 holds 1..100 (deciles 11, 21, ..., 91: cut at 10.5, ..., 90.5,
 * halfway from the value below); column 1 is 0 on 90 rows, 5 on 5 and
 * missing on 5 (0 holds a tenth or more: a bin of its own, cut at 2.5;
 * every decile above it is 5 again). */
static void test_drift__reference(void **state)
{
	float x[200], score[100];
	const char *names[] = {"a", "b"};
	for (int i = 0; i < 100; i++) {
		x[2 * i] = (float)(i + 1);
		x[2 * i + 1] = i < 90 ? 0.0f : i < 95 ? 5.0f : NAN;
		score[i] = (float)i / 100;
	}
	struct ec_json *r = ec_drift_reference(x, 100, 2, names, score, 100, "p");
	const struct ec_json *a = ec_json_at(ec_json_get(r, "features"), 0);
	const struct ec_json *b = ec_json_at(ec_json_get(r, "features"), 1);
	assert_string_equal(ec_json_str(ec_json_get(a, "name"), ""), "a");
	assert_int_equal(ec_json_size(ec_json_get(a, "edges")), 9);
	assert_near(ec_json_num(ec_json_at(ec_json_get(a, "edges"), 0), 0), 10.5);
	assert_near(ec_json_num(ec_json_at(ec_json_get(a, "edges"), 8), 0), 90.5);
	assert_int_equal(ec_json_size(ec_json_get(a, "shares")), 11);
	for (int i = 0; i < 10; i++)
		assert_near(ec_json_num(ec_json_at(ec_json_get(a, "shares"), (size_t)i), 0), 0.1);
	assert_near(ec_json_num(ec_json_at(ec_json_get(a, "shares"), 10), 0), 0);
	assert_int_equal(ec_json_size(ec_json_get(b, "edges")), 1);
	assert_near(ec_json_num(ec_json_at(ec_json_get(b, "edges"), 0), 0), 2.5);
	assert_near(ec_json_num(ec_json_at(ec_json_get(b, "shares"), 0), 0), 0.90);
	assert_near(ec_json_num(ec_json_at(ec_json_get(b, "shares"), 1), 0), 0.05);
	assert_near(ec_json_num(ec_json_at(ec_json_get(b, "shares"), 2), 0), 0.05);
	assert_string_equal(ec_json_str(ec_json_get(ec_json_get(r, "score"), "name"), ""), "p");
	ec_json_free(r);
}

/* Two bins of 0.5 expected; counted 3 and 1: PSI = 0.25 ln 1.5 + 0.25 ln 2.
 * Nothing counted: NaN. An empty bin on one side costs through the floor. */
static void test_drift__psi(void **state)
{
	struct ec_drift_dist d;
	memset(&d, 0, sizeof(d));
	d.n_edges = 1;
	d.edges[0] = 1;
	d.expected[0] = d.expected[1] = 0.5;
	assert_nan(ec_drift_psi(&d));
	d.count[0] = 3;
	d.count[1] = 1;
	d.n = 4;
	assert_near(ec_drift_psi(&d), 0.25 * log(1.5) + 0.25 * log(2.0));
	d.count[0] = 4;
	d.count[1] = 0;
	assert_near(ec_drift_psi(&d), 0.5 * log(1 / 0.5) + (1e-4 - 0.5) * log(1e-4 / 0.5));
}

/* Counting through a drift built by hand: the bins of values on and around
 * the cut points, and missing values in the last bin. */
static void test_drift__counting(void **state)
{
	struct ec_drift dr;
	memset(&dr, 0, sizeof(dr));
	dr.n = 2;
	dr.d[0].task = 0;
	dr.d[0].col = -1;
	dr.d[0].n_edges = 2;
	dr.d[0].edges[0] = 0.2;
	dr.d[0].edges[1] = 0.5;
	dr.d[1].task = 0;
	dr.d[1].col = 1;
	dr.d[1].n_edges = 0;
	ec_drift_add_score(&dr, 0, 0.1);
	ec_drift_add_score(&dr, 0, 0.2); /* on a cut: the bin above */
	ec_drift_add_score(&dr, 0, 0.7);
	ec_drift_add_score(&dr, 0, NAN);
	ec_drift_add_score(&dr, 1, 0.7); /* another task: not counted */
	const float row[2] = {9, NAN};
	ec_drift_add_features(&dr, 0, row);
	assert_int_equal(dr.d[0].n, 4);
	assert_int_equal(dr.d[0].count[0], 1);
	assert_int_equal(dr.d[0].count[1], 1);
	assert_int_equal(dr.d[0].count[2], 1);
	assert_int_equal(dr.d[0].count[3], 1);
	assert_int_equal(dr.d[1].n, 1);
	assert_int_equal(dr.d[1].count[1], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_drift__reference),
	    cmocka_unit_test(test_drift__psi),
	    cmocka_unit_test(test_drift__counting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
