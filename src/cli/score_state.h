/*
 * score_state.h -- the --state of `score --follow` (internal to src/cli):
 * a checkpoint file FILE (JSON: the input, --emit-on, the followed file's
 * identity and offset, the journal's length, the rows written, whether the
 * stream ended) beside the journal FILE.journal of every line consumed
 * (follow.h). score_state.c says why the state is the input.
 *
 * Ownership: the caller's storage (_open/_release); path and input are
 * borrowed until _release.
 */
#ifndef ECOMCTL_CLI_SCORE_STATE_H
#define ECOMCTL_CLI_SCORE_STATE_H

#include <stdint.h>

#include "ecomctl/common.h"
#include "ecomctl/follow.h"

struct ec_score_state {
	const char *path, *input;
	char *jpath; /* path + ".journal" */
	int emit_on;
	int64_t interval; /* seconds between checkpoints */
	double last;	  /* time of the last one */
	struct ec_follow_pos at;
	int resumed;	      /* a checkpoint was read: resume from `at` */
	uint64_t skip;	      /* rows of the replay not to write again */
	uint64_t rows;	      /* rows written by this run and those before */
	int ended;	      /* the checkpoint of the stream's end was written */
	struct ec_follow *fw; /* for the tick */
};

/* Reads the checkpoint at path if there is one (else a new stream).
 * EC_ECONFIG when it is another input's or --emit-on's, or its stream
 * ended; EC_EDATA when it is not a checkpoint. */
int ec_score_state_open(struct ec_score_state *st, const char *path, const char *input, int emit_on,
			int64_t interval, struct ec_err *err);

/* Writes a checkpoint (the journal synced first; atomic, even after a
 * signal). Nothing while the journal is replayed. */
int ec_score_state_save(struct ec_score_state *st, struct ec_follow *fw, int ended,
			struct ec_err *err);

/* For ec_follow_on_wait(): a checkpoint once `interval` has passed. */
int ec_score_state_tick(void *arg, struct ec_err *err);

void ec_score_state_release(struct ec_score_state *st);

#endif
