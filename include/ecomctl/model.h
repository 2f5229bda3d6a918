/*
 * model.h -- the XGBoost models (purchase intent, top-3 categories) through
 * XGBoost's C API; the only module that includes xgboost/c_api.h
 * (features -> model -> train / score / evaluate).
 *
 * Rows reach XGBoost as a dense row-major float matrix with NAN for a
 * missing value. Training runs one boosting round at a time and, after each,
 * predicts the validation rows and asks the caller's metric (higher is
 * better) how good the model is so far; training stops after `early_stop`
 * rounds without improvement and keeps the trees of the best round only.
 * Models are saved and loaded as XGBoost's JSON.
 *
 * Every error from XGBoost becomes EC_EINTERNAL (exit 70) with XGBoost's own
 * message (XGBGetLastError). XGBoost's log goes through ec_log_*: warnings at
 * the default level, everything with -v, nothing with -q.
 *
 * Ownership: a struct ec_model is new from _train or _load and freed with
 * ec_model_free(). Matrices passed in are only read during the call (XGBoost
 * copies them); XGBoost's output arrays are thread-local and are copied into
 * caller storage before the next XGBoost call.
 */
#ifndef ECOMCTL_MODEL_H
#define ECOMCTL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/common.h"

/*
 * OpenMP's wait policy, before anything else in main(). XGBoost's threads
 * are libgomp's, which by default spin about 300,000 times waiting for work:
 * on a shared machine those spins take the cores the other threads need
 * (training measured 5x slower under load). libgomp reads OMP_WAIT_POLICY
 * once, in a constructor that runs when it is loaded, before main(), so
 * setenv() would come too late: when neither OMP_WAIT_POLICY nor
 * GOMP_SPINCOUNT is set, this sets OMP_WAIT_POLICY=PASSIVE and executes the
 * program again (/proc/self/exe, same argv); it returns only when there is
 * nothing to do or the exec failed (then the default policy stays).
 */
void ec_model_omp_setup(char **argv);

/* "1.7.4": the version of libxgboost linked in (static storage). */
const char *ec_model_lib_version(void);

struct ec_model;
struct ec_spill;

/* A dense matrix and its labels, borrowed for the duration of a call: in
 * memory (x), or rows first .. first+n-1 of a spill file (learn.h), which
 * training streams into XGBoost in batches of EC_MODEL_BATCH rows. */
struct ec_matrix {
	const float *x;		      /* n rows of d values, row-major; NAN = missing; or NULL */
	const struct ec_spill *spill; /* when x is NULL */
	size_t first;
	size_t n;
	uint32_t d;
	const float *y;	       /* n labels (training and validation), or NULL */
	const float *w;	       /* n weights, or NULL */
	const uint32_t *group; /* ranking objectives: sizes of consecutive groups */
	size_t n_groups;
};

/* XGBoost parameters as name/value strings, in the order set. */
#define EC_PARAMS_MAX 48
struct ec_params {
	int n;
	char name[EC_PARAMS_MAX][40];
	char value[EC_PARAMS_MAX][160]; /* room for monotone_constraints */
};

/* Sets (or replaces) a parameter. EC_EUSAGE when the name or value is too
 * long or the list is full. */
int ec_params_set(struct ec_params *p, const char *name, const char *value, struct ec_err *err);
/* The value of a parameter, or NULL; borrowed from p. */
const char *ec_params_get(const struct ec_params *p, const char *name);

/* The validation metric: higher is better; NaN counts as no improvement.
 * pred holds the model's prediction for each validation row (borrowed for
 * the call). */
typedef double (*ec_model_metric)(void *ctx, const float *pred, size_t n);

/* Rows read from a spill at a time. */
#define EC_MODEL_BATCH 65536

/* How a spilled matrix reaches XGBoost. */
enum ec_model_matrix {
	/* quantile for a matrix of more than EC_MATRIX_AUTO_DENSE bytes of
	 * floats, else memory (XGBoost's external-memory pages and batches
	 * cost more than they save on small inputs); the default. The model is
	 * the same either way. */
	EC_MATRIX_AUTO = 0,
	/* XGQuantileDMatrixCreateFromCallback: the rows stream through in
	 * batches and only their bin indexes stay (one byte a value with
	 * max_bin <= 256); the validation matrix takes the training one's cuts
	 * (its `ref`). */
	EC_MATRIX_QUANTILE = 1,
	/* rows held in memory as floats and given to XGDMatrixCreateFromMat
	 * (a spilled matrix is read back whole): the path before spilling,
	 * kept for comparison (`train --matrix memory`) */
	EC_MATRIX_MEMORY = 2,
	/* XGDMatrixCreateFromCallback with a cache in --cache-dir: XGBoost's
	 * external-memory pages for the training matrix too */
	EC_MATRIX_EXTERNAL = 3,
};
#define EC_MATRIX_AUTO_DENSE (32u << 20)
extern const char
    *const ec_model_matrix_names[]; /* "auto", "quantile", "memory", "external", NULL */

struct ec_train_opts {
	const struct ec_params *params; /* objective, eta, max_depth, seed, nthread... */
	int matrix;			/* enum ec_model_matrix, for spilled matrices */
	int rounds;			/* most boosting rounds (>= 1) */
	int early_stop;			/* rounds without improvement that stop; 0: never */
	ec_model_metric metric;		/* required when valid is given */
	void *metric_ctx;
};

struct ec_train_result {
	int rounds_run;	    /* rounds trained */
	int best_rounds;    /* rounds kept in the model: those up to the best */
	double best_metric; /* the metric after best_rounds (NaN if never defined) */
};

/*
 * Trains on `train`, evaluating on `valid` (may be NULL: then every round is
 * kept). A caught signal stops it before the next round (EC_EINTR); the
 * test hook ECOMCTL_TEST_PAUSE=round:FILE (cleanup.h) pauses after the
 * first round, the matrices built. *out is new; free with ec_model_free(). EC_EDATA for an empty
 * training set; EC_EINTERNAL for anything XGBoost refuses (a bad parameter
 * value, for one).
 */
int ec_model_train(struct ec_model **out, struct ec_train_result *res,
		   const struct ec_train_opts *o, const struct ec_matrix *train,
		   const struct ec_matrix *valid, struct ec_err *err);

/* Checks the model's own tree walk against XGBoost once, on rows made to
 * take both sides of every test (ec_forest_probe_rows()), in one batch, in
 * place of the first rows predicted: for a stream, where those come one at
 * a time and each through XGBoost would cost milliseconds. On a difference
 * the model predicts with XGBoost from then on. 0, or XGBoost's error. */
int ec_model_check_forest(struct ec_model *m, struct ec_err *err);

/* Predicts n rows of x (n * d values) into out[0 .. n-1] (caller
 * storage): probabilities for binary:logistic. EC_EDATA when d is not the
 * model's number of features. */
int ec_model_predict(struct ec_model *m, const float *x, size_t n, uint32_t d, float *out,
		     struct ec_err *err);

/* ec_model_predict() over the rows of a matrix, in memory or spilled (read
 * in batches); out has mx->n floats. */
int ec_model_predict_matrix(struct ec_model *m, const struct ec_matrix *mx, float *out,
			    struct ec_err *err);

/* The model as XGBoost JSON: *out is new (free()), *len its length. */
int ec_model_save(struct ec_model *m, char **out, size_t *len, struct ec_err *err);

/* Loads a model saved by ec_model_save(); `what` names it in messages.
 * EC_EINTERNAL when XGBoost refuses the bytes. *out is new. */
int ec_model_load(struct ec_model **out, const void *buf, size_t len, const char *what,
		  struct ec_err *err);

/* 1 when the model's predictions no longer call XGBoost: its own walk of
 * the trees (forest.h) has passed its check against XGBoost; 0 before the
 * check, after a difference, or when the walk does not take the model.
 * XGBoost keeps thread-local state whose set-up in a new thread cannot
 * report a failed allocation, so callers keep XGBoost in one thread. */
int ec_model_walks(const struct ec_model *m);

/* The number of features the model expects (0 when unknown). */
uint32_t ec_model_n_features(const struct ec_model *m);

/* Accepts NULL. */
void ec_model_free(struct ec_model *m);

#endif
