/*
 * drift.h -- whether tonight's data looks like the training data: the
 * population stability index (PSI) of a model's score and of its most
 * important features, between the sessions it was trained on and the ones
 * a `score` run sees.
 *
 * At training, ec_drift_reference() summarizes every feature column and
 * the score as at most EC_DRIFT_BINS bins cut at the deciles of the
 * training rows (equal cut points merged, so a count feature may have
 * fewer bins; a smallest value that holds a tenth of the rows or more, such
 * as the 0 of a count, gets a bin of its own and the other cuts are the
 * deciles above it; each cut halfway between two values of the rows, so
 * none sits on one), plus one bin for missing values; the summary goes into the
 * model's manifest as "reference". At scoring, an ec_drift counts the
 * run's values into the same bins and compares:
 *
 *	PSI = sum over bins of (a - e) * ln(a / e)
 *
 * with e the training share and a the run's share of a bin, each floored
 * at EC_DRIFT_FLOOR so an empty bin costs a finite amount. Above
 * EC_DRIFT_WARN the population has moved (the usual reading: under 0.1
 * stable, 0.1 to 0.25 a shift worth a look, above 0.25 a shift).
 *
 * What is compared, per task: the score (intent: p_purchase per session;
 * category: the best candidate's score, p_category_1, per session) and the
 * EC_DRIFT_TOP_FEATURES features of highest importance in the manifest
 * (intent: per session; category: per candidate row).
 *
 * Ownership: ec_drift_reference() returns a new tree; an ec_drift is the
 * caller's storage (ec_drift_init / ec_drift_release) and copies what it
 * needs from the manifests.
 */
#ifndef ECOMCTL_DRIFT_H
#define ECOMCTL_DRIFT_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/common.h"

#define EC_DRIFT_BINS 10
#define EC_DRIFT_WARN 0.25
#define EC_DRIFT_FLOOR 1e-4
#define EC_DRIFT_TOP_FEATURES 10
/* Rows summarized at training: at most this many, evenly strided. */
#define EC_DRIFT_SAMPLE 200000

struct ec_json;
struct ec_loaded_model;

/*
 * The "reference" of a manifest: {"rows": n, "score": DIST, "features":
 * [DIST per feature column, in table order]}, DIST = {"name", "edges":
 * [cut points, increasing], "shares": [len(edges) + 1 bins, then the
 * missing bin]}. x is n rows of d floats (NaN: missing), names the d column
 * names; score is one value per unit (n_score of them; intent: per row).
 */
struct ec_json *ec_drift_reference(const float *x, size_t n, uint32_t d, const char *const *names,
				   const float *score, size_t n_score, const char *score_name);

struct ec_drift_dist {
	char name[64];
	int task;
	int col; /* feature column, or -1: the score */
	uint32_t n_edges;
	double edges[EC_DRIFT_BINS];
	double expected[EC_DRIFT_BINS + 2]; /* n_edges + 1 bins, then missing */
	uint64_t count[EC_DRIFT_BINS + 2];
	uint64_t n;
};

struct ec_drift {
	uint32_t n;
	struct ec_drift_dist d[2 * (EC_DRIFT_TOP_FEATURES + 1)];
};

/* Reads the references of the loaded models (m[0] intent, m[1] category;
 * either may be absent, as may a manifest's reference: an older model has
 * none, and is not compared). */
void ec_drift_init(struct ec_drift *dr, const struct ec_loaded_model *m);

/* Counts one row of a task's features (d floats of the task's table). */
void ec_drift_add_features(struct ec_drift *dr, int task, const float *x);

/* Counts one score of a task. */
void ec_drift_add_score(struct ec_drift *dr, int task, double score);

/* {"warn_above", "psi": [{"name", "task", "psi", "warn", "n", "bins":
 * [{"lo", "hi", "expected", "actual"}]}]}, the score first, for each
 * distribution that counted something; NULL when there is none. Sets
 * *worst to the largest PSI (NaN: none). */
struct ec_json *ec_drift_json(const struct ec_drift *dr, double *worst);

/* The PSI of one distribution (NaN when nothing was counted). */
double ec_drift_psi(const struct ec_drift_dist *d);

#endif
