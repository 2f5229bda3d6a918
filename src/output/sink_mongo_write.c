/* The MongoDB sink's writing: batches (insert, then replace what already
 * exists), the spool for what is not acknowledged, the runs document and the
 * end of a run. See sink_mongo.h for the contract. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ecomctl/cli.h"
#include "ecomctl/event.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/sink_mongo_spool.h"
#include "sink_mongo_int.h"

#define PAUSE_MAX_S 120

enum { PENDING = 0, ACKED = 1, DUP = 2 };

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
		/* Documents not acknowledged are kept even when a signal stops
		 * the run: the spool is committed then too. */
		ec_outfile_commit_on_signal(m->spool);
		uint8_t head[EC_SPOOL_RUN_ID_MAX + 32];
		ec_outfile_write(
		    m->spool, head,
		    ec_spool_header(head, sizeof(head), m->run_id ? m->run_id : "run"));
	}
	bson_t rec = BSON_INITIALIZER;
	uint8_t frame[EC_SPOOL_FRAME];
	BSON_APPEND_UTF8(&rec, "c", ec_mongo_coll_names[coll]);
	BSON_APPEND_DOCUMENT(&rec, "d", doc);
	ec_spool_frame(frame, bson_get_data(&rec), rec.len);
	ec_outfile_write(m->spool, frame, sizeof(frame));
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
				ec_mongo_note_error(m, what, msg);
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
		ec_mongo_note_error(m, has_wce ? "write concern" : "bulk write", e.message);
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
				ec_mongo_note_error(m, "document refused by the driver", e.message);
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
				ec_mongo_note_error(m, "document refused by the driver", e.message);
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

void ec_mongo_add_funnel_report(struct ec_mongo *m, const struct ec_json *params,
				const struct ec_json *report)
{
	bson_t key = BSON_INITIALIZER;
	ec_mongo_append_json(&key, "params", params);
	BSON_APPEND_ARRAY(&key, "inputs", &m->run_inputs);
	const char *part = (const char *)bson_get_data(&key);
	size_t len = key.len;
	bson_oid_t oid;
	int64_t t, t_first = 0;
	const char *first = ec_json_str(ec_json_get(report, "first_event"), NULL);
	const char *last = ec_json_str(ec_json_get(report, "last_event"), NULL);
	if (first && ec_time_parse_iso(first, &t) == 0)
		t_first = t;
	ec_mongo_oid(&oid, EC_MC_FUNNEL, t_first, &part, &len, 1);
	bson_t *d = bson_new();
	BSON_APPEND_OID(d, "_id", &oid);
	bson_concat(d, &key);
	ec_mongo_append_json(d, "report", report);
	/* the report's own times are text (as in funnel.json); its period and
	 * when it was made as dates, for queries */
	if (first && ec_time_parse_iso(first, &t) == 0)
		BSON_APPEND_DATE_TIME(d, "first_event", t * 1000);
	if (last && ec_time_parse_iso(last, &t) == 0)
		BSON_APPEND_DATE_TIME(d, "last_event", t * 1000);
	BSON_APPEND_DATE_TIME(d, "created_at", (int64_t)time(NULL) * 1000);
	BSON_APPEND_UTF8(d, "run_id", m->run_id ? m->run_id : "");
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
	ec_mongo_oid(&oid, EC_MC_RUNS, m->started_ms / 1000, &part, &len, 1);
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
		ec_mongo_scrub(buf, sizeof(buf), &m->secrets);
		ec_mongo_append_str(d, "error", buf, strlen(buf));
	} else {
		BSON_APPEND_NULL(d, "error");
	}
	if (m->spool_path && !m->replaying)
		ec_mongo_append_str(d, "spool", m->spool_path, strlen(m->spool_path));
	else
		BSON_APPEND_NULL(d, "spool");
	bson_append_date_time(d, "started", -1, m->started_ms);
	bson_append_date_time(d, "finished", -1, ec_mongo_now_ms());
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
