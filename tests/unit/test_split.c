/*
 * test_split.c -- unit tests of the CSV splitter declared at the end of reader.h.
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
	    cmocka_unit_test(test_event__split_plain),
	    cmocka_unit_test(test_event__split_quoted),
	    cmocka_unit_test(test_event__split_malformed),
	    cmocka_unit_test(test_event__split_more_than_max),
	    cmocka_unit_test(test_event__split_wide_quoted),
	    cmocka_unit_test(test_event__split_reuse_after_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
