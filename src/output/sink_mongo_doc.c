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
#include "sink_mongo_int.h"

/* Session logs stop adding events past this size (BSON's limit is 16 MiB). */
#define EVENT_LOG_MAX_BYTES (12u << 20)

static const char *const cut_names[] = {"idle", "max_session", "midnight", "end"};

void ec_mongo_oid(bson_oid_t *oid, int coll, const char *const *parts, const size_t *lens, int n)
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
	uint64_t h1 = ec_hash64(buf, len, 0x6563636f6d6d6f31ULL);
	uint64_t h2 = ec_hash64(buf, len, 0x6d6f6e676f5f6964ULL);
	for (int k = 0; k < 8; k++)
		oid->bytes[k] = (uint8_t)(h1 >> (56 - 8 * k));
	for (int k = 0; k < 4; k++)
		oid->bytes[8 + k] = (uint8_t)(h2 >> (24 - 8 * k));
	if (buf != small)
		free(buf);
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	uint32_t cp;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void ec_mongo_append_str(bson_t *b, const char *key, const char *s, size_t n)
{
	if (bson_utf8_validate(s, n, true)) {
		bson_append_utf8(b, key, -1, s, (int)n);
		return;
	}
	char *out = ec_xmalloc(3 * n + 1);
	size_t o = 0;
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq(p + i, n - i);
		if (l) {
			memcpy(out + o, p + i, l);
			o += l;
			i += l;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3); /* U+FFFD */
			o += 3;
			i++;
		}
	}
	bson_append_utf8(b, key, -1, out, (int)o);
	free(out);
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

static void append_cstr(bson_t *b, const char *key, const char *s)
{
	if (s)
		ec_mongo_append_str(b, key, s, strlen(s));
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

bson_t *ec_mongo_session_doc(const struct ec_session *s, const struct ec_session_summary *m,
			     const struct ec_sessionizer *z, int with_events)
{
	char uid[24];
	int ul = snprintf(uid, sizeof(uid), "%llu", (unsigned long long)s->user_id);
	const char *parts[2] = {s->id, uid};
	size_t lens[2] = {strlen(s->id), (size_t)ul};
	bson_oid_t oid;
	ec_mongo_oid(&oid, EC_MC_SESSIONS, parts, lens, 2);

	bson_t *d = bson_new();
	BSON_APPEND_OID(d, "_id", &oid);
	ec_mongo_append_str(d, "session_id", s->id, lens[0]);
	ec_mongo_append_u64(d, "user_id", s->user_id);
	ec_mongo_append_time(d, "start", s->start);
	ec_mongo_append_time(d, "end", s->end);
	BSON_APPEND_INT64(d, "duration_s", s->end - s->start);
	BSON_APPEND_INT32(d, "events", (int32_t)m->events);
	BSON_APPEND_INT32(d, "views", (int32_t)m->by_type[EC_EV_VIEW]);
	BSON_APPEND_INT32(d, "carts", (int32_t)m->by_type[EC_EV_CART]);
	BSON_APPEND_INT32(d, "removes", (int32_t)m->by_type[EC_EV_REMOVE]);
	BSON_APPEND_INT32(d, "purchases", (int32_t)m->by_type[EC_EV_PURCHASE]);
	BSON_APPEND_INT32(d, "products", (int32_t)m->products);
	BSON_APPEND_INT32(d, "categories", (int32_t)m->categories);
	BSON_APPEND_INT32(d, "brands", (int32_t)m->brands);
	ec_mongo_append_num(d, "cart_value", m->cart_value);
	ec_mongo_append_num(d, "revenue", m->revenue);
	if (m->first_purchase != INT64_MIN)
		ec_mongo_append_time(d, "first_purchase", m->first_purchase);
	else
		BSON_APPEND_NULL(d, "first_purchase");
	BSON_APPEND_BOOL(d, "converted", m->by_type[EC_EV_PURCHASE] > 0);
	ec_mongo_append_str(d, "top_category", m->top_category, strlen(m->top_category));
	BSON_APPEND_UTF8(d, "session_key", s->by_gap ? "gap" : "session");
	BSON_APPEND_INT32(d, "part", (int32_t)s->part);
	BSON_APPEND_UTF8(d, "cut", s->cut < 4 ? cut_names[s->cut] : "");
	if (with_events)
		ec_mongo_append_events(d, s, z);
	return d;
}

void ec_mongo_prediction_init(struct ec_mongo_prediction *p)
{
	memset(p, 0, sizeof(*p));
	p->events = -1;
	p->p_purchase = NAN;
	p->decision = -1;
	p->actual_purchase = -1;
}

bson_t *ec_mongo_prediction_doc(const struct ec_mongo_prediction *p)
{
	const char *sid = p->session_id ? p->session_id : "";
	char uid[24];
	int ul = snprintf(uid, sizeof(uid), "%llu", (unsigned long long)p->user_id);
	const char *im = p->intent_model ? p->intent_model : "";
	const char *cm = p->category_model ? p->category_model : "";
	const char *parts[4] = {sid, uid, im, cm};
	size_t lens[4] = {strlen(sid), (size_t)ul, strlen(im), strlen(cm)};
	bson_oid_t oid;
	ec_mongo_oid(&oid, EC_MC_PREDICTIONS, parts, lens, 4);

	bson_t *d = bson_new(), arr, c;
	BSON_APPEND_OID(d, "_id", &oid);
	ec_mongo_append_str(d, "session_id", sid, lens[0]);
	ec_mongo_append_u64(d, "user_id", p->user_id);
	ec_mongo_append_time(d, "start", p->start);
	ec_mongo_append_time(d, "end", p->end);
	if (p->events >= 0)
		BSON_APPEND_INT64(d, "events", p->events);
	else
		BSON_APPEND_NULL(d, "events");
	ec_mongo_append_num(d, "p_purchase", p->p_purchase);
	if (p->decision >= 0)
		BSON_APPEND_BOOL(d, "decision", p->decision > 0);
	else
		BSON_APPEND_NULL(d, "decision");
	bson_append_array_begin(d, "categories", -1, &arr);
	int nc = p->n_categories < 0 ? 0 : p->n_categories > 3 ? 3 : p->n_categories;
	for (int i = 0; i < nc; i++) {
		char idx[4] = {(char)('0' + i), 0};
		bson_append_document_begin(&arr, idx, -1, &c);
		append_cstr(&c, "category", p->category[i] ? p->category[i] : "");
		ec_mongo_append_num(&c, "p", p->category_p[i]);
		bson_append_document_end(&arr, &c);
	}
	bson_append_array_end(d, &arr);
	if (p->actual_purchase >= 0)
		BSON_APPEND_BOOL(d, "actual_purchase", p->actual_purchase > 0);
	else
		BSON_APPEND_NULL(d, "actual_purchase");
	append_cstr(d, "intent_model", p->intent_model);
	append_cstr(d, "category_model", p->category_model);
	append_cstr(d, "run_id", p->run_id);
	return d;
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
