/*
 * sink_mongo.h -- the MongoDB sink, the last stage beside the file outputs
 * (session -> summary / predictions / funnel -> sinks): session logs,
 * predictions, funnel reports and one document per run, written in
 * acknowledged, batched, idempotent bulk writes; a spool file for what the
 * server did not acknowledge, and its replay; a user's history (export,
 * show, delete). src/sink_mongo*.c are the only files that include
 * mongoc/mongoc.h; the driver's log goes through ec_log_*.
 *
 * Collections (database: the URI's, else "ecomctl"; README "MongoDB" has
 * the document shapes):
 *   sessions        one per session: the `ecomctl sessions` columns, and
 *                   with_events the events as an array `event_log`
 *   predictions     one per session and model versions (`ecomctl score`)
 *   funnel_reports  one per funnel parameters + inputs (path, size)
 *   runs            one per run: command, inputs, counts, outcome, times
 *
 * Idempotence: every document's _id is an ObjectId made from a 96-bit hash
 * of its natural key (sessions: session_id + user_id; predictions: those
 * plus the model versions; funnel reports: parameters + inputs; runs: the
 * run id). A batch is first inserted (unordered); the documents the server
 * refuses as duplicates (code 11000) are then replaced by _id (predictions:
 * updated, keeping the run_id that first wrote them). Running the same
 * command on the same input twice leaves the same documents, byte for byte;
 * the runs collection gains one document per run (it is the log of runs).
 *
 * Failures: a malformed URI or write concern is EC_ECONFIG at open; a server
 * that cannot be reached or refuses the ping is EC_EUNAVAIL at open. After
 * a successful open the add functions never fail: a batch the server does
 * not acknowledge (connection lost, timeout, write or write-concern error)
 * goes, with every later document, to the spool file
 * <spool_dir>/<run_id>.bson (written to .tmp and renamed by
 * ec_mongo_finish), which then returns EC_ETEMPFAIL with a message saying
 * how to replay it. Messages never hold the URI's secrets: the driver's
 * texts are scrubbed of every secret string of the URI (see
 * ec_mongo_redact_uri) before they are shown or stored.
 *
 * Ownership: struct ec_mongo is the caller's from ec_mongo_open() to
 * ec_mongo_free(); the add functions copy what they are given.
 */
#ifndef ECOMCTL_SINK_MONGO_H
#define ECOMCTL_SINK_MONGO_H

#include <stdint.h>

#include "ecomctl/common.h"
#include "ecomctl/opts.h"

struct ec_session;
struct ec_session_summary;
struct ec_sessionizer;
struct ec_json;
struct ec_mongo;

/* Text with a MongoDB URI in it (a URI, or an argument such as
 * "--mongo-uri=mongodb://...") as it may be shown: the URI is rebuilt from
 * what libmongoc parsed (user name, hosts, database, options; the default
 * port left out, option names in libmongoc's lower case) with "***" for the
 * password, for the value of every option whose name holds password,
 * secret or token (any case; tlsCertificateKeyFilePassword ...) and for
 * every value of authMechanismProperties; options libmongoc does not know
 * are left out. A host holding '@' (the rest of a password with an
 * unencoded '@') shows as "***@host". A URI libmongoc cannot parse shows as
 * "<scheme>://<unparseable URI>". Text with no "://" is copied. The one
 * redaction routine. New; free() it. */
char *ec_mongo_redact_uri(const char *text);

/* A value given as a MongoDB URI, as it may be shown: ec_mongo_redact_uri(),
 * but "<unparseable URI>" for text with no "://" at all ("user:pw@host" is
 * not copied); "" stays "". ec_redact_uri() (opts.h) is this. New; free() it. */
char *ec_mongo_shown_uri(const char *uri);

/* "libmongoc 1.23.1, libbson 1.23.1" (static storage). */
const char *ec_mongo_lib_versions(void);

/* Documents per bulk write. */
#define EC_MONGO_BATCH 1000

struct ec_mongo_opts {
	const char *uri;	   /* NULL or "": no MongoDB output */
	const char *write_concern; /* "majority" or a number >= 1; NULL: the URI's w,
				    * else majority */
	int64_t ttl_days;	   /* > 0: a TTL index expires session logs this many
				    * days after their `end`; 0: none */
	const char *spool_dir;	   /* NULL: "<output dir>/spool" (ec_mongo_start) */
	int with_events;	   /* session logs carry their events */
};

void ec_mongo_opts_init(struct ec_mongo_opts *o);

/* The MongoDB options of every command that writes to MongoDB. */
/* clang-format off */
#define EC_MONGO_OPTS(mo)                                                                    \
	{ "mongo-uri", 0, EC_OPT_STR, &(mo).uri, "URI",                                      \
	  "also write to MongoDB (env MONGODB_URI; the password is never shown)", NULL,      \
	  EC_OPTF_SECRET },                                                                  \
	{ "mongo-write-concern", 0, EC_OPT_STR, &(mo).write_concern, "W",                    \
	  "majority (default) or a number of nodes that must acknowledge", NULL, 0 },        \
	{ "mongo-ttl-days", 0, EC_OPT_INT, &(mo).ttl_days, "N",                              \
	  "session logs expire N days after their end (TTL index; default 0: never)",        \
	  EC_OPT_RANGE(0, 36500), 0 },                                                       \
	{ "spool-dir", 0, EC_OPT_STR, &(mo).spool_dir, "DIR",                                \
	  "unacknowledged documents go here (default: spool/ beside the outputs)", NULL, 0 }
/* clang-format on */

/* A new run id, "YYYYMMDDTHHMMSSZ-xxxxxxxx" (UTC time, 8 hex digits of
 * pid, clock and address entropy), into buf (>= 32 bytes). */
void ec_run_id_new(char *buf);

/* What a run is, for its `runs` document. Strings are copied by open. */
struct ec_mongo_run {
	const char *run_id;  /* ec_run_id_new() */
	const char *command; /* "sessions", "funnel", "score", "mongo replay" */
	int argc;	     /* the command line (argv[0] = command), stored */
	char **argv;	     /* with every URI's password redacted */
	int n_inputs;	     /* input paths; sizes are read with stat() */
	char **inputs;
};

/* Checks the URI and write concern (EC_ECONFIG), connects and pings
 * (EC_EUNAVAIL, or EC_ECONFIG when authentication fails), and creates the
 * indexes (idempotent): sessions {user_id, start}, {start}, TTL {end} with
 * o->ttl_days; predictions {user_id, start}, {intent_model,
 * category_model}; runs {started}. *out is new; free with ec_mongo_free().
 * run may be NULL for reading only (history), and then no index is made. */
int ec_mongo_open(struct ec_mongo **out, const struct ec_mongo_opts *o,
		  const struct ec_mongo_run *run, struct ec_err *err);

/* Checks the URI and write concern without connecting: 0 or EC_ECONFIG. */
int ec_mongo_check(const struct ec_mongo_opts *o, struct ec_err *err);

/* For commands: nothing (0, *out = NULL) when o->uri is empty. Otherwise
 * takes run_id (the run manifest's; NULL: a new one), defaults o->spool_dir to "<out_dir>/spool"
 * and opens. EC_EUNAVAIL is logged here ("the file outputs are still written") and returned with
 * *out = NULL: the command goes on without MongoDB and exits 69 at the end. Other errors are
 * returned as they are. Call ec_mongo_finish() before ec_mongo_free(): free alone drops what is
 * queued. */
int ec_mongo_start(struct ec_mongo **out, const struct ec_mongo_opts *o, const char *command,
		   const char *run_id, int argc, char **argv, char **inputs, int n_inputs,
		   const char *out_dir, struct ec_err *err);

/* The run id of the sink (borrowed until ec_mongo_free). */
const char *ec_mongo_run_id(const struct ec_mongo *m);

/* Session logs and predictions are rows of a schema: ec_mongo_rows_open(). */

/* Queues one funnel report: `params` (the options that shape it, a JSON
 * object) and `report` (ec_funnel_json()) are copied; the run's inputs
 * (path, size) are added. _id: params + inputs. */
void ec_mongo_add_funnel_report(struct ec_mongo *m, const struct ec_json *params,
				const struct ec_json *report);

/* Sends what is queued and the run's document (outcome "ok", "spooled" or
 * "failed" from run_rc < 0 with run_error; counts: a JSON object such as
 * ec_input_json() fills, may be NULL). Returns 0 when every document was
 * acknowledged; EC_ETEMPFAIL when documents were spooled (err: how many,
 * where, how to replay); EC_ECANTCREAT / EC_EIO when the spool itself could
 * not be written (err says the documents are lost). Call once. */
int ec_mongo_finish(struct ec_mongo *m, int run_rc, const char *run_error,
		    const struct ec_json *counts, struct ec_err *err);

/* Logs (info) what was written: documents acknowledged, spooled. */
void ec_mongo_report(const struct ec_mongo *m);

/* The end of a command that writes files and MongoDB documents: returns the
 * exit status and prints the error(s). rc/err: the command's own outcome
 * (files, data); mrc/merr: MongoDB's (from ec_mongo_start or
 * ec_mongo_finish). When the command failed before ec_mongo_finish, this
 * calls it (sending what is queued, a runs document with outcome "failed").
 * A failure of the command wins; then MongoDB's (69, 75, 78). */
int ec_mongo_end(struct ec_mongo *m, const char *cmd, int rc, const struct ec_err *err, int mrc,
		 struct ec_err *merr);

/* Adds {"uri" (redacted), "database", "run_id", "documents", "acknowledged", "spooled",
 * "spool"} under "mongo" of a JSON summary. */
void ec_mongo_json(const struct ec_mongo *m, struct ec_json *j);

void ec_mongo_free(struct ec_mongo *m);

/* Rows of sc (its collection) as documents queued on m (borrowed until the
 * sink is freed): a sink.h sink. EC_EINTERNAL when sc has no collection. */
struct ec_sink;
struct ec_schema;
int ec_mongo_rows_open(struct ec_sink **out, struct ec_mongo *m, const struct ec_schema *sc,
		       struct ec_err *err);

/* ---- spool replay (ecomctl mongo replay) -------------------------------- */

/* What ec_mongo_replay_file() did with one file. */
struct ec_mongo_replay {
	uint64_t sent;	     /* intact records read and sent (upserted by _id) */
	uint64_t unreadable; /* damaged stretches and record starts (sink_mongo_spool.h) */
	uint64_t not_acked;  /* of those sent, the ones MongoDB did not acknowledge */
	int damaged;	     /* the file was not read whole */
	char kept_as[4096];  /* where the file is now ("" when removed) */
};

/* Sends every intact record of one spool file (format: sink_mongo_spool.h)
 * and removes the file only when it was read whole and every document was
 * acknowledged (0). Otherwise the file is never removed:
 *   EC_EDATA      not a spool file, or another format version: the file
 *                 is left as it is and nothing is sent;
 *   EC_ETEMPFAIL  some documents were not acknowledged: the file is kept
 *                 under its name, to be replayed again;
 *   EC_EDATA      damaged (and every intact record acknowledged): renamed
 *                 to <path>.damaged (.damaged.2 ... if taken; a name that
 *                 already says .damaged is kept), so that a directory
 *                 replay does not pick it up again;
 *   EC_ENOINPUT / EC_EIO  it cannot be opened or read.
 * err says how many records were sent and how many are unreadable. */
int ec_mongo_replay_file(struct ec_mongo *m, const char *path, struct ec_mongo_replay *out,
			 struct ec_err *err);

/* ---- a user's history (ecomctl history) --------------------------------- */

/* Writes the user's session logs and predictions to stdout as JSON lines,
 * sorted by start (then session logs before predictions, then session id),
 * each with "collection" first; times as ISO 8601 "YYYY-MM-DDTHH:MM:SSZ", _id as
 * 24 hex digits. *n gets the lines written. */
/* ejson: canonical Extended JSON of the documents as they are (what
 * mongoimport reads), no "collection" key; only: -1 both collections, 0
 * sessions, 1 predictions. */
int ec_mongo_history_export(struct ec_mongo *m, uint64_t user_id, int ejson, int only, uint64_t *n,
			    struct ec_err *err);

/* Prints a readable summary of the user's history to stdout. */
int ec_mongo_history_show(struct ec_mongo *m, uint64_t user_id, struct ec_err *err);

/* Deletes the user's session logs and predictions (acknowledged by the
 * write concern); *n_sessions and *n_predictions get the counts. */
int ec_mongo_history_delete(struct ec_mongo *m, uint64_t user_id, uint64_t *n_sessions,
			    uint64_t *n_predictions, struct ec_err *err);

#endif
