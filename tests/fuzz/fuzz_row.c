/*
 * fuzz_row.c -- libFuzzer target for the row-level parsers: the CSV splitter,
 * ec_event_from_fields, ec_columns_from_header, and the field parsers
 * (time, id, price, type). The input is one record.
 *
 * Beyond "no crash, no sanitizer report", each parser is held to an
 * invariant or to an independent oracle written here: a parsed time formats
 * back to its bytes; an id printed with %llu parses back to itself and has
 * the decimal value of its text; a price is what strtod makes of it; a
 * quoted record splits as a strict RFC 4180 splitter written here does, a
 * split record re-encoded as CSV splits back to the same fields, and both
 * halves of the splitter (in place, libcsv) agree. A broken invariant prints one
 * line and traps, so libFuzzer saves the input.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/event.h"
#include "ecomctl/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 80

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_row: %s:%d: invariant broken: %s\n", __FILE__,       \
				__LINE__, #cond);                                                  \
			__builtin_trap();                                                          \
		}                                                                                  \
	} while (0)

static struct ec_columns std_cols;

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- time --------------------------------------------------------------- */

static int leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Whether s[0..23) is a real "YYYY-MM-DD HH:MM:SS UTC" time from 1970 on,
 * decided without event.c. */
static int time_oracle(const char *s)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd UTC";
	static const unsigned dim[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned v[6] = {0}, k = 0;
	for (int i = 0; i < 23; i++) {
		if (shape[i] == 'd') {
			if (!is_digit(s[i]))
				return 0;
		} else if (s[i] != shape[i]) {
			return 0;
		}
	}
	for (int i = 0; i < 19; i++) {
		if (is_digit(s[i]))
			v[k] = v[k] * 10 + (unsigned)(s[i] - '0');
		else
			k++;
	}
	unsigned y = v[0], m = v[1], d = v[2];
	if (y < 1970 || m < 1 || m > 12 || d < 1 || v[3] > 23 || v[4] > 59 || v[5] > 59)
		return 0;
	return d <= dim[m] + (m == 2 && leap(y));
}

static void fuzz_time(const char *s, size_t n)
{
	int64_t t;
	char back[32];
	int rc = ec_time_parse(s, n, &t);
	CHECK(rc == 0 || rc == -1);
	CHECK(rc == (n == 23 && time_oracle(s) ? 0 : -1));
	if (rc == 0) {
		ec_time_format(t, back);
		CHECK(memcmp(back, s, 23) == 0 && back[23] == '\0');
		ec_time_format_iso(t, back);
		CHECK(memcmp(back, s, 10) == 0 && back[10] == 'T' &&
		      memcmp(back + 11, s + 11, 8) == 0 && back[19] == 'Z' && back[20] == '\0');
	}
}

/* ---- ids ---------------------------------------------------------------- */

/* The whole number spelled by the digits d[0..n) followed by `zeros` zeros,
 * if it fits in 64 bits (by string comparison with 2^64 - 1). */
static int digits_value(const char *d, size_t n, size_t zeros, uint64_t *out)
{
	static const char max[] = "18446744073709551615";
	while (n > 0 && *d == '0') {
		d++;
		n--;
	}
	if (n == 0) {
		*out = 0;
		return 1;
	}
	if (n + zeros > 20)
		return 0;
	char buf[21];
	memcpy(buf, d, n);
	memset(buf + n, '0', zeros);
	buf[n + zeros] = '\0';
	if (n + zeros == 20 && strcmp(buf, max) > 0)
		return 0;
	*out = strtoull(buf, NULL, 10);
	return 1;
}

/* The number grammar of event.h, decided here from the text alone:
 * -?D+(.D+)?([eE][+-]?D+)?, at most 40 bytes. Fills the parts; returns 1
 * when the text is a number. */
struct num_parts {
	int neg, has_frac, has_exp;
	size_t int_n, frac_n;
	long e;
};

static int num_oracle(const char *s, size_t n, struct num_parts *x)
{
	size_t i = 0, at;
	memset(x, 0, sizeof(*x));
	if (n == 0 || n > 40)
		return 0;
	if (s[0] == '-')
		x->neg = 1, i = 1;
	for (at = i; i < n && is_digit(s[i]); i++)
		;
	if ((x->int_n = i - at) == 0)
		return 0;
	if (i < n && s[i] == '.') {
		x->has_frac = 1;
		for (at = ++i; i < n && is_digit(s[i]); i++)
			;
		if ((x->frac_n = i - at) == 0)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0;
		x->has_exp = 1;
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		for (at = i; i < n && is_digit(s[i]); i++)
			if (x->e < 100000)
				x->e = x->e * 10 + (s[i] - '0');
		if (i == at)
			return 0;
		if (eneg)
			x->e = -x->e;
	}
	return i == n;
}

/* Ids: a number without '-' whose value is a whole number below 2^64. */
static int id_oracle(const char *s, size_t n, uint64_t *v, uint8_t *flag)
{
	struct num_parts x;
	*flag = 0;
	if (!num_oracle(s, n, &x) || x.neg)
		return 0;
	*flag = x.has_exp ? EC_EVF_ID_EXPONENT : x.has_frac ? EC_EVF_ID_DECIMAL : 0;
	/* digits D = int + frac; the point sits after int_n + e of them */
	char d[48];
	size_t dn = 0;
	for (size_t k = 0; k < x.int_n + (x.has_frac ? 1 + x.frac_n : 0); k++)
		if (s[k] != '.')
			d[dn++] = s[k];
	long point = (long)x.int_n + x.e;
	if (point >= (long)dn)
		return digits_value(d, dn, (size_t)(point - (long)dn), v);
	size_t keep = point < 0 ? 0 : (size_t)point;
	for (size_t k = keep; k < dn; k++)
		if (d[k] != '0')
			return 0;
	return digits_value(d, keep, 0, v);
}

static void fuzz_id(const char *s, size_t n)
{
	uint64_t v = 0, want = 0, again = 0;
	uint8_t flags = 0, want_flag, flags2 = 0;
	char buf[32];
	int rc = ec_parse_id(s, n, &v, &flags);
	int ok = id_oracle(s, n, &want, &want_flag);
	CHECK(rc == 0 || rc == -1);
	CHECK(rc == (ok ? 0 : -1));
	if (rc == 0) {
		CHECK(v == want && flags == want_flag);
		int k = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
		CHECK(ec_parse_id(buf, (size_t)k, &again, &flags2) == 0);
		CHECK(again == v && flags2 == 0);
	}
}

/* ---- prices ------------------------------------------------------------- */

/* Prices: any number, as strtod reads it, when finite. */
static void fuzz_price(const char *s, size_t n)
{
	struct num_parts x;
	double v, want = 0;
	int rc = ec_parse_price(s, n, &v);
	int ok = num_oracle(s, n, &x);
	if (ok) {
		char tmp[48];
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		want = strtod(tmp, NULL);
		ok = isfinite(want);
	}
	CHECK(rc == (ok ? 0 : -1));
	if (rc == 0)
		CHECK(memcmp(&v, &want, sizeof(v)) == 0);
}

static void fuzz_type(const char *s, size_t n)
{
	int t = ec_event_type_parse(s, n);
	CHECK(t >= -1 && t < EC_EV_N);
	if (t >= 0) {
		const char *name = ec_event_type_name(t);
		CHECK(strlen(name) == n && memcmp(name, s, n) == 0);
	}
}

/* ---- splitting ---------------------------------------------------------- */

/* A strict RFC 4180 record, split here without libcsv: fields are unquoted
 * (no '"') or quoted (with '""' for a quote). Returns the number of fields,
 * unescaped into buf (n bytes at least) and the first max of them into out;
 * -1 when malformed; -2 at a CR or LF outside quotes, where the record would
 * end (such records are not compared). */
static int csv_oracle(const char *s, size_t n, char *buf, struct ec_str *out, int max)
{
	size_t i = 0, b = 0;
	int k = 0;
	for (;;) {
		size_t start = b;
		if (i < n && s[i] == '"') {
			for (i++;; i++) {
				if (i == n)
					return -1;
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"')
						i++;
					else
						break;
				}
				buf[b++] = s[i];
			}
			i++;
			if (i < n && s[i] != ',')
				return s[i] == '\r' || s[i] == '\n' ? -2 : -1;
		} else {
			for (; i < n && s[i] != ','; i++) {
				if (s[i] == '"')
					return -1;
				if (s[i] == '\r' || s[i] == '\n')
					return -2;
				buf[b++] = s[i];
			}
		}
		if (k < max) {
			out[k].p = buf + start;
			out[k].n = b - start;
		}
		k++;
		if (i == n)
			return k;
		i++;
	}
}

/* Writes the fields as CSV, each quoted, into a new buffer. */
static char *encode_quoted(const struct ec_str *f, int k, size_t *len)
{
	size_t cap = 1;
	for (int i = 0; i < k; i++)
		cap += 2 * f[i].n + 3;
	char *out = malloc(cap), *p = out;
	CHECK(out != NULL);
	for (int i = 0; i < k; i++) {
		if (i)
			*p++ = ',';
		*p++ = '"';
		for (size_t j = 0; j < f[i].n; j++) {
			if (f[i].p[j] == '"')
				*p++ = '"';
			*p++ = f[i].p[j];
		}
		*p++ = '"';
	}
	*len = (size_t)(p - out);
	return out;
}

static void check_same_fields(const struct ec_str *a, int ka, const struct ec_str *b, int kb)
{
	CHECK(ka == kb);
	for (int i = 0; i < ka && i < MAX_FIELDS; i++)
		CHECK(a[i].n == b[i].n && (a[i].n == 0 || memcmp(a[i].p, b[i].p, a[i].n) == 0));
}

static void fuzz_header(const struct ec_str *f, int k)
{
	struct ec_columns cols;
	const char *missing = NULL;
	if (ec_columns_from_header(&cols, f, k, &missing) == 0) {
		CHECK(cols.n_fields == k);
		for (int c = 0; c < EC_COL_N; c++) {
			int x = cols.idx[c];
			CHECK(x >= 0 && x < k);
			const char *p = f[x].p;
			size_t n = f[x].n;
			if (x == 0 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
				p += 3;
				n -= 3;
			}
			CHECK(n == strlen(ec_col_names[c]) && memcmp(p, ec_col_names[c], n) == 0);
		}
	} else {
		CHECK(missing != NULL);
		for (int i = 1; i < k; i++)
			CHECK(f[i].n != strlen(missing) || memcmp(f[i].p, missing, f[i].n) != 0);
	}
}

static void fuzz_event(const struct ec_str *f, int k)
{
	struct ec_event ev;
	enum ec_bad why = ec_event_from_fields(&ev, &std_cols, f, k);
	CHECK(why >= EC_BAD_NONE && why < EC_BAD_N);
	if (k != 9) {
		CHECK(why == EC_BAD_FIELD_COUNT);
		return;
	}
	if (why != EC_BAD_NONE)
		return;
	char back[32];
	ec_time_format(ev.time, back);
	CHECK(f[0].n == 23 && memcmp(back, f[0].p, 23) == 0);
	CHECK(ev.type < EC_EV_N);
	CHECK(strlen(ec_event_type_name(ev.type)) == f[1].n);
	CHECK((ev.flags & ~(EC_EVF_ID_DECIMAL | EC_EVF_ID_EXPONENT)) == 0);
	CHECK(ev.session.n <= EC_SESSION_MAX);
	CHECK(ev.category_code.p == f[4].p && ev.category_code.n == f[4].n);
	CHECK(ev.brand.p == f[5].p && ev.brand.n == f[5].n);
	CHECK(ev.session.p == f[8].p && ev.session.n == f[8].n);
	double price;
	CHECK(ec_parse_price(f[6].p, f[6].n, &price) == 0 && price == ev.price);
}

static void fuzz_split(const char *rec, size_t n)
{
	struct ec_str f[MAX_FIELDS], g[MAX_FIELDS];
	struct ec_splitter *s = ec_splitter_new();
	CHECK(s != NULL);
	memset(f, 0xff, sizeof(f)); /* a field left unfilled is n = SIZE_MAX */
	int k = ec_splitter_split(s, rec, n, f, MAX_FIELDS);
	CHECK(k == -1 || k >= 1);
	int quoted = memchr(rec, '"', n) != NULL;
	int filled = k < MAX_FIELDS ? k : MAX_FIELDS;

	if (!quoted) {
		/* In place: one field per comma and one more, the commas between. */
		size_t commas = 0;
		for (size_t i = 0; i < n; i++)
			commas += rec[i] == ',';
		CHECK(k == (int)commas + 1);
		size_t at = 0;
		for (int i = 0; i < filled; i++) {
			CHECK(f[i].p == rec + at);
			CHECK(at + f[i].n <= n && (at + f[i].n == n || rec[at + f[i].n] == ','));
			at += f[i].n + 1;
		}
	}
	for (int i = 0; i < filled; i++) {
		/* every field filled, no longer than the record, and readable to its
		 * end (ASan checks) */
		CHECK(f[i].n <= n && (f[i].p != NULL || f[i].n == 0));
		if (f[i].n)
			CHECK(memchr(f[i].p, '"', f[i].n) == NULL || quoted);
	}

	if (quoted) {
		/* libcsv's answer is the strict grammar's. */
		char *buf = malloc(n + 1);
		CHECK(buf != NULL);
		int want = csv_oracle(rec, n, buf, g, MAX_FIELDS);
		if (want != -2) {
			CHECK(k == want);
			check_same_fields(f, filled, g, filled);
		}
		free(buf);
	}

	if (k >= 1 && k <= MAX_FIELDS) {
		fuzz_header(f, k);
		fuzz_event(f, k);

		/* Re-encoded with every field quoted, the record splits back the same
		 * through libcsv. */
		size_t len;
		char *enc = encode_quoted(f, k, &len);
		struct ec_splitter *s2 = ec_splitter_new();
		memset(g, 0xff, sizeof(g));
		int k2 = ec_splitter_split(s2, enc, len, g, MAX_FIELDS);
		check_same_fields(f, k, g, k2);
		ec_splitter_free(s2);
		free(enc);
	}

	/* The two halves agree: a record without quotes, led by an empty quoted
	 * field, goes through libcsv and must give "" and then the same fields.
	 * Bare CR and LF are left out: the reader cuts records at LF and a CR
	 * outside quotes ends a record for libcsv. */
	if (!quoted && !memchr(rec, '\n', n) && !memchr(rec, '\r', n)) {
		char *led = malloc(n + 3);
		CHECK(led != NULL);
		memcpy(led, "\"\",", 3);
		memcpy(led + 3, rec, n);
		struct ec_splitter *s3 = ec_splitter_new();
		memset(g, 0xff, sizeof(g));
		int k3 = ec_splitter_split(s3, led, n + 3, g, MAX_FIELDS);
		CHECK(k3 == k + 1 && g[0].n == 0);
		int m = filled < MAX_FIELDS - 1 ? filled : MAX_FIELDS - 1;
		check_same_fields(f, m, g + 1, m);
		ec_splitter_free(s3);
		free(led);
	}

	/* Whatever this record was, the same splitter must split a good quoted
	 * record next as a fresh one does. */
	k = ec_splitter_split(s, "\"x,y\",z", 7, f, MAX_FIELDS);
	CHECK(k == 2 && f[0].n == 3 && memcmp(f[0].p, "x,y", 3) == 0 && f[1].n == 1 &&
	      f[1].p[0] == 'z');
	ec_splitter_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	static int init;
	if (!init) {
		struct ec_str h[EC_COL_N];
		const char *missing;
		for (int c = 0; c < EC_COL_N; c++) {
			h[c].p = ec_col_names[c];
			h[c].n = strlen(ec_col_names[c]);
		}
		CHECK(ec_columns_from_header(&std_cols, h, EC_COL_N, &missing) == 0);
		init = 1;
	}
	if (size > EC_ROW_MAX)
		return 0;
	fuzz_split(s, size);
	fuzz_time(s, size < 23 ? size : 23);
	fuzz_time(s, size);
	fuzz_id(s, size);
	fuzz_price(s, size);
	fuzz_type(s, size);
	return 0;
}
