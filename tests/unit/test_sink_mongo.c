/*
 * test_sink_mongo.c -- unit tests of the MongoDB sink's documents (no
 * server): deterministic _ids, prediction documents, UTF-8 repair, ids
 * beyond int64, JSON <-> BSON, URI checks and redaction. With
 * EC_MONGO_TEST_URI set (tests/cli/mongo/predictions_api.sh starts a
 * server and sets it), also the predictions API against the server, read
 * back with libmongoc directly rather than through the sink.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/output/sink_mongo_int.h"
#include "ecomctl/schema.h"
#include "ecomctl/sink.h"
#include "ecomctl/json.h"
#include "ecomctl/sink_mongo_spool.h"

static const char *utf8_at(const bson_t *d, const char *key)
{
	bson_iter_t it;
	assert_true(bson_iter_init_find(&it, d, key));
	assert_true(BSON_ITER_HOLDS_UTF8(&it));
	return bson_iter_utf8(&it, NULL);
}

static void oid_of(const bson_t *d, bson_oid_t *oid)
{
	bson_iter_t it;
	assert_true(bson_iter_init_find(&it, d, "_id"));
	assert_true(BSON_ITER_HOLDS_OID(&it));
	bson_oid_copy(bson_iter_oid(&it), oid);
}

static void test_sink_mongo__oid_deterministic(void **state)
{
	(void)state;
	bson_oid_t a, b, c, d;
	const char *p1[2] = {"ab", "c"}, *p2[2] = {"a", "bc"};
	size_t l1[2] = {2, 1}, l2[2] = {1, 2};
	ec_mongo_oid(&a, EC_MC_SESSIONS, 1572566402, p1, l1, 2);
	ec_mongo_oid(&b, EC_MC_SESSIONS, 1572566402, p1, l1, 2);
	ec_mongo_oid(&c, EC_MC_SESSIONS, 1572566402, p2, l2, 2); /* same bytes, other split */
	ec_mongo_oid(&d, EC_MC_PREDICTIONS, 1572566402, p1, l1, 2);
	assert_true(bson_oid_equal(&a, &b));
	assert_false(bson_oid_equal(&a, &c));
	assert_false(bson_oid_equal(&a, &d));
	char hex[25];
	bson_oid_to_string(&a, hex);
	assert_int_equal(strlen(hex), 24);
	/* honest: getTimestamp() is the document's time (2019-11-01T00:00:02Z) */
	assert_int_equal(bson_oid_get_time_t(&a), 1572566402);
	assert_memory_equal(hex, "5dbb7582", 8);
	ec_mongo_oid(&c, EC_MC_SESSIONS, -5, p1, l1, 2);
	assert_int_equal(bson_oid_get_time_t(&c), 0);
}

/* A row of the predictions schema (schema.c order). */
static void prediction_row(struct ec_value *v, const char *sid, uint64_t user, int64_t start,
			   double p, const char *cat1, double p1, const char *cat2, double p2,
			   const char *im, const char *cm, const char *run_id)
{
	int k = 0;
	v[k++] = ec_val_str(sid, strlen(sid));
	v[k++] = ec_val_u64(user);
	v[k++] = ec_val_i64(start);
	v[k++] = ec_val_i64(start + 60);
	v[k++] = ec_val_u64(3);
	v[k++] = isnan(p) ? ec_val_null() : ec_val_num(p);
	v[k++] = isnan(p) ? ec_val_null() : ec_val_i64(1);
	v[k++] = cat1 ? ec_val_str(cat1, strlen(cat1)) : ec_val_null();
	v[k++] = cat1 ? ec_val_num(p1) : ec_val_null();
	v[k++] = cat2 ? ec_val_str(cat2, strlen(cat2)) : ec_val_null();
	v[k++] = cat2 ? ec_val_num(p2) : ec_val_null();
	v[k++] = ec_val_null();
	v[k++] = ec_val_null();
	v[k++] = ec_val_i64(0);
	v[k++] = ec_val_str("a.b|$where.x", 12);
	v[k++] = ec_val_str(im, strlen(im));
	v[k++] = ec_val_str(cm, strlen(cm));
	v[k++] = ec_val_str(run_id, strlen(run_id));
	assert_int_equal(k, EC_PREDICTIONS_COLS);
}

static void test_sink_mongo__prediction_doc(void **state)
{
	(void)state;
	struct ec_value v[EC_PREDICTIONS_COLS];
	const struct ec_schema *sc = &ec_schema_predictions;
	/* 2019-10-01 00:00:00 UTC */
	prediction_row(v, "{\"$ne\": 1}", 42, 1569888000, NAN, "$where.x", 0.75, "a.b", 0.125,
		       "intent@v1", "category@v1", "r1");
	bson_t *d1 = ec_mongo_row_doc(EC_MC_PREDICTIONS, sc, v, NULL, 0);
	prediction_row(v, "{\"$ne\": 1}", 42, 1569888000, NAN, "$where.x", 0.75, "a.b", 0.125,
		       "intent@v2", "category@v1", "r1");
	bson_t *d2 = ec_mongo_row_doc(EC_MC_PREDICTIONS, sc, v, NULL, 0);
	prediction_row(v, "{\"$ne\": 1}", 42, 1569888000, NAN, "$where.x", 0.75, "a.b", 0.125,
		       "intent@v2", "category@v1", "r2"); /* the run does not change the _id */
	bson_t *d3 = ec_mongo_row_doc(EC_MC_PREDICTIONS, sc, v, NULL, 0);
	bson_oid_t o1, o2, o3;
	oid_of(d1, &o1);
	oid_of(d2, &o2);
	oid_of(d3, &o3);
	assert_false(bson_oid_equal(&o1, &o2));
	assert_true(bson_oid_equal(&o2, &o3));

	/* Field names are the schema's columns; the hostile strings are values. */
	bson_iter_t it, arr;
	size_t i = 0;
	assert_true(bson_iter_init(&it, d1));
	assert_true(bson_iter_next(&it));
	assert_string_equal(bson_iter_key(&it), "_id");
	while (bson_iter_next(&it)) {
		assert_true(i < sc->n_cols);
		assert_string_equal(bson_iter_key(&it), sc->cols[i++].name);
	}
	assert_int_equal(i, sc->n_cols);
	assert_string_equal(utf8_at(d1, "session_id"), "{\"$ne\": 1}");
	assert_true(bson_iter_init_find(&it, d1, "p_purchase") && BSON_ITER_HOLDS_NULL(&it));
	assert_true(bson_iter_init_find(&it, d1, "decision") && BSON_ITER_HOLDS_NULL(&it));
	assert_true(bson_iter_init_find(&it, d1, "category_3") && BSON_ITER_HOLDS_NULL(&it));
	assert_true(bson_iter_init_find(&it, d1, "purchased") && BSON_ITER_HOLDS_BOOL(&it));
	assert_false(bson_iter_bool(&it));
	assert_true(bson_iter_init_find(&it, d1, "start") && BSON_ITER_HOLDS_DATE_TIME(&it));
	assert_int_equal(bson_iter_date_time(&it), 1569888000000LL);
	assert_true(bson_iter_init_find(&it, d1, "user_id") && BSON_ITER_HOLDS_INT64(&it));
	assert_int_equal(bson_iter_int64(&it), 42);
	assert_string_equal(utf8_at(d1, "category_1"), "$where.x");
	assert_true(bson_iter_init_find(&it, d1, "p_category_1") && bson_iter_double(&it) == 0.75);
	assert_true(bson_iter_init_find(&it, d1, "actual_categories") &&
		    bson_iter_recurse(&it, &arr));
	assert_true(bson_iter_next(&arr));
	assert_string_equal(bson_iter_utf8(&arr, NULL), "a.b");
	assert_true(bson_iter_next(&arr));
	assert_string_equal(bson_iter_utf8(&arr, NULL), "$where.x");
	assert_false(bson_iter_next(&arr));
	bson_destroy(d1);
	bson_destroy(d2);
	bson_destroy(d3);
}

static void test_sink_mongo__utf8_repair(void **state)
{
	(void)state;
	bson_t *b = bson_new();
	ec_mongo_append_str(b, "ok", "\xc3\xbc\xe6\x97\xa5", 5); /* ü日: unchanged */
	ec_mongo_append_str(b, "ff",
			    "a\xff"
			    "b",
			    3);					/* a?b */
	ec_mongo_append_str(b, "overlong", "\xc0\xaf", 2);	/* two bad bytes */
	ec_mongo_append_str(b, "surrogate", "\xed\xa0\x80", 3); /* U+D800: three */
	ec_mongo_append_str(b, "cut", "x\xe6\x97", 3);		/* truncated: one, as Python */
	assert_string_equal(utf8_at(b, "ok"), "\xc3\xbc\xe6\x97\xa5");
	assert_string_equal(utf8_at(b, "ff"), "a\xef\xbf\xbd"
					      "b");
	assert_string_equal(utf8_at(b, "overlong"), "\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(utf8_at(b, "surrogate"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	assert_string_equal(utf8_at(b, "cut"), "x\xef\xbf\xbd");
	assert_true(bson_validate(b, BSON_VALIDATE_UTF8, NULL));
	bson_destroy(b);
}

static void test_sink_mongo__u64(void **state)
{
	(void)state;
	bson_t *b = bson_new();
	bson_iter_t it;
	ec_mongo_append_u64(b, "small", 5);
	ec_mongo_append_u64(b, "max", (uint64_t)INT64_MAX);
	ec_mongo_append_u64(b, "big", (uint64_t)INT64_MAX + 1);
	assert_true(bson_iter_init_find(&it, b, "max") && BSON_ITER_HOLDS_INT64(&it));
	assert_true(bson_iter_int64(&it) == INT64_MAX);
	assert_string_equal(utf8_at(b, "big"), "9223372036854775808");
	bson_destroy(b);
}

static void test_sink_mongo__json_round_trip(void **state)
{
	(void)state;
	const char *text = "{\"a\":1,\"b\":[1.5,\"$x.y\",null,true],\"c\":{\"d\":-3}}";
	struct ec_json *j = NULL, *back = ec_json_object();
	struct ec_err err = {0};
	assert_int_equal(ec_json_parse(&j, text, strlen(text), "test", &err), 0);
	bson_t *b = bson_new();
	ec_mongo_append_json(b, "v", j);
	bson_iter_t it, sub;
	assert_true(bson_iter_init_find(&it, b, "v") && bson_iter_recurse(&it, &sub));
	assert_true(bson_iter_find(&sub, "a") && BSON_ITER_HOLDS_INT64(&sub));
	ec_mongo_json_fields(back, b);
	char *out = ec_json_print(ec_json_get(back, "v"), 0);
	assert_string_equal(out, text);
	free(out);
	ec_json_free(back);
	ec_json_free(j);
	bson_destroy(b);
}

static void test_sink_mongo__uri_checks(void **state)
{
	(void)state;
	struct ec_mongo_opts o;
	struct ec_err err = {0};
	ec_mongo_opts_init(&o);
	o.uri = "mongodb://u:Secr3t@@h";
	assert_int_equal(ec_mongo_check(&o, &err), EC_ECONFIG);
	assert_null(strstr(err.msg, "Secr3t"));
	o.uri = "mongodb://h/?w=0";
	assert_int_equal(ec_mongo_check(&o, &err), EC_ECONFIG);
	o.uri = "mongodb://h/db";
	o.write_concern = "majority";
	assert_int_equal(ec_mongo_check(&o, &err), 0);
	o.write_concern = "3";
	assert_int_equal(ec_mongo_check(&o, &err), 0);
	o.write_concern = "0";
	assert_int_equal(ec_mongo_check(&o, &err), EC_ECONFIG);

	static const char *const redact[][2] = {
	    {"mongodb://u:p@ss/w@h:1/db?x=@", "mongodb://<unparseable URI>"},
	    {"mongodb://h:1/db", "mongodb://h:1/db"},
	    {"mongodb://h:27017,[::1]:9/db", "mongodb://h,[::1]:9/db"},
	    {"--mongo-uri=mongodb://u%40x:p?w%25@h/d?tlsCertificateKeyFilePassword=k&appName=a",
	     "--mongo-uri=mongodb://u%40x:***@h/d?tlscertificatekeyfilepassword=***&appname=a"},
	    {"mongodb://h/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:t",
	     "mongodb://h/"
	     "?authmechanism=MONGODB-AWS&authmechanismproperties=AWS_SESSION_TOKEN:***"},
	    {"mongodb://u:pw@sec@h/", "mongodb://u:***@***@h"},
	    {"http://u:pw@h/", "http://<unparseable URI>"},
	    {"out/s.csv", "<unparseable URI>"},
	    {"u:pw@h/db", "<unparseable URI>"},
	    {"", ""},
	};
	for (size_t i = 0; i < sizeof(redact) / sizeof(redact[0]); i++) {
		char *r = ec_redact_uri(redact[i][0]);
		assert_string_equal(r, redact[i][1]);
		free(r);
	}
	/* The secrets of a URI, scrubbed from a driver's message: the password
	 * and its pieces, secret option values, never the names around them. */
	char *arg = ec_mongo_redact_uri("out/s.csv"); /* an argument, not a URI */
	assert_string_equal(arg, "out/s.csv");
	free(arg);
	struct ec_mongo_secrets sec = {0};
	ec_mongo_secrets_add_uri(&sec, "mongodb://u:abc@defg@h/?authMechanismProperties="
				       "AWS_SESSION_TOKEN:tok1,X:tok2&myTokenX=tok3");
	char msg[256] = "'defg@h' abc@defg tok1 tok2 tok3 AWS_SESSION_TOKEN myTokenX";
	ec_mongo_scrub(msg, sizeof(msg), &sec);
	assert_string_equal(msg, "'***@h' *** *** *** *** AWS_SESSION_TOKEN myTokenX");
	ec_mongo_secrets_release(&sec);

	char id[32];
	ec_run_id_new(id);
	assert_int_equal(strlen(id), 25);
	assert_int_equal(id[8], 'T');
	assert_int_equal(id[15], 'Z');
	assert_int_equal(id[16], '-');
}

/* ---- the spool format ------------------------------------------------------ */

/* A spool of n session records whose documents are {n: k}, k = 1..n, into
 * buf; *offs gets each record's frame offset. Returns the length. */
static size_t make_spool(uint8_t *buf, size_t cap, int n, size_t *offs)
{
	size_t len = ec_spool_header(buf, cap, "r1");
	assert_int_equal(len, 22);
	for (int k = 1; k <= n; k++) {
		bson_t d = BSON_INITIALIZER, rec = BSON_INITIALIZER;
		BSON_APPEND_INT32(&d, "n", k);
		BSON_APPEND_UTF8(&rec, "c", "sessions");
		BSON_APPEND_DOCUMENT(&rec, "d", &d);
		assert_true(len + EC_SPOOL_FRAME + rec.len <= cap);
		offs[k - 1] = len;
		ec_spool_frame(buf + len, bson_get_data(&rec), rec.len);
		memcpy(buf + len + EC_SPOOL_FRAME, bson_get_data(&rec), rec.len);
		len += EC_SPOOL_FRAME + rec.len;
		bson_destroy(&d);
		bson_destroy(&rec);
	}
	return len;
}

/* Reads buf: the numbers k of the intact records as a string "1 2 4". */
static int read_spool(const uint8_t *buf, size_t len, char *got, size_t cap,
		      struct ec_spool_reader *r)
{
	struct ec_spool_record rec;
	struct ec_err err = {0};
	int rc = ec_spool_reader_init(r, buf, len, "t.bson", &err);
	got[0] = '\0';
	if (rc < 0)
		return rc;
	while (ec_spool_reader_next(r, &rec)) {
		bson_t d;
		bson_iter_t it;
		assert_int_equal(rec.coll, EC_MC_SESSIONS);
		assert_true(bson_init_static(&d, rec.doc, rec.doc_len));
		assert_true(bson_iter_init_find(&it, &d, "n"));
		snprintf(got + strlen(got), cap - strlen(got), "%s%d", got[0] ? " " : "",
			 bson_iter_int32(&it));
	}
	return 0;
}

static void test_sink_mongo__spool_format(void **state)
{
	(void)state;
	uint8_t buf[4096], copy[4096];
	size_t offs[8];
	char got[64];
	struct ec_spool_reader r;
	/* The check value of CRC-32 (zlib, Python's zlib.crc32). */
	assert_int_equal(ec_spool_crc32(0, "123456789", 9), 0xCBF43926u);
	assert_int_equal(ec_spool_crc32(ec_spool_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);

	size_t len = make_spool(buf, sizeof(buf), 5, offs);
	assert_int_equal(read_spool(buf, len, got, sizeof(got), &r), 0);
	assert_string_equal(got, "1 2 3 4 5");
	assert_string_equal(r.run_id, "r1");
	assert_true(ec_spool_reader_whole(&r));

	/* Cut anywhere: the records before the cut, never whole (but the cut
	 * right after a record, which leaves a valid shorter spool). */
	for (size_t cut = 8; cut < len; cut++) {
		assert_int_equal(read_spool(buf, cut, got, sizeof(got), &r), 0);
		int at_end = 0;
		for (int k = 0; k < 5; k++)
			at_end |= cut == offs[k];
		assert_int_equal(ec_spool_reader_whole(&r), at_end);
		assert_true(r.n_unreadable <= 1);
	}
	/* Any one byte flipped after the header: the other four records, one
	 * unreadable, never whole. */
	for (size_t i = offs[0]; i < len; i++) {
		memcpy(copy, buf, len);
		copy[i] ^= 0x21;
		assert_int_equal(read_spool(copy, len, got, sizeof(got), &r), 0);
		assert_false(ec_spool_reader_whole(&r));
		assert_int_equal(r.n_records, 4);
		assert_int_equal(r.n_unreadable, 1);
	}
	/* Not a spool, or another version: refused. */
	assert_int_equal(
	    read_spool((const uint8_t *)"event_time,event_type\n", 22, got, sizeof(got), &r),
	    EC_EDATA);
	assert_int_equal(read_spool(buf, 0, got, sizeof(got), &r), EC_EDATA);
	memcpy(copy, buf, len);
	copy[8] = 2;
	uint32_t crc = ec_spool_crc32(0, copy, 18);
	for (int b = 0; b < 4; b++)
		copy[18 + b] = (uint8_t)(crc >> (8 * b));
	assert_int_equal(read_spool(copy, len, got, sizeof(got), &r), EC_EDATA);
}

/* ---- against a server ----------------------------------------------------- */

static const char *live_uri(void)
{
	const char *u = getenv("EC_MONGO_TEST_URI");
	return u && *u ? u : NULL;
}

static void write_predictions(const char *run_id, double p0, const char *intent_model)
{
	struct ec_mongo_opts o;
	struct ec_mongo *m = NULL;
	struct ec_err err = {0};
	char *argv[] = {"score"};
	struct ec_mongo_run run = {run_id, "score", 1, argv, 0, NULL};
	ec_mongo_opts_init(&o);
	o.uri = live_uri();
	o.spool_dir = "spool";
	assert_int_equal(ec_mongo_open(&m, &o, &run, &err), 0);
	struct ec_sink *rows = NULL;
	assert_int_equal(ec_mongo_rows_open(&rows, m, &ec_schema_predictions, &err), 0);
	for (int i = 0; i < 3; i++) {
		struct ec_value v[EC_PREDICTIONS_COLS];
		char sid[16];
		snprintf(sid, sizeof(sid), "s%d", i);
		prediction_row(v, sid, 100 + (uint64_t)i, 1569888000 + i, i == 2 ? NAN : p0 + i,
			       "$x.y", 0.5, NULL, 0, intent_model, "category@v1", run_id);
		ec_sink_row(rows, v, NULL);
	}
	ec_sink_free(rows);
	assert_int_equal(ec_mongo_finish(m, 0, NULL, NULL, &err), 0);
	ec_mongo_free(m);
}

/* Reads the predictions of model `intent` with libmongoc, sorted by
 * session: p_purchase and run_id of each into p[] and runs[]. */
static int read_back(const char *intent, double *p, char runs[][16])
{
	mongoc_client_t *c = mongoc_client_new(live_uri());
	mongoc_uri_t *u = mongoc_uri_new(live_uri());
	const char *db = mongoc_uri_get_database(u) ? mongoc_uri_get_database(u) : "ecomctl";
	mongoc_collection_t *coll = mongoc_client_get_collection(c, db, "predictions");
	bson_t *f = BCON_NEW("intent_model", BCON_UTF8(intent));
	bson_t *opts = BCON_NEW("sort", "{", "session_id", BCON_INT32(1), "}");
	mongoc_cursor_t *cur = mongoc_collection_find_with_opts(coll, f, opts, NULL);
	const bson_t *d;
	int n = 0;
	while (mongoc_cursor_next(cur, &d) && n < 3) {
		bson_iter_t it;
		assert_true(bson_iter_init_find(&it, d, "p_purchase"));
		p[n] = BSON_ITER_HOLDS_NULL(&it) ? NAN : bson_iter_as_double(&it);
		snprintf(runs[n], 16, "%s", utf8_at(d, "run_id"));
		assert_string_equal(utf8_at(d, "category_model"), "category@v1");
		n++;
	}
	assert_false(mongoc_cursor_error(cur, NULL));
	mongoc_cursor_destroy(cur);
	bson_destroy(f);
	bson_destroy(opts);
	mongoc_collection_destroy(coll);
	mongoc_uri_destroy(u);
	mongoc_client_destroy(c);
	return n;
}

static void test_sink_mongo__predictions_live(void **state)
{
	(void)state;
	if (!live_uri())
		skip();
	double p[3];
	char runs[3][16];
	write_predictions("run-a", 0.25, "intent@v1");
	assert_int_equal(read_back("intent@v1", p, runs), 3);
	assert_true(p[0] == 0.25 && p[1] == 1.25 && isnan(p[2]));
	assert_string_equal(runs[0], "run-a");

	/* Again, other values, another run: the same 3 documents, updated,
	 * still naming the run that first wrote them. */
	write_predictions("run-b", 0.5, "intent@v1");
	assert_int_equal(read_back("intent@v1", p, runs), 3);
	assert_true(p[0] == 0.5 && p[1] == 1.5 && isnan(p[2]));
	assert_string_equal(runs[1], "run-a");

	/* A new model version adds documents and keeps the old ones. */
	write_predictions("run-c", 0.125, "intent@v2");
	assert_int_equal(read_back("intent@v2", p, runs), 3);
	assert_string_equal(runs[2], "run-c");
	assert_int_equal(read_back("intent@v1", p, runs), 3);
	assert_true(p[0] == 0.5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sink_mongo__oid_deterministic),
	    cmocka_unit_test(test_sink_mongo__prediction_doc),
	    cmocka_unit_test(test_sink_mongo__utf8_repair),
	    cmocka_unit_test(test_sink_mongo__u64),
	    cmocka_unit_test(test_sink_mongo__json_round_trip),
	    cmocka_unit_test(test_sink_mongo__uri_checks),
	    cmocka_unit_test(test_sink_mongo__spool_format),
	    cmocka_unit_test(test_sink_mongo__predictions_live),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
