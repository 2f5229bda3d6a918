/*
 * sink.h -- where rows go: one interface, a small table of functions in the
 * manner of SQLite's sqlite3_vfs and curl's client writers, so that a
 * command says what it produces (a row of a schema.h schema) and never how
 * a file or a collection is written. Behind it: CSV (plain or gzip, with
 * its own writing thread), MongoDB (batched, acknowledged, spooled, see
 * sink_mongo.h), a tee to several sinks, and whole documents (JSON, HTML)
 * written through an outfile.
 *
 * The life of a sink: rows are added; ec_sink_prepare() makes everything
 * durable but not yet visible (files flushed and fsynced); then
 * ec_sink_commit() makes it visible (files renamed). A sink freed before
 * its commit leaves nothing (temporary files removed). The job (job.h)
 * runs prepare on every sink of a run before it commits any.
 *
 * To add a kind of output (a second database, a message topic): implement
 * struct ec_sink_ops in src/output/sink_<kind>.c and open it from
 * ec_job_rows() (job.c).
 *
 * Ownership: sinks returned by the _open/_new functions are new; free with
 * ec_sink_free(). Values passed to ec_sink_row() are borrowed for the call.
 */
#ifndef ECOMCTL_SINK_H
#define ECOMCTL_SINK_H

#include "ecomctl/common.h"
#include "ecomctl/outfile.h"
#include "ecomctl/schema.h"

struct ec_sink;

struct ec_sink_ops {
	const char *kind; /* "csv", "mongodb", "tee", "file" */
	/* One row: v holds schema->n_cols values; extra is what a sink may
	 * add beyond the columns (sessions: struct ec_session_extra). */
	void (*row)(struct ec_sink *s, const struct ec_value *v, const void *extra);
	int (*prepare)(struct ec_sink *s, struct ec_err *err);
	int (*commit)(struct ec_sink *s, struct ec_err *err);
	void (*free)(struct ec_sink *s);
	/* optional: 1 once a row could not be written (see ec_sink_failed) */
	int (*failed)(const struct ec_sink *s);
};

struct ec_sink {
	const struct ec_sink_ops *ops;
	const struct ec_schema *schema; /* NULL for whole documents */
	const char *path;		/* a file's, kept by the implementation; else NULL */
	int committed;
};

/* What the MongoDB sink adds to a session document beyond its columns
 * (the event log with --with-events). */
struct ec_session;
struct ec_sessionizer;
struct ec_session_extra {
	const struct ec_session *s;
	const struct ec_sessionizer *z;
};

void ec_sink_row(struct ec_sink *s, const struct ec_value *v, const void *extra);
int ec_sink_prepare(struct ec_sink *s, struct ec_err *err);
int ec_sink_commit(struct ec_sink *s, struct ec_err *err);
void ec_sink_free(struct ec_sink *s);

/* How ec_sink_csv_open() writes (flags, or-ed; 0: CSV, formatted at once). */
#define EC_SINK_THREADED 1u /* formatted and written by a thread of its own */
#define EC_SINK_FLUSH 2u    /* each row written out as it comes (a stream), unthreaded */
#define EC_SINK_JSONL                                                                              \
	4u /* JSON lines, no header: one object a row, keyed by column,                            \
	    * typed as the MongoDB documents are (times ISO 8601 strings, lists arrays,            \
	    * u64 above 2^53 as strings, prob rounded to 6 decimals) */
/* CSV rows of sc into path (.gz: gzip; "-": stdout), header first. */
int ec_sink_csv_open(struct ec_sink **out, const struct ec_schema *sc, const char *path,
		     unsigned flags, struct ec_err *err);
/* 1 once a row could not be written (a closed pipe, a full disk): a stream
 * stops there. The error itself comes from prepare or commit. */
int ec_sink_failed(const struct ec_sink *s);

/* A document file (JSON, HTML): the outfile is written by the caller and
 * committed with the sink. Takes f. */
struct ec_sink *ec_sink_file_new(struct ec_outfile *f);

/* Rows to each of sinks[0..n) (taken). */
struct ec_sink *ec_sink_tee_new(struct ec_sink **sinks, int n);

#endif
