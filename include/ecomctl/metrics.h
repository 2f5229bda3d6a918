/*
 * metrics.h -- evaluation metrics for the two models: purchase intent (a
 * binary label and a score per session) and top-3 categories (a ranked list
 * of category ids and a set of true ids per session).
 *
 * The last step of `train` (validation metrics, grid search) and of the
 * baselines it reports beside the models (DESIGN §4). Pure functions over
 * caller-owned arrays: nothing here keeps a pointer to its arguments after
 * returning, and every result is written to caller storage. Work arrays
 * (O(n) for the binary metrics) come from ec_xmalloc and are freed before
 * returning. No third-party headers.
 *
 * Conventions shared by every function:
 * - Labels are `unsigned char` 0 or 1; scores are doubles. A score need not
 *   be a probability (a count-of-carts baseline is a score): the metrics that
 *   rank (ROC-AUC, PR-AUC, top fraction, best F1) only compare scores. The
 *   ones that need probabilities (log-loss, Brier, calibration) ask for
 *   scores in [0, 1].
 * - A metric that is undefined on the data given (one class only, no rows,
 *   nothing to evaluate) is NaN, not an error.
 * - The score order is score descending, then input index ascending. It is a
 *   total order, so every result is the same whatever qsort does with equal
 *   keys, on every host. Sorting is O(n log n) on an array of 16 bytes a row.
 */
#ifndef ECOMCTL_METRICS_H
#define ECOMCTL_METRICS_H

#include <stddef.h>

#include "ecomctl/common.h"

/* Log-loss clips probabilities to [EC_METRICS_EPS, 1 - EC_METRICS_EPS]. */
#define EC_METRICS_EPS 1e-15
/* Default number of calibration bins. */
#define EC_METRICS_CALIB_BINS 10
/* The category id "other" (outside the K known ones); see ec_metrics_ranking
 * for how this and every other negative id is treated. */
#define EC_METRICS_OTHER (-1)

/* ---------------------------------------------------------------------- */
/* Binary: purchase intent                                                 */

struct ec_binary_metrics {
	size_t n;	     /* rows */
	size_t n_pos;	     /* rows with label 1 */
	double base_rate;    /* n_pos / n */
	double roc_auc;	     /* see ec_metrics_roc_auc() */
	double pr_auc;	     /* see ec_metrics_pr_auc() */
	double log_loss;     /* NaN when a score is outside [0, 1] */
	double brier;	     /* NaN when a score is outside [0, 1] */
	double top_frac;     /* the fraction asked for, e.g. 0.05 */
	size_t n_top;	     /* rows in the top fraction: ceil(top_frac * n) */
	double precision_at; /* positives in the top n_top / n_top */
	double recall_at;    /* positives in the top n_top / n_pos (NaN if none) */
	double f1;	     /* best F1 over thresholds (NaN if no positive) */
	double f1_threshold; /* the threshold reaching it: predict score >= it */
};

/*
 * Fills *out with every binary metric, sorting once. y[i] is the label and
 * score[i] the score of row i, for n rows; top_frac in (0, 1].
 *
 * Top fraction: the first n_top rows of the score order (score descending,
 * then input index ascending), n_top = ceil(top_frac * n) but at least 1
 * when n > 0. A product top_frac * n within 1e-9 (relative) of an integer
 * counts as that integer, so 0.07 * 100 gives 7 rows, not 8. Ties at the
 * cut are therefore broken by input order: with scores (0.9, 0.5, 0.5) and
 * n_top 2, rows 0 and 1 are in, row 2 is out.
 *
 * Best F1: for each distinct score t, predict positive when score >= t and
 * take F1 = 2 TP / (2 TP + FP + FN); f1 is the largest, f1_threshold its t.
 * Among equal F1 values the highest threshold wins. NaN both when there is
 * no positive.
 *
 * n == 0 is not an error: counts are 0 and every metric NaN.
 * Returns 0; EC_EDATA when a label is not 0 or 1 or a score is NaN or
 * infinite; EC_EUSAGE when top_frac is outside (0, 1]. out is left alone
 * on error. Copies nothing it needs to keep; y and score are only read.
 */
int ec_metrics_binary(struct ec_binary_metrics *out, const unsigned char *y, const double *score,
		      size_t n, double top_frac, struct ec_err *err);

/*
 * ROC-AUC: the probability that a random positive scores above a random
 * negative, ties counting 1/2. This is the Mann-Whitney U statistic with
 * average ranks over n_pos * n_neg, computed exactly (integer counts) from
 * the score order. NaN when only one class is present, when n == 0, or on
 * invalid input (a label not 0/1, a NaN or infinite score).
 */
double ec_metrics_roc_auc(const unsigned char *y, const double *score, size_t n);

/*
 * PR-AUC as average precision, the definition of scikit-learn's
 * average_precision_score:
 *
 *	AP = sum over distinct thresholds t_1 > t_2 > ... of (R_j - R_{j-1}) P_j
 *
 * where P_j and R_j are the precision and recall when predicting positive
 * for score >= t_j, and R_0 = 0. A group of equal scores is one threshold:
 * precision and recall step once for the whole group, so each positive of
 * the group contributes 1/n_pos times the precision at the end of the group.
 * No interpolation. Example: labels (1, 0, 1, 0), scores (0.8, 0.8, 0.3,
 * 0.1): AP = 1/2 * 1/2 + 1/2 * 2/3 = 7/12. NaN when there is no positive,
 * when n == 0, or on invalid input.
 */
double ec_metrics_pr_auc(const unsigned char *y, const double *score, size_t n);

/*
 * Mean of -(y log p + (1 - y) log(1 - p)), p clipped to
 * [EC_METRICS_EPS, 1 - EC_METRICS_EPS], so p = 0 with y = 1 costs
 * -log(1e-15) = 34.54 rather than infinity. The clip is applied to the
 * probability of the observed class (p or 1 - p, computed without rounding
 * where it matters), so p = 1 with y = 0 costs exactly the same (scikit-learn
 * computes 1 - (1 - 1e-15) in double and gets 34.5396 there, not 34.5388).
 * NaN when n == 0 or on invalid input
 * (a label not 0/1, a probability outside [0, 1] or NaN).
 */
double ec_metrics_log_loss(const unsigned char *y, const double *p, size_t n);

/* Brier score: the mean of (p - y)^2. NaN as for ec_metrics_log_loss(). */
double ec_metrics_brier(const unsigned char *y, const double *p, size_t n);

/* One bin of a calibration table. */
struct ec_calib_bin {
	double lo, hi;	      /* the bin holds lo <= p < hi; the last one p <= hi */
	size_t n;	      /* rows in the bin */
	double mean_pred;     /* mean p of those rows (NaN when n == 0) */
	double observed_rate; /* fraction with label 1 (NaN when n == 0) */
};

/*
 * Fills bins[0 .. n_bins-1] with a calibration table of n_bins equal-width
 * bins over [0, 1] (EC_METRICS_CALIB_BINS is the usual count). Bin i has
 * lo = i / n_bins and hi = (i + 1) / n_bins, computed in double exactly as
 * written, and a probability goes to the bin whose [lo, hi) holds it, by
 * those same doubles (so 0.3 lands in bin 3 of 10, never in bin 2 by a
 * rounding of 0.3 * 10). p = 1.0 goes to the last bin.
 * Returns 0; EC_EUSAGE when n_bins is 0; EC_EDATA when a label is not 0/1
 * or a probability is outside [0, 1] or NaN (bins are then unspecified).
 */
int ec_metrics_calibration(struct ec_calib_bin *bins, size_t n_bins, const unsigned char *y,
			   const double *p, size_t n, struct ec_err *err);

/*
 * The same table by quantiles: the rows sorted by p (ascending, ties by
 * input index), cut into n_bins groups of n / n_bins rows (the first
 * n % n_bins groups one row more), so each decile of 10 holds a tenth of
 * the sessions. lo and hi are the smallest and largest p of a group (NaN
 * for an empty group). Errors as ec_metrics_calibration().
 */
int ec_metrics_calibration_quantiles(struct ec_calib_bin *bins, size_t n_bins,
				     const unsigned char *y, const double *p, size_t n,
				     struct ec_err *err);

/* The curves of a model report: ROC and precision-recall points, gains at
 * fixed top fractions, and the confusion matrix at a threshold. */
#define EC_METRICS_CURVE_POINTS 101
#define EC_METRICS_GAINS 7 /* top 1, 2, 5, 10, 20, 30 and 50% */
extern const double ec_metrics_gain_fracs[EC_METRICS_GAINS];
struct ec_curves {
	size_t n_roc, n_pr;
	double roc_fpr[EC_METRICS_CURVE_POINTS], roc_tpr[EC_METRICS_CURVE_POINTS];
	double pr_recall[EC_METRICS_CURVE_POINTS], pr_precision[EC_METRICS_CURVE_POINTS];
	double gain_captured[EC_METRICS_GAINS]; /* share of the positives in the top fraction */
	double gain_lift[EC_METRICS_GAINS];	/* captured / fraction */
	double threshold;			/* predict positive when score >= threshold */
	size_t tp, fp, fn, tn;
};

/*
 * Fills *out from the score order (as ec_metrics_binary). ROC starts at
 * (0, 0) and ends at (1, 1), one point per group of equal scores; PR has one
 * point (recall, precision) per group, after it. Either is thinned to at
 * most EC_METRICS_CURVE_POINTS points, evenly over the groups, keeping the
 * first and last. Gains use the top-fraction rule of ec_metrics_binary.
 * Without a positive (or a negative), the curves are empty and the gains
 * NaN; the confusion matrix is always counted. Errors as ec_metrics_binary.
 */
int ec_metrics_curves(struct ec_curves *out, const unsigned char *y, const double *score, size_t n,
		      double threshold, struct ec_err *err);

/* ---------------------------------------------------------------------- */
/* Ranking: top-3 categories                                               */

struct ec_rank_metrics {
	size_t n;	    /* items given */
	size_t n_evaluated; /* items with a non-empty truth set: the denominator */
	double hit1;	    /* the first prediction is true */
	double hit3;	    /* one of the first 3 predictions is true */
	double recall3;	    /* |truth among the first 3 predictions| / |truth| */
	double ndcg3;	    /* binary relevance; see below */
	double mrr;	    /* 1 / rank of the first true prediction, 0 if none */
};

/*
 * Fills *out with the mean ranking metrics over n items.
 *
 * pred holds n rows of k category ids each (row-major, n * k ints), ranked
 * best first; a row with fewer than k predictions is padded with
 * EC_METRICS_OTHER. The truth of item i is truth[truth_off[i] ..
 * truth_off[i+1] - 1] (truth_off has n + 1 entries, non-decreasing, and
 * truth_off[0] is normally 0), in any order.
 *
 * Negative ids (EC_METRICS_OTHER = -1 among them) are not categories:
 * - in the truth they are dropped, so a truth set of only "other" is empty;
 * - in the predictions they keep their rank (a slot spent on "other" is a
 *   slot lost) and are never a hit.
 * A prediction repeating an earlier one of the same row is never a hit, and
 * duplicate ids in a truth set count once, so recall3 and ndcg3 stay <= 1.
 *
 * Items whose truth set is empty (after dropping negative ids) are excluded
 * from every metric: nothing could be a hit, and counting them would mix
 * "no cart" with "wrong category". n_evaluated says how many remain; every
 * metric is NaN when it is 0.
 *
 * @3 metrics use the first min(k, 3) predictions; MRR uses all k.
 * NDCG@3 = DCG / IDCG with DCG = sum over ranks r <= 3 of rel_r / log2(r + 1)
 * and IDCG the same sum over the min(|truth|, 3) first ranks all relevant.
 *
 * Returns 0; EC_EUSAGE when k is 0; EC_EDATA when truth_off decreases.
 * out is left alone on error. pred, truth and truth_off are only read.
 */
int ec_metrics_ranking(struct ec_rank_metrics *out, const int *pred, size_t k,
		       const size_t *truth_off, const int *truth, size_t n, struct ec_err *err);

#endif
