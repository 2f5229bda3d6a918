/*
 * follow.h -- events as they arrive: the input stage of `score --follow`
 * (follow -> session -> features -> scorer), in place of the batch reader.
 *
 * The batch reader (reader.h) fills 1 MiB chunks and treats the end of a
 * file as the end of the input; a stream needs each complete line as soon
 * as it is there. A follower reads plain CSV text, line by line, from
 * standard input ("-") or from a file it follows like `tail -F`:
 *   - at the end of a file it polls (every poll_ms) for more bytes;
 *   - a file replaced under its name (another inode: rotation) is read to
 *     its end, then the new file is opened and read from its start;
 *   - a file shorter than the offset read (truncated) is read again from
 *     its start;
 *   - a missing file is waited for.
 * Only the end of standard input (a closed pipe) ends the input; a followed
 * file never ends. A caught SIGINT/SIGTERM/SIGHUP (cleanup.h) ends a wait
 * with EC_EINTR within poll_ms.
 *
 * Rows: the first line of each file (and of stdin) is its header when it
 * names the columns of DESIGN §1; otherwise (a Kafka topic of bare rows)
 * the columns are taken in DESIGN §1's order and the line is a row. A bad
 * row is skipped and counted by reason, the first few shown, as the reader
 * does. Not done here, unlike the batch reader: gzip and zstd input, quoted
 * fields holding a newline (a record is one line), and the time_out_of_range
 * check (it holds rows back to judge them, which a stream cannot afford).
 *
 * Ownership: *out is new; free with ec_follow_free(). The strings of an
 * event are borrowed until the next ec_follow_next() call.
 */
#ifndef ECOMCTL_FOLLOW_H
#define ECOMCTL_FOLLOW_H

#include <stdint.h>

#include "ecomctl/common.h"
#include "ecomctl/event.h"

struct ec_follow;

struct ec_follow_stats {
	uint64_t rows; /* data rows seen, good and bad */
	uint64_t good; /* rows returned as events */
	uint64_t bad;  /* rows skipped */
	uint64_t bad_by_reason[EC_BAD_N];
	uint64_t bytes;	   /* bytes consumed, over every file read */
	uint64_t reopened; /* files followed again after a rotation or truncation */
};

/* path: a file, or "-" for standard input. A file that does not exist yet
 * is waited for. poll_ms: the wait at the end of a file (>= 1). show_bad:
 * bad rows shown as warnings (the first N). */
int ec_follow_open(struct ec_follow **out, const char *path, int poll_ms, int show_bad,
		   struct ec_err *err);

/* An ec_event_source (session.h): 1 with the next good event, 0 at the end
 * of standard input, EC_EINTR once a signal was caught, EC_EIO for a read
 * error. Blocks until a complete line is there. */
int ec_follow_next(void *ctx, struct ec_event *ev, struct ec_err *err);

/* The input's name for messages ("<stdin>" or the path); borrowed. Fits the
 * sessionizer's names callback. */
const char *ec_follow_name(void *ctx, uint32_t file);

/* --state (cmd_score_follow.c). The journal at jpath (created if missing)
 * holds every line consumed, in order: its lines are read first (a
 * replay; an unfinished last line is cut off), then the live input's, and
 * each consumed live line is appended to it. A line starting with
 * "event_time" is a header wherever it is (a rotated file's, in the
 * journal). Call before the first ec_follow_next(). */
int ec_follow_journal(struct ec_follow *f, const char *jpath, struct ec_err *err);

/* Where the input stands, for a checkpoint: the followed file's identity
 * and the offset of its bytes consumed, and the journal's length. */
struct ec_follow_pos {
	uint64_t dev, ino, offset, journal_bytes;
};

/* Writes the consumed lines not yet in the journal and fsyncs it, then
 * fills *pos. Returns 1, 0 while the journal is being replayed (no new
 * checkpoint then: the last one still holds), or EC_EIO. */
int ec_follow_sync(struct ec_follow *f, struct ec_follow_pos *pos, struct ec_err *err);

/* A followed file resumes after a checkpoint at pos: the file, if it is
 * still the one of pos, is read from pos->offset plus what the journal
 * holds beyond pos->journal_bytes (lines consumed after the checkpoint);
 * a file replaced since is read from its start. */
int ec_follow_resume(struct ec_follow *f, const struct ec_follow_pos *pos, struct ec_err *err);

/* fn(arg) is called each time the follower is about to read or wait (a
 * periodic checkpoint); its error stops the follower. */
void ec_follow_on_wait(struct ec_follow *f, int (*fn)(void *arg, struct ec_err *err), void *arg);

const struct ec_follow_stats *ec_follow_stats(const struct ec_follow *f);

/* Accepts NULL. */
void ec_follow_free(struct ec_follow *f);

#endif
