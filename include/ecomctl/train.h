/*
 * train.h -- training a task's model on in-memory rows with early stopping
 * and an optional grid of parameter sets, and registering the result
 * (learn -> train -> model + registry). Used by `ecomctl train`.
 *
 * Every trial is trained on the rows before the split and stopped early on
 * the rows after it, by the validation log-loss (intent, and category with
 * the binary objective; a proper scoring rule, so the probabilities stay
 * calibrated) or MRR (category with rank:pairwise); base_score starts at
 * the training base rate. The best trial by validation PR-AUC (intent) or
 * hit@3 (category) wins (ties: the earlier trial). The winner is evaluated beside
 * the baselines on the same validation rows, and its decision threshold is
 * the one with the best F1 there.
 *
 * Ownership: struct ec_task_result is the caller's storage; it owns its
 * model and trials (ec_task_result_release()). The grid and the manifest
 * parts passed in are borrowed.
 */
#ifndef ECOMCTL_TRAIN_H
#define ECOMCTL_TRAIN_H

#include <stdint.h>

#include "ecomctl/learn.h"
#include "ecomctl/model.h"

struct ec_json;

enum ec_cat_objective { EC_CAT_BINARY = 0, EC_CAT_PAIRWISE = 1 };
extern const char *const ec_cat_objective_names[]; /* "binary", "pairwise", NULL */
extern const char *const ec_on_off_names[];	   /* "off", "on", NULL */

struct ec_train_cfg {
	int64_t rounds;		  /* most boosting rounds; default 400 */
	int64_t early_stop;	  /* rounds without improvement; default 40; 0: none */
	int64_t threads;	  /* nthread; 0: XGBoost's default (all cores) */
	int64_t seed;		  /* default 1 */
	double eta;		  /* default 0.1 */
	int64_t max_depth;	  /* default 6 */
	double min_child_weight;  /* default 1 */
	double subsample;	  /* default 1 */
	double colsample;	  /* colsample_bytree; default 1 */
	const char *class_weight; /* intent scale_pos_weight: "none" (default), "auto", or W */
	int cat_objective;	  /* enum ec_cat_objective */
	int cat_monotone;    /* 1 (default): the category features' monotone signs as constraints */
	int intent_monotone; /* 1 (default): the same for intent (the cart features only rise) */
	int matrix;	     /* enum ec_model_matrix: quantile (default) spills the rows */
	const char *cache_dir; /* where the spill goes; NULL: the models directory */
	/* JSON array of parameter objects, or NULL: then intent, when eta,
	 * max_depth and min_child_weight are the defaults, tries its default
	 * grid (the defaults; max_depth 3 with min_child_weight 5; max_depth 2
	 * with eta 0.05) and keeps the best by validation PR-AUC */
	const struct ec_json *grid;
};

void ec_train_cfg_init(struct ec_train_cfg *c);

struct ec_trial {
	struct ec_params params;
	struct ec_train_result res; /* best_metric: the early-stopping metric */
	double metric;		    /* the selection metric: PR-AUC or hit@3 */
};

struct ec_task_result {
	int task;		 /* 0 intent, 1 category */
	struct ec_model *model;	 /* the winner, rounds up to its best */
	struct ec_params params; /* the winner's parameters */
	struct ec_train_result res;
	double metric; /* the winner's selection metric */
	struct ec_trial *trials;
	int n_trials, best_trial;
	size_t train_sessions, valid_sessions, train_rows, valid_rows;
	int64_t valid_from; /* sessions starting at or after it validated */
	double train_rate;  /* intent: base rate of the training rows */
	double threshold;   /* intent: best-F1 threshold on validation */
	struct ec_intent_report intent;
	struct ec_category_report category;
	struct ec_json *reference; /* the drift reference (drift.h), owned */
};

void ec_task_result_release(struct ec_task_result *r);

/* Trains the intent model on rows [0, split) and validates on [split, n).
 * EC_EDATA for an empty side or a training side with one class only. */
int ec_train_intent(struct ec_task_result *out, const struct ec_iset *s, size_t split,
		    const struct ec_train_cfg *cfg, struct ec_err *err);

/* The same for the category model on sessions [0, split) and [split, n_s). */
int ec_train_category(struct ec_task_result *out, const struct ec_cset *s, size_t split,
		      const struct ec_train_cfg *cfg, struct ec_err *err);

/* At least this many positive validation sessions where the data has twice
 * as many (see ec_split_share()): early stopping and the grid choose on it. */
#define EC_TRAIN_MIN_VALID_POS 100

/* Splits and trains one task (is for intent, cs for category): sessions
 * starting at or after valid_from validate; valid_from INT64_MIN splits off
 * the last frac of the task's sessions, widened to EC_TRAIN_MIN_VALID_POS
 * positive sessions (purchases; carts for the category). Errors as the two
 * functions above; out->valid_from is the split used. Distributed
 * (collective.h), the split is taken over every worker's sessions and the
 * task's set has its validation sessions replaced by every worker's. */
int ec_train_task(struct ec_task_result *out, int task, struct ec_iset *is, struct ec_cset *cs,
		  int64_t valid_from, double frac, const struct ec_train_cfg *cfg,
		  struct ec_err *err);

/*
 * Writes the task's feature names (and types "float") into a model's
 * XGBoost JSON (*json, *len: replaced by the new text, new; free()) and
 * appends to the array `importance` one {feature, gain, total_gain, splits}
 * per feature the trees split on, by gain (XGBoost's "gain": the mean loss
 * change of its splits) descending. EC_EINTERNAL when the JSON is not a
 * tree model of the task's features.
 */
int ec_train_annotate(char **json, size_t *len, int task, struct ec_json *importance,
		      struct ec_err *err);

/*
 * Registers a trained model: takes the registry lock in models_dir, claims
 * the next version, writes model.json and manifest.json (the task's fields
 * added to a copy of `common`: inputs, command line, options...), records it
 * in registry.json, and with promote moves production to it. *version gets
 * its number. The lock is waited for up to lock_wait seconds (EC_ETEMPFAIL).
 */
int ec_train_register(const struct ec_task_result *r, const char *models_dir,
		      const struct ec_json *common, int promote, double lock_wait,
		      uint32_t *version, struct ec_err *err);

#endif
