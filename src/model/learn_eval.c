/* A model's validation metrics beside its baselines, as tables and JSON.
 * See learn.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/features.h"
#include "ecomctl/json.h"
#include "ecomctl/learn.h"

const char *const ec_intent_score_names[EC_IB_N] = {"model", "base_rate", "has_cart", "cart_count"};
const char *const ec_category_score_names[EC_CB_N] = {
    "model", "popularity", "most_viewed", "viewed_popular", "last_viewed", "user_last"};

/* The features the baselines read (names of the featurizer's tables). */
#define F_CARTS "carts"
/* Category baselines: candidates ordered by these columns, in turn (sign +1:
 * higher first), then by candidate order. */
static const struct bkey {
	const char *name;
	int sign;
} cat_keys[EC_CB_N][2] = {
    /* earlier sessions that carted or bought it (log), the smoothed-free prior */
    [EC_CB_POPULARITY] = {{"cand_prior_carts_log", 1}, {NULL, 0}},
    [EC_CB_MOST_VIEWED] = {{"cand_views", 1}, {NULL, 0}},
    /* the last viewed first, then the others by how recently (NaN: not viewed) */
    [EC_CB_VIEWED_POPULAR] = {{"cand_views", 1}, {"cand_prior_carts_log", 1}},
    [EC_CB_LAST_VIEWED] = {{"cand_viewed_last", 1}, {"cand_secs_since_view", -1}},
    /* the category of the user's latest earlier session first (NaN: none) */
    [EC_CB_USER_LAST] = {{"cand_user_days_since_view", -1}, {"cand_user_last_views", 1}},
};

static int need_col(const struct ec_feature_def *defs, uint32_t n, const char *name,
		    struct ec_err *err)
{
	int c = ec_feature_col(defs, n, name);
	if (c < 0)
		return ec_fail(err, EC_EINTERNAL,
			       "baseline needs feature '%s', which the feature table lacks", name);
	return c;
}

int ec_eval_intent(struct ec_intent_report *out, const struct ec_iset *s, size_t i0, size_t i1,
		   const float *p, double train_rate, double threshold,
		   const struct ec_feature_def *defs, uint32_t n_defs, struct ec_err *err)
{
	size_t n = i1 - i0;
	int c = need_col(defs, n_defs, F_CARTS, err), rc = 0;
	if (c < 0)
		return c;
	double *sc = ec_xmalloc((n + 1) * sizeof(double) * EC_IB_N);
	const unsigned char *y = s->y + i0;
	memset(out, 0, sizeof(*out));
	out->n = n;
	for (size_t i = 0; i < n; i++) {
		float carts = EC_ROW(s, i0 + i)[c];
		if (isnan(carts))
			carts = 0;
		sc[i] = p[i];
		sc[n + i] = isnan(train_rate) ? 0 : train_rate;
		sc[2 * n + i] = carts > 0;
		sc[3 * n + i] = carts;
		out->n_pos += y[i];
	}
	for (int b = 0; b < EC_IB_N && rc == 0; b++)
		rc = ec_metrics_binary(&out->m[b], y, sc + (size_t)b * n, n, EC_INTENT_TOP_FRAC,
				       err);
	if (rc == 0)
		rc = ec_metrics_calibration(out->calib, EC_METRICS_CALIB_BINS, y, sc, n, err);
	if (rc == 0)
		rc = ec_metrics_calibration_quantiles(out->deciles, EC_METRICS_CALIB_BINS, y, sc, n,
						      err);
	if (rc == 0)
		rc = ec_metrics_curves(
		    &out->curves, y, sc, n,
		    isnan(threshold) ? out->m[EC_IB_MODEL].f1_threshold : threshold, err);
	free(sc);
	return rc;
}

/* The order of a session's candidates by a baseline's feature keys. */
static void order_by(const struct ec_cset *s, size_t r0, uint32_t n, const int cols[2],
		     const int signs[2], uint32_t *idx)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = i;
		while (j > 0) {
			int better = 0, decided = 0;
			for (int k = 0; k < 2 && cols[k] >= 0 && !decided; k++) {
				float a = EC_ROW(s, r0 + i)[cols[k]];
				float b = EC_ROW(s, r0 + idx[j - 1])[cols[k]];
				if (isnan(a) != isnan(b))
					better = isnan(b), decided = 1;
				else if (!isnan(a) && a != b)
					better = signs[k] > 0 ? a > b : a < b, decided = 1;
			}
			if (!better) /* equal keys keep candidate order */
				break;
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = i;
	}
}

/* The calibration of the k-th best candidate's score, k = 1..3. */
static int cat_calibration(struct ec_category_report *out, const struct ec_cset *s, size_t s0,
			   size_t s1, const float *scores, struct ec_err *err)
{
	size_t n = s1 - s0, base = s->row_off[s0];
	unsigned char *y = ec_xmalloc(3 * n + 1);
	double *p = ec_xmalloc((3 * n + 1) * sizeof(double));
	uint32_t *idx = ec_xmalloc(ec_cset_max_cand(s, s0, s1) * sizeof(uint32_t));
	int rc = 0;
	out->calibrated = 1;
	for (size_t r = base; r < s->row_off[s1]; r++)
		if (!(scores[r - base] >= 0 && scores[r - base] <= 1))
			out->calibrated = 0;
	for (size_t i = s0; i < s1 && out->calibrated; i++) {
		size_t r0 = s->row_off[i], m = s->row_off[i + 1] - r0;
		ec_rank_order(scores + (r0 - base), (uint32_t)m, idx);
		for (size_t k = 0; k < 3 && k < m; k++) {
			size_t j = out->p_n[k]++;
			int key = (int)s->cand[r0 + idx[k]];
			y[k * n + j] = 0;
			for (size_t t = s->truth_off[i]; t < s->truth_off[i + 1]; t++)
				y[k * n + j] |= s->truth[t] == key;
			p[k * n + j] = scores[r0 + idx[k] - base];
		}
	}
	for (int k = 0; k < 3; k++) {
		double sp = 0, sy = 0;
		for (size_t j = 0; j < out->p_n[k]; j++)
			sp += p[k * n + j], sy += y[k * n + j];
		out->p_mean[k] = out->p_n[k] ? sp / (double)out->p_n[k] : NAN;
		out->p_observed[k] = out->p_n[k] ? sy / (double)out->p_n[k] : NAN;
		if (out->calibrated && rc == 0)
			rc = ec_metrics_calibration_quantiles(out->deciles[k],
							      EC_METRICS_CALIB_BINS, y + k * n,
							      p + k * n, out->p_n[k], err);
	}
	free(idx);
	free(p);
	free(y);
	return rc;
}

int ec_eval_category(struct ec_category_report *out, const struct ec_cset *s, size_t s0, size_t s1,
		     const float *scores, const struct ec_feature_def *defs, uint32_t n_defs,
		     struct ec_err *err)
{
	size_t n = s1 - s0, k = ec_cset_max_cand(s, s0, s1);
	int cols[EC_CB_N][2], signs[EC_CB_N][2], rc = 0;
	memset(out, 0, sizeof(*out));
	for (int b = 1; b < EC_CB_N; b++)
		for (int j = 0; j < 2; j++) {
			cols[b][j] = -1;
			signs[b][j] = cat_keys[b][j].sign;
			if (cat_keys[b][j].name &&
			    (cols[b][j] = need_col(defs, n_defs, cat_keys[b][j].name, err)) < 0)
				return cols[b][j];
		}
	out->n_sessions = n;
	size_t reachable = 0, evaluated = 0;
	for (size_t i = s0; i < s1; i++) {
		int any = 0;
		for (size_t t = s->truth_off[i]; t < s->truth_off[i + 1]; t++) {
			int hit = 0;
			for (size_t r = s->row_off[i]; r < s->row_off[i + 1] && !hit; r++)
				hit = (int)s->cand[r] == s->truth[t];
			out->truth_keys++;
			out->truth_not_candidate += !hit;
			any |= hit;
		}
		evaluated += s->truth_off[i + 1] > s->truth_off[i];
		reachable += any;
	}
	out->ceiling = evaluated ? (double)reachable / (double)evaluated : NAN;
	out->cand_recall = out->truth_keys
			       ? 1.0 - (double)out->truth_not_candidate / (double)out->truth_keys
			       : NAN;
	int *pred = ec_xmalloc((n * k + 1) * sizeof(int));
	uint32_t *idx = ec_xmalloc(k * sizeof(uint32_t));
	ec_cset_rank(s, s0, s1, scores, k, pred);
	rc = ec_metrics_ranking(&out->m[EC_CB_MODEL], pred, k, s->truth_off + s0, s->truth, n, err);
	for (int b = 1; b < EC_CB_N && rc == 0; b++) {
		for (size_t i = s0; i < s1; i++) {
			size_t r0 = s->row_off[i];
			uint32_t m = (uint32_t)(s->row_off[i + 1] - r0);
			order_by(s, r0, m, cols[b], signs[b], idx);
			for (size_t j = 0; j < k; j++)
				pred[k * (i - s0) + j] =
				    j < m ? (int)s->cand[r0 + idx[j]] : EC_METRICS_OTHER;
		}
		rc = ec_metrics_ranking(&out->m[b], pred, k, s->truth_off + s0, s->truth, n, err);
	}
	free(idx);
	free(pred);
	if (rc == 0)
		rc = cat_calibration(out, s, s0, s1, scores, err);
	return rc;
}

static void cell(double v)
{
	if (isnan(v))
		printf(" %11s", "-");
	else
		printf(" %11.4f", v);
}

static void deciles_print(const struct ec_calib_bin *const *t, int n_t, const char *const *names)
{
	printf("  %-8s", "decile");
	for (int k = 0; k < n_t; k++)
		printf(" %8s %9s %9s", "sessions", names[k], "observed");
	putchar('\n');
	for (int i = 0; i < EC_METRICS_CALIB_BINS; i++) {
		printf("  %-8d", i + 1);
		for (int k = 0; k < n_t; k++) {
			const struct ec_calib_bin *c = &t[k][i];
			if (c->n)
				printf(" %8zu %9.4f %9.4f", c->n, c->mean_pred, c->observed_rate);
			else
				printf(" %8zu %9s %9s", c->n, "-", "-");
		}
		putchar('\n');
	}
}

static void deciles_json(struct ec_json *a, const struct ec_calib_bin *t)
{
	for (int i = 0; i < EC_METRICS_CALIB_BINS; i++) {
		struct ec_json *o = ec_json_add_object(a, NULL);
		ec_json_add_num(o, "lo", t[i].lo);
		ec_json_add_num(o, "hi", t[i].hi);
		ec_json_add_int(o, "sessions", (int64_t)t[i].n);
		ec_json_add_num(o, "mean_p", t[i].mean_pred);
		ec_json_add_num(o, "observed", t[i].observed_rate);
	}
}

void ec_intent_report_print(const struct ec_intent_report *r, double threshold)
{
	static const char *rows[] = {"roc_auc",	     "pr_auc",	  "log_loss", "brier",
				     "precision@5%", "recall@5%", "best_f1",  "f1_threshold"};
	printf("intent: %zu sessions, %zu with a purchase (%.2f%%)\n", r->n, r->n_pos,
	       r->n ? 100.0 * (double)r->n_pos / (double)r->n : 0.0);
	printf("  %-14s", "metric");
	for (int b = 0; b < EC_IB_N; b++)
		printf(" %11s", ec_intent_score_names[b]);
	putchar('\n');
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		printf("  %-14s", rows[k]);
		for (int b = 0; b < EC_IB_N; b++) {
			const struct ec_binary_metrics *m = &r->m[b];
			double v[] = {m->roc_auc,      m->pr_auc,    m->log_loss, m->brier,
				      m->precision_at, m->recall_at, m->f1,	  m->f1_threshold};
			cell(v[k]);
		}
		putchar('\n');
	}
	printf("  decision threshold (best F1 on validation): %.4f\n", threshold);
	printf("  calibration of the model:\n  %-11s %8s %10s %10s\n", "p", "sessions", "mean_p",
	       "observed");
	for (int i = 0; i < EC_METRICS_CALIB_BINS; i++) {
		const struct ec_calib_bin *c = &r->calib[i];
		printf("  %.1f-%.1f%s %8zu", c->lo, c->hi,
		       i == EC_METRICS_CALIB_BINS - 1 ? "]" : ")", c->n);
		if (c->n)
			printf(" %10.4f %10.4f\n", c->mean_pred, c->observed_rate);
		else
			printf(" %10s %10s\n", "-", "-");
	}
	static const char *const names[] = {"mean_p"};
	const struct ec_calib_bin *t[1] = {r->deciles};
	printf("  calibration by deciles of p_purchase:\n");
	deciles_print(t, 1, names);
}

static void category_calibration_print(const struct ec_category_report *r)
{
	static const char *const names[] = {"p_cat_1", "p_cat_2", "p_cat_3"};
	if (!r->calibrated) {
		printf("  p_category: scores of a ranking objective, not probabilities\n");
		return;
	}
	for (int k = 0; k < 3; k++)
		printf("  p_category_%d: mean %.4f, observed %.4f over %zu sessions (all, carting "
		       "or not)\n",
		       k + 1, r->p_mean[k], r->p_observed[k], r->p_n[k]);
	const struct ec_calib_bin *t[3] = {r->deciles[0], r->deciles[1], r->deciles[2]};
	printf("  calibration by deciles of p_category_k:\n");
	deciles_print(t, 3, names);
}

void ec_category_report_print(const struct ec_category_report *r)
{
	static const char *rows[] = {"hit@1", "hit@3", "recall@3", "ndcg@3", "mrr"};
	printf("category: %zu sessions with a cart or purchase; candidate recall %.4f (%zu of "
	       "%zu true categories were not candidates); best reachable hit@k %.4f\n",
	       r->m[0].n_evaluated, r->cand_recall, r->truth_not_candidate, r->truth_keys,
	       r->ceiling);
	printf("  %-14s", "metric");
	for (int b = 0; b < EC_CB_N; b++)
		printf(" %11s", ec_category_score_names[b]);
	putchar('\n');
	for (size_t k = 0; k < sizeof(rows) / sizeof(rows[0]); k++) {
		printf("  %-14s", rows[k]);
		for (int b = 0; b < EC_CB_N; b++) {
			const struct ec_rank_metrics *m = &r->m[b];
			double v[] = {m->hit1, m->hit3, m->recall3, m->ndcg3, m->mrr};
			cell(v[k]);
		}
		putchar('\n');
	}
	category_calibration_print(r);
}

/* The model's curves: "curves" {"roc", "pr"}, "gains", "confusion". */
static void curves_json(struct ec_json *j, const struct ec_curves *c)
{
	struct ec_json *cv = ec_json_add_object(j, "curves");
	struct ec_json *roc = ec_json_add_array(cv, "roc"), *pr = ec_json_add_array(cv, "pr");
	for (size_t i = 0; i < c->n_roc; i++) {
		struct ec_json *o = ec_json_add_object(roc, NULL);
		ec_json_add_num(o, "fpr", c->roc_fpr[i]);
		ec_json_add_num(o, "tpr", c->roc_tpr[i]);
	}
	for (size_t i = 0; i < c->n_pr; i++) {
		struct ec_json *o = ec_json_add_object(pr, NULL);
		ec_json_add_num(o, "recall", c->pr_recall[i]);
		ec_json_add_num(o, "precision", c->pr_precision[i]);
	}
	struct ec_json *g = ec_json_add_array(j, "gains");
	for (int i = 0; i < EC_METRICS_GAINS; i++) {
		struct ec_json *o = ec_json_add_object(g, NULL);
		ec_json_add_num(o, "top", ec_metrics_gain_fracs[i]);
		ec_json_add_num(o, "captured", c->gain_captured[i]);
		ec_json_add_num(o, "lift", c->gain_lift[i]);
	}
	struct ec_json *cm = ec_json_add_object(j, "confusion");
	ec_json_add_num(cm, "threshold", c->threshold);
	ec_json_add_int(cm, "tp", (int64_t)c->tp);
	ec_json_add_int(cm, "fp", (int64_t)c->fp);
	ec_json_add_int(cm, "fn", (int64_t)c->fn);
	ec_json_add_int(cm, "tn", (int64_t)c->tn);
}

void ec_intent_report_json(const struct ec_intent_report *r, struct ec_json *j)
{
	ec_json_add_int(j, "sessions", (int64_t)r->n);
	ec_json_add_int(j, "purchases", (int64_t)r->n_pos);
	for (int b = 0; b < EC_IB_N; b++) {
		const struct ec_binary_metrics *m = &r->m[b];
		struct ec_json *o = ec_json_add_object(j, ec_intent_score_names[b]);
		ec_json_add_num(o, "roc_auc", m->roc_auc);
		ec_json_add_num(o, "pr_auc", m->pr_auc);
		ec_json_add_num(o, "log_loss", m->log_loss);
		ec_json_add_num(o, "brier", m->brier);
		ec_json_add_num(o, "precision_at_5pct", m->precision_at);
		ec_json_add_num(o, "recall_at_5pct", m->recall_at);
		ec_json_add_num(o, "best_f1", m->f1);
		ec_json_add_num(o, "best_f1_threshold", m->f1_threshold);
	}
	struct ec_json *c = ec_json_add_array(j, "calibration");
	for (int i = 0; i < EC_METRICS_CALIB_BINS; i++) {
		struct ec_json *o = ec_json_add_object(c, NULL);
		ec_json_add_num(o, "lo", r->calib[i].lo);
		ec_json_add_num(o, "hi", r->calib[i].hi);
		ec_json_add_int(o, "sessions", (int64_t)r->calib[i].n);
		ec_json_add_num(o, "mean_p", r->calib[i].mean_pred);
		ec_json_add_num(o, "observed", r->calib[i].observed_rate);
	}
	deciles_json(ec_json_add_array(j, "calibration_deciles"), r->deciles);
	curves_json(j, &r->curves);
}

void ec_category_report_json(const struct ec_category_report *r, struct ec_json *j)
{
	ec_json_add_int(j, "sessions", (int64_t)r->m[0].n_evaluated);
	ec_json_add_int(j, "truth_keys", (int64_t)r->truth_keys);
	ec_json_add_int(j, "truth_not_candidate", (int64_t)r->truth_not_candidate);
	ec_json_add_num(j, "ceiling", r->ceiling);
	ec_json_add_num(j, "candidate_recall", r->cand_recall);
	for (int b = 0; b < EC_CB_N; b++) {
		const struct ec_rank_metrics *m = &r->m[b];
		struct ec_json *o = ec_json_add_object(j, ec_category_score_names[b]);
		ec_json_add_num(o, "hit1", m->hit1);
		ec_json_add_num(o, "hit3", m->hit3);
		ec_json_add_num(o, "recall3", m->recall3);
		ec_json_add_num(o, "ndcg3", m->ndcg3);
		ec_json_add_num(o, "mrr", m->mrr);
	}
	struct ec_json *c = ec_json_add_array(j, "calibration");
	for (int k = 0; k < 3 && r->calibrated; k++) {
		struct ec_json *o = ec_json_add_object(c, NULL);
		ec_json_add_int(o, "k", k + 1);
		ec_json_add_int(o, "sessions", (int64_t)r->p_n[k]);
		ec_json_add_num(o, "mean_p", r->p_mean[k]);
		ec_json_add_num(o, "observed", r->p_observed[k]);
		deciles_json(ec_json_add_array(o, "deciles"), r->deciles[k]);
	}
}
