/* One run of a command: its record, locks, files, MongoDB sink and end.
 * See job.h. */
#include "ecomctl/job.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ecomctl/cleanup.h"
#include "ecomctl/cli.h"
#include "ecomctl/json.h"
#include "ecomctl/lock.h"
#include "ecomctl/run.h"
#include "ecomctl/sink.h"
#include "ecomctl/sink_mongo.h"

struct ec_job {
	char *command;
	int argc;
	char **argv;
	char **inputs;
	int n_inputs;
	double wait_lock;
	struct ec_run *run;
	struct ec_lock **locks;
	size_t n_locks, cap_locks;
	struct ec_sink **sinks; /* files, CSV, MongoDB rows: committed together */
	size_t n_sinks, cap_sinks;
	const struct ec_input *in;
	struct ec_mongo *mongo;
	int mrc; /* MongoDB's outcome: from ec_job_mongo() or its finish */
	struct ec_err merr;
};

int ec_job_begin(struct ec_job **out, const char *command, int argc, char **argv, char **inputs,
		 int n_inputs, struct ec_job_opts *o, struct ec_err *err)
{
	struct ec_job *j = ec_xcalloc(1, sizeof(*j));
	int rc;
	*out = NULL;
	if ((rc = ec_run_begin(&j->run, command, argc, argv, inputs, n_inputs, o->run_id,
			       o->runs_dir, err)) < 0) {
		free(j);
		return rc;
	}
	j->command = ec_xstrdup(command);
	j->argc = argc;
	j->argv = argv;
	j->inputs = inputs;
	j->n_inputs = n_inputs;
	j->wait_lock = (double)o->wait_lock;
	snprintf(o->id, sizeof(o->id), "%s", ec_run_id(j->run));
	ec_log_set_run_id(o->id);
	*out = j;
	return 0;
}

const char *ec_job_id(const struct ec_job *j)
{
	return ec_run_id(j->run);
}

struct ec_run *ec_job_run(struct ec_job *j)
{
	return j->run;
}

int ec_job_lock(struct ec_job *j, const char *path, struct ec_err *err)
{
	struct ec_lock *l = NULL;
	int rc = ec_lock_output(&l, path, ec_job_id(j), j->wait_lock, err);
	if (rc < 0)
		return rc;
	if (l) {
		EC_GROW(j->locks, j->cap_locks, j->n_locks + 1);
		j->locks[j->n_locks++] = l;
	}
	return 0;
}

static void add_sink(struct ec_job *j, struct ec_sink *s)
{
	EC_GROW(j->sinks, j->cap_sinks, j->n_sinks + 1);
	j->sinks[j->n_sinks++] = s;
}

int ec_job_open_file(struct ec_job *j, struct ec_outfile **out, const char *path,
		     enum ec_outfile_gzip gzip, struct ec_err *err)
{
	int rc;
	*out = NULL;
	if ((rc = ec_job_lock(j, path, err)) < 0 ||
	    (rc = ec_outfile_open(out, path, gzip, err)) < 0)
		return rc;
	add_sink(j, ec_sink_file_new(*out));
	return 0;
}

int ec_job_rows(struct ec_job *j, struct ec_sink **out, const struct ec_schema *sc,
		const char *path, unsigned flags, struct ec_err *err)
{
	struct ec_sink *to[2];
	int n = 0, rc = 0;
	*out = NULL;
	if (path && ((rc = ec_job_lock(j, path, err)) < 0 ||
		     (rc = ec_sink_csv_open(&to[n++], sc, path, flags, err)) < 0))
		return rc;
	if (j->mongo && sc->collection && (rc = ec_mongo_rows_open(&to[n], j->mongo, sc, err)) == 0)
		n++;
	if (rc < 0) {
		for (int i = 0; i < n; i++)
			ec_sink_free(to[i]);
		return rc;
	}
	*out = n == 1 ? to[0] : ec_sink_tee_new(to, n);
	if (n > 1)
		(*out)->path = to[0]->path;
	add_sink(j, *out);
	return 0;
}

void ec_job_input(struct ec_job *j, const struct ec_input *in)
{
	j->in = in;
}

int ec_job_mongo(struct ec_job *j, struct ec_mongo **out, const struct ec_mongo_opts *mo,
		 const char *main_output, struct ec_err *err)
{
	char dir[1024];
	ec_run_output_dir(main_output, dir, sizeof(dir));
	*out = NULL;
	int rc = ec_mongo_start(&j->mongo, mo, j->command, ec_job_id(j), j->argc, j->argv,
				j->inputs, j->n_inputs, dir, &j->merr);
	if (rc == EC_EUNAVAIL) {
		j->mrc = rc; /* reported at the end: the files are still written */
		return 0;
	}
	if (rc < 0) {
		*err = j->merr;
		memset(&j->merr, 0, sizeof(j->merr));
		return rc;
	}
	*out = j->mongo;
	return 0;
}

void ec_job_mongo_finish(struct ec_job *j, const struct ec_json *counts)
{
	if (j->mongo)
		j->mrc = ec_mongo_finish(j->mongo, 0, NULL, counts, &j->merr);
}

void ec_job_json_summary(const struct ec_job *j, struct ec_json *s)
{
	ec_cli_json_summary(s, j->mrc < 0 ? j->mrc : 0, j->mrc < 0 ? j->merr.msg : NULL);
}

/* The previous file of an output, kept (a hard link) while a job renames
 * its files, so that a rename failing half-way puts back the ones done:
 * the outputs of a run change together or not at all. */
struct previous {
	char *old;   /* the link, ".<name>.<pid>-<i>.old" beside it */
	int slot;    /* cleanup.h: an exit() removes the link */
	int existed; /* 1: linked; 0: none; 2: not a file (stdout); -1: cannot */
};

static void keep_previous(const char *path, size_t i, struct previous *p)
{
	struct stat st;
	p->old = NULL;
	p->slot = -1;
	p->existed = 2;
	if (!path || strcmp(path, "-") == 0)
		return;
	if (lstat(path, &st) != 0) {
		p->existed = errno == ENOENT ? 0 : -1;
		return;
	}
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return; /* a device or a fifo: written in place, never renamed over */
	p->existed = -1;
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	size_t n = strlen(path) + 48;
	p->old = ec_xmalloc(n);
	snprintf(p->old, n, "%.*s.%s.%ld-%zu.old", (int)dir_len, path, path + dir_len,
		 (long)getpid(), i);
	p->slot = ec_tempfile_add(p->old);
	if (link(path, p->old) == 0) {
		p->existed = 1;
		return;
	}
	ec_tempfile_forget(p->slot);
	p->slot = -1;
	free(p->old);
	p->old = NULL;
}

static void put_back(const char *path, struct previous *p)
{
	if (p->existed == 1 && rename(p->old, path) == 0) {
		ec_tempfile_forget(p->slot);
		p->slot = -1;
		free(p->old);
		p->old = NULL;
	} else if (p->existed == 0) {
		unlink(path);
	} else if (p->existed != 2) {
		ec_log_error("%s: the new file stays: the previous one cannot be put back", path);
	}
}

static void drop_previous(struct previous *p)
{
	if (p->old)
		unlink(p->old);
	ec_tempfile_forget(p->slot);
	free(p->old);
}

int ec_job_commit(struct ec_job *j, struct ec_err *err)
{
	int rc = 0;
	for (size_t i = 0; i < j->n_sinks && rc == 0; i++)
		rc = ec_sink_prepare(j->sinks[i], err);
	ec_test_pause("commit");
	if (rc == 0)
		rc = ec_interrupt_check(err);
	if (rc < 0)
		return rc;
	struct previous *prev = ec_xcalloc(j->n_sinks ? j->n_sinks : 1, sizeof(*prev));
	for (size_t i = 0; i < j->n_sinks; i++)
		keep_previous(j->sinks[i]->path, i, &prev[i]);
	size_t done = 0;
	while (done < j->n_sinks && (rc = ec_sink_commit(j->sinks[done], err)) == 0)
		done++;
	for (size_t i = 0; i < j->n_sinks; i++) {
		const char *path = j->sinks[i]->path;
		if (rc < 0 && i < done && path)
			put_back(path, &prev[i]);
		else if (rc == 0 && path)
			ec_run_output(j->run, path);
		drop_previous(&prev[i]);
	}
	free(prev);
	return rc;
}

int ec_job_end(struct ec_job *j, int rc, const struct ec_err *err)
{
	struct ec_err none = {0};
	char why[sizeof(none.msg)];
	if (!err)
		err = &none;
	if (!j)
		return ec_cli_fail("ecomctl", rc, err);
	/* Nothing uncommitted survives a failed or interrupted run. */
	for (size_t i = 0; i < j->n_sinks; i++)
		ec_sink_free(j->sinks[i]);
	j->n_sinks = 0;
	snprintf(why, sizeof(why), "%s", rc < 0 ? err->msg : j->mrc < 0 ? j->merr.msg : "");
	int status = ec_mongo_end(j->mongo, j->command, rc, err, j->mrc, &j->merr);
	if (j->in)
		ec_run_input(j->run, j->in);
	ec_run_mongo(j->run, j->mongo);
	status = ec_run_end(j->run, status, why);
	ec_cli_json_failure(j->command, status, why);
	ec_mongo_free(j->mongo);
	for (size_t i = 0; i < j->n_locks; i++)
		ec_lock_release(j->locks[i]);
	free(j->locks);
	free(j->sinks);
	free(j->command);
	free(j);
	return status;
}
