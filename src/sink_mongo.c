/* The MongoDB sink: connection, batched idempotent writes, the spool file
 * and the runs document. See sink_mongo.h for the contract. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ecomctl/cli.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "sink_mongo_int.h"

const char *const ec_mongo_coll_names[EC_MC_N] = {"sessions", "predictions", "funnel_reports",
						  "runs"};

/* Defaults added to a URI that does not set them (milliseconds). */
#define CONNECT_TIMEOUT_MS 5000
#define SELECTION_TIMEOUT_MS 10000
#define SOCKET_TIMEOUT_MS 60000
#define PAUSE_MAX_S 120

enum { PENDING = 0, ACKED = 1, DUP = 2 };

int ec_mongo_coll_find(const char *name)
{
	for (int i = 0; i < EC_MC_N; i++)
		if (strcmp(ec_mongo_coll_names[i], name) == 0)
			return i;
	return -1;
}

const char *ec_mongo_lib_versions(void)
{
	static char buf[64];
	snprintf(buf, sizeof(buf), "libmongoc %s, libbson %s", mongoc_get_version(),
		 bson_get_version());
	return buf;
}

void ec_mongo_opts_init(struct ec_mongo_opts *o)
{
	memset(o, 0, sizeof(*o));
}

/* ---- secrets ------------------------------------------------------------- */

/* The secrets of the open sink, for the driver's log handler. */
static const char *log_secrets[2];

/* Replaces every occurrence of the secrets in buf (cap bytes) with "***". */
static void scrub(char *buf, size_t cap, char *const *secret)
{
	for (int k = 0; k < 2; k++) {
		const char *s = secret[k];
		size_t sl = s ? strlen(s) : 0;
		if (sl == 0)
			continue;
		char *out = ec_xmalloc(cap);
		size_t o = 0;
		for (const char *p = buf; *p && o + 1 < cap;) {
			if (strncmp(p, s, sl) == 0) {
				for (const char *r = "***"; *r && o + 1 < cap; r++)
					out[o++] = *r;
				p += sl;
			} else {
				out[o++] = *p++;
			}
		}
		out[o] = '\0';
		memcpy(buf, out, o + 1);
		free(out);
	}
}

int ec_mongo_fail(const struct ec_mongo *m, struct ec_err *err, int code, const char *fmt, ...)
{
	char buf[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (m)
		scrub(buf, sizeof(buf), m->secret);
	return ec_fail(err, code, "%s", buf);
}

static void note_error(struct ec_mongo *m, const char *what, const char *msg)
{
	if (m->first_error[0])
		return;
	int k = snprintf(m->first_error, sizeof(m->first_error), "%s: %s", what, msg);
	if (k >= (int)sizeof(m->first_error)) /* cut: the message goes into a 512-byte err */
		memcpy(m->first_error + sizeof(m->first_error) - 4, "...", 4);
	scrub(m->first_error, sizeof(m->first_error), m->secret);
}

int ec_mongo_error_code(const bson_error_t *e)
{
	if (e->domain == MONGOC_ERROR_SASL || e->domain == MONGOC_ERROR_SCRAM ||
	    (e->domain == MONGOC_ERROR_CLIENT && e->code == MONGOC_ERROR_CLIENT_AUTHENTICATE) ||
	    (e->domain == MONGOC_ERROR_SERVER && (e->code == 18 || e->code == 13)))
		return EC_ECONFIG; /* AuthenticationFailed, Unauthorized */
	return EC_EUNAVAIL;
}

static void log_handler(mongoc_log_level_t level, const char *domain, const char *message,
			void *data)
{
	(void)data;
	if (level > MONGOC_LOG_LEVEL_INFO)
		return;
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", message);
	scrub(buf, sizeof(buf), (char *const *)log_secrets);
	if (level <= MONGOC_LOG_LEVEL_WARNING)
		ec_log_warn("mongodb driver: %s: %s", domain, buf);
	else
		ec_log_debug("mongodb driver: %s: %s", domain, buf);
}

static void init_once(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	mongoc_init();
	mongoc_log_set_handler(log_handler, NULL);
	atexit(mongoc_cleanup);
}

/* The password as written in the URI (maybe percent-encoded), or NULL:
 * found as ec_redact_uri() finds it (up to the last '@' before options). */
static char *raw_password(const char *uri)
{
	const char *scheme = strstr(uri, "://");
	const char *start = scheme ? scheme + 3 : uri;
	const char *q = strchr(start, '?');
	const char *at = NULL;
	for (const char *p = start; *p && (!q || p < q); p++)
		if (*p == '@')
			at = p;
	if (!at)
		return NULL;
	const char *colon = memchr(start, ':', (size_t)(at - start));
	if (!colon || colon + 1 == at)
		return NULL;
	return ec_xstrndup(colon + 1, (size_t)(at - colon - 1));
}

/* ---- run ids and times --------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ec_run_id_new(char *buf)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	time_t t = ts.tv_sec;
	gmtime_r(&t, &tm);
	uint64_t x = ec_mix64((uint64_t)getpid() * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_nsec ^
			      (uint64_t)(uintptr_t)buf ^ ((uint64_t)ts.tv_sec << 20));
	size_t n = strftime(buf, 20, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(buf + n, 32 - n, "-%08x", (unsigned)(x & 0xffffffffu));
}

/* ---- opening ------------------------------------------------------------- */

static int set_write_concern(struct ec_mongo *m, const char *w, struct ec_err *err)
{
	m->wc = mongoc_write_concern_new();
	if (!w) {
		const mongoc_write_concern_t *uw = mongoc_uri_get_write_concern(m->uri);
		int32_t n = uw ? mongoc_write_concern_get_w(uw) : MONGOC_WRITE_CONCERN_W_DEFAULT;
		if (uw && mongoc_write_concern_get_wmajority(uw)) {
			mongoc_write_concern_set_wmajority(m->wc, 0);
		} else if (n == 0 || n == MONGOC_WRITE_CONCERN_W_UNACKNOWLEDGED) {
			return ec_fail(err, EC_ECONFIG,
				       "--mongo-uri: w=0 would not acknowledge writes; use "
				       "w=majority or w=N with N >= 1");
		} else if (n >= 1) {
			mongoc_write_concern_set_w(m->wc, n);
		} else {
			mongoc_write_concern_set_wmajority(m->wc, 0);
		}
		return 0;
	}
	if (strcmp(w, "majority") == 0) {
		mongoc_write_concern_set_wmajority(m->wc, 0);
		return 0;
	}
	char *end;
	errno = 0;
	long n = strtol(w, &end, 10);
	if (errno || end == w || *end || n < 1 || n > 1000)
		return ec_fail(
		    err, EC_ECONFIG,
		    "--mongo-write-concern: expected majority or a number of nodes >= 1, "
		    "got '%s'",
		    w);
	mongoc_write_concern_set_w(m->wc, (int32_t)n);
	return 0;
}

/* Runs createIndexes for one collection; indexes: an array of index specs. */
static int create_indexes(struct ec_mongo *m, int coll, bson_t *indexes, bson_error_t *e)
{
	bson_t cmd = BSON_INITIALIZER, opts = BSON_INITIALIZER, reply;
	BSON_APPEND_UTF8(&cmd, "createIndexes", ec_mongo_coll_names[coll]);
	BSON_APPEND_ARRAY(&cmd, "indexes", indexes);
	mongoc_write_concern_append(m->wc, &opts);
	int ok = mongoc_collection_write_command_with_opts(m->coll[coll], &cmd, &opts, &reply, e);
	bson_destroy(&cmd);
	bson_destroy(&opts);
	bson_destroy(&reply);
	return ok ? 0 : -1;
}

static int ensure_indexes(struct ec_mongo *m, struct ec_err *err)
{
	bson_error_t e;
	struct {
		int coll;
		const char *json;
	} const specs[] = {
	    {EC_MC_SESSIONS,
	     "[{\"key\": {\"user_id\": 1, \"start\": 1}, \"name\": \"user_id_start\"},"
	     " {\"key\": {\"start\": 1}, \"name\": \"start\"}]"},
	    {EC_MC_PREDICTIONS,
	     "[{\"key\": {\"user_id\": 1, \"start\": 1}, \"name\": \"user_id_start\"},"
	     " {\"key\": {\"intent_model\": 1, \"category_model\": 1}, \"name\": \"models\"}]"},
	    {EC_MC_RUNS, "[{\"key\": {\"started\": 1}, \"name\": \"started\"}]"},
	};
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		bson_t *idx = bson_new_from_json((const uint8_t *)specs[i].json, -1, &e);
		int rc = idx ? create_indexes(m, specs[i].coll, idx, &e) : -1;
		bson_destroy(idx);
		if (rc < 0)
			return ec_mongo_fail(m, err, ec_mongo_error_code(&e),
					     "mongodb: creating the indexes of %s: %s",
					     ec_mongo_coll_names[specs[i].coll], e.message);
	}
	if (m->ttl_days <= 0)
		return 0;
	int64_t secs = m->ttl_days * 86400;
	bson_t *idx = BCON_NEW("0", "{", "key", "{", "end", BCON_INT32(1), "}", "name",
			       BCON_UTF8("ttl_end"), "expireAfterSeconds", BCON_INT64(secs), "}");
	int rc = create_indexes(m, EC_MC_SESSIONS, idx, &e);
	bson_destroy(idx);
	if (rc < 0 && e.domain == MONGOC_ERROR_SERVER && (e.code == 85 || e.code == 86)) {
		/* IndexOptionsConflict: the TTL index exists with another expiry. */
		bson_t reply;
		bson_t *cmd =
		    BCON_NEW("collMod", BCON_UTF8("sessions"), "index", "{", "name",
			     BCON_UTF8("ttl_end"), "expireAfterSeconds", BCON_INT64(secs), "}");
		rc = mongoc_collection_write_command_with_opts(m->coll[EC_MC_SESSIONS], cmd, NULL,
							       &reply, &e)
			 ? 0
			 : -1;
		bson_destroy(cmd);
		bson_destroy(&reply);
	}
	if (rc < 0)
		return ec_mongo_fail(m, err, ec_mongo_error_code(&e),
				     "mongodb: creating the TTL index of sessions: %s", e.message);
	return 0;
}

static void copy_run(struct ec_mongo *m, const struct ec_mongo_run *run)
{
	char idx[16];
	const char *key;
	m->run_id = ec_xstrdup(run->run_id);
	m->command = ec_xstrdup(run->command);
	m->started_ms = now_ms();
	bson_init(&m->run_argv);
	for (int i = 0; i < run->argc; i++) {
		bson_uint32_to_string((uint32_t)i, &key, idx, sizeof(idx));
		char *r = strstr(run->argv[i], "://") ? ec_redact_uri(run->argv[i])
						      : ec_xstrdup(run->argv[i]);
		ec_mongo_append_str(&m->run_argv, key, r, strlen(r));
		free(r);
	}
	bson_init(&m->run_inputs);
	for (int i = 0; i < run->n_inputs; i++) {
		bson_t d;
		struct stat st;
		const char *p = run->inputs[i];
		bson_uint32_to_string((uint32_t)i, &key, idx, sizeof(idx));
		bson_append_document_begin(&m->run_inputs, key, -1, &d);
		ec_mongo_append_str(&d, "path", p, strlen(p));
		if (strcmp(p, "-") != 0 && stat(p, &st) == 0)
			BSON_APPEND_INT64(&d, "size", (int64_t)st.st_size);
		else
			BSON_APPEND_NULL(&d, "size");
		bson_append_document_end(&m->run_inputs, &d);
	}
}

int ec_mongo_open(struct ec_mongo **out, const struct ec_mongo_opts *o,
		  const struct ec_mongo_run *run, struct ec_err *err)
{
	struct ec_mongo *m = ec_xcalloc(1, sizeof(*m));
	bson_error_t e;
	int rc;

	*out = NULL;
	init_once();
	bson_init(&m->bulk_opts);
	bson_init(&m->run_argv);
	bson_init(&m->run_inputs);
	if (!o->uri || !*o->uri) {
		rc =
		    ec_fail(err, EC_ECONFIG, "no MongoDB URI: give --mongo-uri or set MONGODB_URI");
		goto fail;
	}
	m->shown_uri = ec_redact_uri(o->uri);
	m->secret[1] = raw_password(o->uri);
	m->uri = mongoc_uri_new_with_error(o->uri, &e);
	if (!m->uri) {
		rc = ec_mongo_fail(m, err, EC_ECONFIG, "--mongo-uri %s: %s", m->shown_uri,
				   e.message);
		goto fail;
	}
	if (mongoc_uri_get_password(m->uri))
		m->secret[0] = ec_xstrdup(mongoc_uri_get_password(m->uri));
	log_secrets[0] = m->secret[0];
	log_secrets[1] = m->secret[1];
	if (!mongoc_uri_has_option(m->uri, MONGOC_URI_CONNECTTIMEOUTMS))
		mongoc_uri_set_option_as_int32(m->uri, MONGOC_URI_CONNECTTIMEOUTMS,
					       CONNECT_TIMEOUT_MS);
	if (!mongoc_uri_has_option(m->uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS))
		mongoc_uri_set_option_as_int32(m->uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS,
					       SELECTION_TIMEOUT_MS);
	if (!mongoc_uri_has_option(m->uri, MONGOC_URI_SOCKETTIMEOUTMS))
		mongoc_uri_set_option_as_int32(m->uri, MONGOC_URI_SOCKETTIMEOUTMS,
					       SOCKET_TIMEOUT_MS);
	if (!mongoc_uri_get_appname(m->uri))
		mongoc_uri_set_appname(m->uri, "ecomctl");
	if ((rc = set_write_concern(m, o->write_concern, err)) < 0)
		goto fail;
	m->client = mongoc_client_new_from_uri_with_error(m->uri, &e);
	if (!m->client) {
		rc = ec_mongo_fail(m, err, EC_ECONFIG, "--mongo-uri %s: %s", m->shown_uri,
				   e.message);
		goto fail;
	}
	mongoc_client_set_error_api(m->client, MONGOC_ERROR_API_VERSION_2);
	mongoc_client_set_write_concern(m->client, m->wc);
	m->db_name = ec_xstrdup(mongoc_uri_get_database(m->uri) ? mongoc_uri_get_database(m->uri)
								: "ecomctl");
	bson_t ping = BSON_INITIALIZER, reply;
	BSON_APPEND_INT32(&ping, "ping", 1);
	int ok = mongoc_client_command_simple(m->client, "admin", &ping, NULL, &reply, &e);
	bson_destroy(&ping);
	bson_destroy(&reply);
	if (!ok) {
		rc = ec_mongo_error_code(&e);
		rc = ec_mongo_fail(m, err, rc,
				   rc == EC_ECONFIG ? "mongodb: authentication failed at %s: %s"
						    : "mongodb: cannot reach %s: %s",
				   m->shown_uri, e.message);
		goto fail;
	}
	for (int i = 0; i < EC_MC_N; i++)
		m->coll[i] =
		    mongoc_client_get_collection(m->client, m->db_name, ec_mongo_coll_names[i]);
	BSON_APPEND_BOOL(&m->bulk_opts, "ordered", false);
	mongoc_write_concern_append(m->wc, &m->bulk_opts);
	m->with_events = o->with_events;
	m->ttl_days = o->ttl_days;
	m->spool_dir = ec_xstrdup(o->spool_dir ? o->spool_dir : "output/spool");
	if (run) {
		bson_destroy(&m->run_argv);
		bson_destroy(&m->run_inputs);
		copy_run(m, run);
		if ((rc = ensure_indexes(m, err)) < 0)
			goto fail;
	}
	m->pause_file = getenv("ECOMCTL_TEST_MONGO_PAUSE_FILE");
	if (m->pause_file && !*m->pause_file)
		m->pause_file = NULL;
	*out = m;
	return 0;
fail:
	ec_mongo_free(m);
	return rc;
}

int ec_mongo_check(const struct ec_mongo_opts *o, struct ec_err *err)
{
	struct ec_mongo *m = ec_xcalloc(1, sizeof(*m));
	bson_error_t e;
	int rc = 0;
	init_once();
	bson_init(&m->bulk_opts);
	bson_init(&m->run_argv);
	bson_init(&m->run_inputs);
	m->shown_uri = ec_redact_uri(o->uri ? o->uri : "");
	m->secret[1] = raw_password(o->uri ? o->uri : "");
	m->uri = mongoc_uri_new_with_error(o->uri ? o->uri : "", &e);
	if (!m->uri)
		rc = ec_mongo_fail(m, err, EC_ECONFIG, "--mongo-uri %s: %s", m->shown_uri,
				   e.message);
	else
		rc = set_write_concern(m, o->write_concern, err);
	ec_mongo_free(m);
	return rc;
}

int ec_mongo_start(struct ec_mongo **out, const struct ec_mongo_opts *o, const char *command,
		   int argc, char **argv, char **inputs, int n_inputs, const char *out_dir,
		   struct ec_err *err)
{
	*out = NULL;
	if (!o->uri || !*o->uri)
		return 0;
	char run_id[32], spool[4096];
	struct ec_mongo_opts oo = *o;
	ec_run_id_new(run_id);
	if (!oo.spool_dir) {
		snprintf(spool, sizeof(spool), "%s/spool", out_dir && *out_dir ? out_dir : ".");
		oo.spool_dir = spool;
	}
	struct ec_mongo_run run = {run_id, command, argc, argv, n_inputs, inputs};
	int rc = ec_mongo_open(out, &oo, &run, err);
	if (rc == EC_EUNAVAIL) {
		ec_log_warn("%s: %s", command, err->msg);
		ec_log_warn("%s: writing the file outputs only; nothing goes to MongoDB", command);
	}
	return rc;
}

const char *ec_mongo_run_id(const struct ec_mongo *m)
{
	return m && m->run_id ? m->run_id : "";
}

/* ---- the spool ----------------------------------------------------------- */

static void spool_doc(struct ec_mongo *m, int coll, const bson_t *doc)
{
	if (m->spool_rc < 0)
		return;
	if (!m->spool) {
		size_t n = strlen(m->spool_dir) + strlen(m->run_id ? m->run_id : "run") + 8;
		m->spool_path = ec_xmalloc(n);
		snprintf(m->spool_path, n, "%s/%s.bson", m->spool_dir,
			 m->run_id ? m->run_id : "run");
		m->spool_rc =
		    ec_outfile_open(&m->spool, m->spool_path, EC_OUT_PLAIN, &m->spool_err);
		if (m->spool_rc < 0)
			return;
	}
	bson_t rec = BSON_INITIALIZER;
	BSON_APPEND_UTF8(&rec, "c", ec_mongo_coll_names[coll]);
	BSON_APPEND_DOCUMENT(&rec, "d", doc);
	ec_outfile_write(m->spool, bson_get_data(&rec), rec.len);
	bson_destroy(&rec);
	m->spooled++;
}

/* A document the server did not acknowledge. */
static void not_acked(struct ec_mongo *m, int coll, const bson_t *doc)
{
	m->failed[coll]++;
	if (!m->replaying)
		spool_doc(m, coll, doc);
}

/* ---- writing ------------------------------------------------------------- */

/* The update that upserts a prediction and keeps the run_id that first
 * wrote it: {$set: <all but _id and run_id>, $setOnInsert: {run_id}}. */
static bson_t *prediction_update(const bson_t *doc)
{
	bson_t *u = bson_new(), set, ins;
	bson_iter_t it;
	bson_append_document_begin(u, "$set", -1, &set);
	bson_iter_init(&it, doc);
	while (bson_iter_next(&it)) {
		const char *k = bson_iter_key(&it);
		if (strcmp(k, "_id") != 0 && strcmp(k, "run_id") != 0)
			bson_append_iter(&set, k, -1, &it);
	}
	bson_append_document_end(u, &set);
	bson_append_document_begin(u, "$setOnInsert", -1, &ins);
	if (bson_iter_init_find(&it, doc, "run_id"))
		bson_append_iter(&ins, "run_id", -1, &it);
	bson_append_document_end(u, &ins);
	return u;
}

/* Executes a bulk of n operations, where operation i is document map[i]:
 * marks what the server took as ACKED and, with dups, what it refused as a
 * duplicate _id as DUP; the rest stays as it was. */
static void run_bulk(struct ec_mongo *m, mongoc_bulk_operation_t *bulk, size_t n, const size_t *map,
		     uint8_t *state, int dups)
{
	bson_t reply;
	bson_error_t e;
	bson_iter_t it, arr, we;
	if (mongoc_bulk_operation_execute(bulk, &reply, &e)) {
		for (size_t i = 0; i < n; i++)
			state[map[i]] = ACKED;
		bson_destroy(&reply);
		return;
	}
	int has_wce = bson_iter_init_find(&it, &reply, "writeConcernErrors") &&
		      BSON_ITER_HOLDS_ARRAY(&it) && bson_iter_recurse(&it, &arr) &&
		      bson_iter_next(&arr);
	int has_we = 0;
	uint8_t *mark = ec_xcalloc(n ? n : 1, 1); /* 1 refused, 2 duplicate */
	if (bson_iter_init_find(&it, &reply, "writeErrors") && BSON_ITER_HOLDS_ARRAY(&it) &&
	    bson_iter_recurse(&it, &arr)) {
		while (bson_iter_next(&arr)) {
			int64_t idx = -1, code = 0;
			const char *msg = "";
			if (!BSON_ITER_HOLDS_DOCUMENT(&arr) || !bson_iter_recurse(&arr, &we))
				continue;
			while (bson_iter_next(&we)) {
				const char *k = bson_iter_key(&we);
				if (strcmp(k, "index") == 0)
					idx = bson_iter_as_int64(&we);
				else if (strcmp(k, "code") == 0)
					code = bson_iter_as_int64(&we);
				else if (strcmp(k, "errmsg") == 0 && BSON_ITER_HOLDS_UTF8(&we))
					msg = bson_iter_utf8(&we, NULL);
			}
			has_we = 1;
			if (idx < 0 || (size_t)idx >= n)
				continue;
			mark[idx] = code == 11000 && dups ? 2 : 1;
			if (mark[idx] == 1) {
				char what[64];
				snprintf(what, sizeof(what), "write error %lld", (long long)code);
				note_error(m, what, msg);
			}
		}
	}
	if (has_we && !has_wce) {
		for (size_t i = 0; i < n; i++)
			if (mark[i] != 1)
				state[map[i]] = mark[i] ? DUP : ACKED;
	} else {
		/* No per-document answer (connection lost, timeout, a refused
		 * command) or not acknowledged by the write concern: none counts. */
		note_error(m, has_wce ? "write concern" : "bulk write", e.message);
		if (!has_we && !has_wce)
			m->down = 1;
	}
	free(mark);
	bson_destroy(&reply);
}

/* Sends one collection's batch: insert, then upsert what already existed. */
static void flush(struct ec_mongo *m, int coll)
{
	struct ec_mongo_batch *b = &m->batch[coll];
	if (b->n == 0)
		return;
	uint8_t *state = ec_xcalloc(b->n, 1);
	size_t *map = ec_xmalloc(b->n * sizeof(*map));
	bson_error_t e;
	size_t k = 0;
	if (!m->down) {
		mongoc_bulk_operation_t *bulk =
		    mongoc_collection_create_bulk_operation_with_opts(m->coll[coll], &m->bulk_opts);
		for (size_t i = 0; i < b->n; i++) {
			if (mongoc_bulk_operation_insert_with_opts(bulk, b->docs[i], NULL, &e))
				map[k++] = i;
			else
				note_error(m, "document refused by the driver", e.message);
		}
		if (k)
			run_bulk(m, bulk, k, map, state, 1);
		mongoc_bulk_operation_destroy(bulk);
	}
	k = 0;
	for (size_t i = 0; i < b->n; i++)
		if (state[i] == DUP)
			map[k++] = i;
	if (k && !m->down) {
		mongoc_bulk_operation_t *bulk =
		    mongoc_collection_create_bulk_operation_with_opts(m->coll[coll], &m->bulk_opts);
		bson_t *upsert = BCON_NEW("upsert", BCON_BOOL(true));
		size_t j = 0;
		for (size_t q = 0; q < k; q++) {
			const bson_t *doc = b->docs[map[q]];
			bson_iter_t it;
			bson_t sel = BSON_INITIALIZER;
			if (bson_iter_init_find(&it, doc, "_id"))
				bson_append_iter(&sel, "_id", 3, &it);
			int ok;
			if (coll == EC_MC_PREDICTIONS) {
				bson_t *u = prediction_update(doc);
				ok = mongoc_bulk_operation_update_one_with_opts(bulk, &sel, u,
										upsert, &e);
				bson_destroy(u);
			} else {
				ok = mongoc_bulk_operation_replace_one_with_opts(bulk, &sel, doc,
										 upsert, &e);
			}
			bson_destroy(&sel);
			if (ok)
				map[j++] = map[q];
			else
				note_error(m, "document refused by the driver", e.message);
		}
		if (j)
			run_bulk(m, bulk, j, map, state, 0);
		bson_destroy(upsert);
		mongoc_bulk_operation_destroy(bulk);
	}
	uint64_t acked = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (state[i] == ACKED)
			acked++;
		else
			not_acked(m, coll, b->docs[i]);
		bson_destroy(b->docs[i]);
	}
	m->acked[coll] += acked;
	b->n = 0;
	free(state);
	free(map);
	if (acked && m->pause_file && !m->paused) {
		/* Test hook: stop here until the test has done its damage. */
		m->paused = 1;
		FILE *f = fopen(m->pause_file, "w");
		if (f)
			fclose(f);
		ec_log_debug("mongodb: paused after the first acknowledged batch");
		struct timespec ts = {0, 20 * 1000 * 1000};
		for (int i = 0; i < PAUSE_MAX_S * 50 && access(m->pause_file, F_OK) == 0; i++)
			nanosleep(&ts, NULL);
	}
}

void ec_mongo_queue(struct ec_mongo *m, int coll, bson_t *doc)
{
	m->queued[coll]++;
	if (m->down) {
		not_acked(m, coll, doc);
		bson_destroy(doc);
		return;
	}
	struct ec_mongo_batch *b = &m->batch[coll];
	EC_GROW(b->docs, b->cap, b->n + 1);
	b->docs[b->n++] = doc;
	if (b->n >= EC_MONGO_BATCH)
		flush(m, coll);
}

void ec_mongo_flush_all(struct ec_mongo *m)
{
	for (int i = 0; i < EC_MC_N; i++)
		flush(m, i);
}

void ec_mongo_add_session(struct ec_mongo *m, const struct ec_session *s,
			  const struct ec_session_summary *sum, const struct ec_sessionizer *z)
{
	ec_mongo_queue(m, EC_MC_SESSIONS, ec_mongo_session_doc(s, sum, z, m->with_events));
}

void ec_mongo_add_prediction(struct ec_mongo *m, const struct ec_mongo_prediction *p)
{
	ec_mongo_queue(m, EC_MC_PREDICTIONS, ec_mongo_prediction_doc(p));
}

void ec_mongo_add_funnel_report(struct ec_mongo *m, const struct ec_json *params,
				const struct ec_json *report)
{
	bson_t key = BSON_INITIALIZER;
	ec_mongo_append_json(&key, "params", params);
	BSON_APPEND_ARRAY(&key, "inputs", &m->run_inputs);
	const char *part = (const char *)bson_get_data(&key);
	size_t len = key.len;
	bson_oid_t oid;
	ec_mongo_oid(&oid, EC_MC_FUNNEL, &part, &len, 1);
	bson_t *d = bson_new();
	BSON_APPEND_OID(d, "_id", &oid);
	bson_concat(d, &key);
	ec_mongo_append_json(d, "report", report);
	bson_destroy(&key);
	ec_mongo_queue(m, EC_MC_FUNNEL, d);
}

/* ---- the end of a run ---------------------------------------------------- */

uint64_t ec_mongo_sum(const uint64_t *v)
{
	uint64_t s = 0;
	for (int i = 0; i < EC_MC_N; i++)
		s += v[i];
	return s;
}

static bson_t *run_doc(struct ec_mongo *m, const char *outcome, const char *run_error,
		       const struct ec_json *counts)
{
	const char *part = m->run_id;
	size_t len = strlen(part);
	bson_oid_t oid;
	bson_t docs, c, v;
	ec_mongo_oid(&oid, EC_MC_RUNS, &part, &len, 1);
	bson_t *d = bson_new();
	BSON_APPEND_OID(d, "_id", &oid);
	BSON_APPEND_UTF8(d, "run_id", m->run_id);
	BSON_APPEND_UTF8(d, "command", m->command);
	BSON_APPEND_ARRAY(d, "argv", &m->run_argv);
	BSON_APPEND_ARRAY(d, "inputs", &m->run_inputs);
	if (counts) {
		ec_mongo_append_json(d, "counts", counts);
	} else {
		BSON_APPEND_DOCUMENT_BEGIN(d, "counts", &c);
		bson_append_document_end(d, &c);
	}
	BSON_APPEND_DOCUMENT_BEGIN(d, "documents", &docs);
	for (int i = 0; i < EC_MC_N; i++) {
		if (i == EC_MC_RUNS || m->queued[i] == 0)
			continue;
		BSON_APPEND_DOCUMENT_BEGIN(&docs, ec_mongo_coll_names[i], &c);
		BSON_APPEND_INT64(&c, "written", (int64_t)m->queued[i]);
		BSON_APPEND_INT64(&c, "acknowledged", (int64_t)m->acked[i]);
		BSON_APPEND_INT64(&c, "not_acknowledged", (int64_t)m->failed[i]);
		bson_append_document_end(&docs, &c);
	}
	bson_append_document_end(d, &docs);
	BSON_APPEND_DOCUMENT_BEGIN(d, "versions", &v);
	BSON_APPEND_UTF8(&v, "ecomctl", EC_VERSION);
	BSON_APPEND_UTF8(&v, "libmongoc", mongoc_get_version());
	BSON_APPEND_UTF8(&v, "libbson", bson_get_version());
	bson_append_document_end(d, &v);
	BSON_APPEND_UTF8(d, "outcome", outcome);
	if (run_error) {
		char buf[512];
		snprintf(buf, sizeof(buf), "%s", run_error);
		scrub(buf, sizeof(buf), m->secret);
		ec_mongo_append_str(d, "error", buf, strlen(buf));
	} else {
		BSON_APPEND_NULL(d, "error");
	}
	if (m->spool_path && !m->replaying)
		ec_mongo_append_str(d, "spool", m->spool_path, strlen(m->spool_path));
	else
		BSON_APPEND_NULL(d, "spool");
	bson_append_date_time(d, "started", -1, m->started_ms);
	bson_append_date_time(d, "finished", -1, now_ms());
	return d;
}

int ec_mongo_finish(struct ec_mongo *m, int run_rc, const char *run_error,
		    const struct ec_json *counts, struct ec_err *err)
{
	int rc = 0;
	ec_mongo_flush_all(m);
	if (m->run_id && !m->finished) {
		const char *outcome = run_rc < 0		 ? "failed"
				      : !ec_mongo_sum(m->failed) ? "ok"
				      : m->replaying		 ? "not_acknowledged"
								 : "spooled";
		ec_mongo_queue(m, EC_MC_RUNS, run_doc(m, outcome, run_error, counts));
		flush(m, EC_MC_RUNS);
	}
	m->finished = 1;
	if (m->spool && m->spool_rc >= 0) {
		m->spool_rc = ec_outfile_commit(m->spool, &m->spool_err);
		m->spool = NULL;
	}
	uint64_t failed = ec_mongo_sum(m->failed), total = ec_mongo_sum(m->queued);
	if (failed == 0)
		return 0;
	if (m->replaying)
		rc = ec_mongo_fail(m, err, EC_ETEMPFAIL,
				   "mongodb: %llu of %llu documents were not acknowledged (%s)",
				   (unsigned long long)failed, (unsigned long long)total,
				   m->first_error);
	else if (m->spool_rc < 0)
		rc =
		    ec_mongo_fail(m, err, EC_EIO,
				  "mongodb: %llu of %llu documents were not acknowledged (%s), and "
				  "the spool could not be written (%s): they are lost; run the "
				  "command again",
				  (unsigned long long)failed, (unsigned long long)total,
				  m->first_error, m->spool_err.msg);
	else
		rc = ec_mongo_fail(
		    m, err, EC_ETEMPFAIL,
		    "mongodb: %llu of %llu documents were not acknowledged (%s); they "
		    "are kept in %s: send them with `ecomctl mongo replay --spool %s` "
		    "(and --mongo-uri or MONGODB_URI)",
		    (unsigned long long)failed, (unsigned long long)total, m->first_error,
		    m->spool_path, m->spool_dir);
	return rc;
}

void ec_mongo_report(const struct ec_mongo *m)
{
	ec_log_info("mongodb: %llu documents acknowledged by %s, %llu spooled",
		    (unsigned long long)ec_mongo_sum(m->acked), m->shown_uri,
		    (unsigned long long)m->spooled);
}

int ec_mongo_end(struct ec_mongo *m, const char *cmd, int rc, const struct ec_err *err, int mrc,
		 struct ec_err *merr)
{
	if (rc < 0 && m && !m->finished)
		mrc = ec_mongo_finish(m, rc, err->msg, NULL, merr);
	if (rc < 0) {
		if (mrc < 0 && mrc != EC_EUNAVAIL)
			ec_log_error("%s: %s", cmd, merr->msg);
		return ec_cli_fail(cmd, rc, err);
	}
	if (mrc == EC_EUNAVAIL && !m) {
		ec_log_error("%s: %s; the file outputs are complete, MongoDB got nothing", cmd,
			     merr->msg);
		return ec_exit_status(mrc);
	}
	return ec_cli_fail(cmd, mrc, merr);
}

void ec_mongo_json(const struct ec_mongo *m, struct ec_json *j)
{
	struct ec_json *o = ec_json_add_object(j, "mongo");
	ec_json_add_str(o, "uri", m->shown_uri);
	ec_json_add_str(o, "database", m->db_name);
	ec_json_add_str(o, "run_id", m->run_id);
	ec_json_add_u64(o, "documents", ec_mongo_sum(m->queued));
	ec_json_add_u64(o, "acknowledged", ec_mongo_sum(m->acked));
	ec_json_add_u64(o, "spooled", m->spooled);
	ec_json_add_str(o, "spool", m->spool_path && m->spool_rc >= 0 ? m->spool_path : NULL);
}

void ec_mongo_free(struct ec_mongo *m)
{
	if (!m)
		return;
	for (int i = 0; i < EC_MC_N; i++) {
		for (size_t k = 0; k < m->batch[i].n; k++)
			bson_destroy(m->batch[i].docs[k]);
		free(m->batch[i].docs);
		mongoc_collection_destroy(m->coll[i]);
	}
	ec_outfile_free(m->spool);
	mongoc_client_destroy(m->client);
	mongoc_uri_destroy(m->uri);
	mongoc_write_concern_destroy(m->wc);
	bson_destroy(&m->bulk_opts);
	bson_destroy(&m->run_argv);
	bson_destroy(&m->run_inputs);
	if (log_secrets[0] == m->secret[0] && log_secrets[1] == m->secret[1])
		log_secrets[0] = log_secrets[1] = NULL;
	for (int k = 0; k < 2; k++)
		free(m->secret[k]);
	free(m->db_name);
	free(m->shown_uri);
	free(m->spool_dir);
	free(m->spool_path);
	free(m->run_id);
	free(m->command);
	free(m);
}
