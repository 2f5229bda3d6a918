/*
 * reader_int.h -- the reader's parts (internal to src/input), in the order
 * bytes flow through them:
 *
 *   source.c       an input's bytes, decompressed and checked (source.h)
 *   reader_fill.c  the producer: fills 1 MiB chunks from the sources, on a
 *                  thread of its own (or inline, opts.sync), and the parse
 *                  workers, one a processor, which parse the plain rows of
 *                  the filled chunks, several chunks at once, ahead of the
 *                  consumer
 *   reader_rows.c  the consumer: chunks -> lines -> records -> events, bad
 *                  rows counted and rejected
 *   reader_skew.c  time_out_of_range: events too far ahead of the others
 *   reader.c       opening, the public entry points, closing
 *   split.c        CSV records -> fields
 *
 * Ownership: the reader owns every buffer here. Under `mu`, the producer
 * fills the ring's free chunks [head, tail + N_CHUNKS) and moves head; a
 * worker takes the filled chunk at parse_next, parses it with `mu` let go
 * and marks it parsed; the consumer takes the chunk at tail once it is
 * parsed, so chunks reach it in input order however the workers finish.
 */
#ifndef ECOMCTL_INPUT_READER_INT_H
#define ECOMCTL_INPUT_READER_INT_H

#include <pthread.h>
#include <stdio.h>

#include "ecomctl/progress.h"
#include "ecomctl/reader.h"

#define EC_CHUNK_SIZE (1u << 20)
#define EC_CHUNK_PAD 16 /* bytes a chunk's buffer has past its size (preparse() reads them) */
#define N_CHUNKS 6
#define MAX_WORKERS 4 /* parse workers at most (N_CHUNKS leaves a chunk or more to read ahead) */
#define MAX_FIELDS 64
/* time_out_of_range (reader_skew.c): the events at a file's start whose
 * median is the first reference time, the suspects in a row that confirm a
 * jump in time, and the most events ever held back. */
#define SKEW_WINDOW 15
#define SKEW_CONFIRM 8
#define SKEW_HELD_MAX (SKEW_WINDOW + SKEW_CONFIRM + 1)

struct ec_source;

/* One line parsed by the reading thread: a quote-free, NUL-free row that
 * starts and ends inside its chunk, at data + off, len bytes before its
 * newline (a CR included); ev.raw is the row without the CR. */
struct pre {
	uint32_t off, len;
	enum ec_bad why; /* EC_BAD_NONE: ev is the event (all but file and line) */
	struct ec_event ev;
};

struct chunk {
	char *data;
	size_t len;
	uint32_t file;	   /* input index; n_paths marks the end of all input */
	int last;	   /* the last chunk of its file */
	int error;	   /* an EC_E* code: the producer stopped here */
	uint64_t in_bytes; /* input bytes consumed when this chunk was filled */
	char errmsg[512];
	/* The file's header when it is plain (plain_header()), for the worker. */
	struct ec_columns cols;
	int cols_ok;
	int parsed; /* a worker is done with it (set and cleared under mu) */
	/* Rows the producer parsed already (see preparse()), by offset; pre_i
	 * is the consumer's place in them. */
	struct pre *pre;
	size_t n_pre, cap_pre, pre_i;
};

/* An event held back (reader_skew.c), with copies of its strings. */
struct held {
	struct ec_event ev;
	char *buf;
	size_t cap;
	int state; /* collected at a file's start, suspect, good or bad */
};

struct ec_reader {
	struct ec_reader_opts opts;
	char **paths;
	uint64_t *sizes; /* bytes of each input, 0 when unknown */
	uint64_t total_size;
	size_t chunk_size;

	/* producer side (reader_fill.c) */
	pthread_t thread;
	int thread_started;
	pthread_mutex_t mu;
	pthread_cond_t cv_full, cv_free, cv_work;
	struct chunk ring[N_CHUNKS];
	unsigned head, tail; /* filled chunks are [tail, head) modulo N_CHUNKS */
	unsigned parse_next; /* the next filled chunk for a worker, in [tail, head] */
	pthread_t workers[MAX_WORKERS];
	/* each worker's codes and brands (hash.h); dicts[0] also serves
	 * opts.sync, where the consumer parses */
	struct ec_strdict dicts[MAX_WORKERS];
	int n_workers;
	int stop;
	uint32_t pf;		 /* the input being read */
	struct ec_source *src;	 /* its source, NULL between inputs */
	int pf_first;		 /* its first chunk is still to come */
	struct ec_columns pcols; /* its header, when plain */
	const struct ec_columns *pcols_ok;
	uint64_t in_done; /* input bytes of the inputs already read */

	/* consumer side (reader_rows.c) */
	struct chunk *cur;
	size_t pos;
	uint32_t file;
	int need_header;
	uint64_t line; /* lines consumed in the current file */
	struct ec_columns cols;
	char *carry; /* a record that crosses chunks or lines */
	size_t carry_len, carry_cap;
	uint64_t carry_line; /* line where the carried record began; 0: none */
	int carry_odd;	     /* the carried record has an open quote */
	int carry_long;	     /* the carried record passed EC_ROW_MAX (and was cut) */
	char *part;	     /* the start of a line that crosses chunks, kept whole so that
			      * the line is judged as one (a row of its own or not) */
	size_t part_len, part_cap;
	struct ec_event row_ev;		  /* a row parsed here, not by a worker */
	struct ec_event held_ev;	  /* a held-back event handed out (reader_skew.c) */
	ec_reader_lookahead_fn lookahead; /* ec_reader_set_lookahead() */
	void *lookahead_arg;
	struct ec_splitter *split;
	struct ec_str fields[MAX_FIELDS];
	int done;

	/* time_out_of_range (reader_skew.c) */
	struct held held[SKEW_HELD_MAX];
	int n_held, held_out; /* held[held_out, n_held) are not handed out yet */
	uint32_t skew_file;   /* the file of the latest event judged */
	int collecting;	      /* the start of skew_file is being held back */
	int n_collected;
	int n_suspects; /* held events ahead of ref, not yet judged */
	int64_t ref;	/* the reference time */
	int rows_done;	/* ec_reader_next_row() returned 0 */

	struct ec_reader_stats stats;
	uint64_t *file_good, *file_bad; /* good and bad rows of each input */
	struct ec_progress progress;
	uint64_t shown;

	FILE *rejects;
	char *rejects_tmp;
};

/* split.c: splits a record without quotes at its commas (any count). */
int ec_split_plain(const char *rec, size_t n, struct ec_str *f, int max);

/* reader_fill.c */
int ec_reader_fill_start(struct ec_reader *r, struct ec_err *err);
void ec_reader_fill_stop(struct ec_reader *r);
struct chunk *ec_reader_consume(struct ec_reader *r);
void ec_reader_release(struct ec_reader *r);

/* reader_rows.c: the next row that parsed into an event (file and line
 * set), 0 at the end, or an error; bad rows are rejected on the way. */
int ec_reader_next_row(struct ec_reader *r, struct ec_event **ev, struct ec_err *err);
int ec_reader_reject(struct ec_reader *r, uint32_t file, enum ec_bad why, const char *rec, size_t n,
		     uint64_t line, struct ec_err *err);
void ec_reader_count_good(struct ec_reader *r, const struct ec_event *ev);

/* reader_skew.c */
int ec_reader_next_judged(struct ec_reader *r, const struct ec_event **ev, struct ec_err *err);
void ec_reader_skew_release(struct ec_reader *r);

#endif
