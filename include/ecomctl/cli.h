/*
 * cli.h -- what the commands share: parsing their options (with the error
 * and --help handling every command does the same way), and the options of
 * the reader, which every command that reads exports accepts.
 */
#ifndef ECOMCTL_CLI_H
#define ECOMCTL_CLI_H

#include "ecomctl/opts.h"
#include "ecomctl/reader.h"
#include "ecomctl/session.h"

/* The reader's options, for a command's ec_opt table. */
/* clang-format off */
#define EC_READER_OPTS(ro)                                                                   \
	{ "rejects", 0, EC_OPT_STR, &(ro).rejects_path, "FILE",                              \
	  "write every bad row to FILE (CSV: file,line,reason,row)", NULL, 0 },              \
	{ "max-bad-rows", 0, EC_OPT_INT, &(ro).max_bad_rows, "N",                            \
	  "fail (exit 65) past N bad rows (default: no limit)", EC_OPT_RANGE(0, 1e15), 0 },                   \
	{ "max-bad-fraction", 0, EC_OPT_DOUBLE, &(ro).max_bad_fraction, "F",                 \
	  "fail (exit 65) when more than this share of rows is bad (default 0.05)", EC_OPT_RANGE(0, 1), 0 }, \
	{ "max-skew", 0, EC_OPT_DURATION, &(ro).max_skew, "DUR",                             \
	  "rows more than DUR ahead of the rows around them are bad, time_out_of_range "      \
	  "(default 1d; 0: off)", EC_OPT_RANGE(0, 3162240000.0), 0 }
/* clang-format on */

/* The first two stages every sessionizing command opens the same way:
 * the reader over the command's operands, and the sessionizer over it. */
struct ec_input {
	struct ec_reader *reader;
	struct ec_sessionizer *z;
	double t0;
	int n_files;
};

/* Opens both (ro->paths are set from paths/n). Release with ec_input_close(). */
int ec_input_open(struct ec_input *in, struct ec_reader_opts *ro, const struct ec_session_opts *so,
		  char **paths, int n, struct ec_err *err);
/* After the last session: the reader's end-of-input checks (bad fraction). */
int ec_input_finish(struct ec_input *in, struct ec_err *err);
/* Adds "rows", "rejects", "sessions" etc. to a JSON summary object. */
struct ec_json;
void ec_input_json(const struct ec_input *in, struct ec_json *j);
void ec_input_close(struct ec_input *in);

/* Parses a command's options. Returns -1 to go on, or the exit status to
 * return at once: 0 after --help or --print-config, 64 or 78 after printing
 * the error. With need_operands, no operand is a usage error. */
int ec_cli_parse(const struct ec_cmd_usage *u, int argc, char **argv, struct ec_opts_result *res,
		 int need_operands);

/* Prints the error of a failed command ("ecomctl: error: <cmd>: <msg>") and
 * returns its exit status. */
int ec_cli_fail(const char *cmd, int rc, const struct ec_err *err);

/* --json: prints a command's summary j on stdout with the keys every summary
 * shares added: schema_version (1), run_id (null without a run), status
 * ("ok", "failed" or "interrupted", from rc), exit (the exit status) and
 * error (the message, null on success). */
struct ec_json;
void ec_cli_json_summary(struct ec_json *j, int rc, const char *error);

/* The same shared keys added to j without printing it, for a JSON document
 * a command writes itself (inspect's report); to_stdout says it goes to
 * stdout, so that no failure summary follows it. */
void ec_cli_json_envelope(struct ec_json *j, int rc, const char *error, int to_stdout);

/* --json and nothing printed yet: a failure summary {command, status,
 * exit, error, run_id, schema_version} for a run that ends with status. */
void ec_cli_json_failure(const char *cmd, int status, const char *error);

/* For commands with subcommands (`mongo replay`, `history export`): the
 * first word of argv[1..] that is not an option (nor the value of
 * --progress or --config) is the subcommand. Fills sub (argc + 1 slots)
 * with { subcommand, the options before it, the rest, NULL } and returns
 * its length, or 0 when there is no subcommand. */
int ec_cli_subcommand(int argc, char **argv, char **sub);

#endif
