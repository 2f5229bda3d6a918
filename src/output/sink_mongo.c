/* The MongoDB sink: URI, secrets, connection, indexes, the driver's log.
 * Writing is in sink_mongo_write.c. See sink_mongo.h for the contract. */
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

/* ---- secrets and the driver's log --------------------------------------- */

/* The secrets of the open sink, for the driver's log handler. */
static const struct ec_mongo_secrets *log_secrets;
/* Set while a URI is parsed only to be shown. */
static int log_quiet;

int ec_mongo_fail(const struct ec_mongo *m, struct ec_err *err, int code, const char *fmt, ...)
{
	char buf[sizeof(err->msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (m)
		ec_mongo_scrub(buf, sizeof(buf), &m->secrets);
	return ec_fail(err, code, "%s", buf);
}

void ec_mongo_note_error(struct ec_mongo *m, const char *what, const char *msg)
{
	if (m->first_error[0])
		return;
	int k = snprintf(m->first_error, sizeof(m->first_error), "%s: %s", what, msg);
	if (k >= (int)sizeof(m->first_error)) /* cut: the message goes into a 512-byte err */
		memcpy(m->first_error + sizeof(m->first_error) - 4, "...", 4);
	ec_mongo_scrub(m->first_error, sizeof(m->first_error), &m->secrets);
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
	if (level > MONGOC_LOG_LEVEL_INFO || log_quiet)
		return;
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", message);
	ec_mongo_scrub(buf, sizeof(buf), log_secrets);
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

mongoc_uri_t *ec_mongo_uri_parse(const char *uri, bson_error_t *e)
{
	bson_error_t ignored;
	init_once();
	log_quiet = 1;
	mongoc_uri_t *u = mongoc_uri_new_with_error(uri, e ? e : &ignored);
	log_quiet = 0;
	return u;
}

/* libmongoc takes "mongodb://u:p@ss@h" as the password "p" and the host
 * "ss@h", which can never resolve: refuse it, and say how to write it. */
static int check_hosts(const struct ec_mongo *m, struct ec_err *err)
{
	for (const mongoc_host_list_t *h = mongoc_uri_get_hosts(m->uri); h; h = h->next)
		if (strchr(h->host, '@'))
			return ec_fail(err, EC_ECONFIG,
				       "--mongo-uri %s: a host name holds '@': write an '@' of the "
				       "user name or password as %%40",
				       m->shown_uri);
	return 0;
}

/* The URI parsed into m, with what is shown of it and its secrets. */
static int parse_uri(struct ec_mongo *m, const char *uri, struct ec_err *err)
{
	bson_error_t e;
	m->shown_uri = ec_mongo_shown_uri(uri);
	ec_mongo_secrets_add_uri(&m->secrets, uri);
	log_secrets = &m->secrets; /* the driver warns while it parses */
	m->uri = mongoc_uri_new_with_error(uri, &e);
	if (!m->uri)
		return ec_mongo_fail(m, err, EC_ECONFIG, "--mongo-uri %s: %s", m->shown_uri,
				     e.message);
	return check_hosts(m, err);
}

/* ---- run ids and times --------------------------------------------------- */

int64_t ec_mongo_now_ms(void)
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
	m->started_ms = ec_mongo_now_ms();
	bson_init(&m->run_argv);
	for (int i = 0; i < run->argc; i++) {
		bson_uint32_to_string((uint32_t)i, &key, idx, sizeof(idx));
		char *r = ec_mongo_redact_uri(run->argv[i]);
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
	if ((rc = parse_uri(m, o->uri, err)) < 0)
		goto fail;
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
	int rc = 0;
	init_once();
	bson_init(&m->bulk_opts);
	bson_init(&m->run_argv);
	bson_init(&m->run_inputs);
	if ((rc = parse_uri(m, o->uri ? o->uri : "", err)) == 0)
		rc = set_write_concern(m, o->write_concern, err);
	ec_mongo_free(m);
	return rc;
}

int ec_mongo_start(struct ec_mongo **out, const struct ec_mongo_opts *o, const char *command,
		   const char *run_id, int argc, char **argv, char **inputs, int n_inputs,
		   const char *out_dir, struct ec_err *err)
{
	*out = NULL;
	if (!o->uri || !*o->uri)
		return 0;
	char new_id[32], spool[4096];
	struct ec_mongo_opts oo = *o;
	if (!run_id || !*run_id) {
		ec_run_id_new(new_id);
		run_id = new_id;
	}
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
	if (log_secrets == &m->secrets)
		log_secrets = NULL;
	ec_mongo_secrets_release(&m->secrets);
	free(m->db_name);
	free(m->shown_uri);
	free(m->spool_dir);
	free(m->spool_path);
	free(m->run_id);
	free(m->command);
	free(m);
}
