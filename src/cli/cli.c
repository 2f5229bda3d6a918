#include "ecomctl/cli.h"

#include <stdio.h>
#include <string.h>

#include "ecomctl/cleanup.h"
#include "ecomctl/json.h"

int ec_cli_parse(const struct ec_cmd_usage *u, int argc, char **argv, struct ec_opts_result *res,
		 int need_operands)
{
	struct ec_err err = {0};
	int rc = ec_opts_parse(u, argc, argv, res, &err);
	if (rc < 0) {
		ec_log_error("%s", err.msg);
		if (rc == EC_EUSAGE)
			fprintf(stderr, "see: ecomctl %s --help\n", u->name);
		/* --json after the bad option was not reached: look for it */
		for (int i = 1; i < argc && !ec_opt_json && strcmp(argv[i], "--") != 0; i++)
			ec_opt_json = strcmp(argv[i], "--json") == 0;
		ec_cli_json_failure(u->name, ec_exit_status(rc), err.msg);
		return ec_exit_status(rc);
	}
	if (res->exit_now)
		return 0;
	if (need_operands && res->n_operands == 0) {
		ec_log_error("%s: no input files (use - for stdin)", u->name);
		fprintf(stderr, "usage: ecomctl %s %s\n", u->name, u->synopsis);
		ec_cli_json_failure(u->name, 64, "no input files (use - for stdin)");
		return 64;
	}
	return -1;
}

static int json_printed;

void ec_cli_json_envelope(struct ec_json *j, int rc, const char *error, int to_stdout)
{
	const char *run_id = ec_log_run_id();
	ec_json_remove(j, "schema_version");
	ec_json_add_int(j, "schema_version", 1);
	if (!ec_json_get(j, "run_id")) {
		if (*run_id)
			ec_json_add_str(j, "run_id", run_id);
		else
			ec_json_add_null(j, "run_id");
	}
	ec_json_add_str(j, "status", rc >= 0 ? "ok" : rc == EC_EINTR ? "interrupted" : "failed");
	ec_json_add_int(j, "exit", ec_exit_status(rc));
	if (rc < 0)
		ec_json_add_str(j, "error", error && *error ? error : "failed");
	else
		ec_json_add_null(j, "error");
	if (to_stdout)
		json_printed = 1;
}

void ec_cli_json_summary(struct ec_json *j, int rc, const char *error)
{
	ec_cli_json_envelope(j, rc, error, 1);
	ec_json_print_stdout(j);
}

void ec_cli_json_failure(const char *cmd, int status, const char *error)
{
	if (!ec_opt_json || json_printed || status == 0)
		return;
	struct ec_json *j = ec_json_object();
	ec_json_add_str(j, "command", cmd);
	/* the summary's status from the exit status alone */
	int rc = status >= 128 ? EC_EINTR : -status;
	ec_cli_json_summary(j, rc, error);
	ec_json_free(j);
}

int ec_cli_fail(const char *cmd, int rc, const struct ec_err *err)
{
	if (rc >= 0)
		return 0;
	ec_log_error("%s: %s", cmd, err->msg[0] ? err->msg : "failed");
	ec_cli_json_failure(cmd, ec_exit_status(rc), err->msg);
	return ec_exit_status(rc);
}

/* Every sessionizing pipeline pulls its events here: the row boundary
 * where a caught signal stops the run (cleanup.h). */
static int reader_source(void *ctx, const struct ec_event **ev, struct ec_err *err)
{
	static uint64_t n_events;
	if (++n_events == 1000)
		ec_test_pause("read");
	int rc = ec_interrupt_check(err);
	return rc < 0 ? rc : ec_reader_next_ref(ctx, ev, err);
}

static void reader_lookahead(void *arg, const struct ec_event *ev)
{
	ec_sessionizer_prefetch(arg, ev);
}

static const char *reader_name(void *ctx, uint32_t file)
{
	return ec_reader_path(ctx, file);
}

int ec_input_open(struct ec_input *in, struct ec_reader_opts *ro, const struct ec_session_opts *so,
		  char **paths, int n, struct ec_err *err)
{
	int rc;
	memset(in, 0, sizeof(*in));
	in->t0 = ec_now();
	ro->paths = (const char *const *)paths;
	ro->n_paths = n;
	ro->progress = 1;
	in->n_files = n;
	if ((rc = ec_reader_open(&in->reader, ro, err)) < 0)
		return rc;
	rc = ec_sessionizer_new(&in->z, so, NULL, in->reader, reader_name, err);
	if (rc == 0) {
		ec_sessionizer_set_source_ref(in->z, reader_source);
		ec_reader_set_lookahead(in->reader, reader_lookahead, in->z);
	}
	return rc;
}

int ec_input_finish(struct ec_input *in, struct ec_err *err)
{
	return ec_reader_finish(in->reader, err);
}

void ec_input_json(const struct ec_input *in, struct ec_json *j)
{
	const struct ec_reader_stats *r = ec_reader_stats(in->reader);
	ec_json_add_u64(j, "rows", r->rows);
	ec_json_add_u64(j, "bad_rows", r->bad);
	struct ec_json *o = ec_json_add_object(j, "rejects");
	for (int i = 1; i < EC_BAD_N; i++)
		if (r->bad_by_reason[i])
			ec_json_add_u64(o, ec_bad_names[i], r->bad_by_reason[i]);
	if (in->z) {
		const struct ec_session_stats *s = ec_sessionizer_stats(in->z);
		ec_json_add_u64(j, "sessions", s->sessions);
		ec_json_add_u64(j, "events", s->events_out);
		ec_json_add_u64(j, "duplicates_dropped", s->duplicates);
		ec_json_add_u64(j, "late_events", s->late);
		ec_json_add_u64(j, "reordered_events", s->reordered);
		ec_json_add_u64(j, "split_sessions", s->split);
		ec_json_add_u64(j, "open_sessions_peak", s->open_keys_peak);
		char pb[16];
		const char *pn = ec_partition_name(&ec_sessionizer_opts(in->z)->part, pb);
		if (pn) {
			ec_json_add_str(j, "partition", pn);
			ec_json_add_u64(j, "other_partition_events", s->other_partition);
		}
	}
	ec_json_add_num(j, "seconds", ec_now() - in->t0);
}

void ec_input_close(struct ec_input *in)
{
	ec_sessionizer_free(in->z);
	ec_reader_free(in->reader);
	memset(in, 0, sizeof(*in));
}

int ec_cli_subcommand(int argc, char **argv, char **sub)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
		if (ec_opts_shared_takes_value(argv[i]))
			i++;
		i++;
	}
	if (i >= argc)
		return 0;
	/* sub = { argv[i], argv[1..i-1], argv[i+1..] } */
	int n = 0;
	sub[n++] = argv[i];
	for (int k = 1; k < i; k++)
		sub[n++] = argv[k];
	for (int k = i + 1; k < argc; k++)
		sub[n++] = argv[k];
	sub[n] = NULL;
	return n;
}
