#include "ecomctl/event.h"
#include "ecomctl/common.h"
#include "ecomctl/hash.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ec_col_names[EC_COL_N] = {
    "event_time", "event_type", "product_id", "category_id",  "category_code",
    "brand",	  "price",	"user_id",    "user_session",
};

const char *const ec_bad_names[EC_BAD_N] = {
    "none",	  "field_count",  "quoting",	       "row_too_long", "nul_byte",
    "event_time", "event_type",	  "product_id",	       "category_id",  "price",
    "user_id",	  "user_session", "time_out_of_range",
};

static const char *const type_names[EC_EV_N] = {"view", "cart", "remove_from_cart", "purchase"};

/* Howard Hinnant's days_from_civil, for the proleptic Gregorian calendar. */
int64_t ec_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void ec_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, int n, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < n; i++) {
		unsigned c = (unsigned char)s[i] - '0';
		if (c > 9)
			return -1;
		v = v * 10 + c;
	}
	*out = v;
	return 0;
}

static int leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int ec_time_parse(const char *s, size_t n, int64_t *out)
{
	static const unsigned char mdays[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, mo, d, h, mi, se;

	if (n != 23 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' ||
	    memcmp(s + 19, " UTC", 4) != 0)
		return -1;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &se))
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59)
		return -1;
	if (d > mdays[mo] + (unsigned)(mo == 2 && leap(y)))
		return -1;
	*out = ec_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

static char *put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* Hand-rolled: per-session output formats millions of these. */
int ec_time_parse_iso(const char *s, int64_t *out)
{
	char buf[24];
	if (strlen(s) != 20 || s[10] != 'T' || s[19] != 'Z')
		return -1;
	snprintf(buf, sizeof(buf), "%.10s %.8s UTC", s, s + 11);
	return ec_time_parse(buf, 23, out);
}

void ec_time_format(int64_t t, char *buf)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t sec = t - days * 86400, y;
	unsigned m, d;
	char *p = buf;

	ec_civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;
	p = put2(p, (unsigned)(y / 100));
	p = put2(p, (unsigned)(y % 100));
	*p++ = '-';
	p = put2(p, m);
	*p++ = '-';
	p = put2(p, d);
	*p++ = ' ';
	p = put2(p, (unsigned)(sec / 3600));
	*p++ = ':';
	p = put2(p, (unsigned)(sec / 60 % 60));
	*p++ = ':';
	p = put2(p, (unsigned)(sec % 60));
	memcpy(p, " UTC", 5);
}

void ec_time_format_iso(int64_t t, char *buf)
{
	char tmp[24];
	ec_time_format(t, tmp);
	memcpy(buf, tmp, 10);
	buf[10] = 'T';
	memcpy(buf + 11, tmp + 11, 8);
	buf[19] = 'Z';
	buf[20] = '\0';
}

static const uint64_t pow10_u64[20] = {
    1ULL,
    10ULL,
    100ULL,
    1000ULL,
    10000ULL,
    100000ULL,
    1000000ULL,
    10000000ULL,
    100000000ULL,
    1000000000ULL,
    10000000000ULL,
    100000000000ULL,
    1000000000000ULL,
    10000000000000ULL,
    100000000000000ULL,
    1000000000000000ULL,
    10000000000000000ULL,
    100000000000000000ULL,
    1000000000000000000ULL,
    10000000000000000000ULL,
};

/* Appends decimal digit c to *v; -1 on overflow of 64 bits. */
static int push_digit(uint64_t *v, unsigned c)
{
	if (*v > (UINT64_MAX - c) / 10)
		return -1;
	*v = *v * 10 + c;
	return 0;
}

/* The one number grammar of the input (README, Input):
 *   -? D+ ( . D+ )? ( [eE] [+-]? D+ )?     D: an ASCII digit
 * at most EC_NUMBER_MAX bytes; no '+' or space before it, no ".5" or "5.",
 * no inf, nan or hex. Ids and prices differ only in the values they take. */
struct number {
	int neg, has_frac, has_exp;
	const char *ip, *fp; /* the digits before and after the '.' */
	size_t ni, nf;
	int64_t exp; /* clamped to +-100000 */
};

static size_t scan_digits(const char *s, size_t i, size_t n)
{
	while (i < n && (unsigned)((unsigned char)s[i] - '0') <= 9)
		i++;
	return i;
}

static int scan_number(const char *s, size_t n, struct number *x)
{
	size_t i = 0, j;
	memset(x, 0, sizeof(*x));
	if (n == 0 || n > EC_NUMBER_MAX)
		return -1;
	if (s[0] == '-')
		x->neg = 1, i = 1;
	x->ip = s + i;
	j = scan_digits(s, i, n);
	if ((x->ni = j - i) == 0)
		return -1;
	i = j;
	if (i < n && s[i] == '.') {
		x->has_frac = 1;
		x->fp = s + i + 1;
		j = scan_digits(s, i + 1, n);
		if ((x->nf = j - (i + 1)) == 0)
			return -1;
		i = j;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		int eneg = 0;
		x->has_exp = 1;
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			eneg = s[i++] == '-';
		j = scan_digits(s, i, n);
		if (j == i)
			return -1;
		for (; i < j; i++)
			if (x->exp < 100000)
				x->exp = x->exp * 10 + (s[i] - '0');
		if (eneg)
			x->exp = -x->exp;
	}
	return i == n ? 0 : -1;
}

/* The i-th significant digit (integer digits, then fraction digits). */
static unsigned digit_at(const struct number *x, size_t i)
{
	return (unsigned)((i < x->ni ? x->ip[i] : x->fp[i - x->ni]) - '0');
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Whether the 8 bytes of w (a little-endian load) are all ASCII digits. */
static inline int digits8(uint64_t w)
{
	return (w & 0xF0F0F0F0F0F0F0F0ULL) == 0x3030303030303030ULL &&
	       ((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) == 0x3030303030303030ULL;
}

/* The value of 8 ASCII digits (first one in the low byte): pairs, then
 * fours, then all eight, each step a multiply. */
static inline uint64_t value8(uint64_t w)
{
	w -= 0x3030303030303030ULL;
	w = w * 10 + (w >> 8);
	return (((w & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
		(((w >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
	       32;
}
#define ID_EIGHTS 1
#endif

int ec_parse_id(const char *s, size_t n, uint64_t *out, uint8_t *flags)
{
	/* Fast path, the common case: up to 19 plain digits always fit. */
	if (n > 0 && n <= 19) {
		uint64_t v = 0;
		size_t i = 0;
#ifdef ID_EIGHTS
		for (uint64_t w; n - i >= 8 && (memcpy(&w, s + i, 8), digits8(w)); i += 8)
			v = v * 100000000 + value8(w); /* eight digits a step */
#endif
		for (; i < n && (unsigned)(s[i] - '0') < 10; i++)
			v = v * 10 + (unsigned)(s[i] - '0');
		if (i == n) {
			*out = v;
			return 0;
		}
	}
	struct number x;
	if (scan_number(s, n, &x) || x.neg)
		return -1;
	/* value = digits * 10^scale; whole when the digits the scale cuts off
	 * are all zeros. */
	size_t len = x.ni + x.nf, keep = len;
	int64_t scale = x.exp - (int64_t)x.nf;
	if (scale < 0) {
		keep = (uint64_t)-scale >= len ? 0 : len - (size_t)-scale;
		for (size_t i = keep; i < len; i++)
			if (digit_at(&x, i))
				return -1;
		scale = 0;
	}
	uint64_t v = 0;
	for (size_t i = 0; i < keep; i++)
		if (push_digit(&v, digit_at(&x, i)))
			return -1;
	if (v && scale > 0) {
		if (scale > 19 || v > UINT64_MAX / pow10_u64[scale])
			return -1;
		v *= pow10_u64[scale];
	}
	*out = v;
	if (x.has_exp)
		*flags |= EC_EVF_ID_EXPONENT;
	else if (x.has_frac)
		*flags |= EC_EVF_ID_DECIMAL;
	return 0;
}

int ec_parse_price(const char *s, size_t n, double *out)
{
	static const double p10[19] = {1e0,  1e1,  1e2,	 1e3,  1e4,  1e5,  1e6,	 1e7,  1e8, 1e9,
				       1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
	/* Fast path, the common case: -?D+(.D+)? with at most 18 digits, the
	 * same exact quotient as below. */
	size_t k = n > 0 && s[0] == '-', ni = 0, nf = 0;
	uint64_t fm = 0;
	for (; k < n && (unsigned)(s[k] - '0') < 10 && ni < 19; k++, ni++)
		fm = fm * 10 + (unsigned)(s[k] - '0');
	if (ni > 0 && k < n && s[k] == '.')
		for (k++; k < n && (unsigned)(s[k] - '0') < 10 && ni + nf < 19; k++, nf++)
			fm = fm * 10 + (unsigned)(s[k] - '0');
	if (ni > 0 && k == n && (s[n - 1] != '.') && ni + nf <= 18 && fm < (1ULL << 53)) {
		double v = (double)fm / p10[nf];
		*out = s[0] == '-' ? -v : v;
		return 0;
	}
	struct number x;
	if (scan_number(s, n, &x))
		return -1;
	uint64_t m = 0;
	if (!x.has_exp && x.ni + x.nf <= 18) {
		for (size_t i = 0; i < x.ni + x.nf; i++)
			m = m * 10 + digit_at(&x, i);
		if (m < (1ULL << 53)) {
			/* Both operands exact: the quotient is correctly rounded (as strtod). */
			double v = (double)m / p10[x.nf];
			*out = x.neg ? -v : v;
			return 0;
		}
	}
	char tmp[EC_NUMBER_MAX + 1];
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	double v = strtod(tmp, NULL);
	if (!isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int ec_event_type_parse(const char *s, size_t n)
{
	for (int t = 0; t < EC_EV_N; t++)
		if (strlen(type_names[t]) == n && memcmp(s, type_names[t], n) == 0)
			return t;
	return -1;
}

const char *ec_event_type_name(int type)
{
	return type >= 0 && type < EC_EV_N ? type_names[type] : "?";
}

int ec_columns_from_header(struct ec_columns *cols, const struct ec_str *fields, int n_fields,
			   const char **missing)
{
	for (int c = 0; c < EC_COL_N; c++)
		cols->idx[c] = -1;
	cols->n_fields = n_fields;
	for (int f = 0; f < n_fields; f++) {
		const char *p = fields[f].p;
		size_t n = fields[f].n;
		if (f == 0 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
			p += 3;
			n -= 3;
		}
		for (int c = 0; c < EC_COL_N; c++)
			if (cols->idx[c] < 0 && strlen(ec_col_names[c]) == n &&
			    memcmp(ec_col_names[c], p, n) == 0)
				cols->idx[c] = f;
	}
	for (int c = 0; c < EC_COL_N; c++) {
		if (cols->idx[c] < 0) {
			*missing = ec_col_names[c];
			return -1;
		}
	}
	return 0;
}

enum ec_bad ec_event_from_fields(struct ec_event *ev, const struct ec_columns *cols,
				 const struct ec_str *f, int n)
{
	const int *ix = cols->idx;
	int type;

	if (n != cols->n_fields)
		return EC_BAD_FIELD_COUNT;
	ev->flags = 0;
	ev->hashed = 0;
	ev->dict = 0;
	if (ec_time_parse(f[ix[EC_COL_TIME]].p, f[ix[EC_COL_TIME]].n, &ev->time))
		return EC_BAD_TIME;
	if ((type = ec_event_type_parse(f[ix[EC_COL_TYPE]].p, f[ix[EC_COL_TYPE]].n)) < 0)
		return EC_BAD_TYPE;
	ev->type = (uint8_t)type;
	if (ec_parse_id(f[ix[EC_COL_PRODUCT]].p, f[ix[EC_COL_PRODUCT]].n, &ev->product_id,
			&ev->flags))
		return EC_BAD_PRODUCT;
	if (ec_parse_id(f[ix[EC_COL_CATEGORY_ID]].p, f[ix[EC_COL_CATEGORY_ID]].n, &ev->category_id,
			&ev->flags))
		return EC_BAD_CATEGORY_ID;
	if (ec_parse_price(f[ix[EC_COL_PRICE]].p, f[ix[EC_COL_PRICE]].n, &ev->price))
		return EC_BAD_PRICE;
	if (ec_parse_id(f[ix[EC_COL_USER]].p, f[ix[EC_COL_USER]].n, &ev->user_id, &ev->flags))
		return EC_BAD_USER;
	if (f[ix[EC_COL_SESSION]].n > EC_SESSION_MAX)
		return EC_BAD_SESSION;
	ev->category_code = f[ix[EC_COL_CATEGORY_CODE]];
	ev->brand = f[ix[EC_COL_BRAND]];
	ev->session = f[ix[EC_COL_SESSION]];
	ev->session_hash = ec_hash64(ev->session.p, ev->session.n, EC_SESSION_HASH_SEED);
	ev->code_hash = ec_strtab_hash(ev->category_code.p, ev->category_code.n);
	ev->brand_hash = ec_strtab_hash(ev->brand.p, ev->brand.n);
	ev->hashed = 1;
	return EC_BAD_NONE;
}

size_t ec_category_key(char *buf, size_t cap, const char *code, size_t n, uint64_t category_id,
		       int level)
{
	if (n == 0)
		return (size_t)snprintf(buf, cap, "id:%llu", (unsigned long long)category_id) < cap
			   ? strlen(buf)
			   : cap - 1;
	size_t k = 0;
	int seg = 1;
	for (; k < n; k++)
		if (code[k] == '.' && level > 0 && ++seg > level)
			break;
	if (k >= cap)
		k = cap - 1;
	memcpy(buf, code, k);
	buf[k] = '\0';
	return k;
}
