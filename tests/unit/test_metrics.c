/*
 * test_metrics.c -- unit tests of metrics.h. Every expected value is worked
 * out by hand in the comment beside it; the randomized cases compare the
 * sorted one-pass code with brute-force definitions.
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

static void test_metrics__auc_perfect(void **state)
{
	const unsigned char y[] = {1, 1, 0, 0};
	const double p[] = {0.9, 0.8, 0.3, 0.1};

	/* Both positives above both negatives: 4 of 4 pairs. */
	assert_near(ec_metrics_roc_auc(y, p, 4), 1.0);
	/* t=0.9: P=1/1, R=1/2; t=0.8: P=2/2, R=1. AP = 1/2*1 + 1/2*1 = 1. */
	assert_near(ec_metrics_pr_auc(y, p, 4), 1.0);
}

static void test_metrics__auc_reversed(void **state)
{
	const unsigned char y[] = {0, 0, 1, 1};
	const double p[] = {0.9, 0.8, 0.3, 0.1};

	/* Both positives below both negatives: 0 of 4 pairs. */
	assert_near(ec_metrics_roc_auc(y, p, 4), 0.0);
	/* t=0.9: P=0/1, R=0; t=0.8: P=0/2, R=0; t=0.3: P=1/3, R=1/2;
	 * t=0.1: P=2/4, R=1. AP = 1/2*1/3 + 1/2*1/2 = 1/6 + 1/4 = 5/12. */
	assert_near(ec_metrics_pr_auc(y, p, 4), 5.0 / 12.0);
}

static void test_metrics__auc_all_tied(void **state)
{
	const unsigned char y[] = {1, 0, 1, 0};
	const double p[] = {0.5, 0.5, 0.5, 0.5};

	/* 4 pairs, all tied: 4 * 1/2 / 4 = 0.5. */
	assert_near(ec_metrics_roc_auc(y, p, 4), 0.5);
	/* One threshold: P = 2/4, R = 1. AP = 1 * 1/2 = 0.5. */
	assert_near(ec_metrics_pr_auc(y, p, 4), 0.5);
}

static void test_metrics__auc_partial_ties(void **state)
{
	const unsigned char y[] = {1, 0, 1, 0};
	const double p[] = {0.8, 0.8, 0.3, 0.1};

	/* Pairs (pos, neg): (0.8, 0.8) tie 1/2; (0.8, 0.1) 1; (0.3, 0.8) 0;
	 * (0.3, 0.1) 1. Sum 2.5 over 4 pairs = 0.625. Check by ranks: ascending
	 * ranks 0.1->1, 0.3->2, 0.8,0.8->3.5; positives 3.5 + 2 = 5.5;
	 * U = 5.5 - 2*3/2 = 2.5; 2.5 / (2*2) = 0.625. */
	assert_near(ec_metrics_roc_auc(y, p, 4), 0.625);
	/* t=0.8 (rows 0, 1 as one group): TP=1 FP=1, P=1/2, R=1/2;
	 * t=0.3: TP=2 FP=1, P=2/3, R=1; t=0.1: R stays 1, adds 0.
	 * AP = 1/2*1/2 + 1/2*2/3 = 1/4 + 1/3 = 7/12. (Stepping row by row,
	 * row 0 first, would wrongly give 1/2*1/1 + 1/2*2/3 = 5/6.) */
	assert_near(ec_metrics_pr_auc(y, p, 4), 7.0 / 12.0);
}

static void test_metrics__auc_one_class(void **state)
{
	const unsigned char pos[] = {1, 1, 1}, neg[] = {0, 0, 0}, bad[] = {1, 2, 0};
	const double p[] = {0.2, 0.7, 0.4}, nanp[] = {0.2, NAN, 0.4};

	/* No negative (or no positive): no pair, AUC undefined. */
	assert_nan(ec_metrics_roc_auc(pos, p, 3));
	assert_nan(ec_metrics_roc_auc(neg, p, 3));
	assert_nan(ec_metrics_roc_auc(pos, p, 0));
	/* Only positives: P = 1 at every threshold, AP = 1. No positive: NaN. */
	assert_near(ec_metrics_pr_auc(pos, p, 3), 1.0);
	assert_nan(ec_metrics_pr_auc(neg, p, 3));
	/* Invalid input: NaN rather than a number. */
	assert_nan(ec_metrics_roc_auc(bad, p, 3));
	assert_nan(ec_metrics_pr_auc(pos, nanp, 3));
}

static void test_metrics__log_loss_clips(void **state)
{
	const unsigned char y[] = {1, 0, 1, 0};
	const double p[] = {1.0, 0.0, 0.0, 0.5};
	const unsigned char y0[] = {0}, y1[] = {1};
	const double one[] = {1.0}, zero[] = {0.0}, over[] = {1.5};

	/* Terms: y=1,p=1 -> -log(1 - 1e-15) ~ 1e-15; y=0,p=0 -> ~1e-15;
	 * y=1,p=0 -> -log(1e-15) = 15 ln 10 = 34.538776394910684;
	 * y=0,p=0.5 -> ln 2 = 0.6931471805599453.
	 * Mean = (34.538776394910684 + 0.6931471805599453 + 2e-15) / 4
	 *      = 8.807980893867658. */
	check_near(ec_metrics_log_loss(y, p, 4), 8.807980893867658, 1e-14, "log_loss", __FILE__,
		   __LINE__);
	/* The clip is symmetric: p=1 with y=0 costs 15 ln 10 too. */
	assert_near(ec_metrics_log_loss(y0, one, 1), 15 * log(10.0));
	assert_near(ec_metrics_log_loss(y1, zero, 1), 15 * log(10.0));
	/* Not a probability, or no rows: NaN. */
	assert_nan(ec_metrics_log_loss(y1, over, 1));
	assert_nan(ec_metrics_log_loss(y1, one, 0));
}

static void test_metrics__brier(void **state)
{
	const unsigned char y[] = {1, 0, 1, 0};
	const double p[] = {0.9, 0.2, 0.4, 0.0};
	const unsigned char y2[] = {0, 1};
	const double p2[] = {1.0, 1.0};

	/* (0.1^2 + 0.2^2 + 0.6^2 + 0^2) / 4 = (0.01 + 0.04 + 0.36) / 4 = 0.1025. */
	assert_near(ec_metrics_brier(y, p, 4), 0.1025);
	/* (1^2 + 0^2) / 2 = 0.5. */
	assert_near(ec_metrics_brier(y2, p2, 2), 0.5);
}

static struct ec_binary_metrics binary(const unsigned char *y, const double *p, size_t n,
				       double frac)
{
	struct ec_binary_metrics m;
	struct ec_err err = {0};

	assert_int_equal(ec_metrics_binary(&m, y, p, n, frac, &err), 0);
	return m;
}

static void test_metrics__f1_best_threshold(void **state)
{
	const unsigned char y[] = {1, 1, 0, 1, 0, 0};
	const double p[] = {0.9, 0.8, 0.7, 0.6, 0.2, 0.1};
	const unsigned char yt[] = {1, 0, 0, 1};
	const double pt[] = {0.9, 0.5, 0.4, 0.3};
	const unsigned char yg[] = {1, 0, 1, 0};
	const double pg[] = {0.8, 0.8, 0.3, 0.1};
	struct ec_binary_metrics m;

	/* n_pos = 3; F1 = 2TP / (2TP + FP + FN):
	 * t=0.9: 2/(2+0+2) = 0.5; t=0.8: 4/(4+0+1) = 0.8; t=0.7: 4/(4+1+1) = 2/3;
	 * t=0.6: 6/(6+1+0) = 6/7; t=0.2: 6/8; t=0.1: 6/9. Best 6/7 at 0.6. */
	m = binary(y, p, N(y), 0.5);
	assert_near(m.f1, 6.0 / 7.0);
	assert_near(m.f1_threshold, 0.6);

	/* t=0.9: 2/(2+0+1) = 2/3; t=0.5: 2/(2+1+1) = 1/2; t=0.4: 2/5;
	 * t=0.3: 4/(4+2+0) = 2/3. A tie: the higher threshold, 0.9, wins. */
	m = binary(yt, pt, N(yt), 0.5);
	assert_near(m.f1, 2.0 / 3.0);
	assert_near(m.f1_threshold, 0.9);

	/* Tied group: t=0.8 takes rows 0 and 1: 2/(2+1+1) = 1/2;
	 * t=0.3: 4/(4+1+0) = 0.8; t=0.1: 4/(4+2) = 2/3. Best 0.8 at 0.3. */
	m = binary(yg, pg, N(yg), 0.5);
	assert_near(m.f1, 0.8);
	assert_near(m.f1_threshold, 0.3);
}

static void test_metrics__top_frac_tie_at_cut(void **state)
{
	const unsigned char y[] = {0, 1, 0, 1, 1, 0};
	const unsigned char y_swapped[] = {0, 1, 1, 0, 1, 0};
	const double p[] = {0.9, 0.7, 0.5, 0.5, 0.5, 0.1};
	struct ec_binary_metrics m;

	/* n_top = ceil(0.5 * 6) = 3. Order: row 0 (0.9), row 1 (0.7), then the
	 * tie at 0.5 by index: rows 2, 3, 4. The top 3 are rows 0, 1, 2 with
	 * labels 0, 1, 0: TP = 1. precision = 1/3; recall = 1/3 (n_pos = 3). */
	m = binary(y, p, N(y), 0.5);
	assert_int_equal(m.n_top, 3);
	assert_near(m.precision_at, 1.0 / 3.0);
	assert_near(m.recall_at, 1.0 / 3.0);

	/* The positive moved to row 2 is now inside the cut: labels 0, 1, 1:
	 * TP = 2, precision = recall = 2/3. Same scores, so AUC is unchanged:
	 * only the rule at the cut decides. */
	m = binary(y_swapped, p, N(y_swapped), 0.5);
	assert_int_equal(m.n_top, 3);
	assert_near(m.precision_at, 2.0 / 3.0);
	assert_near(m.recall_at, 2.0 / 3.0);
}

static void test_metrics__top_frac_count(void **state)
{
	unsigned char y[101] = {0};
	double p[101];
	struct ec_binary_metrics m;

	for (size_t i = 0; i < N(p); i++)
		p[i] = (double)i / 100.0;
	/* 0.07 * 100 is 7.000000000000001 in double: 7 rows, not 8. */
	assert_int_equal(binary(y, p, 100, 0.07).n_top, 7);
	/* ceil(0.05 * 101) = ceil(5.05) = 6. */
	assert_int_equal(binary(y, p, 101, 0.05).n_top, 6);
	/* ceil(0.001 * 10) = ceil(0.01) = 1. */
	assert_int_equal(binary(y, p, 10, 0.001).n_top, 1);
	/* 1.0 * 101 = 101: every row. */
	assert_int_equal(binary(y, p, 101, 1.0).n_top, 101);
	/* No positive: precision 0/7 = 0, recall undefined. */
	m = binary(y, p, 100, 0.07);
	assert_near(m.precision_at, 0.0);
	assert_nan(m.recall_at);
	assert_nan(m.f1);
	assert_nan(m.roc_auc);
}

static void test_metrics__binary_summary(void **state)
{
	const unsigned char y[] = {1, 0, 1, 0};
	const double p[] = {0.8, 0.8, 0.3, 0.1};
	const double carts[] = {3, 3, 1, 0};
	struct ec_binary_metrics m;

	m = binary(y, p, 4, 0.5);
	assert_int_equal(m.n, 4);
	assert_int_equal(m.n_pos, 2);
	assert_near(m.base_rate, 0.5);	   /* 2 / 4 */
	assert_near(m.roc_auc, 0.625);	   /* see auc_partial_ties */
	assert_near(m.pr_auc, 7.0 / 12.0); /* see auc_partial_ties */
	/* -(ln 0.8 + ln 0.2 + ln 0.3 + ln 0.9) / 4
	 * = (0.22314355 + 1.60943791 + 1.20397280 + 0.10536052) / 4
	 * = 3.14191478 / 4 = 0.785478695 */
	check_near(m.log_loss, (-log(0.8) - log(0.2) - log(0.3) - log(0.9)) / 4, 1e-15, "log_loss",
		   __FILE__, __LINE__);
	check_near(m.log_loss, 0.785478695, 1e-8, "log_loss", __FILE__, __LINE__);
	/* (0.2^2 + 0.8^2 + 0.7^2 + 0.1^2) / 4 = (0.04 + 0.64 + 0.49 + 0.01) / 4 = 0.295 */
	assert_near(m.brier, 0.295);
	/* Top 2 = rows 0, 1 (tie at 0.8, by index): TP = 1. 1/2 and 1/2. */
	assert_int_equal(m.n_top, 2);
	assert_near(m.precision_at, 0.5);
	assert_near(m.recall_at, 0.5);
	assert_near(m.top_frac, 0.5);

	/* A count-of-carts score has the same order: the same ranking metrics,
	 * but it is no probability, so log-loss and Brier are NaN. */
	m = binary(y, carts, 4, 0.5);
	assert_near(m.roc_auc, 0.625);
	assert_near(m.pr_auc, 7.0 / 12.0);
	assert_near(m.f1, 0.8);
	assert_near(m.f1_threshold, 1.0);
	assert_nan(m.log_loss);
	assert_nan(m.brier);

	/* No rows: not an error, everything NaN. */
	m = binary(y, p, 0, 0.05);
	assert_int_equal(m.n, 0);
	assert_int_equal(m.n_top, 0);
	assert_nan(m.roc_auc);
	assert_nan(m.pr_auc);
	assert_nan(m.log_loss);
	assert_nan(m.base_rate);
	assert_nan(m.precision_at);
}

static void test_metrics__binary_errors(void **state)
{
	const unsigned char y[] = {1, 0, 2};
	const unsigned char ok[] = {1, 0, 1};
	const double p[] = {0.5, 0.4, 0.3};
	const double inf[] = {0.5, INFINITY, 0.3};
	struct ec_binary_metrics m;
	struct ec_err err = {0};

	assert_int_equal(ec_metrics_binary(&m, y, p, 3, 0.05, &err), EC_EDATA);
	assert_string_equal(err.msg, "row 2: label 2 is not 0 or 1");
	assert_int_equal(ec_metrics_binary(&m, ok, inf, 3, 0.05, &err), EC_EDATA);
	assert_string_equal(err.msg, "row 1: score inf is not a finite number");
	assert_int_equal(ec_metrics_binary(&m, ok, p, 3, 0.0, &err), EC_EUSAGE);
	assert_string_equal(err.msg, "top fraction 0 is outside (0, 1]");
	assert_int_equal(ec_metrics_binary(&m, ok, p, 3, 1.5, &err), EC_EUSAGE);
	assert_int_equal(ec_metrics_binary(&m, ok, p, 3, NAN, &err), EC_EUSAGE);
	assert_int_equal(ec_metrics_binary(&m, ok, p, 3, 0.05, NULL), 0);
}

static void test_metrics__ranking(void **state)
{
	const int O = EC_METRICS_OTHER;
	const int pred[] = {
	    5, 3, O, /* A */
	    O, 7, 2, /* B */
	    4, 8, 1, /* C */
	    4, 5, 6, /* D */
	    1, 2, 3, /* E */
	    1, 2, 3, /* G */
	};
	const int truth[] = {
	    3,	     /* A: {3} */
	    2, O, 9, /* B: {2, 9} once "other" is dropped */
	    4,	     /* C: {4} */
	    O,	     /* D: only "other": empty, excluded */
		     /* E: empty, excluded */
	    9,	     /* G: {9} */
	};
	const size_t off[] = {0, 1, 4, 5, 6, 6, 7};
	struct ec_rank_metrics m;
	struct ec_err err = {0};

	assert_int_equal(ec_metrics_ranking(&m, pred, 3, off, truth, 6, &err), 0);
	/* A: 3 at rank 2: hit1 0, hit3 1, recall 1/1, DCG = 1/log2(3), IDCG = 1,
	 *    NDCG = 0.6309297535714575, RR = 1/2.
	 * B: "other" at rank 1 is no hit although "other" is in the truth; 2 at
	 *    rank 3: hit1 0, hit3 1, recall 1/2, DCG = 1/log2(4) = 0.5,
	 *    IDCG = 1 + 1/log2(3) = 1.6309297535714575,
	 *    NDCG = 0.5 / 1.6309297535714575 = 0.3065735963827292, RR = 1/3.
	 * C: 4 at rank 1: hit1 1, hit3 1, recall 1, NDCG 1, RR 1.
	 * G: no hit: all 0.
	 * D and E excluded: 4 evaluated of 6. */
	assert_int_equal(m.n, 6);
	assert_int_equal(m.n_evaluated, 4);
	assert_near(m.hit1, 1.0 / 4.0);	   /* (0+0+1+0)/4 */
	assert_near(m.hit3, 3.0 / 4.0);	   /* (1+1+1+0)/4 */
	assert_near(m.recall3, 2.5 / 4.0); /* (1+0.5+1+0)/4 = 0.625 */
	/* (0.6309297535714575 + 0.3065735963827292 + 1 + 0) / 4
	 * = 1.9375033499541867 / 4 = 0.48437583748854668 */
	assert_near(m.ndcg3, 0.48437583748854668);
	assert_near(m.mrr, (0.5 + 1.0 / 3.0 + 1.0) / 4.0); /* 1.8333.../4 = 0.458333... */
}

static void test_metrics__ranking_duplicates_and_depth(void **state)
{
	const int O = EC_METRICS_OTHER;
	const int pred[] = {
	    6, 6, 1, O, O, /* {6, 1}, 6 predicted twice */
	    1, 2, 3, 4, 9, /* {9, 9}: duplicated truth, hit at rank 5 */
	};
	const int truth[] = {6, 1, 9, 9};
	const size_t off[] = {0, 2, 4};
	struct ec_rank_metrics m;

	assert_int_equal(ec_metrics_ranking(&m, pred, 5, off, truth, 2, NULL), 0);
	/* Row 1: 6 at rank 1 hits; the repeated 6 at rank 2 does not; 1 at
	 *   rank 3 hits. hit1 1, hit3 1, recall 2/2 = 1,
	 *   DCG = 1 + 0 + 1/log2(4) = 1.5, IDCG = 1 + 1/log2(3) = 1.6309297535714575,
	 *   NDCG = 0.9197207891481876, RR = 1.
	 * Row 2: truth is the set {9}; 9 at rank 5, beyond 3: hit1 0, hit3 0,
	 *   recall 0, NDCG 0, but RR = 1/5 (MRR uses the whole list). */
	assert_int_equal(m.n_evaluated, 2);
	assert_near(m.hit1, 0.5);
	assert_near(m.hit3, 0.5);
	assert_near(m.recall3, 0.5);
	assert_near(m.ndcg3, 0.9197207891481876 / 2);
	assert_near(m.mrr, (1.0 + 0.2) / 2); /* 0.6 */
}

static void test_metrics__ranking_short_list(void **state)
{
	/* k = 1: @3 metrics see one prediction. {2, 5} truth, 2 predicted:
	 * hit1 1, hit3 1, recall 1/2, DCG 1, IDCG = 1 + 1/log2(3),
	 * NDCG = 1 / 1.6309297535714575 = 0.6131471927654584, RR 1. */
	const int pred[] = {2};
	const int truth[] = {5, 2};
	const size_t off[] = {0, 2};
	struct ec_rank_metrics m;

	assert_int_equal(ec_metrics_ranking(&m, pred, 1, off, truth, 1, NULL), 0);
	assert_near(m.hit1, 1.0);
	assert_near(m.hit3, 1.0);
	assert_near(m.recall3, 0.5);
	assert_near(m.ndcg3, 1.0 / (1.0 + 1.0 / log2(3.0)));
	assert_near(m.mrr, 1.0);
}

static void test_metrics__ranking_empty(void **state)
{
	const int O = EC_METRICS_OTHER;
	const int pred[] = {1, 2, 3, 4, 5, 6};
	const int truth[] = {O, O};
	const size_t off[] = {0, 0, 2};
	const size_t bad_off[] = {0, 2, 1};
	struct ec_rank_metrics m;
	struct ec_err err = {0};

	/* Item 0 has no truth, item 1 only "other": nothing to evaluate. */
	assert_int_equal(ec_metrics_ranking(&m, pred, 3, off, truth, 2, &err), 0);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.n_evaluated, 0);
	assert_nan(m.hit1);
	assert_nan(m.hit3);
	assert_nan(m.recall3);
	assert_nan(m.ndcg3);
	assert_nan(m.mrr);
	/* No items at all. */
	assert_int_equal(ec_metrics_ranking(&m, NULL, 3, off, NULL, 0, &err), 0);
	assert_int_equal(m.n_evaluated, 0);

	assert_int_equal(ec_metrics_ranking(&m, pred, 0, off, truth, 2, &err), EC_EUSAGE);
	assert_int_equal(ec_metrics_ranking(&m, pred, 3, bad_off, truth, 2, &err), EC_EDATA);
	assert_string_equal(err.msg, "item 1: truth offsets decrease");
}

/* xorshift64*: the tests' own seeded generator. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

/* Pairwise definition: ties count 1/2. O(n^2). */
static double brute_auc(const unsigned char *y, const double *p, size_t n)
{
	double num = 0, pairs = 0;
	for (size_t i = 0; i < n; i++) {
		if (!y[i])
			continue;
		for (size_t j = 0; j < n; j++) {
			if (y[j])
				continue;
			pairs++;
			num += p[i] > p[j] ? 1.0 : p[i] == p[j] ? 0.5 : 0.0;
		}
	}
	return pairs > 0 ? num / pairs : NAN;
}

/* scikit-learn's definition straight: for each distinct threshold, high to
 * low, count TP and FP among score >= t; AP = sum (R_j - R_{j-1}) P_j. Also
 * the best F1 over the same thresholds (the first, highest, on ties). */
static void brute_curve(const unsigned char *y, const double *p, size_t n, double *ap, double *f1,
			double *f1_t)
{
	double last = INFINITY, r_prev = 0;
	size_t n_pos = 0;

	for (size_t i = 0; i < n; i++)
		n_pos += y[i];
	*ap = 0;
	*f1 = -1;
	*f1_t = NAN;
	for (;;) {
		double t = -INFINITY, tp = 0, fp = 0, r, f;
		for (size_t i = 0; i < n; i++)
			if (p[i] < last && p[i] > t)
				t = p[i];
		if (t == -INFINITY)
			break;
		for (size_t i = 0; i < n; i++) {
			if (p[i] >= t) {
				tp += y[i];
				fp += !y[i];
			}
		}
		r = tp / (double)n_pos;
		*ap += (r - r_prev) * tp / (tp + fp);
		r_prev = r;
		f = 2 * tp / (2 * tp + fp + ((double)n_pos - tp));
		if (f > *f1) {
			*f1 = f;
			*f1_t = t;
		}
		last = t;
	}
}

static void test_metrics__random_vs_brute_force(void **state)
{
	enum { n = 500 };
	unsigned char y[n];
	double p[n];
	uint64_t seed = 0x9e3779b97f4a7c15ULL;

	for (int trial = 0; trial < 50; trial++) {
		/* Few distinct scores (many ties); base rate from 2% to 50%. */
		unsigned levels = 2 + trial % 12;
		unsigned rate = 2 + (trial * 7) % 49;
		struct ec_binary_metrics m;
		double ap, f1, f1_t;

		for (size_t i = 0; i < n; i++) {
			y[i] = next_random(&seed) % 100 < rate;
			p[i] = (double)(next_random(&seed) % levels) / (double)(levels - 1);
		}
		assert_near(ec_metrics_roc_auc(y, p, n), brute_auc(y, p, n));
		brute_curve(y, p, n, &ap, &f1, &f1_t);
		assert_near(ec_metrics_pr_auc(y, p, n), ap);
		m = binary(y, p, n, 0.05);
		assert_near(m.roc_auc, brute_auc(y, p, n));
		assert_near(m.pr_auc, ap);
		assert_near(m.f1, f1);
		assert_near(m.f1_threshold, f1_t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_metrics__auc_perfect),
	    cmocka_unit_test(test_metrics__auc_reversed),
	    cmocka_unit_test(test_metrics__auc_all_tied),
	    cmocka_unit_test(test_metrics__auc_partial_ties),
	    cmocka_unit_test(test_metrics__auc_one_class),
	    cmocka_unit_test(test_metrics__log_loss_clips),
	    cmocka_unit_test(test_metrics__brier),
	    cmocka_unit_test(test_metrics__f1_best_threshold),
	    cmocka_unit_test(test_metrics__top_frac_tie_at_cut),
	    cmocka_unit_test(test_metrics__top_frac_count),
	    cmocka_unit_test(test_metrics__binary_summary),
	    cmocka_unit_test(test_metrics__binary_errors),
	    cmocka_unit_test(test_metrics__ranking),
	    cmocka_unit_test(test_metrics__ranking_duplicates_and_depth),
	    cmocka_unit_test(test_metrics__ranking_short_list),
	    cmocka_unit_test(test_metrics__ranking_empty),
	    cmocka_unit_test(test_metrics__random_vs_brute_force),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
