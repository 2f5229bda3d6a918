/*
 * event.h -- one row of an export, typed and validated.
 *
 * The reader splits bytes into fields; this module turns the fields of one
 * row into a `struct ec_event` or names the reason it is bad. It also holds
 * the project's own strict timestamp parser ("YYYY-MM-DD HH:MM:SS UTC":
 * no Feb 30, no hour 24, nothing missing or extra).
 *
 * Ownership: the strings of an event (category_code, brand, session, raw)
 * are borrowed from the reader's buffers until the next ec_reader_next()
 * call; copy (or intern) them to keep them.
 */
#ifndef ECOMCTL_EVENT_H
#define ECOMCTL_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/hash.h"

enum ec_event_type {
	EC_EV_VIEW = 0,
	EC_EV_CART = 1,
	EC_EV_REMOVE = 2, /* remove_from_cart */
	EC_EV_PURCHASE = 3,
	EC_EV_N = 4
};

/* The column names of DESIGN §1, in the order of `enum ec_col`. */
enum ec_col {
	EC_COL_TIME,
	EC_COL_TYPE,
	EC_COL_PRODUCT,
	EC_COL_CATEGORY_ID,
	EC_COL_CATEGORY_CODE,
	EC_COL_BRAND,
	EC_COL_PRICE,
	EC_COL_USER,
	EC_COL_SESSION,
	EC_COL_N
};
extern const char *const ec_col_names[EC_COL_N];

/* Why a row was rejected. EC_BAD_NONE (0) means the row is good. */
enum ec_bad {
	EC_BAD_NONE = 0,
	EC_BAD_FIELD_COUNT,  /* not as many fields as the header */
	EC_BAD_QUOTING,	     /* unbalanced or misplaced '"' */
	EC_BAD_ROW_TOO_LONG, /* longer than EC_ROW_MAX bytes */
	EC_BAD_NUL,	     /* a NUL byte in the row */
	EC_BAD_TIME,	     /* event_time not YYYY-MM-DD HH:MM:SS UTC, or no such time */
	EC_BAD_TYPE,	     /* event_type not one of the four */
	EC_BAD_PRODUCT,	     /* product_id not an unsigned 64-bit integer */
	EC_BAD_CATEGORY_ID,  /* category_id not an unsigned 64-bit integer */
	EC_BAD_PRICE,	     /* price not a number (see ec_parse_price) */
	EC_BAD_USER,	     /* user_id not an unsigned 64-bit integer */
	EC_BAD_SESSION,	     /* user_session longer than EC_SESSION_MAX */
	EC_BAD_TIME_RANGE,   /* event_time more than max_skew ahead of the others (reader.h) */
	EC_BAD_N
};
/* Stable snake_case names of the reasons, as printed and in rejects files. */
extern const char *const ec_bad_names[EC_BAD_N];

#define EC_ROW_MAX (64 * 1024)
#define EC_SESSION_MAX 128

/* Flags of an event. */
#define EC_EVF_ID_EXPONENT 1u /* an id was written like 1.4875800092865987e+18 */
#define EC_EVF_ID_DECIMAL 2u  /* an id was written like 5802432.0 */
/* The seed of ec_event.session_hash = ec_hash64(session, n, this). */
#define EC_SESSION_HASH_SEED 0x5e5510a5eedULL

struct ec_str {
	const char *p;
	size_t n;
};

struct ec_event {
	int64_t time; /* seconds since 1970-01-01 00:00:00 UTC */
	uint64_t product_id;
	uint64_t category_id;
	uint64_t user_id;
	double price;
	uint8_t type;	/* enum ec_event_type */
	uint8_t flags;	/* EC_EVF_* */
	uint8_t hashed; /* the hashes below are set (by the parser) */
	uint32_t file;	/* index of the input in the list given to the reader */
	uint64_t line;	/* 1-based line of the row in its file */
	struct ec_str category_code, brand, session;
	struct ec_str raw; /* the row as read, without its line terminator */
	/* computed by the parser (on the parse workers, off the sessionizer's
	 * thread) when hashed: of session with EC_SESSION_HASH_SEED, of
	 * category_code and brand as ec_strtab_intern() hashes them */
	uint64_t session_hash, code_hash, brand_hash;
	/* set by a parse worker (0 otherwise): its ec_strdict's id, and the
	 * local ids of category_code and brand there (hash.h) */
	uint32_t dict, code_local, brand_local;
};

/* The id in t of ev's category code (brand 0) or brand (1), as
 * ec_strtab_intern() gives it: through the parse worker's local id when the
 * event has one, else with the parser's hash when it has one. */
static inline uint32_t ec_event_intern(struct ec_strtab *t, struct ec_strmap *m,
				       const struct ec_event *ev, int brand)
{
	const struct ec_str *s = brand ? &ev->brand : &ev->category_code;
	if (!ev->hashed)
		return ec_strtab_intern(t, s->p, s->n, NULL);
	return ec_strtab_intern_local(t, m, s->p, s->n, brand ? ev->brand_hash : ev->code_hash,
				      ev->dict, brand ? ev->brand_local : ev->code_local);
}

/* Parses exactly "YYYY-MM-DD HH:MM:SS UTC" (23 bytes) into *out.
 * Returns 0, or -1 when the text is not such a time or names no real one. */
int ec_time_parse(const char *s, size_t n, int64_t *out);

/* Parses exactly ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" (what outputs write);
 * 0, or -1 as ec_time_parse. */
int ec_time_parse_iso(const char *s, int64_t *out);
/* Writes t as "YYYY-MM-DD HH:MM:SS UTC" plus NUL into buf (>= 24 bytes). */
void ec_time_format(int64_t t, char *buf);
/* Writes t as ISO 8601 "YYYY-MM-DDTHH:MM:SSZ" plus NUL into buf (>= 21 bytes). */
void ec_time_format_iso(int64_t t, char *buf);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t ec_days_from_civil(int64_t y, unsigned m, unsigned d);
void ec_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* Numbers, ids and prices alike, follow one grammar:
 *   -? D+ ( . D+ )? ( [eE] [+-]? D+ )?     (D: an ASCII digit)
 * at most EC_NUMBER_MAX bytes, nothing before or after it: no '+' sign, no
 * ".5" or "5.", no spaces, inf, nan or hex. */
#define EC_NUMBER_MAX 40

/* Parses an unsigned 64-bit id: a number without '-' whose value is a whole
 * number below 2^64, e.g. "44600062", "5802432.0" (sets EC_EVF_ID_DECIMAL
 * in *flags), "1.4875800092865987e+18" or "1e+18" (sets EC_EVF_ID_EXPONENT).
 * Returns 0 or -1. */
int ec_parse_id(const char *s, size_t n, uint64_t *out, uint8_t *flags);

/* Parses a price: a number, rounded to the nearest double as strtod does;
 * negative and zero prices are valid (they are in the real data), an
 * infinite one is not. Returns 0 or -1. */
int ec_parse_price(const char *s, size_t n, double *out);

/* Parses an event type name. Returns the enum ec_event_type or -1. */
int ec_event_type_parse(const char *s, size_t n);
const char *ec_event_type_name(int type);

/* The category key of an event (DESIGN §4): its category_code cut to its
 * first `level` dot-separated segments (level <= 0: the whole code), or
 * "id:<category_id>" when the code is empty. Writes at most cap - 1 bytes
 * plus a NUL into buf and returns the key's length. */
size_t ec_category_key(char *buf, size_t cap, const char *code, size_t code_len,
		       uint64_t category_id, int level);

/* Where each column of DESIGN §1 sits in a file's rows. */
struct ec_columns {
	int idx[EC_COL_N]; /* field index of each column */
	int n_fields;	   /* fields in the header (every row must have as many) */
};

/* Maps a header's fields to columns by name (exact, case-sensitive; a UTF-8
 * BOM on the first is ignored; extra columns are ignored). Returns 0, or -1
 * with the first missing column in *missing. */
int ec_columns_from_header(struct ec_columns *cols, const struct ec_str *fields, int n_fields,
			   const char **missing);

/* Fills ev (all but file, line, raw) from the n fields of one row.
 * Returns EC_BAD_NONE or the reason the row is bad. */
enum ec_bad ec_event_from_fields(struct ec_event *ev, const struct ec_columns *cols,
				 const struct ec_str *fields, int n);

#endif
