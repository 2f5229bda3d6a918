/* Unit tests of grid.h: expansion of the three forms, and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ecomctl/grid.h"
#include "ecomctl/json.h"

static int expand(struct ec_json *out[2], const char *text, struct ec_err *err)
{
	struct ec_json *g = NULL;
	assert_int_equal(ec_json_parse(&g, text, strlen(text), "g", err), 0);
	int rc = ec_grid_expand(out, g, "g", err);
	ec_json_free(g);
	return rc;
}

static double param(const struct ec_json *trials, size_t i, const char *name)
{
	return ec_json_num(ec_json_get(ec_json_at(trials, i), name), -1);
}

static void test_grid__product_for_both_tasks(void **state)
{
	struct ec_json *out[2];
	struct ec_err err = {0};
	(void)state;
	assert_int_equal(expand(out, "{\"max_depth\": [2, 4, 6], \"eta\": [0.3, 0.1]}", &err), 0);
	for (int t = 0; t < 2; t++) {
		assert_int_equal(ec_json_size(out[t]), 6);
		/* the last parameter varies fastest */
		assert_true(param(out[t], 0, "max_depth") == 2 && param(out[t], 0, "eta") == 0.3);
		assert_true(param(out[t], 1, "max_depth") == 2 && param(out[t], 1, "eta") == 0.1);
		assert_true(param(out[t], 5, "max_depth") == 6 && param(out[t], 5, "eta") == 0.1);
	}
	ec_json_free(out[0]);
	ec_json_free(out[1]);
}

static void test_grid__per_task_and_list(void **state)
{
	struct ec_json *out[2];
	struct ec_err err = {0};
	(void)state;
	assert_int_equal(expand(out, "{\"category\": [{\"max_depth\": 3}, {\"gamma\": 1}]}", &err),
			 0);
	assert_null(out[0]);
	assert_int_equal(ec_json_size(out[1]), 2);
	assert_true(param(out[1], 1, "gamma") == 1);
	ec_json_free(out[1]);
}

static void test_grid__refusals(void **state)
{
	static const char *const bad[][2] = {
	    {"{}", "g: expected a non-empty object"},
	    {"[]", "g: expected a non-empty object"},
	    {"{\"intent\": []}", "g: intent: expected a non-empty object"},
	    {"{\"eta\": [2]}", "g: eta, value 1: 2 is out of range (0, 1]"},
	    {"{\"max_bin\": [1]}", "g: max_bin, value 1: 1 is out of range [2, 65536]"},
	    {"[{\"nthread\": 4}]", "g: trial 1: nthread: unknown parameter"},
	    {"{\"intent\": {\"eta\": [0.1]}, \"intent\": [{\"eta\": 0.2}]}",
	     "g: intent: given twice"},
	    {"\"eta\"", "g: expected a non-empty object"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ec_json *out[2] = {NULL, NULL};
		struct ec_err err = {0};
		assert_int_equal(expand(out, bad[i][0], &err), EC_EUSAGE);
		assert_null(out[0]);
		assert_null(out[1]);
		if (strncmp(err.msg, bad[i][1], strlen(bad[i][1])) != 0)
			fail_msg("%s: got '%s', expected '%s...'", bad[i][0], err.msg, bad[i][1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_grid__product_for_both_tasks),
	    cmocka_unit_test(test_grid__per_task_and_list),
	    cmocka_unit_test(test_grid__refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
