/*
 * collective.h -- distributed training on XGBoost's own collective (its
 * rabit tracker), for `train --partition K/N` with DMLC_TRACKER_URI,
 * DMLC_TRACKER_PORT and DMLC_TASK_ID set (learn -> collective -> train).
 *
 * Each worker featurizes its own users (partition.h) and XGBoost all-reduces
 * the histograms (and, with the quantile matrix, the sketches), so that every
 * worker grows the same trees. Everything ecomctl decides around XGBoost must
 * be the same on every worker too, or a worker waits forever for the others
 * inside XGBoost: the time split is taken over every worker's session starts,
 * the checks and base rates over every worker's training counts, and every
 * worker validates on the same rows, the validation sessions of all workers
 * (each worker replaces its own validation sessions by everyone's, in start
 * order, ties by rank). Early stopping, the grid's choice and the reported
 * metrics are then those of one process validating on all the sessions, and
 * the same on every worker. The price: every worker holds the whole
 * validation set (the last --valid-fraction of the sessions).
 *
 * Every function is a no-op (or the single-process computation) when
 * ec_coll_init() has not joined a group, so train.c calls them
 * unconditionally; every worker must call them in the same order.
 *
 * A worker that fails exits, which closes its connections: the others get
 * XGBoost's error on their next collective call (EC_EINTERNAL, exit 70).
 *
 * Ownership: sets are the caller's and are modified in place; nothing is
 * kept between calls except the process-wide membership of the group.
 */
#ifndef ECOMCTL_COLLECTIVE_H
#define ECOMCTL_COLLECTIVE_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/common.h"

struct ec_iset;
struct ec_cset;

/* Whether DMLC_TRACKER_URI is set (non-empty): the run is to join a group. */
int ec_coll_wanted(void);

/*
 * Joins the tracker's group through XGCommunicatorInit with
 * DMLC_TRACKER_URI, DMLC_TRACKER_PORT and DMLC_TASK_ID (default: the
 * partition index k). n is the number of partitions: the group must have
 * exactly n workers. EC_ECONFIG when a variable is missing or malformed;
 * EC_EUNAVAIL when the tracker cannot be joined; EC_EUSAGE when the group's
 * size is not n.
 */
int ec_coll_init(uint32_t k, uint32_t n, struct ec_err *err);

/* 1 once ec_coll_init() has joined a group (until ec_coll_finalize()). */
int ec_coll_active(void);
/* This worker's rank (0 when not distributed) and the group's size (1). */
int ec_coll_rank(void);
int ec_coll_size(void);

/* Leaves the group (XGCommunicatorFinalize). Accepts not being in one. */
void ec_coll_finalize(void);

/* Sums v[0 .. n-1] over the workers, in place. EC_EINTERNAL on a failed
 * collective (a worker gone). */
int ec_coll_sum(double *v, size_t n, struct ec_err *err);

/* Every worker's bytes, concatenated in rank order: *out is new (free()),
 * worker r's are (*out)[off[r] .. off[r+1]-1]; off has ec_coll_size() + 1
 * entries (caller storage). Copies buf. */
int ec_coll_allgather(char **out, size_t *off, const void *buf, size_t len, struct ec_err *err);

/* ec_split_share() (learn.h) over every worker's sessions: their start
 * times and positive flags, merged in time order. The same time on every
 * worker. */
int ec_coll_split_share(int64_t *out, const int64_t *start, const unsigned char *pos, size_t n,
			double frac, size_t min_pos, struct ec_err *err);

/* Replaces rows split .. n-1 of s (its validation sessions) by every
 * worker's, in start order (ties: by rank, then by order). */
int ec_coll_merge_iset(struct ec_iset *s, size_t split, struct ec_err *err);
/* The same for sessions split .. n_s-1 of a category set. */
int ec_coll_merge_cset(struct ec_cset *s, size_t split, struct ec_err *err);

/*
 * Predicts n rows of x (n * d floats) with an XGBoost booster (its
 * BoosterHandle) into out (caller storage), through XGBoost's in-place
 * prediction. Distributed, every DMatrix XGBoost makes is a collective call
 * (the workers agree on its number of columns), which a worker predicting
 * its own rows alone would wait on forever; this makes none. EC_EINTERNAL
 * on XGBoost's error.
 */
int ec_coll_predict(void *booster, const float *x, size_t n, uint32_t d, float *out,
		    struct ec_err *err);

#endif
