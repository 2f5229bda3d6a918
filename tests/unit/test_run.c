/* Unit tests of the run manifest (run.h): run id checks, where a manifest
 * goes, what a failed or refused run leaves, the password. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SCRATCH_NAME "run"
#include "scratch_dir.h"

#include "ecomctl/json.h"
#include "ecomctl/run.h"

static void test_run__bad_ids_refused(void **state)
{
	(void)state;
	const char *bad[] = {
	    "",
	    "../x",
	    "a/b",
	    ".hidden",
	    "sp ace",
	    "x\n",
	    "0123456789012345678901234567890123456789012345678901234567890123456789"};
	char *argv[] = {"sessions", NULL};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ec_run *r = (struct ec_run *)1;
		struct ec_err err = {0};
		assert_int_equal(ec_run_begin(&r, "sessions", 1, argv, NULL, 0, bad[i], dir, &err),
				 EC_EUSAGE);
		assert_null(r);
		assert_non_null(strstr(err.msg, "--run-id"));
	}
}

static void test_run__written_and_redacted(void **state)
{
	(void)state;
	char *argv[] = {"score", "--mongo-uri", "mongodb://u:s3cr%40t@h/db", "in.csv", NULL};
	char *inputs[] = {"in.csv"};
	struct ec_run *r;
	struct ec_err err = {0};
	assert_int_equal(
	    ec_run_begin(&r, "score", 4, argv, inputs, 1, "r-1.a:b", path_of("runs"), &err), 0);
	assert_string_equal(ec_run_id(r), "r-1.a:b");
	ec_json_add_u64(ec_run_counts(r), "scored_sessions", 7);
	ec_run_output(r, path_of("missing.csv"));
	assert_int_equal(ec_run_end(r, 65, "in.csv:3: bad"), 65);

	struct ec_json *m;
	assert_int_equal(ec_json_read_file(&m, path_of("runs/r-1.a:b.json"), &err), 0);
	assert_string_equal(ec_json_str(ec_json_get(m, "outcome"), ""), "failed");
	assert_int_equal((int)ec_json_num(ec_json_get(m, "exit_status"), -1), 65);
	assert_string_equal(ec_json_str(ec_json_get(m, "error"), ""), "in.csv:3: bad");
	assert_int_equal(
	    (int)ec_json_num(ec_json_get(ec_json_get(m, "counts"), "scored_sessions"), 0), 7);
	assert_string_equal(ec_json_str(ec_json_get(m, "command_line"), ""),
			    "ecomctl score --mongo-uri mongodb://u:***@h/db in.csv");
	char *text = ec_json_print(m, 0);
	assert_null(strstr(text, "s3cr"));
	free(text);
	struct ec_json *outs = ec_json_get(m, "outputs");
	assert_int_equal(ec_json_size(outs), 1);
	assert_int_equal(ec_json_type(ec_json_get(ec_json_at(outs, 0), "size")), EC_JSON_NULL);
	ec_json_free(m);
	/* No temporary file left beside it (.<name>.<hex>.tmp). */
	DIR *runs = opendir(path_of("runs"));
	assert_non_null(runs);
	for (struct dirent *e; (e = readdir(runs));)
		assert_null(strstr(e->d_name, ".tmp"));
	closedir(runs);
}

static void test_run__refused_runs_leave_nothing(void **state)
{
	(void)state;
	char *argv[] = {"sessions", NULL};
	const int codes[] = {64, 78};
	for (int i = 0; i < 2; i++) {
		struct ec_run *r;
		struct ec_err err = {0};
		assert_int_equal(
		    ec_run_begin(&r, "sessions", 1, argv, NULL, 0, "refused", path_of("r2"), &err),
		    0);
		assert_int_equal(ec_run_end(r, codes[i], "no"), codes[i]);
		assert_int_equal(access(path_of("r2"), F_OK), -1);
	}
}

static void test_run__cannot_write_fails_a_good_run(void **state)
{
	(void)state;
	FILE *f = fopen(path_of("file"), "w");
	assert_non_null(f);
	fclose(f);
	char *argv[] = {"sessions", NULL};
	struct ec_run *r;
	struct ec_err err = {0};
	assert_int_equal(
	    ec_run_begin(&r, "sessions", 1, argv, NULL, 0, NULL, path_of("file/runs"), &err), 0);
	assert_int_equal(ec_run_end(r, 0, NULL), 73);
	assert_int_equal(ec_run_end(NULL, 66, NULL), 66);
}

static void test_run__output_dir(void **state)
{
	(void)state;
	char buf[256];
	ec_run_output_dir("out/a/s.csv", buf, sizeof(buf));
	assert_string_equal(buf, "out/a");
	ec_run_output_dir("s.csv", buf, sizeof(buf));
	assert_string_equal(buf, ".");
	ec_run_output_dir("-", buf, sizeof(buf));
	assert_string_equal(buf, "output");
	ec_run_output_dir("/dev/null", buf, sizeof(buf));
	assert_string_equal(buf, "output");
	ec_run_output_dir("/s.csv", buf, sizeof(buf));
	assert_string_equal(buf, "/");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_run__bad_ids_refused),
	    cmocka_unit_test(test_run__written_and_redacted),
	    cmocka_unit_test(test_run__refused_runs_leave_nothing),
	    cmocka_unit_test(test_run__cannot_write_fails_a_good_run),
	    cmocka_unit_test(test_run__output_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
