/* The MongoDB sink's documents: deterministic _ids, session logs,
 * predictions, and conversions between BSON and ec_json. Field names are
 * always ours; every string from the data is a value. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/event.h"
#include "ecomctl/json.h"
#include "ecomctl/session.h"
#include "ecomctl/utf8.h"
#include "sink_mongo_int.h"

/* Session logs stop adding events past this size (BSON's limit is 16 MiB). */
#define EVENT_LOG_MAX_BYTES (12u << 20)

void ec_mongo_oid(bson_oid_t *oid, int coll, int64_t t, const char *const *parts,
		  const size_t *lens, int n)
{
	size_t cap = 64, len = 0;
	for (int i = 0; i < n; i++)
		cap += lens[i] + 4;
	unsigned char small[512];
	unsigned char *buf = cap <= sizeof(small) ? small : ec_xmalloc(cap);
	const char *name = ec_mongo_coll_names[coll];
	size_t nl = strlen(name) + 1;
	memcpy(buf, name, nl);
	len = nl;
	for (int i = 0; i < n; i++) {
		uint32_t l = (uint32_t)lens[i];
		for (int k = 0; k < 4; k++)
			buf[len++] = (unsigned char)(l >> (8 * k));
		memcpy(buf + len, parts[i], lens[i]);
		len += lens[i];
	}
	uint64_t h = ec_hash64(buf, len, 0x6563636f6d6d6f31ULL);
	uint32_t secs = t < 0 ? 0 : t > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)t;
	for (int k = 0; k < 4; k++)
		oid->bytes[k] = (uint8_t)(secs >> (24 - 8 * k));
	for (int k = 0; k < 8; k++)
		oid->bytes[4 + k] = (uint8_t)(h >> (56 - 8 * k));
	if (buf != small)
		free(buf);
}

void ec_mongo_append_str(bson_t *b, const char *key, const char *s, size_t n)
{
	size_t len;
	char *fixed = ec_utf8_repair(s, n, &len); /* BSON strings must be UTF-8 */
	bson_append_utf8(b, key, -1, fixed ? fixed : s, (int)(fixed ? len : n));
	free(fixed);
}

void ec_mongo_append_u64(bson_t *b, const char *key, uint64_t v)
{
	if (v <= (uint64_t)INT64_MAX) {
		bson_append_int64(b, key, -1, (int64_t)v);
	} else {
		char buf[24];
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
		bson_append_utf8(b, key, -1, buf, -1);
	}
}

void ec_mongo_append_time(bson_t *b, const char *key, int64_t t)
{
	bson_append_date_time(b, key, -1, t * 1000);
}

void ec_mongo_append_num(bson_t *b, const char *key, double v)
{
	if (isfinite(v))
		bson_append_double(b, key, -1, v);
	else
		bson_append_null(b, key, -1);
}

void ec_mongo_append_events(bson_t *d, const struct ec_session *s, const struct ec_sessionizer *z)
{
	bson_t arr, ev;
	char idx[16];
	const char *key;
	int truncated = 0;
	bson_append_array_begin(d, "event_log", -1, &arr);
	for (uint32_t i = 0; i < s->n; i++) {
		if (d->len + arr.len > EVENT_LOG_MAX_BYTES) {
			truncated = 1;
			break;
		}
		const struct ec_sev *e = &s->ev[i];
		const char *code = ec_sessionizer_code(z, e->code);
		const char *brand = ec_sessionizer_brand(z, e->brand);
		size_t kl = bson_uint32_to_string(i, &key, idx, sizeof(idx));
		bson_append_document_begin(&arr, key, (int)kl, &ev);
		ec_mongo_append_time(&ev, "time", e->time);
		BSON_APPEND_UTF8(&ev, "type", ec_event_type_name(e->type));
		ec_mongo_append_u64(&ev, "product_id", e->product_id);
		ec_mongo_append_u64(&ev, "category_id", e->category_id);
		ec_mongo_append_str(&ev, "category_code", code, strlen(code));
		ec_mongo_append_str(&ev, "brand", brand, strlen(brand));
		ec_mongo_append_num(&ev, "price", e->price);
		bson_append_document_end(&arr, &ev);
	}
	bson_append_array_end(d, &arr);
	BSON_APPEND_BOOL(d, "event_log_truncated", truncated);
}

void ec_mongo_append_json(bson_t *b, const char *key, const struct ec_json *j)
{
	bson_t child;
	char idx[16];
	const char *k;
	switch (ec_json_type(j)) {
	case EC_JSON_BOOL:
		bson_append_bool(b, key, -1, ec_json_bool(j, 0));
		break;
	case EC_JSON_NUMBER: {
		double v = ec_json_num(j, NAN);
		if (isfinite(v) && v == floor(v) && fabs(v) < 9007199254740992.0)
			bson_append_int64(b, key, -1, (int64_t)v);
		else
			ec_mongo_append_num(b, key, v);
		break;
	}
	case EC_JSON_STRING: {
		const char *s = ec_json_str(j, "");
		ec_mongo_append_str(b, key, s, strlen(s));
		break;
	}
	case EC_JSON_ARRAY:
		bson_append_array_begin(b, key, -1, &child);
		for (size_t i = 0; i < ec_json_size(j); i++) {
			bson_uint32_to_string((uint32_t)i, &k, idx, sizeof(idx));
			ec_mongo_append_json(&child, k, ec_json_at(j, i));
		}
		bson_append_array_end(b, &child);
		break;
	case EC_JSON_OBJECT:
		bson_append_document_begin(b, key, -1, &child);
		for (size_t i = 0; i < ec_json_size(j); i++) {
			const struct ec_json *c = ec_json_at(j, i);
			ec_mongo_append_json(&child, ec_json_key(c), c);
		}
		bson_append_document_end(b, &child);
		break;
	default:
		bson_append_null(b, key, -1);
		break;
	}
}

/* Adds the value at it to j (an object when key != NULL, else an array). */
static void iter_to_json(struct ec_json *j, const char *key, const bson_iter_t *it)
{
	bson_iter_t sub;
	switch (bson_iter_type(it)) {
	case BSON_TYPE_DOUBLE:
		ec_json_add_num(j, key, bson_iter_double(it));
		break;
	case BSON_TYPE_INT32:
		ec_json_add_int(j, key, bson_iter_int32(it));
		break;
	case BSON_TYPE_INT64: {
		int64_t v = bson_iter_int64(it);
		if (v >= 0)
			ec_json_add_u64(j, key, (uint64_t)v);
		else
			ec_json_add_int(j, key, v);
		break;
	}
	case BSON_TYPE_UTF8: {
		uint32_t n;
		const char *s = bson_iter_utf8(it, &n);
		ec_json_add_strn(j, key, s, n);
		break;
	}
	case BSON_TYPE_BOOL:
		ec_json_add_bool(j, key, bson_iter_bool(it));
		break;
	case BSON_TYPE_DATE_TIME: {
		int64_t ms = bson_iter_date_time(it);
		int64_t s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
		ec_json_add_time(j, key, s);
		break;
	}
	case BSON_TYPE_OID: {
		char hex[25];
		bson_oid_to_string(bson_iter_oid(it), hex);
		ec_json_add_str(j, key, hex);
		break;
	}
	case BSON_TYPE_DOCUMENT:
		if (bson_iter_recurse(it, &sub)) {
			struct ec_json *o = ec_json_add_object(j, key);
			while (bson_iter_next(&sub))
				iter_to_json(o, bson_iter_key(&sub), &sub);
		}
		break;
	case BSON_TYPE_ARRAY:
		if (bson_iter_recurse(it, &sub)) {
			struct ec_json *a = ec_json_add_array(j, key);
			while (bson_iter_next(&sub))
				iter_to_json(a, NULL, &sub);
		}
		break;
	default:
		ec_json_add_null(j, key);
		break;
	}
}

void ec_mongo_json_fields(struct ec_json *j, const bson_t *doc)
{
	bson_iter_t it;
	if (bson_iter_init(&it, doc))
		while (bson_iter_next(&it))
			iter_to_json(j, bson_iter_key(&it), &it);
}
