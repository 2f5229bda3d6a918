/* What an exit() removes (cleanup.h): armed temporary files and held lock
 * files, never a reserved name that is not ours yet. Each case runs in a
 * child process that exits as ec_xmalloc() does on out of memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ecomctl/cleanup.h"
#include "ecomctl/lock.h"

#define SCRATCH_NAME "cleanup"
#include "scratch_dir.h"

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
}

/* Runs fn in a child that then exits 70; returns its exit status. */
static int in_child(void (*fn)(void))
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		ec_signals_install();
		fn();
		exit(70);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void reserve_and_arm(void)
{
	ec_tempfile_reserve(path_of("reserved"));
	ec_tempfile_arm(ec_tempfile_reserve(path_of("armed")));
	ec_tempfile_add(path_of("added"));
}

static void test_cleanup__exit_removes_armed_only(void **state)
{
	(void)state;
	touch(path_of("reserved"));
	touch(path_of("armed"));
	touch(path_of("added"));
	assert_int_equal(in_child(reserve_and_arm), 70);
	assert_int_equal(access(path_of("reserved"), F_OK), 0);
	assert_int_not_equal(access(path_of("armed"), F_OK), 0);
	assert_int_not_equal(access(path_of("added"), F_OK), 0);
}

/* Held from a global, so that LeakSanitizer does not count the lock the
 * child exits with as a leak. */
static struct ec_lock *held;

static void hold_lock(void)
{
	struct ec_err err = {0};
	if (ec_lock_output(&held, path_of("out.csv"), "child", 0, &err) != 0 || !held)
		exit(1);
	if (access(path_of(".out.csv.lock"), F_OK) != 0)
		exit(2);
}

static void test_cleanup__exit_removes_held_lock(void **state)
{
	(void)state;
	assert_int_equal(in_child(hold_lock), 70);
	assert_int_not_equal(access(path_of(".out.csv.lock"), F_OK), 0);
}

static void test_cleanup__exit_keeps_others_lock(void **state)
{
	struct ec_lock *l = NULL;
	struct ec_err err = {0};
	int go[2];
	char c = 0;
	(void)state;
	assert_int_equal(pipe(go), 0);
	/* Forked before the parent locks, so that the child's table of files
	 * to remove is its own: it finds the lock busy, gives up and exits;
	 * the parent's lock file stays. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct ec_lock *l2 = NULL;
		struct ec_err e2 = {0};
		ec_signals_install();
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			exit(1);
		int rc = ec_lock_output(&l2, path_of("busy.csv"), "child", 0, &e2);
		exit(rc == EC_ETEMPFAIL ? 70 : 1);
	}
	close(go[0]);
	assert_int_equal(ec_lock_output(&l, path_of("busy.csv"), "parent", 0, &err), 0);
	assert_int_equal(write(go[1], "x", 1), 1);
	close(go[1]);
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_int_equal(WEXITSTATUS(st), 70);
	assert_int_equal(access(path_of(".busy.csv.lock"), F_OK), 0);
	ec_lock_release(l);
	assert_int_not_equal(access(path_of(".busy.csv.lock"), F_OK), 0);
}

static void add_and_abort(void)
{
	ec_tempfile_add(path_of("aborted.tmp"));
	abort(); /* as libxgboost's std::terminate does */
}

/* abort() inside a library: the temporary files are removed, and the
 * process still dies of SIGABRT. */
static void test_cleanup__abort_removes_temps(void **state)
{
	(void)state;
	touch(path_of("aborted.tmp"));
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		ec_signals_install();
		add_and_abort();
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
	assert_int_not_equal(access(path_of("aborted.tmp"), F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cleanup__exit_removes_armed_only),
	    cmocka_unit_test(test_cleanup__exit_removes_held_lock),
	    cmocka_unit_test(test_cleanup__exit_keeps_others_lock),
	    cmocka_unit_test(test_cleanup__abort_removes_temps),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
