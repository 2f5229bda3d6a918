/*
 * run.h -- the manifest of a run (DESIGN §7): one JSON file per run of a
 * command that writes outputs, <runs_dir>/<run_id>.json, written atomically
 * (.tmp, fsync, rename) when the command ends, whatever its outcome. It
 * sits beside the outputs at the end of the data flow and records what the
 * run read (inputs: path, size, rows, bad rows), what it wrote (outputs:
 * path, size), its counts and rejects, its timings, the versions of
 * ecomctl and its libraries, and its outcome and exit status (outcome
 * "interrupted" and "signal": "SIGTERM" after a signal, exit 128 + signal). The same
 * run id names the run's MongoDB `runs` document and its spool file.
 *
 * The command line is stored with every URI's password replaced by "***".
 *
 * Ownership: struct ec_run is the caller's from ec_run_begin() until
 * ec_run_end(), which frees it. The JSON objects returned by
 * ec_run_counts() are borrowed until ec_run_end(); the other functions copy
 * what they are given.
 */
#ifndef ECOMCTL_RUN_H
#define ECOMCTL_RUN_H

#include "ecomctl/common.h"

struct ec_run;
struct ec_input;
struct ec_json;
struct ec_mongo;

/* The options of every command that writes a manifest. */
/* clang-format off */
#define EC_RUN_OPTS(runs_dir, run_id)                                                        \
	{ "runs-dir", 0, EC_OPT_STR, &(runs_dir), "DIR",                                     \
	  "write the run manifest <run_id>.json here (default output/runs)", NULL, 0 },      \
	{ "run-id", 0, EC_OPT_STR, &(run_id), "ID",                                          \
	  "the run's id (default: UTC time and 8 random hex digits)", NULL, EC_OPTF_NOENV }
/* clang-format on */

/* Starts a run: a new run id (YYYYMMDDTHHMMSSZ-xxxxxxxx) unless run_id is
 * given, which must be 1 to 64 of [A-Za-z0-9._:-], not starting with '.'
 * (EC_EUSAGE otherwise: it names a file). runs_dir NULL or "": "output/runs"
 * (relative to the working directory, whatever -o says: one log of runs).
 * The inputs are recorded with their sizes now. *out is new; ec_run_end()
 * frees it. */
int ec_run_begin(struct ec_run **out, const char *command, int argc, char **argv, char **inputs,
		 int n_inputs, const char *run_id, const char *runs_dir, struct ec_err *err);

/* The directory of an output file, where spool/ goes: "output"
 * for "-" and for an existing file that is not a regular file (/dev/null,
 * a fifo), "." for a bare file name. */
void ec_run_output_dir(const char *path, char *buf, size_t cap);

/* The run id (borrowed until ec_run_end); "" for NULL. */
const char *ec_run_id(const struct ec_run *r);

/* Adds "versions": {ecomctl, parsing, cjson, xgboost, mongodb} to d (the
 * run record's, and `ecomctl --json version`). */
void ec_run_add_versions(struct ec_json *d);

/* The "counts" object of the manifest, to add the command's counts to. */
struct ec_json *ec_run_counts(struct ec_run *r);

/* "ecomctl sessions ev.csv -o 'a b.csv'": the command as a shell would take
 * it, every URI's password hidden. Free the result. */
char *ec_run_command_line(int argc, char **argv);

/* Records the reader's and sessionizer's counts: rows, bad rows and
 * rejects by reason of the run and of each input, sessions, events. Call
 * before ec_input_close(); in may be unopened (then nothing is read). */
void ec_run_input(struct ec_run *r, const struct ec_input *in);

/* Records an output file; its size is read when the manifest is written. */
void ec_run_output(struct ec_run *r, const char *path);

/* Records the MongoDB side (URI redacted, documents); m may be NULL. */
void ec_run_mongo(struct ec_run *r, const struct ec_mongo *m);

/* Records a step of a run made of other runs (demo): its command, run id
 * and exit status. */
void ec_run_step(struct ec_run *r, const char *command, const char *run_id, int status);

/* Writes the manifest with the exit status and error message (NULL: none)
 * and frees r. Returns the exit status to use: status, or, when the run
 * succeeded (0) but the manifest cannot be written, 73 or 74 after printing
 * the error. r NULL: returns status. Runs that end with 64 or 78 (the
 * command line or the configuration was refused: nothing was done) write
 * no manifest. */
int ec_run_end(struct ec_run *r, int status, const char *error);

#endif
