/* Rows of a schema as MongoDB documents: the sink.h interface over the
 * MongoDB sink's batches, spool and retries (sink_mongo_write.c). Every
 * column becomes a field of its name, typed as schema.h says; the _id is
 * made from the collection and the key columns, so that a rerun upserts
 * the same documents. */
#include <stdlib.h>
#include <string.h>

#include "ecomctl/sink.h"
#include "sink_mongo_int.h"

struct mongo_rows {
	struct ec_sink base;
	struct ec_mongo *m; /* borrowed from the job */
	int coll;
};

static void append_list(bson_t *d, const char *key, const char *s, size_t n)
{
	bson_t arr;
	char idx[16];
	const char *k;
	uint32_t i = 0;
	bson_append_array_begin(d, key, -1, &arr);
	for (size_t at = 0; at < n;) {
		const char *bar = memchr(s + at, '|', n - at);
		size_t len = bar ? (size_t)(bar - (s + at)) : n - at;
		bson_uint32_to_string(i++, &k, idx, sizeof(idx));
		ec_mongo_append_str(&arr, k, s + at, len);
		at += len + 1;
	}
	bson_append_array_end(d, &arr);
}

static void append_value(bson_t *d, const struct ec_column *c, const struct ec_value *v)
{
	if (v->null) {
		bson_append_null(d, c->name, -1);
		return;
	}
	switch (c->type) {
	case EC_T_STR:
		ec_mongo_append_str(d, c->name, v->s, v->len);
		break;
	case EC_T_LIST:
		append_list(d, c->name, v->s, v->len);
		break;
	case EC_T_U64:
		ec_mongo_append_u64(d, c->name, v->u);
		break;
	case EC_T_I64:
		bson_append_int64(d, c->name, -1, v->i);
		break;
	case EC_T_TIME:
		ec_mongo_append_time(d, c->name, v->i);
		break;
	case EC_T_FLAG:
		bson_append_bool(d, c->name, -1, v->i != 0);
		break;
	default:
		ec_mongo_append_num(d, c->name, v->d);
		break;
	}
}

/* The key columns as text and the start time, for ec_mongo_oid(). */
static void make_id(bson_oid_t *oid, int coll, const struct ec_schema *sc, const struct ec_value *v)
{
	char num[8][24];
	const char *parts[8];
	size_t lens[8];
	int n = 0;
	int64_t t = 0;
	for (size_t i = 0; i < sc->n_cols; i++)
		if (sc->cols[i].type == EC_T_TIME && !v[i].null &&
		    strcmp(sc->cols[i].name, "start") == 0)
			t = v[i].i;
	for (size_t i = 0; i < sc->n_cols && n < 8; i++) {
		if (!(sc->cols[i].flags & EC_COLF_KEY))
			continue;
		if (v[i].null) {
			parts[n] = "";
			lens[n] = 0;
		} else if (sc->cols[i].type == EC_T_U64) {
			lens[n] = (size_t)snprintf(num[n], sizeof(num[n]), "%llu",
						   (unsigned long long)v[i].u);
			parts[n] = num[n];
		} else {
			parts[n] = v[i].s;
			lens[n] = v[i].len;
		}
		n++;
	}
	ec_mongo_oid(oid, coll, t, parts, lens, n);
}

bson_t *ec_mongo_row_doc(int coll, const struct ec_schema *sc, const struct ec_value *v,
			 const struct ec_session_extra *x, int with_events)
{
	bson_oid_t oid;
	bson_t *d = bson_new();
	make_id(&oid, coll, sc, v);
	BSON_APPEND_OID(d, "_id", &oid);
	for (size_t i = 0; i < sc->n_cols; i++)
		append_value(d, &sc->cols[i], &v[i]);
	if (x && x->s && with_events)
		ec_mongo_append_events(d, x->s, x->z);
	return d;
}

static void rows_row(struct ec_sink *s, const struct ec_value *v, const void *extra)
{
	struct mongo_rows *r = (struct mongo_rows *)s;
	ec_mongo_queue(r->m, r->coll,
		       ec_mongo_row_doc(r->coll, s->schema, v, extra, r->m->with_events));
}

static void rows_free(struct ec_sink *s)
{
	free(s);
}

/* Sending, acknowledging and spooling are the MongoDB sink's own, at the
 * end of the run (ec_mongo_finish): nothing to do at commit. */
static const struct ec_sink_ops rows_ops = {"mongodb", rows_row, NULL, NULL, rows_free, NULL};

int ec_mongo_rows_open(struct ec_sink **out, struct ec_mongo *m, const struct ec_schema *sc,
		       struct ec_err *err)
{
	int coll = sc->collection ? ec_mongo_coll_find(sc->collection) : -1;
	*out = NULL;
	if (coll < 0)
		return ec_fail(err, EC_EINTERNAL, "%s: no MongoDB collection for these rows",
			       sc->name);
	struct mongo_rows *r = ec_xcalloc(1, sizeof(*r));
	r->base.ops = &rows_ops;
	r->base.schema = sc;
	r->m = m;
	r->coll = coll;
	*out = &r->base;
	return 0;
}
