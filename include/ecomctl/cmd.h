/*
 * cmd.h -- the subcommands. To add one: write src/cli/cmd_<name>.c with
 * `int cmd_<name>(int argc, char **argv)`, declare it here, add one line to
 * the table in src/cli/cmd.c, and add CLI cases under tests/cli/<name>/.
 *
 * A command gets argv with argv[0] = its name and returns the process exit
 * status (sysexits.h, DESIGN §8).
 */
#ifndef ECOMCTL_CMD_H
#define ECOMCTL_CMD_H

struct ec_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};
extern const struct ec_cmd ec_commands[];

/* The command of that exact name, or NULL. */
const struct ec_cmd *ec_cmd_find(const char *name);
/* Top-level usage: the command list. */
void ec_cmd_usage(void *file);
/* "ecomctl 0.1.0" and the versions of the linked libraries. */
void ec_cmd_print_version(void);

int cmd_help(int argc, char **argv);
/* help --format man|bash|zsh|options: the man page, completions, or every
 * command's options ("command<TAB>option" lines); -1 for another format. */
int ec_help_generate(const char *format, void *file);
/* Whether some command (or every one) has an option of that name: what a
 * configuration file's top-level keys may be. */
int ec_cmd_option_known(const char *name);
/* The option or command name nearest to name (at most 3 edits), or NULL;
 * borrowed until the next call. */
const char *ec_cmd_option_nearest(const char *name);
int cmd_version(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_sessions(int argc, char **argv);
int cmd_funnel(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_mongo(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_models(int argc, char **argv);
/* models report and models compare (argv[0] the subcommand) */
int ec_models_report(int argc, char **argv);
int ec_models_compare(int argc, char **argv);
int cmd_schema(int argc, char **argv);

/* ---- the commands as functions, for commands made of others (demo) ----
 *
 * Each takes its options as a struct (initialized by _args_init to the
 * defaults of its --help), its argv (recorded in its run manifest) and its
 * inputs, runs one job and returns the exit status; args->jo.id is then the
 * run's id. */
#include "ecomctl/funnel.h"
#include "ecomctl/job.h"
#include "ecomctl/opts.h"
#include "ecomctl/reader.h"
#include "ecomctl/session.h"
#include "ecomctl/partition.h"
#include "ecomctl/sink_mongo.h"
#include "ecomctl/features.h"
#include "ecomctl/train.h"

struct ec_sessions_args {
	struct ec_reader_opts ro;
	struct ec_session_opts so;
	struct ec_mongo_opts mo;
	struct ec_job_opts jo;
	struct ec_partition_opts po; /* --partition, --partitions */
	const char *out_path;
	int64_t level; /* --category-level */
};
void ec_sessions_args_init(struct ec_sessions_args *a);
int ec_sessions_run(struct ec_sessions_args *a, int argc, char **argv, char **inputs, int n_inputs);

struct ec_funnel_args {
	struct ec_reader_opts ro;
	struct ec_session_opts so;
	struct ec_funnel_opts fo;
	struct ec_mongo_opts mo;
	struct ec_job_opts jo;
	struct ec_partition_opts po;	  /* --partition, --partitions */
	const char *dir, *steps, *window; /* --output, --steps, --window */
	const char *tz;			  /* --tz (default UTC) */
	const char *attribution;	  /* --attribution (default first) */
	struct ec_strlist by;		  /* --by, repeatable (released by the caller) */
	struct ec_strlist baseline;	  /* --baseline FILE, repeatable (the same) */
	struct ec_strlist exclude;	  /* --exclude TYPE[:A-B], repeatable (the same) */
	int64_t level, top, limit;	  /* --category-level, --top, --limit */
};
void ec_funnel_args_init(struct ec_funnel_args *a);
int ec_funnel_run(struct ec_funnel_args *a, int argc, char **argv, char **inputs, int n_inputs);
/* `ecomctl funnel merge DIR... -o DIR` (argv[0] is "merge"). */
int ec_funnel_merge_cmd(int argc, char **argv);

struct ec_score_args {
	struct ec_reader_opts ro;
	struct ec_session_opts so;
	struct ec_mongo_opts mo;
	struct ec_job_opts jo;
	const char *out_path, *models;	  /* --output, --models */
	const char *intent_ref, *cat_ref; /* --intent-model, --category-model ("none") */
	struct ec_partition_opts po;	  /* --partition, --partitions */
	int follow;			  /* --follow */
	int format;			  /* --format: 0 csv, 1 jsonl (--follow) */
	int64_t poll_ms;		  /* --poll-ms (--follow) */
	int emit_on;			  /* --emit-on: 0 close, 1 cart (--follow) */
	const char *state;		  /* --state FILE (--follow), or NULL */
	int64_t state_interval;		  /* --state-interval, seconds */
};

/* The model references of a score run (NULL for a task given as "none"),
 * into refs; EC_EUSAGE when both are none. */
int ec_score_refs(const struct ec_score_args *a, const char *refs[2], struct ec_err *err);
void ec_score_args_init(struct ec_score_args *a);
int ec_score_run(struct ec_score_args *a, int argc, char **argv, char **inputs, int n_inputs);
/* `score --follow` (cmd_score_follow.c): one input, "-" when none. */
int ec_score_follow_run(struct ec_score_args *a, int argc, char **argv, char **inputs,
			int n_inputs);

struct ec_train_args {
	struct ec_reader_opts ro;
	struct ec_session_opts so;
	struct ec_feature_opts fo;
	struct ec_train_cfg cfg;
	struct ec_job_opts jo;
	struct ec_partition_opts po;	/* --partition, --partitions: see collective.h */
	const char *models, *grid_path; /* --models, --grid */
	int which, promote;		/* --task (0 both, 1 intent, 2 category), --promote */
	int64_t valid_from, max_cand, lock_wait;
	double frac, neg_keep; /* --valid-fraction, --category-negatives */
};
void ec_train_args_init(struct ec_train_args *a);
int ec_train_run(struct ec_train_args *a, int argc, char **argv, char **inputs, int n_inputs);

/* synth and inspect write no manifest: their steps have no run id. */
struct ec_synth_opts;
int ec_synth_run(const struct ec_synth_opts *so, const char *out_path);
int ec_inspect_run(struct ec_reader_opts *ro, const char *out_path, char **inputs, int n_inputs);

/* evaluate: the models of refs (NULL: that task not evaluated) on files,
 * sessions from `from` on (INT64_MIN: all). */
struct ec_evaluate_args {
	struct ec_reader_opts ro;
	struct ec_session_opts so;
	const char *models;
	int64_t from;
	const char *refs[EC_TASK_N];
};
#define EC_EVALUATE_OPTS(a)                                                                        \
	{"from",                                                                                   \
	 0,                                                                                        \
	 EC_OPT_TIME,                                                                              \
	 &(a).from,                                                                                \
	 "TIME",                                                                                   \
	 "evaluate sessions starting at or after TIME (earlier ones only build history)",          \
	 NULL,                                                                                     \
	 0},                                                                                       \
	    EC_SESSION_OPTS((a).so), EC_READER_OPTS((a).ro)
void ec_evaluate_args_init(struct ec_evaluate_args *a);
/* *out: the document of `evaluate --json` ({"intent": {model, threshold,
 * metrics}, "category": ..., inputs}), new; print: the text tables too. */
struct ec_json;
int ec_evaluate(struct ec_json **out, const struct ec_evaluate_args *a, char **files, int n_files,
		int print, struct ec_err *err);

#endif
