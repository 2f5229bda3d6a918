#include "ecomctl/metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A row of the score order. Carrying the index makes the order total, so
 * qsort's instability cannot change any result. */
struct scored {
	double s;
	size_t i;
};

/* Everything one pass over the score order yields. */
struct curve {
	double roc_auc, pr_auc, f1, f1_threshold;
	size_t tp_top;
};

static int cmp_scored(const void *pa, const void *pb)
{
	const struct scored *a = pa, *b = pb;
	if (a->s != b->s)
		return a->s > b->s ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

/* The index of the first bad row, or n. */
static size_t first_bad_label(const unsigned char *y, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (y[i] > 1)
			return i;
	return n;
}

static size_t first_bad_score(const double *score, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(score[i]))
			return i;
	return n;
}

/* EC_EDATA naming the first row whose label is not 0 or 1 or whose score
 * is not finite; else 0. */
static int check_rows(const unsigned char *y, const double *score, size_t n, struct ec_err *err)
{
	size_t bad;
	if ((bad = first_bad_label(y, n)) < n)
		return ec_fail(err, EC_EDATA, "row %zu: label %u is not 0 or 1", bad,
			       (unsigned)y[bad]);
	if ((bad = first_bad_score(score, n)) < n)
		return ec_fail(err, EC_EDATA, "row %zu: score %g is not a finite number", bad,
			       score[bad]);
	return 0;
}

static int all_probabilities(const double *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(p[i] >= 0 && p[i] <= 1))
			return 0;
	return 1;
}

static size_t count_pos(const unsigned char *y, size_t n)
{
	size_t n_pos = 0;
	for (size_t i = 0; i < n; i++)
		n_pos += y[i];
	return n_pos;
}

static struct scored *sort_scores(const double *score, size_t n)
{
	struct scored *o = ec_xmalloc((n ? n : 1) * sizeof(*o));
	for (size_t i = 0; i < n; i++) {
		o[i].s = score[i];
		o[i].i = i;
	}
	qsort(o, n, sizeof(*o), cmp_scored);
	return o;
}

/*
 * Walks the score order one group of equal scores at a time: each group is
 * one threshold. AUC is kept as 2U in integers (each positive gets 2 for
 * every negative below it and 1 for every tied one), so it is exact.
 */
static void walk(struct curve *c, const struct scored *o, const unsigned char *y, size_t n,
		 size_t n_pos, size_t n_top)
{
	size_t n_neg = n - n_pos, tp = 0, fp = 0;
	uint64_t u2 = 0;
	double ap = 0;

	c->f1 = NAN;
	c->f1_threshold = NAN;
	c->tp_top = 0;
	for (size_t a = 0, b; a < n; a = b) {
		size_t gp = 0, gn;
		for (b = a; b < n && o[b].s == o[a].s; b++) {
			gp += y[o[b].i];
			if (b < n_top)
				c->tp_top += y[o[b].i];
		}
		gn = (b - a) - gp;
		u2 += (uint64_t)gp * (2 * (uint64_t)(n_neg - fp) - gn);
		tp += gp;
		fp += gn;
		ap += (double)gp * ((double)tp / (double)(tp + fp));
		if (n_pos > 0) {
			double f1 = 2.0 * (double)tp / (double)(tp + fp + n_pos);
			if (isnan(c->f1) || f1 > c->f1) {
				c->f1 = f1;
				c->f1_threshold = o[a].s;
			}
		}
	}
	c->roc_auc = n_pos && n_neg ? (double)u2 / (2.0 * (double)n_pos * (double)n_neg) : NAN;
	c->pr_auc = n_pos ? ap / (double)n_pos : NAN;
}

static int curve_of(struct curve *c, const unsigned char *y, const double *score, size_t n)
{
	struct scored *o;

	if (n == 0 || first_bad_label(y, n) < n || first_bad_score(score, n) < n)
		return -1;
	o = sort_scores(score, n);
	walk(c, o, y, n, count_pos(y, n), 0);
	free(o);
	return 0;
}

double ec_metrics_roc_auc(const unsigned char *y, const double *score, size_t n)
{
	struct curve c;
	return curve_of(&c, y, score, n) < 0 ? NAN : c.roc_auc;
}

double ec_metrics_pr_auc(const unsigned char *y, const double *score, size_t n)
{
	struct curve c;
	return curve_of(&c, y, score, n) < 0 ? NAN : c.pr_auc;
}

/* -log of the probability given to the observed class, clipped. 1 - p is
 * exact for p >= 1/2 (Sterbenz); below that log1p keeps small p accurate. */
static double cross_entropy(unsigned char y, double p)
{
	double q;

	if (!y && p < 0.5)
		return -log1p(-fmax(p, EC_METRICS_EPS));
	q = y ? p : 1 - p;
	return -log(fmin(fmax(q, EC_METRICS_EPS), 1 - EC_METRICS_EPS));
}

double ec_metrics_log_loss(const unsigned char *y, const double *p, size_t n)
{
	double sum = 0;

	if (n == 0 || first_bad_label(y, n) < n || !all_probabilities(p, n))
		return NAN;
	for (size_t i = 0; i < n; i++)
		sum += cross_entropy(y[i], p[i]);
	return sum / (double)n;
}

double ec_metrics_brier(const unsigned char *y, const double *p, size_t n)
{
	double sum = 0;

	if (n == 0 || first_bad_label(y, n) < n || !all_probabilities(p, n))
		return NAN;
	for (size_t i = 0; i < n; i++) {
		double d = p[i] - (double)y[i];
		sum += d * d;
	}
	return sum / (double)n;
}

/* ceil(frac * n), forgiving the rounding of frac: 0.07 * 100 is 7.000000000000001. */
static size_t top_count(double frac, size_t n)
{
	double x = frac * (double)n, r = round(x);
	size_t k = fabs(x - r) <= 1e-9 * fmax(r, 1) ? (size_t)r : (size_t)ceil(x);

	if (k == 0 && n > 0)
		k = 1;
	return k < n ? k : n;
}

int ec_metrics_binary(struct ec_binary_metrics *out, const unsigned char *y, const double *score,
		      size_t n, double top_frac, struct ec_err *err)
{
	struct ec_binary_metrics m = {0};
	struct curve c = {NAN, NAN, NAN, NAN, 0};
	int rc;

	if (!(top_frac > 0 && top_frac <= 1))
		return ec_fail(err, EC_EUSAGE, "top fraction %g is outside (0, 1]", top_frac);
	if ((rc = check_rows(y, score, n, err)) < 0)
		return rc;

	m.n = n;
	m.n_pos = count_pos(y, n);
	m.top_frac = top_frac;
	m.n_top = top_count(top_frac, n);
	if (n > 0) {
		struct scored *o = sort_scores(score, n);
		walk(&c, o, y, n, m.n_pos, m.n_top);
		free(o);
	}
	m.base_rate = n ? (double)m.n_pos / (double)n : NAN;
	m.roc_auc = c.roc_auc;
	m.pr_auc = c.pr_auc;
	m.log_loss = ec_metrics_log_loss(y, score, n);
	m.brier = ec_metrics_brier(y, score, n);
	m.precision_at = m.n_top ? (double)c.tp_top / (double)m.n_top : NAN;
	m.recall_at = m.n_pos ? (double)c.tp_top / (double)m.n_pos : NAN;
	m.f1 = c.f1;
	m.f1_threshold = c.f1_threshold;
	*out = m;
	return 0;
}

const double ec_metrics_gain_fracs[EC_METRICS_GAINS] = {0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5};

/* Keeps at most EC_METRICS_CURVE_POINTS of the m points of (a, b), evenly,
 * the first and the last among them; returns how many. */
static size_t thin(double *a, double *b, size_t m, const double *src_a, const double *src_b)
{
	size_t keep = m < EC_METRICS_CURVE_POINTS ? m : EC_METRICS_CURVE_POINTS;
	for (size_t i = 0; i < keep; i++) {
		size_t j = keep > 1
			       ? (size_t)llround((double)i * (double)(m - 1) / (double)(keep - 1))
			       : 0;
		a[i] = src_a[j];
		b[i] = src_b[j];
	}
	return keep;
}

int ec_metrics_curves(struct ec_curves *out, const unsigned char *y, const double *score, size_t n,
		      double threshold, struct ec_err *err)
{
	struct ec_curves c;
	size_t n_pos, tp = 0, fp = 0, m = 0;
	int rc;

	if ((rc = check_rows(y, score, n, err)) < 0)
		return rc;
	memset(&c, 0, sizeof(c));
	n_pos = count_pos(y, n);
	c.threshold = threshold;
	for (size_t i = 0; i < n; i++) {
		int pred = score[i] >= threshold;
		c.tp += pred && y[i];
		c.fp += pred && !y[i];
		c.fn += !pred && y[i];
		c.tn += !pred && !y[i];
	}
	for (int g = 0; g < EC_METRICS_GAINS; g++)
		c.gain_captured[g] = c.gain_lift[g] = NAN;
	if (n_pos == 0 || n_pos == n) {
		*out = c;
		return 0;
	}
	struct scored *o = sort_scores(score, n);
	/* every group's point, then thinned: fx/fy the ROC, rx/ry the PR curve */
	double *fx = ec_xmalloc((n + 1) * 4 * sizeof(double)), *fy = fx + n + 1;
	double *rx = fy + n + 1, *ry = rx + n + 1;
	size_t top[EC_METRICS_GAINS], tp_top[EC_METRICS_GAINS] = {0};
	for (int g = 0; g < EC_METRICS_GAINS; g++)
		top[g] = top_count(ec_metrics_gain_fracs[g], n);
	fx[0] = fy[0] = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		for (; j < n && o[j].s == o[i].s; j++) {
			tp += y[o[j].i];
			fp += !y[o[j].i];
			for (int g = 0; g < EC_METRICS_GAINS; g++)
				tp_top[g] += j < top[g] && y[o[j].i];
		}
		fx[m + 1] = (double)fp / (double)(n - n_pos);
		fy[m + 1] = (double)tp / (double)n_pos;
		rx[m] = (double)tp / (double)n_pos;
		ry[m] = (double)tp / (double)(tp + fp);
		m++;
		i = j;
	}
	c.n_roc = thin(c.roc_fpr, c.roc_tpr, m + 1, fx, fy);
	c.n_pr = thin(c.pr_recall, c.pr_precision, m, rx, ry);
	for (int g = 0; g < EC_METRICS_GAINS; g++) {
		c.gain_captured[g] = (double)tp_top[g] / (double)n_pos;
		c.gain_lift[g] = c.gain_captured[g] / ((double)top[g] / (double)n);
	}
	free(fx);
	free(o);
	*out = c;
	return 0;
}

/* floor(p * n_bins) may round across an edge; settle on the edges as reported. */
static size_t calib_bin(double p, size_t n_bins)
{
	size_t b = (size_t)(p * (double)n_bins);

	if (b >= n_bins)
		b = n_bins - 1;
	if (b > 0 && p < (double)b / (double)n_bins)
		b--;
	else if (b + 1 < n_bins && p >= (double)(b + 1) / (double)n_bins)
		b++;
	return b;
}

int ec_metrics_calibration(struct ec_calib_bin *bins, size_t n_bins, const unsigned char *y,
			   const double *p, size_t n, struct ec_err *err)
{
	size_t bad;

	if (n_bins == 0)
		return ec_fail(err, EC_EUSAGE, "calibration needs at least one bin");
	if ((bad = first_bad_label(y, n)) < n)
		return ec_fail(err, EC_EDATA, "row %zu: label %u is not 0 or 1", bad,
			       (unsigned)y[bad]);
	for (size_t i = 0; i < n; i++)
		if (!(p[i] >= 0 && p[i] <= 1))
			return ec_fail(err, EC_EDATA, "row %zu: probability %g is outside [0, 1]",
				       i, p[i]);

	for (size_t b = 0; b < n_bins; b++) {
		bins[b].lo = (double)b / (double)n_bins;
		bins[b].hi = (double)(b + 1) / (double)n_bins;
		bins[b].n = 0;
		bins[b].mean_pred = 0;
		bins[b].observed_rate = 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct ec_calib_bin *bin = &bins[calib_bin(p[i], n_bins)];
		bin->n++;
		bin->mean_pred += p[i];
		bin->observed_rate += y[i];
	}
	for (size_t b = 0; b < n_bins; b++) {
		double k = (double)bins[b].n;
		bins[b].mean_pred = k > 0 ? bins[b].mean_pred / k : NAN;
		bins[b].observed_rate = k > 0 ? bins[b].observed_rate / k : NAN;
	}
	return 0;
}

struct pidx {
	double p;
	size_t i;
};

static int cmp_pidx(const void *a, const void *b)
{
	const struct pidx *x = a, *y = b;
	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

int ec_metrics_calibration_quantiles(struct ec_calib_bin *bins, size_t n_bins,
				     const unsigned char *y, const double *p, size_t n,
				     struct ec_err *err)
{
	int rc = ec_metrics_calibration(bins, n_bins, y, p, n, err);
	if (rc < 0)
		return rc;
	struct pidx *v = ec_xmalloc((n + 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (struct pidx){p[i], i};
	qsort(v, n, sizeof(*v), cmp_pidx);
	for (size_t b = 0, at = 0; b < n_bins; b++) {
		size_t k = n / n_bins + (b < n % n_bins);
		struct ec_calib_bin *bin = &bins[b];
		double sp = 0, sy = 0;
		for (size_t j = at; j < at + k; j++) {
			sp += v[j].p;
			sy += y[v[j].i];
		}
		bin->n = k;
		bin->lo = k ? v[at].p : NAN;
		bin->hi = k ? v[at + k - 1].p : NAN;
		bin->mean_pred = k ? sp / (double)k : NAN;
		bin->observed_rate = k ? sy / (double)k : NAN;
		at += k;
	}
	free(v);
	return 0;
}

static int contains(const int *v, size_t n, int id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return 1;
	return 0;
}

/* Distinct category ids (>= 0) in a truth set. Sets are small: O(m^2). */
static size_t truth_size(const int *t, size_t m)
{
	size_t k = 0;
	for (size_t j = 0; j < m; j++)
		if (t[j] >= 0 && !contains(t, j, t[j]))
			k++;
	return k;
}

int ec_metrics_ranking(struct ec_rank_metrics *out, const int *pred, size_t k,
		       const size_t *truth_off, const int *truth, size_t n, struct ec_err *err)
{
	/* 1 / log2(r + 1) for ranks r = 1, 2, 3. */
	const double discount[3] = {1.0, 1.0 / log2(3.0), 0.5};
	double hit1 = 0, hit3 = 0, recall3 = 0, ndcg3 = 0, mrr = 0;
	size_t n_eval = 0;

	if (k == 0)
		return ec_fail(err, EC_EUSAGE, "ranking needs at least one prediction per item");
	for (size_t i = 0; i < n; i++)
		if (truth_off[i + 1] < truth_off[i])
			return ec_fail(err, EC_EDATA, "item %zu: truth offsets decrease", i);

	for (size_t i = 0; i < n; i++) {
		size_t m = truth_off[i + 1] - truth_off[i], n_true, hits3 = 0;
		const int *row = pred + i * k, *t;
		double dcg = 0, idcg = 0, rr = 0;

		if (m == 0)
			continue;
		t = truth + truth_off[i];
		if ((n_true = truth_size(t, m)) == 0)
			continue;
		n_eval++;
		for (size_t r = 0; r < k; r++) {
			if (row[r] < 0 || contains(row, r, row[r]) || !contains(t, m, row[r]))
				continue;
			if (rr == 0)
				rr = 1.0 / (double)(r + 1);
			if (r < 3) {
				hits3++;
				dcg += discount[r];
			}
		}
		for (size_t r = 0; r < n_true && r < 3; r++)
			idcg += discount[r];
		hit1 += row[0] >= 0 && contains(t, m, row[0]);
		hit3 += hits3 > 0;
		recall3 += (double)hits3 / (double)n_true;
		ndcg3 += dcg / idcg;
		mrr += rr;
	}

	out->n = n;
	out->n_evaluated = n_eval;
	if (n_eval == 0) {
		out->hit1 = out->hit3 = out->recall3 = out->ndcg3 = out->mrr = NAN;
		return 0;
	}
	out->hit1 = hit1 / (double)n_eval;
	out->hit3 = hit3 / (double)n_eval;
	out->recall3 = recall3 / (double)n_eval;
	out->ndcg3 = ndcg3 / (double)n_eval;
	out->mrr = mrr / (double)n_eval;
	return 0;
}
