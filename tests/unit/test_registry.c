/*
 * test_registry.c -- unit tests of registry.h: reference parsing, version
 * numbering (including directories left by a crashed run), alias moves,
 * rollback, the registry.json round trip and the lock (held by a child
 * process: POSIX record locks are per process).
 */
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ecomctl/json.h"
#include "ecomctl/registry.h"
#include "ecomctl/sha256.h"

#define SCRATCH_NAME "registry"
#include "scratch_dir.h"

static void test_registry__ref_parse(void **state)
{
	struct ec_model_ref r;
	struct ec_err err = {0};
	assert_int_equal(ec_model_ref_parse(&r, "intent", &err), 0);
	assert_int_equal(r.task, 0);
	assert_string_equal(r.alias, "production");
	assert_int_equal(r.version, 0);
	assert_int_equal(ec_model_ref_parse(&r, "category@v12", &err), 0);
	assert_int_equal(r.task, 1);
	assert_int_equal(r.version, 12);
	assert_string_equal(r.alias, "");
	assert_int_equal(ec_model_ref_parse(&r, "intent@staging", &err), 0);
	assert_string_equal(r.alias, "staging");
	assert_int_equal(ec_model_ref_parse(&r, "intent@latest", &err), 0);
	assert_string_equal(r.alias, "latest");
	assert_int_equal(ec_model_ref_parse(&r, "intent@canary-2", &err), 0);

	const char *bad[] = {"",	   "funnel",	 "intent@",	"intent@v0",
			     "intent@v01", "intent@V3",	 "intent@Prod", "intent@3",
			     "@v1",	   "intentx@v1", "intent@a b",	"intent@v12345678901",
			     NULL};
	for (int i = 0; bad[i]; i++) {
		err.msg[0] = 0;
		assert_int_equal(ec_model_ref_parse(&r, bad[i], &err), EC_EUSAGE);
		assert_true(strlen(err.msg) > 0);
	}
	assert_false(ec_registry_alias_ok("latest"));
	assert_false(ec_registry_alias_ok("v7"));
	assert_true(ec_registry_alias_ok("v7x"));
	assert_false(ec_registry_alias_ok("0abc"));
}

static struct ec_reg_version ver(uint32_t v)
{
	struct ec_reg_version r = {.version = v, .metric = 0.5};
	strcpy(r.created_at, "2024-01-01 00:00:00 UTC");
	strcpy(r.metric_name, "pr_auc");
	return r;
}

static void test_registry__numbering_and_aliases(void **state)
{
	struct ec_registry *r = NULL;
	struct ec_err err = {0};
	char path[256], want[256];
	uint32_t v, now;
	struct ec_model_ref ref;

	assert_int_equal(ec_registry_open(&r, dir, 1, &err), 0);
	ec_model_ref_parse(&ref, "intent", &err);
	assert_int_equal(ec_registry_resolve(r, &ref, &v, &err), EC_ENOINPUT);
	assert_non_null(strstr(err.msg, "no intent model"));

	assert_int_equal(ec_registry_claim(r, 0, &v, path, sizeof(path), &err), 0);
	assert_int_equal(v, 1);
	snprintf(want, sizeof(want), "%s/intent/v1", dir);
	assert_string_equal(path, want);
	struct ec_reg_version e = ver(1);
	ec_registry_add(r, 0, &e);
	/* The first version becomes production. */
	assert_int_equal(ec_registry_alias(r, 0, "production"), 1);

	/* A crashed run left v2 and v3 unregistered: the next claim is v4. */
	snprintf(path, sizeof(path), "%s/intent/v2", dir);
	assert_int_equal(mkdir(path, 0777), 0);
	snprintf(path, sizeof(path), "%s/intent/v3", dir);
	assert_int_equal(mkdir(path, 0777), 0);
	assert_int_equal(ec_registry_claim(r, 0, &v, path, sizeof(path), &err), 0);
	assert_int_equal(v, 4);
	e = ver(4);
	ec_registry_add(r, 0, &e);
	/* A later version does not move production by itself. */
	assert_int_equal(ec_registry_alias(r, 0, "production"), 1);
	assert_int_equal(ec_registry_claim(r, 0, &v, path, sizeof(path), &err), 0);
	assert_int_equal(v, 5);
	e = ver(5);
	ec_registry_add(r, 0, &e);
	/* Category numbering is its own. */
	assert_int_equal(ec_registry_claim(r, 1, &v, path, sizeof(path), &err), 0);
	assert_int_equal(v, 1);

	assert_int_equal(ec_registry_set_alias(r, 0, "staging", 5, &err), 0);
	assert_int_equal(ec_registry_set_alias(r, 0, "production", 4, &err), 0);
	assert_int_equal(ec_registry_set_alias(r, 0, "production", 5, &err), 0);
	assert_int_equal(ec_registry_set_alias(r, 0, "production", 5, &err), 0); /* no-op */
	assert_int_equal(ec_registry_set_alias(r, 0, "production", 3, &err), EC_ENOINPUT);
	assert_int_equal(ec_registry_set_alias(r, 0, "Bad", 5, &err), EC_EUSAGE);
	assert_int_equal(ec_registry_save(r, &err), 0);
	ec_registry_free(r);

	/* Reopened from registry.json: the same state. */
	assert_int_equal(ec_registry_open(&r, dir, 1, &err), 0);
	assert_int_equal(r->task[0].n_v, 3);
	assert_int_equal(ec_registry_alias(r, 0, "production"), 5);
	assert_int_equal(ec_registry_alias(r, 0, "staging"), 5);
	assert_true(fabs(ec_registry_find(r, 0, 4)->metric - 0.5) < 1e-12);
	assert_string_equal(ec_registry_find(r, 0, 4)->metric_name, "pr_auc");
	ec_model_ref_parse(&ref, "intent@latest", &err);
	assert_int_equal(ec_registry_resolve(r, &ref, &v, &err), 0);
	assert_int_equal(v, 5);
	ec_model_ref_parse(&ref, "intent@v2", &err);
	assert_int_equal(ec_registry_resolve(r, &ref, &v, &err), EC_ENOINPUT);
	assert_non_null(strstr(err.msg, "v1..v5"));
	ec_model_ref_parse(&ref, "intent@canary", &err);
	assert_int_equal(ec_registry_resolve(r, &ref, &v, &err), EC_ENOINPUT);
	assert_non_null(strstr(err.msg, "no such alias"));

	/* Production went 1 -> 4 -> 5: rollback gives 4, then 1, then nothing. */
	assert_int_equal(ec_registry_rollback(r, 0, &now, &err), 0);
	assert_int_equal(now, 4);
	assert_int_equal(ec_registry_rollback(r, 0, &now, &err), 0);
	assert_int_equal(now, 1);
	assert_int_equal(ec_registry_alias(r, 0, "production"), 1);
	assert_int_equal(ec_registry_rollback(r, 0, &now, &err), EC_ENOINPUT);
	assert_int_equal(ec_registry_rollback(r, 1, &now, &err), EC_ENOINPUT);
	ec_registry_free(r);
}

static void test_registry__bad_file(void **state)
{
	char path[256];
	struct ec_registry *r = NULL;
	struct ec_err err = {0};
	const char *texts[] = {"{\"format\": 1, \"intent\": {\"versions\": [{\"version\": 0}],"
			       " \"aliases\": {}, \"production_history\": []}}",
			       "{\"format\": 2}", "[1, 2]", "{\"format\": 1,", NULL};
	snprintf(path, sizeof(path), "%s/bad", dir);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/bad/registry.json", dir);
	for (int i = 0; texts[i]; i++) {
		FILE *f = fopen(path, "w");
		fputs(texts[i], f);
		fclose(f);
		char sub[256];
		snprintf(sub, sizeof(sub), "%s/bad", dir);
		assert_int_equal(ec_registry_open(&r, sub, -1, &err), EC_EDATA);
		assert_null(r);
	}
}

static void test_registry__lock_held(void **state)
{
	int pipefd[2];
	char sub[256];
	snprintf(sub, sizeof(sub), "%s/locked", dir);
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		struct ec_registry *r = NULL;
		char c = ec_registry_open(&r, sub, 1, NULL) == 0 ? 'y' : 'n';
		if (write(pipefd[1], &c, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	char c = 0;
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	assert_int_equal(c, 'y');
	struct ec_registry *r = NULL;
	struct ec_err err = {0};
	assert_int_equal(ec_registry_open(&r, sub, 0.2, &err), EC_ETEMPFAIL);
	assert_non_null(strstr(err.msg, "registry.lock"));
	/* Read-only opening needs no lock. */
	assert_int_equal(ec_registry_open(&r, sub, -1, &err), 0);
	ec_registry_free(r);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	assert_int_equal(ec_registry_open(&r, sub, 0.2, &err), 0);
	ec_registry_free(r);
	close(pipefd[0]);
	close(pipefd[1]);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* registry.json keeps each version's manifest digest; a manifest read back
 * must have it, and an intent threshold must be a number in [0, 1]. */
static void test_registry__manifest_digest(void **state)
{
	struct ec_registry *r = NULL;
	struct ec_json *man = NULL;
	struct ec_err err = {0};
	char sub[128], path[256], mpath[300];
	uint32_t v;
	(void)state;

	snprintf(sub, sizeof(sub), "%s/digest", dir);
	assert_int_equal(ec_registry_open(&r, sub, 1, &err), 0);
	assert_int_equal(ec_registry_claim(r, 0, &v, path, sizeof(path), &err), 0);
	snprintf(mpath, sizeof(mpath), "%s/manifest.json", path);
	write_text(mpath, "{\"task\": \"intent\", \"threshold\": 0.25}");
	struct ec_reg_version e = ver(v);
	ec_registry_add(r, 0, &e);
	assert_int_equal(strlen(ec_registry_find(r, 0, v)->manifest_sha256), 64);
	assert_int_equal(ec_registry_save(r, &err), 0);
	ec_registry_free(r);

	/* The digest survives the round trip through registry.json. */
	assert_int_equal(ec_registry_open(&r, sub, -1, &err), 0);
	assert_int_equal(ec_registry_read_manifest(r, 0, v, &man, path, sizeof(path), &err), 0);
	ec_json_free(man);
	/* Changed: the threshold is 0.5 now. */
	write_text(mpath, "{\"task\": \"intent\", \"threshold\": 0.5}");
	assert_int_equal(ec_registry_read_manifest(r, 0, v, &man, path, sizeof(path), &err),
			 EC_EDATA);
	assert_null(man);
	assert_non_null(strstr(err.msg, "manifest.json: sha256"));
	assert_non_null(strstr(err.msg, "changed since training"));
	/* The digest matches, but the threshold is text: still refused. */
	const char *text = "{\"task\": \"intent\", \"threshold\": \"0.5\"}";
	struct ec_json *j = NULL;
	assert_int_equal(ec_json_parse(&j, text, strlen(text), "t", &err), 0);
	struct ec_reg_version *rv = (struct ec_reg_version *)ec_registry_find(r, 0, v);
	ec_sha256_hex(text, strlen(text), rv->manifest_sha256);
	assert_int_equal(ec_registry_check_manifest(r, 0, v, text, strlen(text), j, "m", &err),
			 EC_EDATA);
	assert_string_equal(err.msg, "m: threshold is not a number in [0, 1]");
	/* A version registered before digests is refused. */
	rv->manifest_sha256[0] = '\0';
	assert_int_equal(ec_registry_check_manifest(r, 0, v, text, strlen(text), j, "m", &err),
			 EC_EDATA);
	assert_non_null(strstr(err.msg, "intent@v1: registered without a manifest digest"));
	ec_json_free(j);
	ec_registry_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registry__ref_parse),
	    cmocka_unit_test(test_registry__numbering_and_aliases),
	    cmocka_unit_test(test_registry__bad_file),
	    cmocka_unit_test(test_registry__lock_held),
	    cmocka_unit_test(test_registry__manifest_digest),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
