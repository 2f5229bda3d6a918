#include "ecomctl/json.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/common.h"
#include "ecomctl/event.h"
#include "ecomctl/outfile.h"
#include "ecomctl/utf8.h"

/* struct ec_json is cJSON: the casts below are the whole wrapper. */
#define C(j) ((cJSON *)(j))
#define J(c) ((struct ec_json *)(c))

static void *must(void *p)
{
	if (!p) {
		fputs("ecomctl: error: out of memory\n", stderr);
		exit(70);
	}
	return p;
}

/* cJSON's parser returns NULL both for bad text and for a failed
 * allocation: its allocations go through this hook, which tells them apart
 * (out of memory is exit 70, never "not valid JSON", 65). Installed by the
 * first document made or parsed, before any other thread uses cJSON. */
static _Thread_local int parse_oom;
static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void *hook_malloc(size_t n)
{
	void *p = malloc(n);
	if (!p)
		parse_oom = 1;
	return p;
}

static void install_hooks(void)
{
	cJSON_Hooks h = {hook_malloc, free};
	cJSON_InitHooks(&h);
}

struct ec_json *ec_json_object(void)
{
	pthread_once(&hooks_once, install_hooks);
	return J(must(cJSON_CreateObject()));
}

struct ec_json *ec_json_array(void)
{
	pthread_once(&hooks_once, install_hooks);
	return J(must(cJSON_CreateArray()));
}

void ec_json_free(struct ec_json *j)
{
	cJSON_Delete(C(j));
}

/* Every key and string goes in as valid UTF-8 (utf8.h), so that every
 * JSON output is valid whatever bytes the input held. */
static void put(struct ec_json *j, const char *key, cJSON *item)
{
	must(item);
	if (!key) {
		if (!cJSON_AddItemToArray(C(j), item))
			must(NULL);
		return;
	}
	/* cJSON copies the key: when that allocation fails, the item is not
	 * added, and a document silently short of a key must never be
	 * written. */
	const char *k = ec_utf8_fix(key);
	cJSON_bool ok = cJSON_AddItemToObject(C(j), k, item);
	if (k != key)
		free((char *)k);
	if (!ok)
		must(NULL);
}

static cJSON *string_item(const char *s)
{
	const char *t = ec_utf8_fix(s);
	cJSON *c = cJSON_CreateString(t);
	if (t != s)
		free((char *)t);
	return c;
}

void ec_json_add_num(struct ec_json *j, const char *key, double v)
{
	put(j, key, isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
}

void ec_json_add_int(struct ec_json *j, const char *key, int64_t v)
{
	put(j, key, cJSON_CreateNumber((double)v));
}

void ec_json_add_u64(struct ec_json *j, const char *key, uint64_t v)
{
	if (v <= (1ULL << 53)) {
		put(j, key, cJSON_CreateNumber((double)v));
	} else {
		char buf[24];
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
		put(j, key, cJSON_CreateString(buf));
	}
}

void ec_json_add_str(struct ec_json *j, const char *key, const char *s)
{
	put(j, key, s ? string_item(s) : cJSON_CreateNull());
}

void ec_json_add_strn(struct ec_json *j, const char *key, const char *s, size_t n)
{
	char small[256];
	char *p = n < sizeof(small) ? small : ec_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	put(j, key, string_item(p));
	if (p != small)
		free(p);
}

void ec_json_add_bool(struct ec_json *j, const char *key, int v)
{
	put(j, key, cJSON_CreateBool(v));
}

void ec_json_add_null(struct ec_json *j, const char *key)
{
	put(j, key, cJSON_CreateNull());
}

void ec_json_add_time(struct ec_json *j, const char *key, int64_t t)
{
	char buf[24];
	ec_time_format_iso(t, buf);
	put(j, key, cJSON_CreateString(buf));
}

struct ec_json *ec_json_add_object(struct ec_json *j, const char *key)
{
	cJSON *o = must(cJSON_CreateObject());
	put(j, key, o);
	return J(o);
}

struct ec_json *ec_json_add_array(struct ec_json *j, const char *key)
{
	cJSON *a = must(cJSON_CreateArray());
	put(j, key, a);
	return J(a);
}

void ec_json_add_tree(struct ec_json *j, const char *key, struct ec_json *tree)
{
	put(j, key, C(tree));
}

void ec_json_set_str(struct ec_json *j, const char *key, const char *s)
{
	cJSON_DeleteItemFromObjectCaseSensitive(C(j), key);
	ec_json_add_str(j, key, s);
}

void ec_json_set_num(struct ec_json *j, const char *key, double v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(C(j), key);
	ec_json_add_num(j, key, v);
}

void ec_json_remove(struct ec_json *j, const char *key)
{
	cJSON_DeleteItemFromObjectCaseSensitive(C(j), key);
}

char *ec_json_print(const struct ec_json *j, int pretty)
{
	return must(pretty ? cJSON_Print(C(j)) : cJSON_PrintUnformatted(C(j)));
}

void ec_json_print_stdout(const struct ec_json *j)
{
	char *s = ec_json_print(j, 1);
	fputs(s, stdout);
	fputc('\n', stdout);
	free(s);
}

int ec_json_write_file(const struct ec_json *j, const char *path, struct ec_err *err)
{
	struct ec_outfile *f;
	int rc = ec_outfile_open(&f, path, EC_OUT_PLAIN, err);
	if (rc < 0)
		return rc;
	char *s = ec_json_print(j, 1);
	ec_outfile_puts(f, s);
	ec_outfile_putc(f, '\n');
	free(s);
	return ec_outfile_commit(f, err);
}

int ec_json_parse(struct ec_json **out, const char *text, size_t n, const char *what,
		  struct ec_err *err)
{
	const char *end = NULL;
	pthread_once(&hooks_once, install_hooks);
	parse_oom = 0;
	cJSON *c = cJSON_ParseWithLengthOpts(text, n, &end, 0);
	*out = NULL;
	if (!c && parse_oom)
		must(NULL);
	if (!c) {
		size_t at = end && end >= text ? (size_t)(end - text) : 0;
		size_t line = 1;
		for (size_t i = 0; i < at && i < n; i++)
			line += text[i] == '\n';
		return ec_fail(err, EC_EDATA, "%s:%zu: not valid JSON", what, line);
	}
	*out = J(c);
	return 0;
}

int ec_json_read_file(struct ec_json **out, const char *path, struct ec_err *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	if (!f)
		return ec_fail(err, EC_ENOINPUT, "%s: cannot open: %s", path, strerror(errno));
	for (;;) {
		EC_GROW(buf, cap, len + 65536);
		size_t k = fread(buf + len, 1, cap - len, f);
		len += k;
		if (k == 0)
			break;
	}
	if (ferror(f))
		rc = ec_fail(err, EC_EIO, "%s: read error", path);
	else
		rc = ec_json_parse(out, buf, len, path, err);
	fclose(f);
	free(buf);
	return rc;
}

enum ec_json_type ec_json_type(const struct ec_json *j)
{
	const cJSON *c = C(j);
	if (!c || cJSON_IsInvalid(c))
		return EC_JSON_INVALID;
	if (cJSON_IsNull(c))
		return EC_JSON_NULL;
	if (cJSON_IsBool(c))
		return EC_JSON_BOOL;
	if (cJSON_IsNumber(c))
		return EC_JSON_NUMBER;
	if (cJSON_IsString(c))
		return EC_JSON_STRING;
	if (cJSON_IsArray(c))
		return EC_JSON_ARRAY;
	return EC_JSON_OBJECT;
}

struct ec_json *ec_json_get(const struct ec_json *j, const char *key)
{
	return j && cJSON_IsObject(C(j)) ? J(cJSON_GetObjectItemCaseSensitive(C(j), key)) : NULL;
}

size_t ec_json_size(const struct ec_json *j)
{
	return j && (cJSON_IsArray(C(j)) || cJSON_IsObject(C(j))) ? (size_t)cJSON_GetArraySize(C(j))
								  : 0;
}

struct ec_json *ec_json_at(const struct ec_json *j, size_t i)
{
	return j ? J(cJSON_GetArrayItem(C(j), (int)i)) : NULL;
}

struct ec_json *ec_json_next(const struct ec_json *j)
{
	return j ? J(C(j)->next) : NULL;
}

const char *ec_json_key(const struct ec_json *j)
{
	return j ? C(j)->string : NULL;
}

const char *ec_json_str(const struct ec_json *j, const char *fallback)
{
	return j && cJSON_IsString(C(j)) ? C(j)->valuestring : fallback;
}

double ec_json_num(const struct ec_json *j, double fallback)
{
	return j && cJSON_IsNumber(C(j)) ? C(j)->valuedouble : fallback;
}

int ec_json_bool(const struct ec_json *j, int fallback)
{
	return j && cJSON_IsBool(C(j)) ? cJSON_IsTrue(C(j)) : fallback;
}

struct ec_json *ec_json_dup(const struct ec_json *j)
{
	return j ? J(must(cJSON_Duplicate(C(j), 1))) : NULL;
}

const char *ec_json_lib_version(void)
{
	return cJSON_Version();
}

void ec_json_add_run_header(struct ec_json *j)
{
	const char *id = ec_log_run_id();
	ec_json_add_int(j, "schema_version", 1);
	if (*id)
		ec_json_add_str(j, "run_id", id);
	else
		ec_json_add_null(j, "run_id");
}
