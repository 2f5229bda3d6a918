/*
 * json.h -- building, printing and reading JSON (summaries, manifests, the
 * model registry, configuration files, reports). The only module that
 * includes cJSON; everything else holds a `struct ec_json *`.
 *
 * Ownership: a tree belongs to its root; children returned by the _add_ and
 * _get functions are borrowed from their parent until ec_json_free(root).
 * Strings passed in are copied.
 */
#ifndef ECOMCTL_JSON_H
#define ECOMCTL_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/common.h"

struct ec_json;

enum ec_json_type {
	EC_JSON_NULL,
	EC_JSON_BOOL,
	EC_JSON_NUMBER,
	EC_JSON_STRING,
	EC_JSON_ARRAY,
	EC_JSON_OBJECT,
	EC_JSON_INVALID
};

/* New roots; free with ec_json_free(). */
struct ec_json *ec_json_object(void);
struct ec_json *ec_json_array(void);
void ec_json_free(struct ec_json *j);

/* Adding to an object (key != NULL) or appending to an array (key == NULL).
 * A number that is not finite is written as null. */
void ec_json_add_num(struct ec_json *j, const char *key, double v);
void ec_json_add_int(struct ec_json *j, const char *key, int64_t v);
/* Unsigned 64-bit ids above 2^53 do not survive a double: written as strings. */
void ec_json_add_u64(struct ec_json *j, const char *key, uint64_t v);
void ec_json_add_str(struct ec_json *j, const char *key, const char *s);
void ec_json_add_strn(struct ec_json *j, const char *key, const char *s, size_t n);
void ec_json_add_bool(struct ec_json *j, const char *key, int v);
void ec_json_add_null(struct ec_json *j, const char *key);
/* Adds a time as ISO 8601 UTC, "YYYY-MM-DDTHH:MM:SSZ". */
void ec_json_add_time(struct ec_json *j, const char *key, int64_t t);
/* New child container, borrowed from j. */
struct ec_json *ec_json_add_object(struct ec_json *j, const char *key);
struct ec_json *ec_json_add_array(struct ec_json *j, const char *key);
/* Moves a whole tree (which must be a root) under j. */
void ec_json_add_tree(struct ec_json *j, const char *key, struct ec_json *tree);
/* Replaces (or adds) key of an object with a copy of a string/number. */
void ec_json_set_str(struct ec_json *j, const char *key, const char *s);
void ec_json_set_num(struct ec_json *j, const char *key, double v);
void ec_json_remove(struct ec_json *j, const char *key);

/* Text of the tree, new (free() it); pretty: indented. */
char *ec_json_print(const struct ec_json *j, int pretty);
/* Prints to stdout followed by a newline. */
void ec_json_print_stdout(const struct ec_json *j);
/* Writes pretty JSON atomically to path (EC_ECANTCREAT / EC_EIO). */
int ec_json_write_file(const struct ec_json *j, const char *path, struct ec_err *err);

/* Parses text; *out is new (free with ec_json_free()). EC_EDATA with the
 * place of the syntax error. `what` names the text in messages. */
int ec_json_parse(struct ec_json **out, const char *text, size_t n, const char *what,
		  struct ec_err *err);
/* Reads and parses a file: EC_ENOINPUT if missing, EC_EDATA if not JSON. */
int ec_json_read_file(struct ec_json **out, const char *path, struct ec_err *err);

/* Reading. All accept NULL and then return NULL / the fallback. */
enum ec_json_type ec_json_type(const struct ec_json *j);
struct ec_json *ec_json_get(const struct ec_json *j, const char *key);
size_t ec_json_size(const struct ec_json *j); /* array or object members */
struct ec_json *ec_json_at(const struct ec_json *j, size_t i);
/* The member after j in its array or object, or NULL: walks an array in
 * O(n), where ec_json_at is O(i) a call. */
struct ec_json *ec_json_next(const struct ec_json *j);
const char *ec_json_key(const struct ec_json *j); /* of an object member */
const char *ec_json_str(const struct ec_json *j, const char *fallback);
double ec_json_num(const struct ec_json *j, double fallback);
int ec_json_bool(const struct ec_json *j, int fallback);
/* Adds "schema_version": 1 and "run_id" (the run writing the document,
 * ec_log_run_id(); null outside a run): the first keys of every JSON file
 * ecomctl writes (funnel.json, model-report.json, manifests). */
void ec_json_add_run_header(struct ec_json *j);
/* A copy of a subtree as a new root. */
struct ec_json *ec_json_dup(const struct ec_json *j);

/* The version of cJSON linked in. */
const char *ec_json_lib_version(void);

#endif
