/*
 * test_event.c -- unit tests of event.h (timestamps, ids, prices, types,
 * header mapping, rows) and of the CSV splitter declared at the end of
 * reader.h. Fixed cases carry their expected value worked out by hand; the
 * randomized ones (seeded, so deterministic) compare with independent
 * oracles: a naive day counter for dates, strtod for prices.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/event.h"
#include "ecomctl/reader.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static uint64_t rng_state;

/* splitmix64: a tiny seeded generator, the same sequence on every host. */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rng_below(unsigned n)
{
	return (unsigned)(rng() % n);
}

/* ---- dates, counted the slow way ---------------------------------------- */

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Days since 1970-01-01 by summing whole years and months: an oracle that
 * shares nothing with Hinnant's formulas in event.c. */
static int64_t naive_days(int y, int m, int d)
{
	int64_t n = 0;
	for (int k = 1970; k < y; k++)
		n += is_leap(k) ? 366 : 365;
	for (int k = 1; k < m; k++)
		n += days_in_month(y, k);
	return n + d - 1;
}

static int tparse(const char *s, int64_t *t)
{
	return ec_time_parse(s, strlen(s), t);
}

/* ---- ec_time_parse ------------------------------------------------------ */

static void test_event__time_valid(void **state)
{
	int64_t t;
	(void)state;

	/* 1970..2018: 49*365 + 12 leap days = 17897; Jan..Sep 2019: 273 days;
	 * 18170 days * 86400 = 1569888000. */
	assert_int_equal(tparse("2019-10-01 00:00:00 UTC", &t), 0);
	assert_int_equal(t, 1569888000);
	assert_int_equal(tparse("1970-01-01 00:00:00 UTC", &t), 0);
	assert_int_equal(t, 0);
	/* 1970..2019: 18250 + 12 leap days = 18262; + 31 (Jan) + 28 = 18321 days
	 * = 1582934400 s; + 12:34:56 = 45296 s. */
	assert_int_equal(tparse("2020-02-29 12:34:56 UTC", &t), 0);
	assert_int_equal(t, 1582979696);
	/* 2000 is a leap year (divisible by 400): 10957 + 59 = 11016 days. */
	assert_int_equal(tparse("2000-02-29 00:00:00 UTC", &t), 0);
	assert_int_equal(t, 951782400);
	assert_int_equal(tparse("2019-02-28 23:59:59 UTC", &t), 0);
	/* 2019-03-01 is 17956 days (17897 + 59); one second before it. */
	assert_int_equal(t, 17956 * 86400LL - 1);
	assert_int_equal(tparse("2019-04-30 00:00:00 UTC", &t), 0);
	assert_int_equal(tparse("2019-12-31 23:59:59 UTC", &t), 0);
	/* 2100-01-01 is 130*365 + 32 leap days = 47482 days = 4102444800 s. */
	assert_int_equal(tparse("2099-12-31 23:59:59 UTC", &t), 0);
	assert_int_equal(t, 4102444799LL);
}

static void test_event__time_no_such_day(void **state)
{
	static const char *const bad[] = {
	    "1900-01-01 00:00:00 UTC",				  /* below the 1970 floor */
	    "1969-12-31 23:59:59 UTC",				  /* one second below it */
	    "0000-01-01 00:00:00 UTC", "2100-02-29 00:00:00 UTC", /* 2100: divisible by 100, not by
								     400 */
	    "2019-02-29 00:00:00 UTC", "2020-02-30 00:00:00 UTC", "2019-02-30 00:00:00 UTC",
	    "2019-04-31 00:00:00 UTC", "2019-06-31 00:00:00 UTC", "2019-09-31 00:00:00 UTC",
	    "2019-11-31 00:00:00 UTC", "2019-00-10 00:00:00 UTC", "2019-13-10 00:00:00 UTC",
	    "2019-10-00 00:00:00 UTC", "2019-10-32 00:00:00 UTC", "2019-01-32 00:00:00 UTC",
	    "2019-10-01 24:00:00 UTC", "2019-10-01 00:60:00 UTC", "2019-10-01 00:00:60 UTC",
	    "2019-10-01 99:99:99 UTC",
	};
	int64_t t;
	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		if (tparse(bad[i], &t) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
}

static void test_event__time_bad_shape(void **state)
{
	static const char *const bad[] = {
	    "2019-10-01 00:00:00",	/* missing " UTC" */
	    "2019-10-01 00:00:00 utc",	/* lower case */
	    "2019-10-01 00:00:00 UTC ", /* trailing space (24 bytes) */
	    " 2019-10-01 00:00:00 UTC", /* leading space (24 bytes) */
	    "2019-10-01 00:00:00 UT",	/* 22 bytes */
	    "2019-10-01 00:00:00 GMT",	"2019-10-01 00:00:00+UTC",
	    "2019-10-1 00:00:00 UTC", /* one-digit day */
	    "2019-1-01 00:00:00 UTC",	"2019-10-01 0:00:00 UTC",
	    "2019-10-01 00:0:00 UTC",	"2019-10-01 00:00:0 UTC",
	    "2019-10-1  00:00:00 UTC", /* one digit padded to 23 bytes by a space */
	    "2019-10-01 00:00: 0 UTC",	"2019-1O-01 00:00:00 UTC", /* letter O */
	    "abcd-ef-gh ij:kl:mn UTC",	"2019-10-01T00:00:00 UTC", /* ISO 'T' */
	    "2019/10/01 00:00:00 UTC",	"2019-10-01 00-00-00 UTC",
	    "2019-10-01 00:00:00 UTCZ", "+019-10-01 00:00:00 UTC", /* signs where digits go */
	    "-019-10-01 00:00:00 UTC",	"2019-+1-01 00:00:00 UTC",
	    "2019-10--1 00:00:00 UTC",	"2019-10-01 +1:00:00 UTC",
	    "2019-10-01 00:00:-1 UTC",	"",
	};
	int64_t t;
	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		if (tparse(bad[i], &t) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	/* The length is the caller's n, not strlen: a valid time cut to 22 bytes,
	 * or followed by its NUL as a 24th byte, is not a time. */
	const char *ok = "2019-10-01 00:00:00 UTC";
	assert_int_equal(ec_time_parse(ok, 22, &t), -1);
	assert_int_equal(ec_time_parse(ok, 24, &t), -1);
	assert_int_equal(ec_time_parse(ok, 0, &t), -1);
	assert_int_equal(ec_time_parse("2019-10-01 00:00:00 UTC,view", 23, &t), 0);
	assert_int_equal(t, 1569888000);
}

static void test_event__time_round_trip_random(void **state)
{
	char text[80], back[32], iso[32], want_iso[80];
	int64_t t;
	(void)state;

	rng_state = 20191001;
	for (int i = 0; i < 500; i++) {
		int y = 1970 + (int)rng_below(130), m = 1 + (int)rng_below(12);
		int d = 1 + (int)rng_below((unsigned)days_in_month(y, m));
		int h = (int)rng_below(24), mi = (int)rng_below(60), s = (int)rng_below(60);
		snprintf(text, sizeof(text), "%04d-%02d-%02d %02d:%02d:%02d UTC", y, m, d, h, mi,
			 s);
		if (tparse(text, &t) != 0)
			fail_msg("rejected \"%s\"", text);
		assert_int_equal(t, naive_days(y, m, d) * 86400 + h * 3600 + mi * 60 + s);
		ec_time_format(t, back);
		assert_string_equal(back, text);
		ec_time_format_iso(t, iso);
		snprintf(want_iso, sizeof(want_iso), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, h,
			 mi, s);
		assert_string_equal(iso, want_iso);
	}
	/* And from the other side: any second of 1970..2099 formats and parses
	 * back to itself. */
	for (int i = 0; i < 500; i++) {
		int64_t want = (int64_t)(rng() % 4102444800ULL);
		ec_time_format(want, back);
		assert_int_equal(strlen(back), 23);
		assert_int_equal(tparse(back, &t), 0);
		assert_int_equal(t, want);
	}
}

static void test_event__time_format_fixed(void **state)
{
	char buf[32];
	(void)state;
	ec_time_format(1569888000, buf);
	assert_string_equal(buf, "2019-10-01 00:00:00 UTC");
	ec_time_format(0, buf);
	assert_string_equal(buf, "1970-01-01 00:00:00 UTC");
	ec_time_format(1582979696, buf);
	assert_string_equal(buf, "2020-02-29 12:34:56 UTC");
	ec_time_format_iso(1569888000, buf);
	assert_string_equal(buf, "2019-10-01T00:00:00Z");
	ec_time_format_iso(4102444799LL, buf);
	assert_string_equal(buf, "2099-12-31T23:59:59Z");
}

/* Every day from 1970-01-01 to 2100-12-31 against a calendar stepped by hand. */
static void test_event__days_round_trip(void **state)
{
	int y = 1970, m = 1, d = 1;
	int64_t day = 0;
	(void)state;

	while (y <= 2100) {
		int64_t yy;
		unsigned mm, dd;
		if (ec_days_from_civil(y, (unsigned)m, (unsigned)d) != day)
			fail_msg("days_from_civil(%d-%02d-%02d) != %lld", y, m, d, (long long)day);
		ec_civil_from_days(day, &yy, &mm, &dd);
		if (yy != y || mm != (unsigned)m || dd != (unsigned)d)
			fail_msg("civil_from_days(%lld) = %lld-%02u-%02u, expected %d-%02d-%02d",
				 (long long)day, (long long)yy, mm, dd, y, m, d);
		day++;
		if (++d > days_in_month(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	/* 1970..2100 is 131 years with 32 leap days (1972..2096; not 2100). */
	assert_int_equal(day, 131 * 365 + 32);
	assert_int_equal(ec_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(ec_days_from_civil(2000, 3, 1), 11017);
}

/* ---- ec_parse_id -------------------------------------------------------- */

static int pid(const char *s, uint64_t *v, uint8_t *flags)
{
	*flags = 0;
	*v = 0;
	return ec_parse_id(s, strlen(s), v, flags);
}

static void test_event__id_plain(void **state)
{
	uint64_t v;
	uint8_t fl;
	(void)state;
	assert_int_equal(pid("0", &v, &fl), 0);
	assert_int_equal(v, 0);
	assert_int_equal(fl, 0);
	assert_int_equal(pid("44600062", &v, &fl), 0);
	assert_int_equal(v, 44600062);
	assert_int_equal(fl, 0);
	assert_int_equal(pid("2103807459595387724", &v, &fl), 0);
	assert_int_equal(v, 2103807459595387724ULL);
	assert_int_equal(pid("18446744073709551615", &v, &fl), 0); /* 2^64 - 1 */
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(fl, 0);
	assert_int_equal(pid("18446744073709551616", &v, &fl), -1); /* 2^64 */
	assert_int_equal(pid("99999999999999999999", &v, &fl), -1);
	/* Leading zeros are digits like any other, up to the 40-byte limit. */
	assert_int_equal(pid("0000000000000000000000000000000000000001", &v, &fl), 0);
	assert_int_equal(v, 1);
	assert_int_equal(pid("00000000000000000000000000000000000000001", &v, &fl), -1);
}

static void test_event__id_decimal(void **state)
{
	uint64_t v;
	uint8_t fl;
	(void)state;
	assert_int_equal(pid("5802432.0", &v, &fl), 0);
	assert_int_equal(v, 5802432);
	assert_int_equal(fl, EC_EVF_ID_DECIMAL);
	assert_int_equal(pid("5802432.00", &v, &fl), 0);
	assert_int_equal(v, 5802432);
	assert_int_equal(fl, EC_EVF_ID_DECIMAL);
	assert_int_equal(pid("18446744073709551615.0", &v, &fl), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(pid("5802432.5", &v, &fl), -1);
	assert_int_equal(pid("5802432.01", &v, &fl), -1);
	assert_int_equal(pid("18446744073709551616.0", &v, &fl), -1);
	/* The one number grammar (event.h) wants digits on both sides of a '.'. */
	assert_int_equal(pid("5.", &v, &fl), -1);
	assert_int_equal(pid(".0", &v, &fl), -1);
}

static void test_event__id_exponent(void **state)
{
	uint64_t v;
	uint8_t fl;
	(void)state;
	/* 14875800092865987 * 10^(18-16) */
	assert_int_equal(pid("1.4875800092865987e+18", &v, &fl), 0);
	assert_int_equal(v, 1487580009286598700ULL);
	assert_int_equal(fl, EC_EVF_ID_EXPONENT);
	assert_int_equal(pid("1.5e1", &v, &fl), 0);
	assert_int_equal(v, 15);
	assert_int_equal(fl, EC_EVF_ID_EXPONENT);
	assert_int_equal(pid("1.5E+01", &v, &fl), 0);
	assert_int_equal(v, 15);
	assert_int_equal(pid("1.50e1", &v, &fl), 0); /* 150 / 10 */
	assert_int_equal(v, 15);
	assert_int_equal(pid("1.25e1", &v, &fl), -1); /* 12.5 */
	assert_int_equal(pid("1.5e-1", &v, &fl), -1);
	assert_int_equal(pid("150e-1", &v, &fl), 0); /* a negative exponent, whole value */
	assert_int_equal(v, 15);
	assert_int_equal(pid("1.5e-0", &v, &fl), -1);
	assert_int_equal(pid("0e-99999999", &v, &fl), 0);
	assert_int_equal(v, 0);
	assert_int_equal(pid("0.0e0", &v, &fl), 0);
	assert_int_equal(v, 0);
	/* 18446744073709551615 * 10^0: the largest id in exponent form. */
	assert_int_equal(pid("1.8446744073709551615e19", &v, &fl), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(pid("1.8446744073709551616e19", &v, &fl), -1);
	assert_int_equal(pid("1.9e19", &v, &fl), -1); /* 19 * 10^18 > 2^64 */
	assert_int_equal(pid("1.2e400", &v, &fl), -1);
	/* Issue 13: "1e+18" was rejected where "1.0e+18" was accepted. One
	 * grammar now: both are the id 10^18; "1.e5" has a '.' without digits. */
	assert_int_equal(pid("1e+18", &v, &fl), 0);
	assert_int_equal(v, 1000000000000000000ULL);
	assert_int_equal(fl, EC_EVF_ID_EXPONENT);
	assert_int_equal(pid("1.0e+18", &v, &fl), 0);
	assert_int_equal(v, 1000000000000000000ULL);
	assert_int_equal(pid("1E5", &v, &fl), 0);
	assert_int_equal(v, 100000);
	assert_int_equal(pid("1e20", &v, &fl), -1);
	assert_int_equal(pid("1.e5", &v, &fl), -1);
	/* The flags are or-ed into *flags: one row collects both. */
	fl = EC_EVF_ID_DECIMAL;
	assert_int_equal(ec_parse_id("1.5e1", 5, &v, &fl), 0);
	assert_int_equal(fl, EC_EVF_ID_DECIMAL | EC_EVF_ID_EXPONENT);
}

/* More fraction digits than a 64-bit power of ten has (k = 21 > 19 below). */
static void test_event__id_exponent_long_fraction(void **state)
{
	uint64_t v;
	uint8_t fl;
	(void)state;
	/* 1 * 10^-21: not whole. */
	assert_int_equal(pid("0.000000000000000000001e0", &v, &fl), -1);
	assert_int_equal(pid("0.000000000000000000001e1", &v, &fl), -1);
	/* Zero is whole; rejecting it as beyond the parser's scale is fine too. */
	if (pid("0.000000000000000000000e0", &v, &fl) == 0)
		assert_int_equal(v, 0);
	if (pid("0.00000000000000000000000e0", &v, &fl) == 0)
		assert_int_equal(v, 0);
}

static void test_event__id_malformed(void **state)
{
	static const char *const bad[] = {
	    "-5",   "+5",    " 5",    "5 ",	 "",	  "abc",   "5a",  "0x10", ".5",	    ".",
	    "1.2e", "1.2e+", "1.2e-", "1.2e+-1", "1.2f1", "5.0.0", "5.a", "e5",	  "1.5e1 ", "5,0",
	};
	uint64_t v;
	uint8_t fl;
	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		if (pid(bad[i], &v, &fl) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	/* n, not strlen: "12" inside "123" is 12; an embedded NUL is not a digit. */
	assert_int_equal(ec_parse_id("123", 2, &v, &fl), 0);
	assert_int_equal(v, 12);
	assert_int_equal(ec_parse_id("1\0"
				     "2",
				     3, &v, &fl),
			 -1);
}

/* ---- ec_parse_price ----------------------------------------------------- */

/* The same double, bit for bit (so -0.0 differs from 0.0). */
static void assert_same_double(double got, double want, const char *text)
{
	if (memcmp(&got, &want, sizeof(got)) != 0)
		fail_msg("price \"%s\": %.17g, expected %.17g", text, got, want);
}

static void check_price(const char *s)
{
	double v = -12345;
	if (ec_parse_price(s, strlen(s), &v) != 0)
		fail_msg("rejected price \"%s\"", s);
	assert_same_double(v, strtod(s, NULL), s);
}

static void test_event__price_valid(void **state)
{
	static const char *const good[] = {
	    "35.79",
	    "0",
	    "-79.37",
	    "1.0",
	    "2574.07",
	    "0.01",
	    "-0.01",
	    "100",
	    "0.1",
	    "0.3",
	    "999999.99",
	    "-0",
	    "0.000",
	    "123456789012345678", /* 18 digits */
	    "1234567890123456.78",
	    "0.12345678901234567",
	    "9007199254740993", /* 2^53+1 */
	    "9007199254740992",
	    "-9007199254740993.5",
	};
	double v;
	(void)state;
	for (size_t i = 0; i < N(good); i++)
		check_price(good[i]);
	/* Literals as the compiler rounds them, as an extra anchor. */
	assert_int_equal(ec_parse_price("35.79", 5, &v), 0);
	assert_true(v == 35.79);
	assert_int_equal(ec_parse_price("-79.37", 6, &v), 0);
	assert_true(v == -79.37);
	assert_int_equal(ec_parse_price("-0", 2, &v), 0);
	assert_true(v == 0 && signbit(v));
	/* The same grammar as ids (event.h): an exponent is fine, and so are
	 * more than 18 digits (rounded as strtod rounds them). */
	check_price("1e5");
	check_price("1E5");
	check_price("3.579e+1");
	check_price("-7937e-2");
	check_price("1234567890123456789");
	check_price("0.000000000000000001");
	check_price("12345678901234567.89");
	check_price("1e-400"); /* underflows to 0: finite */
}

static void test_event__price_malformed(void **state)
{
	static const char *const bad[] = {
	    "-",
	    "",
	    ".",
	    "-.",
	    ".5", /* issue 13: ".5", "5." and "-.5" were accepted */
	    "5.",
	    "-.5",
	    "1.e5",
	    "1e",
	    "1e+",
	    "1e5.0",
	    "1e400", /* infinite */
	    "-1e400",
	    "0000000000000000000000000000000000000001.5", /* 42 bytes, over EC_NUMBER_MAX */
	    "1,5",
	    "nan",
	    "NaN",
	    "inf",
	    "-inf",
	    "--1",
	    " 1",
	    "1 ",
	    "+1",
	    "1.2.3",
	    "0x10",
	    "1-",
	    "$5",
	};
	double v;
	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		if (ec_parse_price(bad[i], strlen(bad[i]), &v) != -1)
			fail_msg("accepted price \"%s\"", bad[i]);
	}
}

/* Random prices of up to 18 digits, compared with strtod bit for bit. */
static void test_event__price_random_vs_strtod(void **state)
{
	char s[32];
	(void)state;
	rng_state = 3579;
	for (int i = 0; i < 20000; i++) {
		int n_int = (int)rng_below(10), n_frac = (int)rng_below(9);
		size_t k = 0;
		if (n_int + n_frac == 0)
			n_int = 1;
		if (rng_below(4) == 0)
			s[k++] = '-';
		for (int j = 0; j < n_int; j++)
			s[k++] = (char)('0' + rng_below(10));
		if (n_frac || rng_below(8) == 0)
			s[k++] = '.';
		for (int j = 0; j < n_frac; j++)
			s[k++] = (char)('0' + rng_below(10));
		if (rng_below(4) == 0)
			k += (size_t)sprintf(s + k, "e%s%d", rng_below(2) ? "-" : "+",
					     (int)rng_below(30));
		s[k] = '\0';
		/* ".5" and "5." are not numbers (event.h); everything else is read
		 * as strtod reads it. */
		double v;
		if (n_int == 0 || (n_frac == 0 && memchr(s, '.', k)))
			assert_int_equal(ec_parse_price(s, k, &v), -1);
		else
			check_price(s);
	}
}

/* ---- event types -------------------------------------------------------- */

static int tyof(const char *s)
{
	return ec_event_type_parse(s, strlen(s));
}

static void test_event__type_parse(void **state)
{
	static const char *const bad[] = {
	    "View",	 "VIEW",  "Cart",  "Purchase", "REMOVE_FROM_CART",
	    "vie",	 "views", "",	   "remove",   "remove_from",
	    "purchases", " view", "view ", "click",
	};
	(void)state;
	assert_int_equal(tyof("view"), EC_EV_VIEW);
	assert_int_equal(tyof("cart"), EC_EV_CART);
	assert_int_equal(tyof("remove_from_cart"), EC_EV_REMOVE);
	assert_int_equal(tyof("purchase"), EC_EV_PURCHASE);
	for (size_t i = 0; i < N(bad); i++) {
		if (tyof(bad[i]) != -1)
			fail_msg("accepted type \"%s\"", bad[i]);
	}
	assert_int_equal(ec_event_type_parse("view", 3), -1);
	assert_int_equal(ec_event_type_parse("view\0", 5), -1);
	assert_int_equal(ec_event_type_parse("viewing", 4), EC_EV_VIEW);
	for (int t = 0; t < EC_EV_N; t++)
		assert_int_equal(tyof(ec_event_type_name(t)), t);
	assert_string_equal(ec_event_type_name(-1), "?");
	assert_string_equal(ec_event_type_name(EC_EV_N), "?");
}

/* ---- header ------------------------------------------------------------- */

static int strs(struct ec_str *f, const char *const *s, int n)
{
	for (int i = 0; i < n; i++) {
		f[i].p = s[i];
		f[i].n = strlen(s[i]);
	}
	return n;
}

static const char *const std_header[9] = {
    "event_time", "event_type", "product_id", "category_id",  "category_code",
    "brand",	  "price",	"user_id",    "user_session",
};

static void std_columns(struct ec_columns *cols)
{
	struct ec_str f[9];
	const char *missing = NULL;
	assert_int_equal(ec_columns_from_header(cols, f, strs(f, std_header, 9), &missing), 0);
}

static void test_event__header_standard(void **state)
{
	struct ec_columns cols;
	(void)state;
	std_columns(&cols);
	assert_int_equal(cols.n_fields, 9);
	for (int c = 0; c < EC_COL_N; c++)
		assert_int_equal(cols.idx[c], c);
	for (int c = 0; c < EC_COL_N; c++)
		assert_string_equal(ec_col_names[c], std_header[c]);
}

static void test_event__header_permuted_extra(void **state)
{
	static const char *const h[] = {
	    "user_session", "price",	     "extra",	"event_type",  "brand",
	    "event_time",   "category_code", "user_id", "category_id", "product_id",
	};
	struct ec_str f[10];
	struct ec_columns cols;
	const char *missing = NULL;
	(void)state;
	assert_int_equal(ec_columns_from_header(&cols, f, strs(f, h, 10), &missing), 0);
	assert_int_equal(cols.n_fields, 10);
	assert_int_equal(cols.idx[EC_COL_SESSION], 0);
	assert_int_equal(cols.idx[EC_COL_PRICE], 1);
	assert_int_equal(cols.idx[EC_COL_TYPE], 3);
	assert_int_equal(cols.idx[EC_COL_BRAND], 4);
	assert_int_equal(cols.idx[EC_COL_TIME], 5);
	assert_int_equal(cols.idx[EC_COL_CATEGORY_CODE], 6);
	assert_int_equal(cols.idx[EC_COL_USER], 7);
	assert_int_equal(cols.idx[EC_COL_CATEGORY_ID], 8);
	assert_int_equal(cols.idx[EC_COL_PRODUCT], 9);
}

static void test_event__header_bom(void **state)
{
	const char *h[9];
	struct ec_str f[9];
	struct ec_columns cols;
	const char *missing = NULL;
	(void)state;
	memcpy(h, std_header, sizeof(h));
	h[0] = "\xEF\xBB\xBF"
	       "event_time";
	assert_int_equal(ec_columns_from_header(&cols, f, strs(f, h, 9), &missing), 0);
	assert_int_equal(cols.idx[EC_COL_TIME], 0);
	/* Only the first field may carry one. */
	memcpy(h, std_header, sizeof(h));
	h[5] = "\xEF\xBB\xBF"
	       "brand";
	assert_int_equal(ec_columns_from_header(&cols, f, strs(f, h, 9), &missing), -1);
	assert_string_equal(missing, "brand");
}

static void test_event__header_missing(void **state)
{
	struct ec_str f[10];
	struct ec_columns cols;
	const char *missing = NULL;
	const char *h[9];
	(void)state;
	/* The standard header without its last column. */
	assert_int_equal(ec_columns_from_header(&cols, f, strs(f, std_header, 8), &missing), -1);
	assert_string_equal(missing, "user_session");
	/* Names are case-sensitive. */
	memcpy(h, std_header, sizeof(h));
	h[0] = "Event_Time";
	missing = NULL;
	assert_int_equal(ec_columns_from_header(&cols, f, strs(f, h, 9), &missing), -1);
	assert_string_equal(missing, "event_time");
	/* Two missing (event_type, price): the first in column order is named. */
	memcpy(h, std_header, sizeof(h));
	h[1] = "type";
	h[6] = "cost";
	assert_int_equal(ec_columns_from_header(&cols, f, strs(f, h, 9), &missing), -1);
	assert_string_equal(missing, "event_type");
	assert_int_equal(ec_columns_from_header(&cols, f, 0, &missing), -1);
	assert_string_equal(missing, "event_time");
}

static void test_event__header_duplicate_first_wins(void **state)
{
	static const char *const h[] = {
	    "event_time", "event_type", "product_id",	"category_id", "category_code", "brand",
	    "price",	  "user_id",	"user_session", "event_time",  "brand",
	};
	struct ec_str f[11];
	struct ec_columns cols;
	const char *missing = NULL;
	(void)state;
	assert_int_equal(ec_columns_from_header(&cols, f, strs(f, h, 11), &missing), 0);
	assert_int_equal(cols.n_fields, 11);
	assert_int_equal(cols.idx[EC_COL_TIME], 0);
	assert_int_equal(cols.idx[EC_COL_BRAND], 5);
}

/* ---- rows --------------------------------------------------------------- */

/* The example row of DESIGN §1. */
static const char *const good_row[9] = {
    "2019-10-01 00:00:00 UTC",
    "view",
    "44600062",
    "2103807459595387724",
    "",
    "shiseido",
    "35.79",
    "541312140",
    "72d76fde-8bb3-4e00-8c23-a032dfed738c",
};

static enum ec_bad row_with(const struct ec_columns *cols, int col, const char *value,
			    struct ec_event *ev)
{
	const char *r[9];
	struct ec_str f[9];
	memcpy(r, good_row, sizeof(r));
	if (col >= 0)
		r[col] = value;
	return ec_event_from_fields(ev, cols, f, strs(f, r, 9));
}

static void test_event__row_good(void **state)
{
	struct ec_columns cols;
	struct ec_event ev;
	(void)state;
	std_columns(&cols);
	memset(&ev, 0xAB, sizeof(ev));
	ev.file = 7;
	ev.line = 42;
	ev.raw.p = "raw";
	ev.raw.n = 3;
	assert_int_equal(row_with(&cols, -1, NULL, &ev), EC_BAD_NONE);
	assert_int_equal(ev.time, 1569888000);
	assert_int_equal(ev.type, EC_EV_VIEW);
	assert_int_equal(ev.product_id, 44600062);
	assert_int_equal(ev.category_id, 2103807459595387724ULL);
	assert_int_equal(ev.user_id, 541312140);
	assert_true(ev.price == 35.79);
	assert_int_equal(ev.flags, 0);
	assert_int_equal(ev.category_code.n, 0);
	assert_int_equal(ev.brand.n, 8);
	assert_memory_equal(ev.brand.p, "shiseido", 8);
	assert_int_equal(ev.session.n, 36);
	assert_ptr_equal(ev.session.p, good_row[8]); /* borrowed, not copied */
	/* file, line and raw are the reader's to fill. */
	assert_int_equal(ev.file, 7);
	assert_int_equal(ev.line, 42);
	assert_int_equal(ev.raw.n, 3);

	/* Empty category_code, brand and user_session are all fine. */
	const char *r[9];
	struct ec_str f[9];
	memcpy(r, good_row, sizeof(r));
	r[EC_COL_BRAND] = "";
	r[EC_COL_SESSION] = "";
	r[EC_COL_TYPE] = "remove_from_cart";
	r[EC_COL_PRODUCT] = "5802432.0";
	r[EC_COL_CATEGORY_ID] = "1.4875800092865987e+18";
	r[EC_COL_PRICE] = "-0.5";
	assert_int_equal(ec_event_from_fields(&ev, &cols, f, strs(f, r, 9)), EC_BAD_NONE);
	assert_int_equal(ev.brand.n, 0);
	assert_int_equal(ev.session.n, 0);
	assert_int_equal(ev.category_code.n, 0);
	assert_int_equal(ev.type, EC_EV_REMOVE);
	assert_int_equal(ev.product_id, 5802432);
	assert_int_equal(ev.category_id, 1487580009286598700ULL);
	assert_true(ev.price == -0.5);
	assert_int_equal(ev.flags, EC_EVF_ID_DECIMAL | EC_EVF_ID_EXPONENT);
	/* ...and the flags start from zero on every row. */
	assert_int_equal(row_with(&cols, -1, NULL, &ev), EC_BAD_NONE);
	assert_int_equal(ev.flags, 0);
}

static void test_event__row_bad_fields(void **state)
{
	static const struct {
		int col;
		const char *value;
		enum ec_bad why;
	} cases[] = {
	    {EC_COL_TIME, "2019-10-01 00:00:00", EC_BAD_TIME},
	    {EC_COL_TIME, "2019-02-30 00:00:00 UTC", EC_BAD_TIME},
	    {EC_COL_TIME, "", EC_BAD_TIME},
	    {EC_COL_TYPE, "View", EC_BAD_TYPE},
	    {EC_COL_TYPE, "", EC_BAD_TYPE},
	    {EC_COL_PRODUCT, "4460006x", EC_BAD_PRODUCT},
	    {EC_COL_PRODUCT, "", EC_BAD_PRODUCT},
	    {EC_COL_CATEGORY_ID, "2103807459595387724.5", EC_BAD_CATEGORY_ID},
	    {EC_COL_CATEGORY_ID, "-1", EC_BAD_CATEGORY_ID},
	    {EC_COL_PRICE, "35,79", EC_BAD_PRICE},
	    {EC_COL_PRICE, "", EC_BAD_PRICE},
	    {EC_COL_USER, "", EC_BAD_USER},
	    {EC_COL_USER, "18446744073709551616", EC_BAD_USER},
	};
	struct ec_columns cols;
	struct ec_event ev;
	char session[EC_SESSION_MAX + 2];
	(void)state;
	std_columns(&cols);
	for (size_t i = 0; i < N(cases); i++) {
		enum ec_bad why = row_with(&cols, cases[i].col, cases[i].value, &ev);
		if (why != cases[i].why)
			fail_msg("%s = \"%s\": got %s, expected %s", ec_col_names[cases[i].col],
				 cases[i].value, ec_bad_names[why], ec_bad_names[cases[i].why]);
	}
	memset(session, 's', sizeof(session));
	session[EC_SESSION_MAX] = '\0'; /* 128 bytes: the longest allowed */
	assert_int_equal(row_with(&cols, EC_COL_SESSION, session, &ev), EC_BAD_NONE);
	assert_int_equal(ev.session.n, 128);
	session[EC_SESSION_MAX] = 's';
	session[EC_SESSION_MAX + 1] = '\0'; /* 129 bytes */
	assert_int_equal(row_with(&cols, EC_COL_SESSION, session, &ev), EC_BAD_SESSION);
	assert_string_equal(ec_bad_names[EC_BAD_SESSION], "user_session");
	assert_string_equal(ec_bad_names[EC_BAD_TIME], "event_time");
}

static void test_event__row_field_count(void **state)
{
	const char *r[10];
	struct ec_str f[10];
	struct ec_columns cols;
	struct ec_event ev;
	(void)state;
	std_columns(&cols);
	memcpy(r, good_row, sizeof(good_row));
	r[9] = "extra";
	assert_int_equal(ec_event_from_fields(&ev, &cols, f, strs(f, r, 8)), EC_BAD_FIELD_COUNT);
	assert_int_equal(ec_event_from_fields(&ev, &cols, f, strs(f, r, 10)), EC_BAD_FIELD_COUNT);
	assert_int_equal(ec_event_from_fields(&ev, &cols, f, 0), EC_BAD_FIELD_COUNT);
	assert_int_equal(ec_event_from_fields(&ev, &cols, f, strs(f, r, 9)), EC_BAD_NONE);
}

/* A header in another order: every value is taken from its named column. */
static void test_event__row_permuted_columns(void **state)
{
	static const char *const h[] = {
	    "user_id",	  "extra", "price",	    "user_session", "event_type",
	    "event_time", "brand", "category_code", "category_id",  "product_id",
	};
	static const char *const r[] = {
	    "541312140",
	    "ignored",
	    "2574.07",
	    "s1",
	    "purchase",
	    "2020-02-29 12:34:56 UTC",
	    "apple",
	    "electronics.smartphone",
	    "2053013555631882655",
	    "1004856",
	};
	struct ec_str hf[10], f[10];
	struct ec_columns cols;
	struct ec_event ev;
	const char *missing;
	(void)state;
	assert_int_equal(ec_columns_from_header(&cols, hf, strs(hf, h, 10), &missing), 0);
	assert_int_equal(ec_event_from_fields(&ev, &cols, f, strs(f, r, 10)), EC_BAD_NONE);
	assert_int_equal(ev.user_id, 541312140);
	assert_true(ev.price == 2574.07);
	assert_int_equal(ev.type, EC_EV_PURCHASE);
	assert_int_equal(ev.time, 1582979696);
	assert_int_equal(ev.product_id, 1004856);
	assert_int_equal(ev.category_id, 2053013555631882655ULL);
	assert_memory_equal(ev.brand.p, "apple", 5);
	assert_int_equal(ev.category_code.n, strlen("electronics.smartphone"));
	assert_memory_equal(ev.session.p, "s1", 2);
	assert_int_equal(ec_event_from_fields(&ev, &cols, f, strs(f, r, 9)), EC_BAD_FIELD_COUNT);
}

/* ---- the splitter ------------------------------------------------------- */

struct want {
	const char *p;
	size_t n;
};
#define W(s)                                                                                       \
	{                                                                                          \
		s, sizeof(s) - 1                                                                   \
	}

static void check_split(const char *rec, size_t n, const struct want *want, int n_want)
{
	struct ec_splitter *s = ec_splitter_new();
	struct ec_str f[16];
	assert_non_null(s);
	int k = ec_splitter_split(s, rec, n, f, 16);
	if (k != n_want)
		fail_msg("split of \"%.*s\": %d fields, expected %d", (int)n, rec, k, n_want);
	for (int i = 0; i < k; i++) {
		if (f[i].n != want[i].n || memcmp(f[i].p, want[i].p, want[i].n) != 0)
			fail_msg("split of \"%.*s\": field %d is \"%.*s\", expected \"%s\"", (int)n,
				 rec, i, (int)f[i].n, f[i].p, want[i].p);
	}
	ec_splitter_free(s);
}

#define SPLIT(rec, ...)                                                                            \
	do {                                                                                       \
		static const struct want w_[] = {__VA_ARGS__};                                     \
		check_split(rec, sizeof(rec) - 1, w_, (int)N(w_));                                 \
	} while (0)
#define SPLIT_BAD(rec) check_split(rec, sizeof(rec) - 1, NULL, -1)

static void test_event__split_plain(void **state)
{
	(void)state;
	SPLIT("a,b,c", W("a"), W("b"), W("c"));
	SPLIT("", W(""));
	SPLIT("a,,c", W("a"), W(""), W("c"));
	SPLIT("a,b,", W("a"), W("b"), W(""));
	SPLIT(",", W(""), W(""));
	SPLIT(" a ,b", W(" a "), W("b"));
	SPLIT("\ta\t, b", W("\ta\t"), W(" b"));
	SPLIT("a\0b,c", W("a\0b"), W("c"));

	/* In place: the fields point into the record. */
	struct ec_splitter *s = ec_splitter_new();
	struct ec_str f[4];
	const char *rec = "xy,z";
	assert_int_equal(ec_splitter_split(s, rec, 4, f, 4), 2);
	assert_ptr_equal(f[0].p, rec);
	assert_ptr_equal(f[1].p, rec + 3);
	ec_splitter_free(s);
}

static void test_event__split_quoted(void **state)
{
	(void)state;
	SPLIT("\"a,b\",c", W("a,b"), W("c"));
	SPLIT("\"say \"\"hi\"\"\",x", W("say \"hi\""), W("x"));
	SPLIT("\"l1\nl2\",x", W("l1\nl2"), W("x"));
	SPLIT("\"l1\r\nl2\",x", W("l1\r\nl2"), W("x"));
	SPLIT("\"\",x", W(""), W("x"));
	SPLIT("\"\"\"\"", W("\""));
	SPLIT("x,\"\"", W("x"), W(""));
	SPLIT("\"a\",\"b,\",", W("a"), W("b,"), W(""));
	SPLIT("\"a\",,", W("a"), W(""), W(""));
	SPLIT("\"a\0b\",c", W("a\0b"), W("c"));
	/* Spaces and tabs around unquoted fields are kept on the libcsv path too. */
	SPLIT(" a ,\"b\"", W(" a "), W("b"));
	SPLIT("\"b\", a ", W("b"), W(" a "));
	SPLIT("\ta\t,\"b\"", W("\ta\t"), W("b"));
	SPLIT("\"a \", b ,\" c\"", W("a "), W(" b "), W(" c"));
}

static void test_event__split_malformed(void **state)
{
	(void)state;
	SPLIT_BAD("a\"b,c"); /* quote inside an unquoted field */
	SPLIT_BAD("x,a\"b");
	SPLIT_BAD("\"abc"); /* unterminated */
	SPLIT_BAD("x,\"abc");
	SPLIT_BAD("\"a\"b,c"); /* text after the closing quote */
	SPLIT_BAD("\"a\" ,b"); /* even a space */
	SPLIT_BAD(" \"a\",b"); /* a space before the opening quote */
	SPLIT_BAD("\"a\"\nb"); /* two records */
	SPLIT_BAD("\"a\",x\nb,c");
	SPLIT_BAD("\"");
}

static void test_event__split_more_than_max(void **state)
{
	struct ec_splitter *s = ec_splitter_new();
	struct ec_str f[4];
	(void)state;
	f[3].p = NULL;
	f[3].n = 99;
	assert_int_equal(ec_splitter_split(s, "a,b,c,d,e", 9, f, 3), 5);
	assert_memory_equal(f[2].p, "c", 1);
	assert_null(f[3].p); /* untouched */
	assert_int_equal(ec_splitter_split(s, "\"a\",b,c,d,e", 11, f, 3), 5);
	assert_int_equal(f[0].n, 1);
	assert_memory_equal(f[0].p, "a", 1);
	assert_memory_equal(f[2].p, "c", 1);
	assert_null(f[3].p);
	assert_int_equal(ec_splitter_split(s, "a,b", 3, f, 0), 2);
	assert_int_equal(ec_splitter_split(s, "\"a\",b", 5, f, 0), 2);
	assert_null(f[3].p);
	ec_splitter_free(s);
}

/* A wide quoted record: with max large enough, every field is filled
 * (reader.h: only fields beyond max are left out). 100 fields, the i-th
 * being the decimal number i, the first quoted. */
static void test_event__split_wide_quoted(void **state)
{
	char rec[1024];
	struct ec_str f[128];
	size_t n = 0;
	struct ec_splitter *s = ec_splitter_new();
	(void)state;
	n += (size_t)snprintf(rec, sizeof(rec), "\"0\"");
	for (int i = 1; i < 100; i++)
		n += (size_t)snprintf(rec + n, sizeof(rec) - n, ",%d", i);
	memset(f, 0, sizeof(f));
	assert_int_equal(ec_splitter_split(s, rec, n, f, 128), 100);
	for (int i = 0; i < 100; i++) {
		char want[8];
		int wn = snprintf(want, sizeof(want), "%d", i);
		if (!f[i].p || f[i].n != (size_t)wn || memcmp(f[i].p, want, (size_t)wn) != 0)
			fail_msg("field %d of 100 is not filled with \"%s\"", i, want);
	}
	ec_splitter_free(s);
}

/* One splitter reused after each kind of malformed record must split the
 * next good quoted record as a fresh one would. */
static void test_event__split_reuse_after_error(void **state)
{
	static const char *const bad[] = {
	    "\"abc", "x,\"abc", "a\"b,c", "\"a\"b,c", "\"a\"\nb",
	};
	struct ec_splitter *s = ec_splitter_new();
	struct ec_str f[4];
	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		assert_int_equal(ec_splitter_split(s, bad[i], strlen(bad[i]), f, 4), -1);
		int k = ec_splitter_split(s, "\"x,y\",z", 7, f, 4);
		if (k != 2)
			fail_msg("after \"%s\": \"x,y\",z split into %d fields, expected 2", bad[i],
				 k);
		assert_int_equal(f[0].n, 3);
		assert_memory_equal(f[0].p, "x,y", 3);
		assert_memory_equal(f[1].p, "z", 1);
	}
	ec_splitter_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_event__time_valid),
	    cmocka_unit_test(test_event__time_no_such_day),
	    cmocka_unit_test(test_event__time_bad_shape),
	    cmocka_unit_test(test_event__time_round_trip_random),
	    cmocka_unit_test(test_event__time_format_fixed),
	    cmocka_unit_test(test_event__days_round_trip),
	    cmocka_unit_test(test_event__id_plain),
	    cmocka_unit_test(test_event__id_decimal),
	    cmocka_unit_test(test_event__id_exponent),
	    cmocka_unit_test(test_event__id_exponent_long_fraction),
	    cmocka_unit_test(test_event__id_malformed),
	    cmocka_unit_test(test_event__price_valid),
	    cmocka_unit_test(test_event__price_malformed),
	    cmocka_unit_test(test_event__price_random_vs_strtod),
	    cmocka_unit_test(test_event__type_parse),
	    cmocka_unit_test(test_event__header_standard),
	    cmocka_unit_test(test_event__header_permuted_extra),
	    cmocka_unit_test(test_event__header_bom),
	    cmocka_unit_test(test_event__header_missing),
	    cmocka_unit_test(test_event__header_duplicate_first_wins),
	    cmocka_unit_test(test_event__row_good),
	    cmocka_unit_test(test_event__row_bad_fields),
	    cmocka_unit_test(test_event__row_field_count),
	    cmocka_unit_test(test_event__row_permuted_columns),
	    cmocka_unit_test(test_event__split_plain),
	    cmocka_unit_test(test_event__split_quoted),
	    cmocka_unit_test(test_event__split_malformed),
	    cmocka_unit_test(test_event__split_more_than_max),
	    cmocka_unit_test(test_event__split_wide_quoted),
	    cmocka_unit_test(test_event__split_reuse_after_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
