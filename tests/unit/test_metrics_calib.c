/*
 * test_metrics_calib.c -- unit tests of the calibration tables of metrics.h
 * (equal-width bins and quantiles) and of the report's curves (ROC, PR,
 * gains, confusion matrix), split from test_metrics.c. Expected
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

/* Scores 0.9 (y 1), 0.8 (y 0), 0.8 (y 1), 0.3 (y 0), 0.1 (y 0): four groups.
 * After each group (tp, fp) is (1, 0), (2, 1), (2, 2), (2, 3) of 2 and 3. */
static void test_metrics__curves_by_hand(void **state)
{
	const unsigned char y[] = {1, 0, 1, 0, 0};
	const double p[] = {0.9, 0.8, 0.8, 0.3, 0.1};
	const double fpr[] = {0, 0, 1.0 / 3, 2.0 / 3, 1}, tpr[] = {0, 0.5, 1, 1, 1};
	const double rec[] = {0.5, 1, 1, 1}, prec[] = {1, 2.0 / 3, 0.5, 0.4};
	struct ec_curves c;
	struct ec_err err = {0};

	assert_int_equal(ec_metrics_curves(&c, y, p, N(y), 0.8, &err), 0);
	assert_int_equal(c.n_roc, N(fpr));
	for (size_t i = 0; i < N(fpr); i++) {
		assert_near(c.roc_fpr[i], fpr[i]);
		assert_near(c.roc_tpr[i], tpr[i]);
	}
	assert_int_equal(c.n_pr, N(rec));
	for (size_t i = 0; i < N(rec); i++) {
		assert_near(c.pr_recall[i], rec[i]);
		assert_near(c.pr_precision[i], prec[i]);
	}
	/* top 1%: 1 row (0.9, y 1): half the positives, lift 0.5 / (1/5) */
	assert_near(ec_metrics_gain_fracs[0], 0.01);
	assert_near(c.gain_captured[0], 0.5);
	assert_near(c.gain_lift[0], 2.5);
	/* top 50%: ceil(2.5) = 3 rows, rows 0, 1, 2 (ties by input order): both */
	assert_near(ec_metrics_gain_fracs[6], 0.5);
	assert_near(c.gain_captured[6], 1);
	assert_near(c.gain_lift[6], 5.0 / 3);
	/* score >= 0.8: rows 0, 1, 2 */
	assert_near(c.threshold, 0.8);
	assert_int_equal(c.tp, 2);
	assert_int_equal(c.fp, 1);
	assert_int_equal(c.fn, 0);
	assert_int_equal(c.tn, 2);
}

/* 1000 distinct scores: both curves thinned to 101 points, each of which is
 * the (fpr, tpr) or (recall, precision) of some threshold, counted here by
 * brute force; ROC from (0, 0) to (1, 1), both monotone where they must be. */
static void test_metrics__curves_thinned(void **state)
{
	enum { n = 1000 };
	static unsigned char y[n];
	static double p[n];
	struct ec_curves c;
	struct ec_err err = {0};
	size_t n_pos = 0;
	uint32_t r = 12345;

	for (size_t i = 0; i < n; i++) {
		r = r * 1103515245u + 12345u;
		p[i] = (double)i / n;
		y[i] = ((r >> 16) % 100) < 10 + 60 * i / n;
		n_pos += y[i];
	}
	assert_int_equal(ec_metrics_curves(&c, y, p, n, 0.5, &err), 0);
	assert_int_equal(c.n_roc, EC_METRICS_CURVE_POINTS);
	assert_int_equal(c.n_pr, EC_METRICS_CURVE_POINTS);
	assert_near(c.roc_fpr[0], 0);
	assert_near(c.roc_tpr[0], 0);
	assert_near(c.roc_fpr[c.n_roc - 1], 1);
	assert_near(c.roc_tpr[c.n_roc - 1], 1);
	assert_near(c.pr_recall[c.n_pr - 1], 1);
	for (size_t k = 0; k < c.n_roc; k++) {
		int found = k == 0;
		if (k > 0) {
			assert_true(c.roc_fpr[k] >= c.roc_fpr[k - 1]);
			assert_true(c.roc_tpr[k] >= c.roc_tpr[k - 1]);
			assert_true(c.pr_recall[k] >= c.pr_recall[k - 1]);
		}
		for (size_t t = 0; t < n && !found; t++) {
			size_t tp = 0, fp = 0;
			for (size_t i = 0; i < n; i++)
				if (p[i] >= p[t])
					tp += y[i], fp += !y[i];
			found = fabs(c.roc_fpr[k] - (double)fp / (double)(n - n_pos)) < TOL &&
				fabs(c.roc_tpr[k] - (double)tp / (double)n_pos) < TOL;
		}
		assert_true(found);
	}
	for (size_t k = 0; k < c.n_pr; k++) {
		int found = 0;
		for (size_t t = 0; t < n && !found; t++) {
			size_t tp = 0, fp = 0;
			for (size_t i = 0; i < n; i++)
				if (p[i] >= p[t])
					tp += y[i], fp += !y[i];
			found = fabs(c.pr_recall[k] - (double)tp / (double)n_pos) < TOL &&
				fabs(c.pr_precision[k] - (double)tp / (double)(tp + fp)) < TOL;
		}
		assert_true(found);
	}
	size_t tp = 0, fp = 0;
	for (size_t i = 0; i < n; i++)
		tp += p[i] >= 0.5 && y[i], fp += p[i] >= 0.5 && !y[i];
	assert_int_equal(c.tp, tp);
	assert_int_equal(c.fp, fp);
	assert_int_equal(c.tp + c.fp + c.fn + c.tn, n);
}

/* One class: no curves, NaN gains, the confusion matrix still counted; a
 * NaN score is refused. */
static void test_metrics__curves_one_class(void **state)
{
	const unsigned char y[] = {0, 0, 0};
	const double p[] = {0.2, 0.6, 0.4}, bad[] = {0.2, NAN, 0.4};
	struct ec_curves c;
	struct ec_err err = {0};

	assert_int_equal(ec_metrics_curves(&c, y, p, N(y), 0.5, &err), 0);
	assert_int_equal(c.n_roc, 0);
	assert_int_equal(c.n_pr, 0);
	assert_nan(c.gain_captured[0]);
	assert_int_equal(c.fp, 1);
	assert_int_equal(c.tn, 2);
	assert_int_equal(ec_metrics_curves(&c, y, bad, N(y), 0.5, &err), EC_EDATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_metrics__calibration),
	    cmocka_unit_test(test_metrics__calibration_edges),
	    cmocka_unit_test(test_metrics__calibration_errors),
	    cmocka_unit_test(test_metrics__calibration_quantiles),
	    cmocka_unit_test(test_metrics__curves_by_hand),
	    cmocka_unit_test(test_metrics__curves_thinned),
	    cmocka_unit_test(test_metrics__curves_one_class),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
