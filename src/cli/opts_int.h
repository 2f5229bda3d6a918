/*
 * opts_int.h -- what the option parser (opts.c) and its help and
 * --print-config printers (opts_help.c) share; not a public header.
 */
#ifndef ECOMCTL_CLI_OPTS_INT_H
#define ECOMCTL_CLI_OPTS_INT_H

#include "ecomctl/opts.h"

/* Where an option's value came from, weakest first. */
enum opts_source { SRC_DEFAULT, SRC_CONFIG, SRC_ENV, SRC_FLAG };
extern const char *const opts_source_names[]; /* by enum opts_source */

/* One option of a run and the source of its value. */
struct opts_slot {
	const struct ec_opt *opt;
	enum opts_source src;
};

/* The options every command takes, NULL-terminated. */
extern const struct ec_opt opts_shared[];

/* The kinds that must declare a range (opts.h). */
int opts_needs_range(const struct ec_opt *o);

/* --print-config: the command's values and their sources as JSON on
 * stdout, without the options whose dest is skip1 or skip2. */
void opts_print_config(const char *cmd, const struct opts_slot *slots, int n, const void *skip1,
		       const void *skip2);

#endif
