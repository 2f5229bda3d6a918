/* The MongoDB URI shown safely: redaction from the URI as libmongoc parses
 * it, and the secret strings to scrub from messages. See sink_mongo.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "sink_mongo_int.h"

#define UNPARSEABLE "<unparseable URI>"

int ec_mongo_secret_name(const char *name)
{
	static const char *const words[] = {"password", "secret", "token"};
	size_t n = strlen(name);
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		size_t k = strlen(words[w]);
		for (size_t i = 0; i + k <= n; i++)
			if (strncasecmp(name + i, words[w], k) == 0)
				return 1;
	}
	return strcasecmp(name, MONGOC_URI_AUTHMECHANISMPROPERTIES) == 0;
}

/* Percent-encodes all but RFC 3986's unreserved characters. */
static void put_enc(bson_string_t *s, const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (isalnum(*p) || strchr("-._~", *p))
			bson_string_append_c(s, (char)*p);
		else
			bson_string_append_printf(s, "%%%02X", *p);
	}
}

/* A host as given, but what comes before an '@' in it (the rest of a
 * password holding an unencoded '@') masked. */
static void put_host(bson_string_t *s, const mongoc_host_list_t *h)
{
	const char *at = strrchr(h->host, '@');
	if (at) {
		bson_string_append(s, "***@");
		bson_string_append(s, at + 1);
	} else if (h->family == AF_UNIX) {
		put_enc(s, h->host);
	} else if (h->family == AF_INET6) {
		bson_string_append_printf(s, "[%s]", h->host);
	} else {
		bson_string_append(s, h->host);
	}
	if (h->family != AF_UNIX && h->port != MONGOC_DEFAULT_PORT)
		bson_string_append_printf(s, ":%u", (unsigned)h->port);
}

static void put_value(bson_string_t *s, const bson_iter_t *it)
{
	switch (bson_iter_type(it)) {
	case BSON_TYPE_UTF8:
		put_enc(s, bson_iter_utf8(it, NULL));
		break;
	case BSON_TYPE_BOOL:
		bson_string_append(s, bson_iter_bool(it) ? "true" : "false");
		break;
	case BSON_TYPE_INT32:
	case BSON_TYPE_INT64:
		bson_string_append_printf(s, "%lld", (long long)bson_iter_as_int64(it));
		break;
	default:
		bson_string_append(s, "...");
		break;
	}
}

/* key=value items of one of the URI's option documents; secret values and
 * every value of a document (authMechanismProperties) masked. */
static void put_options(bson_string_t *s, const bson_t *opts, int *n)
{
	bson_iter_t it, sub;
	if (!opts || !bson_iter_init(&it, opts))
		return;
	while (bson_iter_next(&it)) {
		const char *key = bson_iter_key(&it);
		bson_string_append(s, (*n)++ ? "&" : "?");
		put_enc(s, key);
		bson_string_append_c(s, '=');
		if (BSON_ITER_HOLDS_DOCUMENT(&it) && bson_iter_recurse(&it, &sub)) {
			for (int k = 0; bson_iter_next(&sub); k++) {
				bson_string_append(s, k ? "," : "");
				put_enc(s, bson_iter_key(&sub));
				bson_string_append(s, ":***");
			}
		} else if (ec_mongo_secret_name(key)) {
			bson_string_append(s, "***");
		} else {
			put_value(s, &it);
		}
	}
}

/* The URI rebuilt from its parsed parts, password and secrets masked. */
static void put_parsed(bson_string_t *s, const mongoc_uri_t *u)
{
	const char *srv = mongoc_uri_get_srv_hostname(u);
	const char *user = mongoc_uri_get_username(u), *db = mongoc_uri_get_database(u);
	bson_string_append(s, srv ? "mongodb+srv://" : "mongodb://");
	if (user) {
		put_enc(s, user);
		bson_string_append(s, mongoc_uri_get_password(u) ? ":***@" : "@");
	}
	if (srv) {
		mongoc_host_list_t h = {0};
		snprintf(h.host, sizeof(h.host), "%s", srv);
		h.port = MONGOC_DEFAULT_PORT;
		put_host(s, &h);
	}
	for (const mongoc_host_list_t *h = srv ? NULL : mongoc_uri_get_hosts(u); h; h = h->next) {
		put_host(s, h);
		if (h->next)
			bson_string_append_c(s, ',');
	}
	int n = 0;
	const char *rc = mongoc_read_concern_get_level(mongoc_uri_get_read_concern(u));
	bson_t extra = BSON_INITIALIZER;
	if (rc)
		BSON_APPEND_UTF8(&extra, MONGOC_URI_READCONCERNLEVEL, rc);
	const bson_t *c = mongoc_uri_get_compressors(u);
	bson_iter_t it;
	if (c && !bson_empty(c) && bson_iter_init(&it, c)) {
		bson_string_t *names = bson_string_new(NULL);
		while (bson_iter_next(&it))
			bson_string_append_printf(names, "%s%s", names->len ? "," : "",
						  bson_iter_key(&it));
		BSON_APPEND_UTF8(&extra, MONGOC_URI_COMPRESSORS, names->str);
		bson_string_free(names, true);
	}
	bson_string_t *q = bson_string_new(NULL);
	put_options(q, mongoc_uri_get_credentials(u), &n);
	put_options(q, mongoc_uri_get_options(u), &n);
	put_options(q, &extra, &n);
	if (db || n)
		bson_string_append_c(s, '/');
	if (db)
		put_enc(s, db);
	bson_string_append(s, q->str);
	bson_string_free(q, true);
	bson_destroy(&extra);
}

/* Where a URI starts in text (its scheme, before "://"), or NULL. */
static const char *uri_start(const char *text)
{
	const char *sep = strstr(text, "://");
	if (!sep)
		return NULL;
	const char *p = sep;
	while (p > text && (isalnum((unsigned char)p[-1]) || strchr("+.-", p[-1])))
		p--;
	return p;
}

char *ec_mongo_redact_uri(const char *text)
{
	const char *start = uri_start(text);
	if (!start)
		return ec_xstrdup(text);
	bson_string_t *s = bson_string_new(NULL);
	bson_string_append_printf(s, "%.*s", (int)(start - text), text);
	mongoc_uri_t *u = ec_mongo_uri_parse(start, NULL);
	if (u)
		put_parsed(s, u);
	else
		bson_string_append_printf(s, "%.*s://" UNPARSEABLE,
					  (int)(strstr(start, "://") - start), start);
	mongoc_uri_destroy(u);
	char *r = ec_xstrdup(s->str);
	bson_string_free(s, true);
	return r;
}

char *ec_mongo_shown_uri(const char *uri)
{
	if (!*uri || uri_start(uri))
		return ec_mongo_redact_uri(uri);
	return ec_xstrdup(UNPARSEABLE); /* no scheme: "user:pw@host" */
}

/* ---- secrets to scrub from messages -------------------------------------- */

static void add_secret(struct ec_mongo_secrets *sec, const char *p, size_t n)
{
	if (n < EC_MONGO_SECRET_MIN)
		return;
	for (int i = 0; i < sec->n; i++)
		if (strlen(sec->v[i]) == n && memcmp(sec->v[i], p, n) == 0)
			return;
	EC_GROW(sec->v, sec->cap, (size_t)sec->n + 1);
	sec->v[sec->n++] = ec_xstrndup(p, n);
}

/* The text, and its percent-decoded form when that differs. */
static void add_both(struct ec_mongo_secrets *sec, const char *p, size_t n)
{
	add_secret(sec, p, n);
	char *raw = ec_xstrndup(p, n);
	char *dec = bson_strdup(raw);
	size_t k = 0;
	for (size_t i = 0; raw[i]; i++) {
		unsigned v;
		if (raw[i] == '%' && isxdigit((unsigned char)raw[i + 1]) &&
		    isxdigit((unsigned char)raw[i + 2]) && sscanf(raw + i + 1, "%2x", &v) == 1) {
			dec[k++] = (char)v;
			i += 2;
		} else {
			dec[k++] = raw[i];
		}
	}
	add_secret(sec, dec, k);
	bson_free(dec);
	free(raw);
}

/* A secret, its pieces between the characters that end a URI's parts (a
 * driver message may show a piece, as a host name), and their decoded forms. */
static void add_pieces(struct ec_mongo_secrets *sec, const char *p, size_t n)
{
	add_both(sec, p, n);
	for (size_t i = 0; i < n;) {
		size_t k = i;
		while (k < n && !strchr("@/?:;&,=", p[k]))
			k++;
		if (k - i < n)
			add_both(sec, p + i, k - i);
		i = k + 1;
	}
}

/* From the text alone, for a URI libmongoc refuses: what could be a
 * password (after the first ':' up to each '@'). */
static void raw_userinfo(struct ec_mongo_secrets *sec, const char *rest)
{
	const char *colon = strchr(rest, ':');
	for (const char *at = strchr(rest, '@'); at; at = strchr(at + 1, '@'))
		if (colon && colon < at)
			add_pieces(sec, colon + 1, (size_t)(at - colon - 1));
}

/* From the text alone: the values of the options whose names say they are
 * secret, those libmongoc does not know (and drops) too. */
static void raw_options(struct ec_mongo_secrets *sec, const char *rest)
{
	for (const char *p = rest; *p; p++) {
		if (*p != '?' && *p != '&' && *p != ';')
			continue;
		const char *eq = p + 1 + strcspn(p + 1, "=&;?");
		if (*eq != '=')
			continue;
		char *key = ec_xstrndup(p + 1, (size_t)(eq - p - 1));
		const char *v = eq + 1, *end = v + strcspn(v, "&;");
		if (strcasecmp(key, MONGOC_URI_AUTHMECHANISMPROPERTIES) == 0) {
			/* NAME:value,NAME:value: the values */
			while (v < end) {
				const char *c = v + strcspn(v, ",&;");
				const char *colon = memchr(v, ':', (size_t)(c - v));
				if (colon)
					add_pieces(sec, colon + 1, (size_t)(c - colon - 1));
				v = c + 1;
			}
		} else if (ec_mongo_secret_name(key)) {
			add_pieces(sec, v, (size_t)(end - v));
		}
		free(key);
	}
}

static void parsed_secrets(struct ec_mongo_secrets *sec, const mongoc_uri_t *u)
{
	const char *pw = mongoc_uri_get_password(u);
	if (pw)
		add_pieces(sec, pw, strlen(pw));
	for (const mongoc_host_list_t *h = mongoc_uri_get_hosts(u); h; h = h->next) {
		const char *at = strrchr(h->host, '@');
		if (!at)
			continue;
		add_pieces(sec, h->host, (size_t)(at - h->host));
		if (pw) { /* the password as meant: "p@ss" of "u:p@ss@h" */
			char *whole =
			    bson_strdup_printf("%s@%.*s", pw, (int)(at - h->host), h->host);
			add_secret(sec, whole, strlen(whole));
			bson_free(whole);
		}
	}
	const bson_t *docs[2] = {mongoc_uri_get_credentials(u), mongoc_uri_get_options(u)};
	bson_iter_t it, sub;
	for (int d = 0; d < 2; d++) {
		if (!docs[d] || !bson_iter_init(&it, docs[d]))
			continue;
		while (bson_iter_next(&it)) {
			if (!ec_mongo_secret_name(bson_iter_key(&it)))
				continue;
			if (BSON_ITER_HOLDS_UTF8(&it)) {
				const char *v = bson_iter_utf8(&it, NULL);
				add_pieces(sec, v, strlen(v));
			} else if (BSON_ITER_HOLDS_DOCUMENT(&it) && bson_iter_recurse(&it, &sub)) {
				while (bson_iter_next(&sub))
					if (BSON_ITER_HOLDS_UTF8(&sub))
						add_pieces(sec, bson_iter_utf8(&sub, NULL),
							   strlen(bson_iter_utf8(&sub, NULL)));
			}
		}
	}
}

static int longer_first(const void *a, const void *b)
{
	size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);
	return x < y ? 1 : x > y ? -1 : 0;
}

void ec_mongo_secrets_add_uri(struct ec_mongo_secrets *sec, const char *uri)
{
	if (!uri)
		return;
	const char *start = uri_start(uri);
	const char *rest = start ? strstr(start, "://") + 3 : uri;
	mongoc_uri_t *u = start ? ec_mongo_uri_parse(start, NULL) : NULL;
	raw_options(sec, rest);
	if (u)
		parsed_secrets(sec, u);
	else
		raw_userinfo(sec, rest);
	mongoc_uri_destroy(u);
	if (sec->n > 1)
		qsort(sec->v, (size_t)sec->n, sizeof(*sec->v), longer_first);
}

void ec_mongo_secrets_release(struct ec_mongo_secrets *sec)
{
	for (int i = 0; i < sec->n; i++)
		free(sec->v[i]);
	free(sec->v);
	memset(sec, 0, sizeof(*sec));
}

void ec_mongo_scrub(char *buf, size_t cap, const struct ec_mongo_secrets *sec)
{
	if (!sec || cap == 0)
		return;
	for (int k = 0; k < sec->n; k++) {
		const char *s = sec->v[k];
		size_t sl = strlen(s);
		if (!strstr(buf, s))
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
