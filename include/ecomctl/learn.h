/*
 * learn.h -- what train, evaluate and score share between the featurizer and
 * the model: the featurized rows of both tasks kept in memory, the time
 * split, the top-3 ranking of candidate categories, and the evaluation of a
 * model beside its baselines (features -> learn -> model / metrics).
 *
 * Intent rows are one per session with an event before its intent cutoff;
 * the label is "the session has a purchase". Category rows are one per
 * (session, candidate category) of the sessions with a cart or purchase;
 * a session's recommendation is its three best-scored candidates, and its
 * truth is every category key carted or bought in it (a truth key that is
 * not a candidate can never be hit, and still counts in recall).
 *
 * Baselines read their inputs from the feature rows by feature name (the
 * caller passes the feature table), never by position:
 *   intent    base rate   the training base rate for every session
 *             has_cart    1 when the session carted before the cutoff
 *             cart_count  the number of carts before the cutoff
 *   category  popularity  candidates by the earlier sessions that carted them
 *             most_viewed candidates by views in the session
 *             viewed_popular  most viewed, the rest by popularity ("most
 *                         viewed, then fill with the most carted")
 *             last_viewed candidates by how recently they were viewed
 *             user_last   the user's most recently viewed categories of
 *                         earlier sessions first
 * (each breaks ties by the candidate order of the featurizer).
 *
 * Feature rows in memory cost d floats each (about 180 bytes a category
 * row); a set given a spill (ec_iset_spill / ec_cset_spill) writes them to
 * an unlinked temporary file instead and keeps in memory only labels,
 * weights, start times and keys (about 12 bytes a row). Training then
 * streams the spill into XGBoost in batches (model.h), and x holds at most a
 * window of rows x0 .. x0 + n_x - 1 read back for evaluation.
 *
 * Ownership: sets are the caller's storage (_init/_release) and own their
 * arrays and their spill; everything else is pure and writes to caller
 * storage. Sessions are added in start order (the featurizer's order), so a
 * time split is an index.
 */
#ifndef ECOMCTL_LEARN_H
#define ECOMCTL_LEARN_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/common.h"
#include "ecomctl/hash.h"
#include "ecomctl/metrics.h"

struct ec_fsession;
struct ec_feature_def;
struct ec_json;

/* Rows of d floats in an unlinked temporary file, appended in order and
 * read back by index. Caller's storage. */
struct ec_spill {
	int fd; /* -1: none */
	uint32_t d;
	size_t n;   /* rows added (the last n_buf still in buf) */
	float *buf; /* rows not yet written */
	size_t n_buf;
	char *dir; /* for messages */
};

void ec_spill_init(struct ec_spill *s);
/* Creates the file in dir (mkstemp, then unlink at once: nothing is left
 * behind on any exit). EC_ECANTCREAT when dir refuses it. */
int ec_spill_open(struct ec_spill *s, const char *dir, uint32_t d, struct ec_err *err);
/* Appends n rows (copies x). EC_EIO on a write error (a full disk). */
int ec_spill_add(struct ec_spill *s, const float *x, size_t n, struct ec_err *err);
/* Writes the buffered rows; needed before reading them. */
int ec_spill_flush(struct ec_spill *s, struct ec_err *err);
/* Reads rows first .. first+n-1 into x (n * d floats, caller storage). */
int ec_spill_read(const struct ec_spill *s, size_t first, size_t n, float *x, struct ec_err *err);
/* Closes the file (its space is freed). Accepts an initialized, unopened one. */
void ec_spill_release(struct ec_spill *s);

/* Intent rows. */
struct ec_iset {
	uint32_t d; /* features per row */
	size_t n, cap;
	float *x; /* n * d; with a spill: rows x0 .. x0 + n_x - 1, or NULL */
	size_t x0, n_x;
	float *yf; /* labels as XGBoost wants them */
	unsigned char *y;
	int64_t *start;	       /* session start, non-decreasing */
	struct ec_spill spill; /* fd -1: rows in x */
};

/* Category rows, grouped by session. */
struct ec_cset {
	uint32_t d;
	size_t n_s, cap_s; /* sessions */
	size_t n_r, cap_r; /* rows (candidates) */
	float *x;	   /* n_r * d; with a spill: rows x0 .. x0 + n_x - 1, or NULL */
	size_t x0, n_x;
	struct ec_spill spill; /* fd -1: rows in x */
	float *yf;
	float *w;	   /* per row: the weight of its session (1 unless sampled) */
	uint32_t *cand;	   /* per row: key id in keys */
	size_t *row_off;   /* n_s + 1: rows of session s are row_off[s] .. row_off[s+1]-1 */
	int64_t *start;	   /* per session, non-decreasing */
	size_t *truth_off; /* n_s + 1 */
	int *truth;	   /* key ids */
	size_t n_truth, cap_truth;
	struct ec_strtab keys; /* every candidate and truth key */
	/* Share of the sessions without a cart or purchase that ec_learn_collect
	 * keeps (by a hash of the session id; default 1: all); their rows weigh
	 * 1 / neg_keep, so a model trained on the sample stays calibrated to
	 * all sessions. Bounds memory on large months. */
	double neg_keep;
	size_t neg_seen; /* such sessions offered, kept or not */
};

void ec_iset_init(struct ec_iset *s, uint32_t d);
void ec_iset_release(struct ec_iset *s);
/* From now on rows go to a spill file in dir (before the first row). */
int ec_iset_spill(struct ec_iset *s, const char *dir, struct ec_err *err);
/* Appends one row (copies x). EC_EINTERNAL when start goes back in time. */
int ec_iset_add(struct ec_iset *s, const float *x, int label, int64_t start, struct ec_err *err);

void ec_cset_init(struct ec_cset *s, uint32_t d);
void ec_cset_release(struct ec_cset *s);
int ec_cset_spill(struct ec_cset *s, const char *dir, struct ec_err *err);

/* Loads rows r0 .. r1-1 of a set's spill into its x window (replacing the
 * previous window; x0 = r0). Without a spill: nothing (x holds every row). */
int ec_rows_window(float **x, size_t *x0, size_t *n_x, const struct ec_spill *sp, size_t r0,
		   size_t r1, struct ec_err *err);
/* Row r of a set's x (inside its window). */
#define EC_ROW(s, r) ((s)->x + ((r) - (s)->x0) * (s)->d)
/* Appends a session's candidates (n rows of d values, their keys and
 * labels) and its truth keys; copies everything. */
int ec_cset_add(struct ec_cset *s, int64_t start, uint32_t n, const char *const *keys,
		const float *x, const uint8_t *label, uint32_t n_truth, const char *const *truth,
		struct ec_err *err);

/* Reads every session of the featurizer into the sets (either may be NULL):
 * intent rows of sessions with an event before their intent cutoff, and
 * category rows of those with a cart or purchase and an event before their
 * category cutoff (a session without candidates adds its truth and no
 * rows: a sure miss). Returns the featurizer's error, else 0. */
struct ec_featurizer;
int ec_learn_collect(struct ec_featurizer *fz, struct ec_iset *is, struct ec_cset *cs,
		     struct ec_err *err);

/* The first index whose start is >= t (n when none): rows before it train,
 * the others validate. */
size_t ec_split_index(const int64_t *start, size_t n, int64_t t);
/* The time that splits off the last `frac` of the span of start times:
 * min + (1 - frac) * (max - min), rounded up. */
int64_t ec_split_time(const int64_t *start, size_t n, double frac);

/* The start time from which the last `frac` of the n sessions (in start
 * order) validate, moved earlier while the validation side holds fewer than
 * min_pos positives (pos[i] != 0; pos may be NULL) and fewer than half of
 * all positives. A share of the sessions, not of the time span: a sample
 * whose events crowd into its last minutes still trains on most sessions.
 * Sessions with the split's start time all validate. */
int64_t ec_split_share(const int64_t *start, const unsigned char *pos, size_t n, double frac,
		       size_t min_pos);

/* The column of a named feature in a table of n, or -1. */
int ec_feature_col(const struct ec_feature_def *defs, uint32_t n, const char *name);

/* The order of n scores: idx[0] is the best (higher first, NaN last, ties:
 * lower index first). Insertion sort: n is a session's candidates. */
void ec_rank_order(const float *score, uint32_t n, uint32_t *idx);

/* The most candidates of any session in s0 .. s1-1, at least 3. */
size_t ec_cset_max_cand(const struct ec_cset *s, size_t s0, size_t s1);

/* A category model's ranking as key ids: k per session for sessions
 * s0 .. s1-1 into pred (k * (s1 - s0) ints, padded with EC_METRICS_OTHER),
 * given one score per row of those sessions (scores[r - row_off[s0]]). */
void ec_cset_rank(const struct ec_cset *s, size_t s0, size_t s1, const float *scores, size_t k,
		  int *pred);

/* Hit@3 of scores over sessions s0 .. s1-1 (the early-stopping metric). */
double ec_cset_hit3(const struct ec_cset *s, size_t s0, size_t s1, const float *scores);

/* ---------------------------------------------------------------------- */

#define EC_INTENT_TOP_FRAC 0.05

enum { EC_IB_MODEL, EC_IB_BASE_RATE, EC_IB_HAS_CART, EC_IB_CART_COUNT, EC_IB_N };
extern const char *const ec_intent_score_names[EC_IB_N];

struct ec_intent_report {
	size_t n, n_pos;
	struct ec_binary_metrics m[EC_IB_N];		    /* model, then the baselines */
	struct ec_calib_bin calib[EC_METRICS_CALIB_BINS];   /* of the model */
	struct ec_calib_bin deciles[EC_METRICS_CALIB_BINS]; /* the same by deciles of p */
	struct ec_curves curves;			    /* of the model */
};

/*
 * Evaluates the model's probabilities p[0 .. i1-i0-1] on rows i0 .. i1-1 of
 * s beside the baselines; train_rate is the base rate the base-rate baseline
 * predicts; the curves' confusion matrix is taken at threshold (NaN: at the
 * model's best-F1 threshold on these rows). defs/n_defs is the intent feature table (for the cart
 * count). EC_EINTERNAL when a baseline's feature is not in the table.
 */
int ec_eval_intent(struct ec_intent_report *out, const struct ec_iset *s, size_t i0, size_t i1,
		   const float *p, double train_rate, double threshold,
		   const struct ec_feature_def *defs, uint32_t n_defs, struct ec_err *err);

enum {
	EC_CB_MODEL,
	EC_CB_POPULARITY,
	EC_CB_MOST_VIEWED,
	EC_CB_VIEWED_POPULAR,
	EC_CB_LAST_VIEWED,
	EC_CB_USER_LAST,
	EC_CB_N
};
extern const char *const ec_category_score_names[EC_CB_N];

struct ec_category_report {
	size_t n_sessions;
	size_t truth_keys, truth_not_candidate; /* keys in truth sets; of those, not candidates */
	double cand_recall;			/* share of the true keys among the candidates */
	/* Calibration of p_category_k (k = 1..3: the k-th best candidate's
	 * score, "the session carts or buys in that category") over every
	 * session with k candidates, carting or not; calibrated is 0 when the
	 * scores are not probabilities (a ranking objective). */
	int calibrated;
	size_t p_n[3];
	double p_mean[3], p_observed[3];
	struct ec_calib_bin deciles[3][EC_METRICS_CALIB_BINS];
	double ceiling; /* share of evaluated sessions with a true key among the
			 * candidates: the best hit@k any ranking can reach */
	struct ec_rank_metrics m[EC_CB_N];
};

/* Evaluates the model's scores of the rows of sessions s0 .. s1-1 beside the
 * baselines (defs: the category feature table). The ranking metrics count
 * the sessions with a cart or purchase; the calibration every session. */
int ec_eval_category(struct ec_category_report *out, const struct ec_cset *s, size_t s0, size_t s1,
		     const float *scores, const struct ec_feature_def *defs, uint32_t n_defs,
		     struct ec_err *err);

/* The reports as text tables (stdout) and as JSON (added under j). */
void ec_intent_report_print(const struct ec_intent_report *r, double threshold);
void ec_category_report_print(const struct ec_category_report *r);
void ec_intent_report_json(const struct ec_intent_report *r, struct ec_json *j);
void ec_category_report_json(const struct ec_category_report *r, struct ec_json *j);

#endif
