/*
 * test_metrics_calib.c -- unit tests of the calibration tables of metrics.h
 * (equal-width bins and quantiles), split from test_metrics.c. Expected
 * values are worked out by hand beside them.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ecomctl/metrics.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define TOL 1e-12

#include "assert_near.h"

static void test_metrics__calibration(void **state)
{
	const unsigned char y[] = {0, 0, 1, 1, 1, 1, 0, 1};
	const double p[] = {0.0, 0.05, 0.1, 0.55, 0.95, 1.0, 0.7, 0.3};
	struct ec_calib_bin bins[EC_METRICS_CALIB_BINS];
	struct ec_err err = {0};

	assert_int_equal(ec_metrics_calibration(bins, N(bins), y, p, N(y), &err), 0);
	/* Edges i/10: bin 3 is [0.3, 0.4), bin 9 is [0.9, 1.0]. */
	assert_near(bins[3].lo, 0.3);
	assert_near(bins[3].hi, 0.4);
	assert_near(bins[9].hi, 1.0);
	/* Bin 0 [0, 0.1): 0.0 (y 0), 0.05 (y 0): n 2, mean 0.025, rate 0. */
	assert_int_equal(bins[0].n, 2);
	assert_near(bins[0].mean_pred, 0.025);
	assert_near(bins[0].observed_rate, 0.0);
	/* Bin 1 [0.1, 0.2): 0.1 sits on the edge, goes up: n 1, 0.1, rate 1. */
	assert_int_equal(bins[1].n, 1);
	assert_near(bins[1].mean_pred, 0.1);
	assert_near(bins[1].observed_rate, 1.0);
	/* Bin 3: 0.3 (y 1), on its lower edge. */
	assert_int_equal(bins[3].n, 1);
	assert_near(bins[3].observed_rate, 1.0);
	/* Bin 5: 0.55 (y 1). */
	assert_int_equal(bins[5].n, 1);
	assert_near(bins[5].mean_pred, 0.55);
	/* Bin 7: 0.7 (y 0), on its lower edge. */
	assert_int_equal(bins[7].n, 1);
	assert_near(bins[7].observed_rate, 0.0);
	/* Bin 9 [0.9, 1.0]: 0.95 and 1.0 (both y 1): n 2, mean 0.975, rate 1. */
	assert_int_equal(bins[9].n, 2);
	assert_near(bins[9].mean_pred, 0.975);
	assert_near(bins[9].observed_rate, 1.0);
	/* Empty bins: n 0, NaN means. 2 + 1 + 1 + 1 + 1 + 2 = 8 rows placed. */
	for (size_t b = 0; b < N(bins); b++) {
		if (b == 0 || b == 1 || b == 3 || b == 5 || b == 7 || b == 9)
			continue;
		assert_int_equal(bins[b].n, 0);
		assert_nan(bins[b].mean_pred);
		assert_nan(bins[b].observed_rate);
	}
}

static void test_metrics__calibration_edges(void **state)
{
	/* Every i/B for several B lands in bin i (B/B in the last one), and the
	 * double just below i/B lands in bin i - 1. */
	for (size_t nb = 1; nb <= 40; nb++) {
		struct ec_calib_bin bins[40];
		for (size_t i = 0; i <= nb; i++) {
			unsigned char y[2] = {0, 0};
			double p[2] = {(double)i / (double)nb, 0};
			size_t want = i < nb ? i : nb - 1;
			size_t n = 1;
			if (i > 0 && i < nb) {
				p[1] = nextafter(p[0], 0);
				n = 2;
			}
			assert_int_equal(ec_metrics_calibration(bins, nb, y, p, n, NULL), 0);
			assert_int_equal(bins[want].n, 1);
			if (n == 2)
				assert_int_equal(bins[want - 1].n, 1);
		}
	}
}

/* Deciles: equal-count groups in p order (ties by index), the first n % b
 * groups one row larger; lo/hi the extreme p of a group. */
static void test_metrics__calibration_quantiles(void **state)
{
	const unsigned char y[] = {1, 0, 0, 1, 1, 0, 1};
	const double p[] = {0.9, 0.1, 0.2, 0.2, 0.8, 0.05, 0.5};
	struct ec_calib_bin b[3];
	assert_int_equal(ec_metrics_calibration_quantiles(b, 3, y, p, 7, NULL), 0);
	/* Sorted: 0.05(0) 0.1(0) 0.2(0, row 2) | 0.2(1, row 3) 0.5(1) | 0.8(1) 0.9(1) */
	assert_int_equal(b[0].n, 3);
	assert_int_equal(b[1].n, 2);
	assert_int_equal(b[2].n, 2);
	assert_near(b[0].lo, 0.05);
	assert_near(b[0].hi, 0.2);
	assert_near(b[0].mean_pred, (0.05 + 0.1 + 0.2) / 3);
	assert_near(b[0].observed_rate, 0.0);
	assert_near(b[1].mean_pred, (0.2 + 0.5) / 2);
	assert_near(b[1].observed_rate, 1.0);
	assert_near(b[2].observed_rate, 1.0);
	/* More bins than rows: the empty ones are NaN. */
	struct ec_calib_bin e[4];
	assert_int_equal(ec_metrics_calibration_quantiles(e, 4, y, p, 2, NULL), 0);
	assert_int_equal(e[2].n, 0);
	assert_true(isnan(e[3].mean_pred) && isnan(e[3].lo));
	const double bad[] = {1.5};
	assert_int_equal(ec_metrics_calibration_quantiles(e, 4, y, bad, 1, NULL), EC_EDATA);
}

static void test_metrics__calibration_errors(void **state)
{
	const unsigned char y[] = {0, 1};
	const double p[] = {0.5, 1.5};
	struct ec_calib_bin bins[4];
	struct ec_err err = {0};

	assert_int_equal(ec_metrics_calibration(bins, 4, y, p, 2, &err), EC_EDATA);
	assert_string_equal(err.msg, "row 1: probability 1.5 is outside [0, 1]");
	assert_int_equal(ec_metrics_calibration(bins, 0, y, p, 1, &err), EC_EUSAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_metrics__calibration),
	    cmocka_unit_test(test_metrics__calibration_edges),
	    cmocka_unit_test(test_metrics__calibration_errors),
	    cmocka_unit_test(test_metrics__calibration_quantiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
