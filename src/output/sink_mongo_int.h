/*
 * sink_mongo_int.h -- what the files of the MongoDB sink share:
 * sink_mongo.c (URI, connection, indexes), sink_mongo_write.c (batches,
 * spool, runs document), sink_mongo_doc.c
 * (documents and their _ids, BSON <-> ec_json), sink_mongo_read.c
 * (replay, history), sink_mongo_uri.c (redaction, secrets),
 * sink_mongo_spool.c (the spool file format). Not a public header: it
 * includes mongoc.h.
 */
#ifndef ECOMCTL_SINK_MONGO_INT_H
#define ECOMCTL_SINK_MONGO_INT_H

#include <mongoc/mongoc.h>

#include "ecomctl/sink_mongo.h"

struct ec_outfile;

enum ec_mongo_coll { EC_MC_SESSIONS = 0, EC_MC_PREDICTIONS, EC_MC_FUNNEL, EC_MC_RUNS, EC_MC_N };
extern const char *const ec_mongo_coll_names[EC_MC_N];
/* The collection of a name, or -1. */
int ec_mongo_coll_find(const char *name);

/* Strings never to show: a URI's password and secret option values, raw
 * and percent-decoded, and their pieces (a driver message can show a piece
 * as a host name); longest first. Shorter ones than EC_MONGO_SECRET_MIN are
 * left alone (masking every "a" of a message would hide nothing). */
#define EC_MONGO_SECRET_MIN 3
struct ec_mongo_secrets {
	char **v;
	int n;
	size_t cap;
};

struct ec_mongo_batch {
	bson_t **docs; /* owned */
	size_t n, cap;
};

struct ec_mongo {
	mongoc_uri_t *uri;
	mongoc_client_t *client;
	mongoc_collection_t *coll[EC_MC_N];
	mongoc_write_concern_t *wc;
	bson_t bulk_opts; /* {ordered: false, writeConcern} */
	char *db_name;
	char *shown_uri; /* redacted */
	struct ec_mongo_secrets secrets;

	struct ec_mongo_batch batch[EC_MC_N];
	int down;      /* the connection failed: stop trying, spool the rest */
	int replaying; /* failed documents are counted, not spooled */
	char first_error[400];

	uint64_t queued[EC_MC_N], acked[EC_MC_N], failed[EC_MC_N];

	char *spool_dir;
	char *spool_path;
	struct ec_outfile *spool;
	uint64_t spooled;
	int spool_rc; /* < 0: the spool could not be written */
	struct ec_err spool_err;

	int with_events;
	int64_t ttl_days;

	/* the run */
	char *run_id, *command;
	bson_t run_argv, run_inputs; /* arrays; run_inputs: {path, size} */
	int64_t started_ms;
	int finished;

	const char *pause_file; /* ECOMCTL_TEST_MONGO_PAUSE_FILE (tests only) */
	int paused;
};

/* ---- sink_mongo.c ------------------------------------------------------- */

/* mongoc_uri_new_with_error() with the driver's log silenced (it names
 * options it does not know) and the driver initialised; e may be NULL. */
mongoc_uri_t *ec_mongo_uri_parse(const char *uri, bson_error_t *e);
/* Keeps the first error of the run (scrubbed) for the final message. */
void ec_mongo_note_error(struct ec_mongo *m, const char *what, const char *msg);
/* The wall clock in milliseconds since 1970. */
int64_t ec_mongo_now_ms(void);
/* ec_fail() with the password removed from the message. */
int ec_mongo_fail(const struct ec_mongo *m, struct ec_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The error code of a driver error: EC_EUNAVAIL for connection and server
 * selection errors, EC_ECONFIG for authentication, else EC_EUNAVAIL. */
int ec_mongo_error_code(const bson_error_t *e);

/* ---- sink_mongo_uri.c --------------------------------------------------- */

/* Whether an option name says its value is secret: it holds password,
 * secret or token (any case), or is authMechanismProperties. */
int ec_mongo_secret_name(const char *name);
/* Adds the secrets of the URI (or of the URI in an argument, such as
 * "--mongo-uri=mongodb://...") to sec; copies them. */
void ec_mongo_secrets_add_uri(struct ec_mongo_secrets *sec, const char *uri);
void ec_mongo_secrets_release(struct ec_mongo_secrets *sec);
/* Replaces every occurrence of the secrets in buf (cap bytes) with "***";
 * sec may be NULL. */
void ec_mongo_scrub(char *buf, size_t cap, const struct ec_mongo_secrets *sec);

/* ---- sink_mongo_write.c ------------------------------------------------- */

/* Queues a document (taking it) for its collection; flushes a full batch. */
void ec_mongo_queue(struct ec_mongo *m, int coll, bson_t *doc);
/* Sends every queued document. */
void ec_mongo_flush_all(struct ec_mongo *m);
/* Sum of the counters of every collection. */
uint64_t ec_mongo_sum(const uint64_t *v);

/* ---- sink_mongo_doc.c --------------------------------------------------- */

/* The _id of a document, an honest ObjectId: its 4-byte timestamp is the
 * document's own time t (a session's start, a report's first event, a run's
 * start; so getTimestamp() means something), the other 8 bytes a 64-bit
 * hash of the collection name and the key's parts (each with its length, so
 * parts cannot run into each other). The same key and time, the same _id:
 * reruns and replays update documents in place. */
void ec_mongo_oid(bson_oid_t *oid, int coll, int64_t t, const char *const *parts,
		  const size_t *lens, int n);

/* Appends a string, with every byte sequence that is not valid UTF-8
 * replaced by U+FFFD (BSON strings must be UTF-8). */
void ec_mongo_append_str(bson_t *b, const char *key, const char *s, size_t n);
/* user_id and the other ids: int64 when they fit, else a decimal string. */
void ec_mongo_append_u64(bson_t *b, const char *key, uint64_t v);
/* A time (epoch seconds) as a BSON date. */
void ec_mongo_append_time(bson_t *b, const char *key, int64_t t);
/* A finite double, or null. */
void ec_mongo_append_num(bson_t *b, const char *key, double v);

/* The session's events as the array event_log (capped in size; then
 * event_log_truncated is true). */
void ec_mongo_append_events(bson_t *d, const struct ec_session *s, const struct ec_sessionizer *z);
/* The document of one row of sc (sink_mongo_rows.c): _id from coll and
 * the key columns, a field per column; the session's event_log when x and
 * with_events. New; bson_destroy() it. */
struct ec_schema;
struct ec_value;
struct ec_session_extra;
bson_t *ec_mongo_row_doc(int coll, const struct ec_schema *sc, const struct ec_value *v,
			 const struct ec_session_extra *x, int with_events);

/* Appends a JSON value (object keys as they are: ours, never data). Whole
 * numbers below 2^53 become int64, others doubles. */
void ec_mongo_append_json(bson_t *b, const char *key, const struct ec_json *j);
/* Adds the fields of a document to the JSON object j: dates as
 * ISO 8601 "YYYY-MM-DDTHH:MM:SSZ", ObjectIds as 24 hex digits, every number as a
 * number (int64 beyond 2^53: a string), other types as null. */
void ec_mongo_json_fields(struct ec_json *j, const bson_t *doc);

#endif
