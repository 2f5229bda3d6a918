#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ecomctl/cleanup.h"
#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/model.h"
#include "ecomctl/opts.h"

/* libmongoc's constructor made /dev/shm/mongoc-<pid> for its counters and
 * never removes it: a later process with the same pid would then warn.
 * Remove ours at exit. */
static void remove_mongoc_counters(void)
{
	char shm[32];
	snprintf(shm, sizeof(shm), "/mongoc-%u", (unsigned)getpid());
	shm_unlink(shm);
}

/* Options given before the command are handed to it: `ecomctl -q inspect x`
 * is `ecomctl inspect -q x`. Only --help and --version stand alone. */
int main(int argc, char **argv)
{
	atexit(remove_mongoc_counters);
	int first = 1;
	while (first < argc && argv[first][0] == '-' && argv[first][1] != '\0') {
		if (strcmp(argv[first], "--version") == 0 || strcmp(argv[first], "-V") == 0)
			return cmd_version(0, NULL) | (fclose(stdout) != 0 ? 74 : 0);
		if (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0) {
			ec_cmd_usage(stdout);
			return fclose(stdout) != 0 ? 74 : 0;
		}
		/* an option that takes its value as the next word */
		if (ec_opts_shared_takes_value(argv[first]))
			first++;
		first++;
	}
	if (first >= argc) {
		ec_cmd_usage(stderr);
		return 64;
	}
	const struct ec_cmd *cmd = ec_cmd_find(argv[first]);
	/* The commands that run XGBoost: OpenMP's wait policy must be set
	 * before libgomp loads, so this may execute the program again. */
	static const char *const xgb_commands[] = {"train", "score", "evaluate", "demo", NULL};
	for (int i = 0; cmd && xgb_commands[i]; i++)
		if (strcmp(argv[first], xgb_commands[i]) == 0)
			ec_model_omp_setup(argv);
	if (!cmd) {
		fprintf(stderr, "ecomctl: error: unknown command '%s' (see ecomctl --help)\n",
			argv[first]);
		for (int i = 1; i < first; i++)
			ec_opt_json |= strcmp(argv[i], "--json") == 0;
		ec_cli_json_failure(argv[first], 64, "unknown command (see ecomctl --help)");
		return 64;
	}
	/* argv for the command: its name, then the global options, then the rest. */
	char **sub = calloc((size_t)argc + 1, sizeof(char *));
	if (!sub) {
		fputs("ecomctl: error: out of memory\n", stderr);
		return 70;
	}
	int n = 0;
	sub[n++] = argv[first];
	for (int i = 1; i < first; i++)
		sub[n++] = argv[i];
	for (int i = first + 1; i < argc; i++)
		sub[n++] = argv[i];
	ec_signals_install();
	int status = cmd->fn(n, sub);
	/* --json promises one object on stdout, failures included */
	ec_cli_json_failure(argv[first], status, ec_log_last_error());
	ec_opts_release(); /* the option values, for every command: one place */
	free(sub);
	/* A full disk or a closed pipe on stdout must not exit 0 (git, jq). */
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (status == 0) {
			fprintf(stderr, "ecomctl: error: writing to stdout: %s\n", strerror(errno));
			status = 74;
		}
	}
	return status;
}
