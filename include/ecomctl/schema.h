/*
 * schema.h -- the row schemas of ecomctl's outputs, declared once (as the
 * feature table is): each output's columns, in order, with their type and
 * meaning. The CSV header and every CSV field, the MongoDB document fields,
 * `ecomctl schema` and the README's column tables all come from these
 * tables (a test compares the README with `ecomctl schema --format md`).
 *
 * A row is an array of struct ec_value, one per column, in column order.
 * How a type is written:
 *
 * | type   | CSV                          | MongoDB               |
 * |--------|------------------------------|-----------------------|
 * | str    | as is, quoted when needed    | string (UTF-8 fixed)  |
 * | u64    | decimal                      | int64 (above 2^63-1: decimal string) |
 * | i64    | decimal                      | int64                 |
 * | time   | YYYY-MM-DDTHH:MM:SSZ         | date                  |
 * | money  | two decimals                 | double                |
 * | prob   | six decimals                 | double                |
 * | ratio  | four decimals                | double                |
 * | flag   | 0 or 1                       | bool                  |
 * | list   | keys joined by `|`           | array of strings      |
 *
 * object and array only describe the run record (JSON, not rows).
 * A null value is an empty CSV field and a MongoDB null.
 *
 * Ownership: the tables are static; values borrow their strings from the
 * caller until ec_sink_row() returns (sinks copy what they keep).
 */
#ifndef ECOMCTL_SCHEMA_H
#define ECOMCTL_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

enum ec_type {
	EC_T_STR,
	EC_T_U64,
	EC_T_I64,
	EC_T_TIME,
	EC_T_MONEY,
	EC_T_PROB,
	EC_T_FLAG,
	EC_T_LIST,
	EC_T_RATIO,
	EC_T_OBJECT,
	EC_T_ARRAY,
};

extern const char *const ec_type_names[];

#define EC_COLF_DOC_ONLY 1u /* in MongoDB documents, not in the CSV */
#define EC_COLF_KEY 2u	    /* part of the MongoDB _id (with the collection) */

struct ec_column {
	const char *name;
	enum ec_type type;
	unsigned flags;
	const char *meaning;
};

struct ec_schema {
	const char *name;	/* "sessions": `ecomctl schema sessions` */
	const char *collection; /* MongoDB collection, or NULL */
	const char *summary;
	const struct ec_column *cols;
	size_t n_cols;
};

struct ec_value {
	int null;
	size_t len; /* EC_T_STR, EC_T_LIST: bytes of s */
	union {
		const char *s;
		uint64_t u;
		int64_t i; /* EC_T_I64, EC_T_TIME (epoch seconds), EC_T_FLAG */
		double d;  /* EC_T_MONEY, EC_T_PROB, EC_T_RATIO */
	};
};

/* Setting values (v[col] = ...). */
static inline struct ec_value ec_val_str(const char *s, size_t len)
{
	struct ec_value v = {.len = len, .s = s};
	return v;
}
static inline struct ec_value ec_val_u64(uint64_t u)
{
	struct ec_value v = {.u = u};
	return v;
}
static inline struct ec_value ec_val_i64(int64_t i)
{
	struct ec_value v = {.i = i};
	return v;
}
static inline struct ec_value ec_val_num(double d)
{
	struct ec_value v = {.d = d};
	return v;
}
static inline struct ec_value ec_val_null(void)
{
	struct ec_value v = {.null = 1};
	return v;
}

/* The outputs with a row schema (the _COLS: their number of columns). */
#define EC_SESSIONS_COLS 21
#define EC_PREDICTIONS_COLS 18
#define EC_FUNNEL_COLS 24
extern const struct ec_schema ec_schema_sessions;
extern const struct ec_schema ec_schema_predictions;
extern const struct ec_schema ec_schema_funnel;
extern const struct ec_schema ec_schema_run;

/* Every schema, NULL-terminated. */
extern const struct ec_schema *const ec_schemas[];

/* The schema of that name, or NULL. */
const struct ec_schema *ec_schema_find(const char *name);

/* Index of a column by name, or -1. */
int ec_schema_col(const struct ec_schema *sc, const char *name);

/* The CSV header line, "a,b,c\n" (columns without EC_COLF_DOC_ONLY), into
 * a new string; free() it. */
char *ec_schema_csv_header(const struct ec_schema *sc);

#endif
