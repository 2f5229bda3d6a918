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
int cmd_schema(int argc, char **argv);

#endif
