/* The command table. To add a command: write src/cli/cmd_<name>.c, declare it in
 * cmd.h, add one line here, add CLI test cases under tests/cli/<name>/. */
#include "ecomctl/cmd.h"

#include <stdio.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/json.h"
#include "ecomctl/model.h"
#include "ecomctl/opts.h"
#include "ecomctl/reader.h"
#include "ecomctl/run.h"
#include "ecomctl/sink_mongo.h"

const struct ec_cmd ec_commands[] = {
    {"inspect", cmd_inspect, "what the reader sees in export files: counts, ranges, rejects"},
    {"sessions", cmd_sessions, "cut events into sessions: one CSV row per session"},
    {"features", cmd_features, "point-in-time features of sessions for both models: CSV"},
    {"train", cmd_train, "train the intent and category models and register them"},
    {"score", cmd_score, "score sessions with registered models: one CSV row per session"},
    {"evaluate", cmd_evaluate, "backtest registered models on labeled data: metrics, baselines"},
    {"models", cmd_models, "the model registry: list, show, promote, rollback, report, compare"},
    {"funnel", cmd_funnel, "funnel drop-off tables and report: CSV, JSON, HTML"},
    {"synth", cmd_synth, "generate a realistic synthetic export (seeded)"},
    {"schema", cmd_schema, "the columns of every output: name, type, meaning"},
    {"demo", cmd_demo, "run the main job end to end on generated data under output/"},
    {"history", cmd_history,
     "a user's session logs and predictions in MongoDB: export, show, delete"},
    {"mongo", cmd_mongo, "MongoDB maintenance: replay spooled documents"},
    {"help", cmd_help, "show the help of a command"},
    {"version", cmd_version, "show the versions of ecomctl and its libraries"},
    {NULL, NULL, NULL},
};

const struct ec_cmd *ec_cmd_find(const char *name)
{
	for (const struct ec_cmd *c = ec_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void ec_cmd_usage(void *file)
{
	FILE *f = file;
	fputs("usage: ecomctl [-q|-v] [--json] [--progress=WHEN] COMMAND [OPTIONS] [FILE...]\n\n"
	      "E-commerce clickstream analytics: sessions, features, purchase-intent and\n"
	      "category models, funnels, from REES46-style CSV exports.\n\ncommands:\n",
	      f);
	for (const struct ec_cmd *c = ec_commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fputs("\n`ecomctl help COMMAND` or `ecomctl COMMAND --help` shows a command's options.\n"
	      "`ecomctl --version` shows the versions of the linked libraries.\n",
	      f);
}

void ec_cmd_print_version(void)
{
	printf("ecomctl %s\n", EC_VERSION);
	printf("  %s\n", ec_reader_lib_versions());
	printf("  cJSON %s\n", ec_json_lib_version());
	printf("  XGBoost %s\n", ec_model_lib_version());
	printf("  %s\n", ec_mongo_lib_versions());
}

int cmd_version(int argc, char **argv)
{
	const struct ec_opt opts[] = {{NULL, 0, 0, NULL, NULL, NULL, NULL, 0}};
	const struct ec_cmd_usage usage = {
	    "version", "[--json]",
	    "Print the versions of ecomctl and of the libraries it is linked with\n"
	    "(--json: one object, as the run records' `versions`).",
	    opts, NULL};
	struct ec_opts_result res;
	int rc;
	if (argv && (rc = ec_cli_parse(&usage, argc, argv, &res, 0)) >= 0)
		return rc;
	if (argv && res.n_operands) {
		ec_log_error("version: takes no argument");
		return 64;
	}
	if (!ec_opt_json) {
		ec_cmd_print_version();
		return 0;
	}
	struct ec_json *j = ec_json_object();
	ec_json_add_str(j, "command", "version");
	ec_run_add_versions(j);
	ec_cli_json_summary(j, 0, NULL);
	ec_json_free(j);
	return 0;
}

int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		ec_cmd_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--format") == 0 || strncmp(argv[1], "--format=", 9) == 0) {
		const char *fmt = argv[1][8] == '=' ? argv[1] + 9 : argc > 2 ? argv[2] : "";
		if (ec_help_generate(fmt, stdout) < 0) {
			fprintf(stderr,
				"ecomctl: error: help: --format: expected man, bash, zsh or "
				"options, got '%s'\n",
				fmt);
			return 64;
		}
		return fflush(stdout) == 0 ? 0 : 74;
	}
	if (strcmp(argv[1], "help") == 0) {
		ec_cmd_usage(stdout);
		return 0;
	}
	const struct ec_cmd *c = ec_cmd_find(argv[1]);
	if (!c) {
		fprintf(stderr, "ecomctl: error: help: unknown command '%s'\n", argv[1]);
		return 64;
	}
	char *sub[] = {argv[1], "--help", NULL};
	return c->fn(2, sub);
}
