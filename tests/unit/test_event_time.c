/*
 * test_event_time.c -- unit tests of event.h's timestamps: fixed cases worked out by
 * hand, and seeded random dates against a naive day counter.
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

#include "seeded_rng.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

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

/* The time in s (23 bytes), checked a character at a time against the
 * pattern, the slow way; -1 when it is not one. */
static int naive_parse(const char *s, int64_t *t)
{
	static const char pat[] = "dddd-dd-dd dd:dd:dd UTC";
	int v[23];
	for (int i = 0; i < 23; i++) {
		if (pat[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != pat[i])
			return -1;
		v[i] = s[i] - '0';
	}
	int y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3], m = v[5] * 10 + v[6];
	int d = v[8] * 10 + v[9], h = v[11] * 10 + v[12], mi = v[14] * 10 + v[15];
	int se = v[17] * 10 + v[18];
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m) || h > 23 || mi > 59 ||
	    se > 59)
		return -1;
	*t = naive_days(y, m, d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

/* Every byte of a few times set to each of its 256 values in turn, in a
 * buffer of exactly 23 bytes (so that ASan sees a read past it): the parser
 * agrees with the slow one on each. */
static void test_event__time_one_byte_changed(void **state)
{
	static const char *const base[] = {"2019-10-01 00:00:00 UTC", "2020-02-29 23:59:59 UTC",
					   "1970-01-01 09:09:09 UTC", "2099-12-31 19:50:40 UTC",
					   "2019-11-30 10:20:30 UTC"};
	char *buf = malloc(23);
	(void)state;
	assert_non_null(buf);
	for (size_t b = 0; b < N(base); b++)
		for (int i = 0; i < 23; i++)
			for (int c = 0; c < 256; c++) {
				memcpy(buf, base[b], 23);
				buf[i] = (char)c;
				int64_t t = -1, want = -2;
				int rc = ec_time_parse(buf, 23, &t),
				    want_rc = naive_parse(buf, &want);
				if (rc != want_rc || (rc == 0 && t != want))
					fail_msg("\"%.23s\": %d %lld, want %d %lld", buf, rc,
						 (long long)t, want_rc, (long long)want);
			}
	free(buf);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_event__time_valid),
	    cmocka_unit_test(test_event__time_no_such_day),
	    cmocka_unit_test(test_event__time_bad_shape),
	    cmocka_unit_test(test_event__time_one_byte_changed),
	    cmocka_unit_test(test_event__time_round_trip_random),
	    cmocka_unit_test(test_event__time_format_fixed),
	    cmocka_unit_test(test_event__days_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
