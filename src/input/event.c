#include "ecomctl/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ec_col_names[EC_COL_N] = {
    "event_time", "event_type", "product_id", "category_id",  "category_code",
    "brand",	  "price",	"user_id",    "user_session",
};

const char *const ec_bad_names[EC_BAD_N] = {
    "none",	  "field_count", "quoting",	"row_too_long", "nul_byte", "event_time",
    "event_type", "product_id",	 "category_id", "price",	"user_id",  "user_session",
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

int ec_parse_id(const char *s, size_t n, uint64_t *out, uint8_t *flags)
{
	size_t i = 0;
	uint64_t v = 0;
	unsigned c;

	if (n == 0 || n > 40)
		return -1;
	for (; i < n && (c = (unsigned char)s[i] - '0') <= 9; i++)
		if (push_digit(&v, c))
			return -1;
	if (i == 0)
		return -1;
	if (i == n) {
		*out = v;
		return 0;
	}
	if (s[i] != '.')
		return -1;
	/* A fraction: keep its digits as long as the result may still be whole. */
	size_t frac_start = ++i;
	uint64_t m = v;
	int overflow = 0;
	for (; i < n && (c = (unsigned char)s[i] - '0') <= 9; i++)
		if (push_digit(&m, c))
			overflow = 1;
	size_t n_frac = i - frac_start;
	if (i == n) {
		/* "5802432.0": every fraction digit must be zero. */
		for (size_t k = frac_start; k < n; k++)
			if (s[k] != '0')
				return -1;
		*out = v;
		*flags |= EC_EVF_ID_DECIMAL;
		return 0;
	}
	if (overflow || (s[i] != 'e' && s[i] != 'E') || n_frac == 0)
		return -1;
	i++;
	if (i < n && s[i] == '+')
		i++;
	unsigned e = 0;
	size_t e_start = i;
	for (; i < n && (c = (unsigned char)s[i] - '0') <= 9; i++) {
		e = e * 10 + c;
		if (e > 40)
			return -1;
	}
	if (i != n || i == e_start)
		return -1;
	/* value = m * 10^(e - n_frac), and it must be a whole number. */
	if (e >= n_frac) {
		unsigned k = e - (unsigned)n_frac;
		if (k > 19 || (m && m > UINT64_MAX / pow10_u64[k]))
			return -1;
		m *= pow10_u64[k];
	} else {
		unsigned k = (unsigned)n_frac - e;
		if (k > 19) {
			/* m < 10^20 <= 10^k: whole only if it is zero */
			if (m)
				return -1;
		} else {
			if (m % pow10_u64[k])
				return -1;
			m /= pow10_u64[k];
		}
	}
	*out = m;
	*flags |= EC_EVF_ID_EXPONENT;
	return 0;
}

int ec_parse_price(const char *s, size_t n, double *out)
{
	static const double p10[19] = {1e0,  1e1,  1e2,	 1e3,  1e4,  1e5,  1e6,	 1e7,  1e8, 1e9,
				       1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
	size_t i = 0, n_digits = 0, n_frac = 0;
	int neg = 0, dot = 0;
	uint64_t m = 0;

	if (n > 0 && s[0] == '-') {
		neg = 1;
		i = 1;
	}
	for (; i < n; i++) {
		unsigned c = (unsigned char)s[i] - '0';
		if (c <= 9) {
			if (++n_digits > 18)
				return -1;
			m = m * 10 + c;
			n_frac += dot;
		} else if (s[i] == '.' && !dot) {
			dot = 1;
		} else {
			return -1;
		}
	}
	if (n_digits == 0)
		return -1;
	double v;
	if (m < (1ULL << 53)) {
		/* Both operands exact, so the quotient is correctly rounded (as strtod). */
		v = (double)m / p10[n_frac];
	} else {
		char tmp[24];
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		v = strtod(tmp + neg, NULL);
	}
	*out = neg ? -v : v;
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
