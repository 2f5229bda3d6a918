/*
 * job.h -- one run of a command, from its options to its exit status
 * (DESIGN §7). A job owns what every command that writes outputs used to
 * repeat: the run record (run.h: the manifest file and the MongoDB `runs`
 * document are two renderings of it), the locks on its outputs (lock.h),
 * its output files (committed together, or all removed), its MongoDB sink,
 * the interrupt check (cleanup.h), and the error and exit status at the end.
 *
 * Every command is: parse options -> ec_job_begin() -> declare outputs
 * (ec_job_open_file(), ec_job_mongo()) -> run the pipeline, adding rows ->
 * ec_job_commit() -> ec_job_end(). A failure anywhere goes straight to
 * ec_job_end() with the error: nothing uncommitted survives it.
 *
 * Ownership: *out of ec_job_begin() is new; ec_job_end() frees it with
 * everything it holds. Output files and the MongoDB sink handed out are
 * borrowed until ec_job_end(); the command never frees them.
 */
#ifndef ECOMCTL_JOB_H
#define ECOMCTL_JOB_H

#include "ecomctl/common.h"
#include "ecomctl/outfile.h"

struct ec_job;
struct ec_run;
struct ec_input;
struct ec_json;
struct ec_mongo;
struct ec_mongo_opts;

/* The options every job takes. */
struct ec_job_opts {
	const char *runs_dir; /* NULL: output/runs */
	const char *run_id;   /* NULL: a new one */
	int64_t wait_lock;    /* seconds to wait for another run's lock */
	char id[72];	      /* set by ec_job_begin(): the run's id */
};

/* clang-format off */
#define EC_JOB_OPTS(jo)                                                                      \
	{ "runs-dir", 0, EC_OPT_STR, &(jo).runs_dir, "DIR",                                  \
	  "write the run manifest <run_id>.json here (default output/runs)", NULL, 0 },      \
	{ "run-id", 0, EC_OPT_STR, &(jo).run_id, "ID",                                       \
	  "the run's id (default: UTC time and 8 random hex digits)", NULL, EC_OPTF_NOENV }, \
	{ "wait-lock", 0, EC_OPT_DURATION, &(jo).wait_lock, "DUR",                           \
	  "when another run holds an output, wait up to DUR (default: exit 75 at once)",     \
	  EC_OPT_RANGE(0, 31622400), 0 }
/* clang-format on */

/* Starts a run of command (its argv, argv[0] the command name, and its
 * input paths, recorded in the manifest) and sets o->id. EC_EUSAGE for a
 * bad --run-id. */
int ec_job_begin(struct ec_job **out, const char *command, int argc, char **argv, char **inputs,
		 int n_inputs, struct ec_job_opts *o, struct ec_err *err);

/* The run id (borrowed until ec_job_end). */
const char *ec_job_id(const struct ec_job *j);
/* The run record, to add counts to (borrowed until ec_job_end). */
struct ec_run *ec_job_run(struct ec_job *j);

/* Takes the lock of an output (EC_ETEMPFAIL when another run holds it,
 * after --wait-lock). Files are recorded among the run's outputs when
 * ec_job_commit() commits them; other outputs with ec_run_output(). */
int ec_job_lock(struct ec_job *j, const char *path, struct ec_err *err);

/* ec_job_lock(), then opens the file (outfile.h). *out is borrowed until
 * ec_job_end(); ec_job_commit() commits it. */
int ec_job_open_file(struct ec_job *j, struct ec_outfile **out, const char *path,
		     enum ec_outfile_gzip gzip, struct ec_err *err);

/* The rows of a schema: CSV at path (NULL: no file; .gz: gzip; "-":
 * stdout), written as flags say (sink.h: EC_SINK_THREADED, _FLUSH, _JSONL), and, when the run
 * has a MongoDB sink and sc a collection, the same rows as documents
 * there. One sink for all (sink.h), borrowed until ec_job_end(). */
struct ec_schema;
struct ec_sink;
int ec_job_rows(struct ec_job *j, struct ec_sink **out, const struct ec_schema *sc,
		const char *path, unsigned flags, struct ec_err *err);

/* The reader and sessionizer whose counts go into the manifest (borrowed
 * until ec_job_end: close the input after it, or pass NULL first). */
void ec_job_input(struct ec_job *j, const struct ec_input *in);

/* Opens the MongoDB sink when mo->uri is set (*out NULL otherwise, or when
 * MongoDB is unavailable: the run goes on and exits 69 at the end). The
 * spool goes under the directory of main_output. */
int ec_job_mongo(struct ec_job *j, struct ec_mongo **out, const struct ec_mongo_opts *mo,
		 const char *main_output, struct ec_err *err);
/* Sends what is queued and the `runs` document (counts may be NULL). */
void ec_job_mongo_finish(struct ec_job *j, const struct ec_json *counts);
/* --json: prints the job's summary s (ec_cli_json_summary) with the
 * outcome the run will end with: a MongoDB failure after the files were
 * committed (spooled: exit 75) is not "ok". */
void ec_job_json_summary(const struct ec_job *j, struct ec_json *s);

/* Commits every open file: all are flushed and synced first, then, unless
 * a signal came (EC_EINTR), all are renamed. When a rename fails, the
 * files already renamed are put back as they were (their previous
 * versions are hard-linked aside first): the outputs of a run change
 * together or not at all. */
int ec_job_commit(struct ec_job *j, struct ec_err *err);

/* Ends the run: prints the error (rc < 0), removes uncommitted files,
 * finishes MongoDB, writes the manifest (outcome ok, failed, interrupted,
 * ...), releases the locks, frees j. Returns the exit status. j NULL:
 * prints the error and returns its status. */
int ec_job_end(struct ec_job *j, int rc, const struct ec_err *err);

#endif
