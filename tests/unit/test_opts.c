/* Unit tests of the option parser: numeric ranges, from every source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ecomctl/opts.h"

#define SCRATCH_NAME "opts"
#include "scratch_dir.h"

static int64_t rows, wait_s;
static double frac;

static const struct ec_opt table[] = {
    {"max-bad-rows", 0, EC_OPT_INT, &rows, "N", "rows", EC_OPT_RANGE(0, 1e15), 0},
    {"max-bad-fraction", 0, EC_OPT_DOUBLE, &frac, "F", "share", EC_OPT_RANGE(0, 1), 0},
    {"valid-fraction", 0, EC_OPT_DOUBLE, &frac, "F", "share",
     EC_OPT_RANGE_OPEN(0, 1, EC_RANGE_OPEN_MIN | EC_RANGE_OPEN_MAX), 0},
    {"lock-wait", 0, EC_OPT_DURATION, &wait_s, "DUR", "wait", EC_OPT_RANGE(0, 86400), 0},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
};
static const struct ec_cmd_usage usage = {"t", "", "", table, NULL};

/* Parses argv (NULL-terminated, without the command name) with fresh
 * defaults; returns the parser's code, the message in err. */
static int parse(struct ec_err *err, const char *a1, const char *a2)
{
	char *argv[4] = {"t", (char *)a1, (char *)a2, NULL};
	struct ec_opts_result res;
	rows = -1;
	frac = 0.05;
	wait_s = 30;
	memset(err, 0, sizeof(*err));
	int rc = ec_opts_parse(&usage, a1 ? (a2 ? 3 : 2) : 1, argv, &res, err);
	ec_opts_release();
	return rc;
}

static void test_opts__flag_out_of_range_is_usage(void **state)
{
	(void)state;
	struct ec_err err;
	assert_int_equal(parse(&err, "--max-bad-fraction", "-0.1"), EC_EUSAGE);
	assert_string_equal(err.msg, "t: --max-bad-fraction: -0.1 is out of range [0, 1]");
	assert_true(frac == 0.05); /* the default is kept, not the bad value */
	assert_int_equal(parse(&err, "--max-bad-rows", "-1"), EC_EUSAGE);
	assert_string_equal(err.msg, "t: --max-bad-rows: -1 is out of range [0, 1000000000000000]");
	assert_int_equal(rows, -1);
	assert_int_equal(parse(&err, "--max-bad-fraction", "1.5"), EC_EUSAGE);
	assert_int_equal(parse(&err, "--lock-wait", "2d"), EC_EUSAGE);
	assert_string_equal(err.msg, "t: --lock-wait: 2d is out of range [0s, 1d]");
}

static void test_opts__bounds(void **state)
{
	(void)state;
	struct ec_err err;
	assert_int_equal(parse(&err, "--max-bad-fraction", "0"), 0);
	assert_true(frac == 0);
	assert_int_equal(parse(&err, "--max-bad-fraction", "1"), 0);
	assert_int_equal(parse(&err, "--max-bad-rows", "0"), 0);
	assert_int_equal(rows, 0);
	assert_int_equal(parse(&err, "--lock-wait", "1d"), 0);
	assert_int_equal(wait_s, 86400);
	/* open bounds */
	assert_int_equal(parse(&err, "--valid-fraction", "0.5"), 0);
	assert_int_equal(parse(&err, "--valid-fraction", "0"), EC_EUSAGE);
	assert_string_equal(err.msg, "t: --valid-fraction: 0 is out of range (0, 1)");
	assert_int_equal(parse(&err, "--valid-fraction", "1"), EC_EUSAGE);
}

static void test_opts__env_out_of_range_is_config(void **state)
{
	(void)state;
	struct ec_err err;
	setenv("ECOMCTL_MAX_BAD_ROWS", "-5", 1);
	assert_int_equal(parse(&err, NULL, NULL), EC_ECONFIG);
	assert_string_equal(err.msg,
			    "ECOMCTL_MAX_BAD_ROWS: -5 is out of range [0, 1000000000000000]");
	/* a flag in range overrides it: the environment is still checked */
	assert_int_equal(parse(&err, "--max-bad-rows", "3"), EC_ECONFIG);
	setenv("ECOMCTL_MAX_BAD_ROWS", "7", 1);
	assert_int_equal(parse(&err, NULL, NULL), 0);
	assert_int_equal(rows, 7);
	unsetenv("ECOMCTL_MAX_BAD_ROWS");
}

static void test_opts__config_out_of_range_is_config(void **state)
{
	(void)state;
	struct ec_err err;
	char path[300], arg[320];
	snprintf(path, sizeof(path), "%s", path_of("c.json"));
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"max-bad-fraction\": -0.25, \"t\": {\"lock-wait\": \"5m\"}}", f);
	fclose(f);
	snprintf(arg, sizeof(arg), "--config=%s", path);
	assert_int_equal(parse(&err, arg, NULL), EC_ECONFIG);
	assert_non_null(strstr(err.msg, "c.json: max-bad-fraction: -0.25 is out of range [0, 1]"));
	f = fopen(path, "w");
	fputs("{\"t\": {\"max-bad-rows\": 12}}", f);
	fclose(f);
	assert_int_equal(parse(&err, arg, NULL), 0);
	assert_int_equal(rows, 12);
}

static void test_opts__numeric_option_without_range_is_refused(void **state)
{
	(void)state;
	int64_t n = 0;
	const struct ec_opt bad[] = {
	    {"n", 0, EC_OPT_INT, &n, "N", "no range", NULL, 0},
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage u = {"t", "", "", bad, NULL};
	char *argv[] = {"t", NULL};
	struct ec_opts_result res;
	struct ec_err err = {0};
	assert_int_equal(ec_opts_parse(&u, 1, argv, &res, &err), EC_EINTERNAL);
	assert_string_equal(err.msg, "t: --n has no range");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_opts__flag_out_of_range_is_usage),
	    cmocka_unit_test(test_opts__bounds),
	    cmocka_unit_test(test_opts__env_out_of_range_is_config),
	    cmocka_unit_test(test_opts__config_out_of_range_is_config),
	    cmocka_unit_test(test_opts__numeric_option_without_range_is_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
