/*
 * test_event_number.c -- unit tests of event.h's number rule for ids and prices: fixed
 * cases worked out by hand, and seeded random prices against strtod.
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

/* Random digit strings of 1 to 24 bytes, some with one byte that is not
 * a digit (those next to the digits in ASCII among them), against a
 * 128-bit digit loop: ids are read eight digits at a time. */
static void test_event__id_random_vs_digit_loop(void **state)
{
	static const char odd[] = "/:a \x00\xff.";
	char buf[32];
	(void)state;
	rng_state = 11;
	for (int round = 0; round < 200000; round++) {
		size_t n = 1 + rng_below(24);
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)('0' + rng_below(10));
		int bad = rng_below(4) == 0;
		if (bad)
			buf[rng_below((uint32_t)n)] = odd[rng_below(sizeof(odd) - 1)];
		unsigned __int128 want = 0;
		int digits = 1;
		for (size_t i = 0; i < n; i++) {
			if ((unsigned)(buf[i] - '0') >= 10)
				digits = 0;
			else if (want <= UINT64_MAX)
				want = want * 10 + (unsigned)(buf[i] - '0');
		}
		uint64_t v = 0;
		uint8_t fl = 0;
		int rc = ec_parse_id(buf, n, &v, &fl);
		if (digits && want <= UINT64_MAX) {
			assert_int_equal(rc, 0);
			assert_true(v == (uint64_t)want);
			assert_int_equal(fl, 0);
		} else if (digits || !memchr(buf, '.', n)) {
			assert_int_equal(rc, -1); /* too big, or not a number */
		}
	}
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_event__id_plain),
	    cmocka_unit_test(test_event__id_random_vs_digit_loop),
	    cmocka_unit_test(test_event__id_decimal),
	    cmocka_unit_test(test_event__id_exponent),
	    cmocka_unit_test(test_event__id_exponent_long_fraction),
	    cmocka_unit_test(test_event__id_malformed),
	    cmocka_unit_test(test_event__price_valid),
	    cmocka_unit_test(test_event__price_malformed),
	    cmocka_unit_test(test_event__price_random_vs_strtod),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
