/*
 * scorer.h -- featurized sessions -> prediction rows: the stage between
 * the featurizer (features.h) and the predictions sink (sink.h, schema
 * "predictions"). Sessions are scored in batches, one XGBoost call per
 * task per batch (one matrix of sessions for intent, one of candidates for
 * category); each scored session becomes one row of the predictions
 * schema, handed to the sink in input order.
 *
 * Ownership: *out is new; free with ec_scorer_free(). The models, run id
 * and sink are borrowed until then. Sessions given to ec_scorer_add() are
 * copied.
 */
#ifndef ECOMCTL_SCORER_H
#define ECOMCTL_SCORER_H

#include <stdint.h>

#include "ecomctl/common.h"

struct ec_scorer;
struct ec_fsession;
struct ec_loaded_model;
struct ec_sink;

/* What a run scored. */
struct ec_score_tally {
	uint64_t sessions;	  /* rows written */
	uint64_t with_p;	  /* with a p_purchase */
	uint64_t decided;	  /* decision 1 */
	uint64_t purchased;	  /* with a purchase in the data */
	uint64_t with_categories; /* with at least one category */
	uint64_t cat_sessions;	  /* with categories and a known truth */
	uint64_t cat_hit3;	  /* of those, a true category among the three */
};

/* m[0] intent, m[1] category (either's model may be NULL: not scored). */
void ec_scorer_new(struct ec_scorer **out, const struct ec_loaded_model *m, const char *run_id,
		   struct ec_sink *rows);

/* Queues a session; scores and writes the batch when it is full. */
int ec_scorer_add(struct ec_scorer *sc, const struct ec_fsession *s, struct ec_err *err);

/* Scores in the caller's thread only (a stream scoring one session at a
 * time: handing each to a thread costs more than it saves). Before the
 * first ec_scorer_add(). */
void ec_scorer_no_thread(struct ec_scorer *sc);

/* Scores and writes what is queued. */
int ec_scorer_flush(struct ec_scorer *sc, struct ec_err *err);

/* Counts every scored session's score and features into dr (drift.h),
 * borrowed until ec_scorer_free(); NULL: none. */
struct ec_drift;
void ec_scorer_drift(struct ec_scorer *sc, struct ec_drift *dr);

const struct ec_score_tally *ec_scorer_tally(const struct ec_scorer *sc);

void ec_scorer_free(struct ec_scorer *sc);

#endif
