/*
 * features.h -- point-in-time features of sessions (DESIGN §3), for both
 * models: sessionizer -> featurizer -> features CSV / train / score.
 *
 * Cutoffs. A session's features see only its events with event_time strictly
 * before its cutoff time (event_time has 1-second resolution, so an event in
 * the same second as the cutoff event is not "before" it):
 *   - intent:   the time of its first purchase, or end + 1 when it has none;
 *   - category: the time of its first cart or purchase, or end + 1.
 * A session with no event before a task's cutoff is not featurized for that
 * task (counted in ec_featurizer_stats).
 *
 * History. User history and the category / brand / product priors come only
 * from sessions whose closed_at (the event time at which the sessionizer
 * knew them to be over; see session.h) is at or before this session's start.
 * closed_at depends only on a session's own events, never on later data, so
 * deleting events after any cutoff changes nothing earlier (the leakage
 * property the tests check). Sessions are therefore featurized in start
 * order, which lags the sessionizer by up to --max-session: a session goes
 * out once the sessionizer's watermark (as it was before its last advance)
 * is past its start + max_session, or at the end of input (the reasoning is
 * at the top of featurizer.c). A session enters the history only after its
 * own features are out: it never sees itself.
 *
 * The feature tables (name, description, compute) are defined once, in
 * features.c; every output (features CSV, train, score, manifests) reads
 * them through this interface, in this order.
 */
#ifndef ECOMCTL_FEATURES_H
#define ECOMCTL_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/partition.h"
#include "ecomctl/common.h"
#include "ecomctl/session.h"

/* Bumped whenever a feature's meaning changes; stored in model manifests. */
#define EC_FEATURES_VERSION 3

enum ec_task { EC_TASK_INTENT = 0, EC_TASK_CATEGORY = 1, EC_TASK_N = 2 };
extern const char *const ec_task_names[EC_TASK_N]; /* "intent", "category" */

/* What a compute function sees: the session's events before the cutoff
 * (summarized), the user's history and the priors as of its start, and for
 * category rows the candidate. Defined in src/features/features_int.h. */
struct ec_fctx;

struct ec_feature_def {
	const char *name;	 /* snake_case, stable: CSV header and manifests */
	const char *description; /* one line, for `features --list` */
	/* The value (NAN = missing); only the featurizer calls it. */
	double (*compute)(const struct ec_fctx *c);
	/* +1 when the model's score may only rise with the value, -1 only
	 * fall, 0 free (XGBoost's monotone_constraints; see
	 * ec_features_monotone()). Intent: +1 on carts, cart_value and
	 * net_carts only (more carted, never less likely to buy). */
	int monotone;
};

/* The features of a task, in column order. Intent rows are one per session;
 * category rows are one per (session, candidate category). */
uint32_t ec_features_count(int task);
const struct ec_feature_def *ec_features(int task);
/* FNV-1a (64-bit) of EC_FEATURES_VERSION and the names in order: the bytes
 * "<version>\n" then "<name>\n" for each feature. A model whose manifest has
 * another hash is refused. */
uint64_t ec_features_hash(int task);
/* The task's monotone signs as XGBoost's monotone_constraints value,
 * "(0,1,-1,...)" in column order, into buf (size n). Returns the length,
 * or -1 when it does not fit. */
int ec_features_monotone(int task, char *buf, size_t n);

struct ec_feature_opts {
	int64_t category_level;	 /* segments of category_code in a category key; default 2 */
	double prior_weight;	 /* smoothing: pseudo-count towards the global rate; default 20 */
	uint32_t max_candidates; /* candidate categories per session; default 10 */
	/* rows only for the users of this partition (partition.h); the priors
	 * still fold every session, so the rows equal those of a run over all
	 * users, and only this partition's users have a history in memory */
	struct ec_partition part;
};
void ec_feature_opts_init(struct ec_feature_opts *o);

/* One featurized session: both tasks at once, so that `score` reads once.
 * Everything is borrowed until the next ec_featurizer_next() call. */
struct ec_fsession {
	const char *session_id;
	uint64_t user_id;
	int64_t start, end;
	uint32_t events;

	/* intent */
	int intent_ok; /* 1: has an event before the intent cutoff */
	int64_t intent_cutoff;
	int purchased;	       /* label: the session has a purchase */
	const float *intent_x; /* ec_features_count(EC_TASK_INTENT) values; NAN = missing */

	/* category: candidates are the category keys viewed before the cutoff,
	 * the two keys most carted in earlier sessions, up to four keys that
	 * earlier sessions viewing the session's most viewed keys carted, up to
	 * three of the user's past categories (carted or bought first, then
	 * only viewed), then the most carted keys; distinct, at most
	 * max_candidates; never "other". Every source reads only sessions
	 * closed at or before this session's start. */
	int category_ok; /* 1: has an event before the category cutoff */
	int64_t category_cutoff;
	int category_labeled; /* 1: has a cart or purchase (a training row) */
	uint32_t n_cand;
	const char *const *cand;   /* candidate keys */
	const float *cand_x;	   /* n_cand rows of ec_features_count(EC_TASK_CATEGORY) */
	const uint8_t *cand_label; /* 1: carted or bought in the session */
	uint32_t n_truth;
	const char *const *truth; /* every key carted or bought (may hold non-candidates) */
	int probe;		  /* 1: an open session given to ec_featurizer_probe() */
};

struct ec_featurizer_stats {
	uint64_t sessions;
	uint64_t
	    probes; /* rows of ec_featurizer_probe() (in the task counts too, not in sessions) */
	uint64_t intent_rows, intent_skipped; /* skipped: no event before the cutoff */
	uint64_t category_sessions, category_skipped, category_rows;
};

struct ec_featurizer;

/* Reads sessions from z (borrowed for the featurizer's life). */
int ec_featurizer_new(struct ec_featurizer **out, const struct ec_feature_opts *o,
		      struct ec_sessionizer *z, struct ec_err *err);
/* Returns 1 with the next session in start order (ties: session id), 0 at
 * the end, or the sessionizer's error. */
int ec_featurizer_next(struct ec_featurizer *f, struct ec_fsession *s, struct ec_err *err);
const struct ec_featurizer_stats *ec_featurizer_stats(const struct ec_featurizer *f);

/* An early look at an open session s (copied): featurized like a closed
 * one, in start order and with the history as of its start, so returned
 * as late as a closed session of the same start would be (the watermark
 * past start + max_session), before the session itself (ties of id: the
 * probes first, in the order given), but never folded into the history
 * of later sessions. Its row is what the input cut right after s's last
 * event so far would give for it (`score --follow --emit-on cart`). */
void ec_featurizer_probe(struct ec_featurizer *f, const struct ec_session *s);
void ec_featurizer_free(struct ec_featurizer *f);

/* The featurizer's options, for a command's ec_opt table. */
#define EC_FEATURE_OPTS(fo)                                                                        \
	{"category-level",     0,   EC_OPT_INT,                                                    \
	 &(fo).category_level, "N", "category_code segments in category keys (default 2; 0: all)", \
	 EC_OPT_RANGE(0, 100), 0},                                                                 \
	{                                                                                          \
		"prior-weight", 0, EC_OPT_DOUBLE, &(fo).prior_weight, "W",                         \
		    "pseudo-count smoothing the category, brand and product priors (default 20)",  \
		    EC_OPT_RANGE(0, 1e9), 0                                                        \
	}

#endif
