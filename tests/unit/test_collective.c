/*
 * test_collective.c -- unit tests of collective.h in one process (no
 * tracker): every call is a no-op or the single-process computation, and
 * the DMLC_* variables are checked before XGBoost is asked to join. The
 * distributed behaviour is checked by cli.train.distributed_tracker.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ecomctl/collective.h"
#include "ecomctl/learn.h"

static void test_collective__single_process(void **state)
{
	assert_int_equal(ec_coll_active(), 0);
	assert_int_equal(ec_coll_rank(), 0);
	assert_int_equal(ec_coll_size(), 1);
	struct ec_err err = {0};
	double v[2] = {1.5, -2};
	assert_int_equal(ec_coll_sum(v, 2, &err), 0);
	assert_true(v[0] == 1.5 && v[1] == -2);
	char *all = NULL;
	size_t off[2];
	assert_int_equal(ec_coll_allgather(&all, off, "abc", 3, &err), 0);
	assert_int_equal(off[0], 0);
	assert_int_equal(off[1], 3);
	assert_memory_equal(all, "abc", 3);
	free(all);
	ec_coll_finalize(); /* not joined: nothing to leave */
}

/* The split and the merge of one process: those of learn.h, set unchanged. */
static void test_collective__split_and_merge(void **state)
{
	const int64_t st[] = {0, 10, 20, 30, 40, 50, 60, 61, 62, 63};
	const unsigned char pos[] = {1, 0, 1, 0, 1, 0, 0, 1, 0, 1};
	struct ec_err err = {0};
	int64_t t = 0;
	assert_int_equal(ec_coll_split_share(&t, st, pos, 10, 0.2, 100, &err), 0);
	assert_int_equal(t, ec_split_share(st, pos, 10, 0.2, 100));
	struct ec_iset s;
	ec_iset_init(&s, 2);
	for (int i = 0; i < 10; i++) {
		float x[2] = {(float)i, (float)(2 * i)};
		assert_int_equal(ec_iset_add(&s, x, pos[i], st[i], &err), 0);
	}
	assert_int_equal(ec_coll_merge_iset(&s, 7, &err), 0);
	assert_int_equal(s.n, 10);
	assert_true(s.x[19] == 18.0f && s.y[9] == 1 && s.start[9] == 63);
	ec_iset_release(&s);
	struct ec_cset c;
	ec_cset_init(&c, 1);
	assert_int_equal(ec_coll_merge_cset(&c, 0, &err), 0);
	assert_int_equal(c.n_s, 0);
	ec_cset_release(&c);
}

/* The variables are checked first: EC_ECONFIG, no connection tried. */
static void test_collective__env(void **state)
{
	struct ec_err err = {0};
	unsetenv("DMLC_TRACKER_URI");
	assert_int_equal(ec_coll_wanted(), 0);
	setenv("DMLC_TRACKER_URI", "", 1);
	assert_int_equal(ec_coll_wanted(), 0);
	setenv("DMLC_TRACKER_URI", "tracker.example", 1);
	assert_int_equal(ec_coll_wanted(), 1);
	unsetenv("DMLC_TRACKER_PORT");
	assert_int_equal(ec_coll_init(0, 2, &err), EC_ECONFIG);
	assert_non_null(strstr(err.msg, "DMLC_TRACKER_PORT"));
	setenv("DMLC_TRACKER_PORT", "70000", 1);
	assert_int_equal(ec_coll_init(0, 2, &err), EC_ECONFIG);
	setenv("DMLC_TRACKER_PORT", "9091", 1);
	setenv("DMLC_TASK_ID", "-1", 1);
	assert_int_equal(ec_coll_init(0, 2, &err), EC_ECONFIG);
	assert_non_null(strstr(err.msg, "DMLC_TASK_ID"));
	setenv("DMLC_TRACKER_URI", "a\"b", 1); /* would break the JSON config */
	assert_int_equal(ec_coll_init(0, 2, &err), EC_ECONFIG);
	assert_non_null(strstr(err.msg, "DMLC_TRACKER_URI"));
	assert_int_equal(ec_coll_active(), 0);
	unsetenv("DMLC_TRACKER_URI");
	unsetenv("DMLC_TRACKER_PORT");
	unsetenv("DMLC_TASK_ID");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_collective__single_process),
	    cmocka_unit_test(test_collective__split_and_merge),
	    cmocka_unit_test(test_collective__env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
