/* The run manifest, <runs_dir>/<run_id>.json. See run.h. */
#include "ecomctl/run.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "ecomctl/cli.h"
#include "ecomctl/json.h"
#include "ecomctl/model.h"
#include "ecomctl/opts.h"
#include "ecomctl/outfile.h"
#include "ecomctl/reader.h"
#include "ecomctl/sink_mongo.h"

struct ec_run {
	char id[72];
	char *path; /* <runs_dir>/<id>.json */
	struct ec_json *doc;
	struct ec_json *inputs, *outputs, *counts, *steps;
	int64_t started_ms;
	double t0;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "2026-12-01T20:03:04.123Z" */
static void format_ms(int64_t ms, char *buf, size_t cap)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, cap - n, ".%03dZ", (int)(ms % 1000));
}

static int id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64 || s[0] == '.')
		return 0;
	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-",
			    *p))
			return 0;
	return 1;
}

/* An argument with a URI in it, password hidden; else a copy. */
static char *shown_arg(const char *a)
{
	return strstr(a, "://") ? ec_redact_uri(a) : ec_xstrdup(a);
}

char *ec_run_command_line(int argc, char **argv)
{
	size_t cap = 16;
	char **shown = ec_xmalloc((size_t)(argc > 0 ? argc : 1) * sizeof(*shown));
	for (int i = 0; i < argc; i++) {
		shown[i] = shown_arg(argv[i]);
		cap += 3 + 4 * strlen(shown[i]);
	}
	char *s = ec_xmalloc(cap);
	size_t n = (size_t)snprintf(s, cap, "ecomctl");
	for (int i = 0; i < argc; i++) {
		const char *a = shown[i];
		int plain = *a != '\0';
		for (const char *p = a; *p && plain; p++)
			plain =
			    strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				   "-_./=:@,+%*",
				   *p) != NULL;
		s[n++] = ' ';
		if (!plain)
			s[n++] = '\'';
		for (const char *p = a; *p; p++) {
			if (*p == '\'') {
				memcpy(s + n, "'\\''", 4);
				n += 4;
			} else {
				s[n++] = *p;
			}
		}
		if (!plain)
			s[n++] = '\'';
		s[n] = '\0';
		free(shown[i]);
	}
	free(shown);
	return s;
}

int ec_run_begin(struct ec_run **out, const char *command, int argc, char **argv, char **inputs,
		 int n_inputs, const char *run_id, const char *runs_dir, struct ec_err *err)
{
	*out = NULL;
	if (run_id && !id_ok(run_id))
		return ec_fail(err, EC_EUSAGE,
			       "--run-id: expected 1 to 64 of A-Z a-z 0-9 . _ : - (not starting "
			       "with '.'), got '%s'",
			       run_id);
	struct ec_run *r = ec_xcalloc(1, sizeof(*r));
	char idbuf[32];
	if (!run_id) {
		ec_run_id_new(idbuf);
		run_id = idbuf;
	}
	snprintf(r->id, sizeof(r->id), "%s", run_id);
	r->started_ms = now_ms();
	r->t0 = ec_now();
	char dir[4096];
	if (runs_dir && *runs_dir)
		snprintf(dir, sizeof(dir), "%s", runs_dir);
	else
		snprintf(dir, sizeof(dir), "output/runs");
	size_t n = strlen(dir) + strlen(r->id) + 8;
	r->path = ec_xmalloc(n);
	snprintf(r->path, n, "%s/%s.json", dir, r->id);

	struct ec_json *d = r->doc = ec_json_object();
	ec_json_add_str(d, "run_id", r->id);
	ec_json_add_int(d, "schema_version", 1);
	ec_json_add_str(d, "command", command);
	char *cl = ec_run_command_line(argc, argv);
	ec_json_add_str(d, "command_line", cl);
	free(cl);
	struct ec_json *a = ec_json_add_array(d, "argv");
	for (int i = 0; i < argc; i++) {
		char *s = shown_arg(argv[i]);
		ec_json_add_str(a, NULL, s);
		free(s);
	}
	r->inputs = ec_json_add_array(d, "inputs");
	for (int i = 0; i < n_inputs; i++) {
		struct ec_json *o = ec_json_add_object(r->inputs, NULL);
		struct stat st;
		ec_json_add_str(o, "path", inputs[i]);
		if (strcmp(inputs[i], "-") != 0 && stat(inputs[i], &st) == 0)
			ec_json_add_u64(o, "size", (uint64_t)st.st_size);
		else
			ec_json_add_null(o, "size");
	}
	r->outputs = ec_json_add_array(d, "outputs");
	r->counts = ec_json_add_object(d, "counts");
	ec_json_add_object(d, "rejects"); /* by reason, once the inputs are read */
	*out = r;
	return 0;
}

void ec_run_output_dir(const char *path, char *buf, size_t cap)
{
	const char *slash = strrchr(path, '/');
	struct stat st;
	if (strcmp(path, "-") == 0 || (stat(path, &st) == 0 && !S_ISREG(st.st_mode)))
		snprintf(buf, cap, "output"); /* stdout, /dev/null, a fifo */
	else if (!slash)
		snprintf(buf, cap, ".");
	else if (slash == path)
		snprintf(buf, cap, "/");
	else
		snprintf(buf, cap, "%.*s", (int)(slash - path), path);
}

const char *ec_run_id(const struct ec_run *r)
{
	return r ? r->id : "";
}

struct ec_json *ec_run_counts(struct ec_run *r)
{
	return r->counts;
}

void ec_run_input(struct ec_run *r, const struct ec_input *in)
{
	if (!r || !in->reader)
		return;
	const struct ec_reader_stats *st = ec_reader_stats(in->reader);
	ec_json_remove(r->doc, "rejects");
	struct ec_json *rej = ec_json_add_object(r->doc, "rejects");
	for (int i = 1; i < EC_BAD_N; i++)
		ec_json_add_u64(rej, ec_bad_names[i], st->bad_by_reason[i]);
	struct ec_json *c = r->counts;
	ec_json_remove(c, "rows");
	ec_json_remove(c, "bad_rows");
	ec_json_add_u64(c, "rows", st->rows);
	ec_json_add_u64(c, "bad_rows", st->bad);
	if (in->z) {
		const struct ec_session_stats *s = ec_sessionizer_stats(in->z);
		ec_json_remove(c, "sessions");
		ec_json_remove(c, "events");
		ec_json_add_u64(c, "sessions", s->sessions);
		ec_json_add_u64(c, "events", s->events_out);
		ec_json_add_u64(c, "duplicates_dropped", s->duplicates);
		ec_json_add_u64(c, "late_events", s->late);
		ec_json_add_u64(c, "split_sessions", s->split);
	}
	for (int i = 0; i < in->n_files && (size_t)i < ec_json_size(r->inputs); i++) {
		struct ec_json *o = ec_json_at(r->inputs, (size_t)i);
		uint64_t good = 0, bad = 0;
		if (in->reader)
			ec_reader_file_rows(in->reader, (uint32_t)i, &good, &bad);
		ec_json_add_u64(o, "good_rows", good);
		ec_json_add_u64(o, "rows", good + bad);
		ec_json_add_u64(o, "bad_rows", bad);
	}
}

void ec_run_output(struct ec_run *r, const char *path)
{
	if (!r || !path)
		return;
	ec_json_add_str(r->outputs, NULL, path);
}

void ec_run_mongo(struct ec_run *r, const struct ec_mongo *m)
{
	if (!r || !m)
		return;
	ec_json_remove(r->doc, "mongo");
	ec_mongo_json(m, r->doc);
}

void ec_run_step(struct ec_run *r, const char *command, const char *run_id, int status)
{
	if (!r)
		return;
	if (!r->steps)
		r->steps = ec_json_add_array(r->doc, "steps");
	struct ec_json *o = ec_json_add_object(r->steps, NULL);
	ec_json_add_str(o, "command", command);
	ec_json_add_str(o, "run_id", run_id);
	ec_json_add_int(o, "exit_status", status);
}

void ec_run_add_versions(struct ec_json *d)
{
	struct ec_json *v = ec_json_add_object(d, "versions");
	ec_json_add_str(v, "ecomctl", EC_VERSION);
	ec_json_add_str(v, "parsing", ec_reader_lib_versions());
	ec_json_add_str(v, "cjson", ec_json_lib_version());
	ec_json_add_str(v, "xgboost", ec_model_lib_version());
	ec_json_add_str(v, "mongodb", ec_mongo_lib_versions());
}

static const char *outcome(int status)
{
	switch (status) {
	case 0:
		return "ok";
	case 69:
		return "mongodb_unavailable";
	case 75:
		return "temporary_failure";
	default:
		return status > 128 ? "interrupted" : "failed";
	}
}

static const char *signal_name(int sig)
{
	return sig == SIGINT	? "SIGINT"
	       : sig == SIGTERM ? "SIGTERM"
	       : sig == SIGHUP	? "SIGHUP"
				: NULL;
}

/* Written even when a signal stopped the run: it says so. */
static int write_manifest(const struct ec_json *d, const char *path, struct ec_err *err)
{
	struct ec_outfile *f;
	int rc = ec_outfile_open(&f, path, EC_OUT_PLAIN, err);
	if (rc < 0)
		return rc;
	ec_outfile_commit_on_signal(f);
	char *s = ec_json_print(d, 1);
	ec_outfile_puts(f, s);
	ec_outfile_putc(f, '\n');
	free(s);
	return ec_outfile_commit(f, err);
}

int ec_run_end(struct ec_run *r, int status, const char *error)
{
	if (!r)
		return status;
	if (status == 64 || status == 78) {
		ec_json_free(r->doc);
		free(r->path);
		free(r);
		return status;
	}
	struct ec_json *d = r->doc;
	/* Outputs become {path, size}: the size of what is there now. */
	size_t n = ec_json_size(r->outputs);
	struct ec_json *outs = ec_json_array();
	for (size_t i = 0; i < n; i++) {
		const char *p = ec_json_str(ec_json_at(r->outputs, i), "");
		struct stat st;
		struct ec_json *o = ec_json_add_object(outs, NULL);
		ec_json_add_str(o, "path", p);
		if (strcmp(p, "-") != 0 && stat(p, &st) == 0 && S_ISREG(st.st_mode))
			ec_json_add_u64(o, "size", (uint64_t)st.st_size);
		else
			ec_json_add_null(o, "size");
	}
	ec_json_remove(d, "outputs");
	ec_json_add_tree(d, "outputs", outs);

	struct ec_json *t = ec_json_add_object(d, "timings");
	char buf[40];
	int64_t fin = now_ms();
	format_ms(r->started_ms, buf, sizeof(buf));
	ec_json_add_str(t, "started", buf);
	format_ms(fin, buf, sizeof(buf));
	ec_json_add_str(t, "finished", buf);
	ec_json_add_num(t, "wall_s", ec_now() - r->t0);
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		ec_json_add_num(t, "user_cpu_s",
				(double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6);
		ec_json_add_num(t, "system_cpu_s",
				(double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
		ec_json_add_int(t, "max_rss_kb", ru.ru_maxrss);
	}

	ec_run_add_versions(d);

	ec_json_add_str(d, "outcome", outcome(status));
	ec_json_add_int(d, "exit_status", status);
	if (status > 128)
		ec_json_add_str(d, "signal", signal_name(status - 128));
	if (error && *error)
		ec_json_add_str(d, "error", error);
	else
		ec_json_add_null(d, "error");

	struct ec_err err = {0};
	int rc = write_manifest(d, r->path, &err);
	if (rc < 0) {
		ec_log_error("%s: the run manifest: %s", ec_json_str(ec_json_get(d, "command"), ""),
			     err.msg);
		if (status == 0)
			status = ec_exit_status(rc);
	} else {
		ec_log_debug("run %s: manifest %s", r->id, r->path);
	}
	ec_json_free(d);
	free(r->path);
	free(r);
	return status;
}
