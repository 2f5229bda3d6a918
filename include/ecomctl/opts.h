/*
 * opts.h -- command-line options, environment and configuration file, merged
 * the same way for every command (DESIGN §9): flags > environment
 * (ECOMCTL_<NAME>, MONGODB_URI) > --config FILE (JSON) > defaults.
 *
 * A command describes its options once, in a table of `struct ec_opt` that
 * points at its own variables; that table gives getopt_long its options, the
 * environment and configuration keys, the --help text and --print-config.
 * The options every command shares (-q, -v, --progress, --json, --config,
 * --print-config, --help) are added by ec_opts_parse().
 *
 * Configuration files: a JSON object whose keys are long option names; a
 * key that is an object named after a command applies to that command only
 * (unknown keys there are an error); other top-level keys apply to every
 * command that has such an option and are ignored by the others. Values are
 * strings, numbers, booleans or (for repeatable options) arrays.
 *
 * Ownership: string values stored by the parser are owned by it and live
 * until ec_opts_release(); the table and its variables are the caller's.
 */
#ifndef ECOMCTL_OPTS_H
#define ECOMCTL_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/common.h"

enum ec_opt_kind {
	EC_OPT_FLAG,	 /* int, set to 1 (false/0/no in env or config: 0) */
	EC_OPT_STR,	 /* const char * */
	EC_OPT_INT,	 /* int64_t */
	EC_OPT_DOUBLE,	 /* double */
	EC_OPT_DURATION, /* int64_t seconds: "90s", "30m", "24h", "1h30m", "2d" or seconds */
	EC_OPT_TIME,	 /* int64_t epoch: "YYYY-MM-DD[ HH:MM:SS[ UTC]]" or "...THH:MM:SSZ" */
	EC_OPT_CHOICE,	 /* int: index into choices */
	EC_OPT_LIST,	 /* struct ec_strlist: repeatable, each value appended */
};

struct ec_strlist {
	const char **v;
	int n, cap;
};

/* The values a numeric option accepts: min to max, each bound included
 * unless `open` says otherwise. Durations are in seconds. */
struct ec_range {
	double min, max;
	unsigned open; /* EC_RANGE_OPEN_MIN | EC_RANGE_OPEN_MAX */
};
#define EC_RANGE_OPEN_MIN 1u
#define EC_RANGE_OPEN_MAX 2u

struct ec_opt {
	const char *name; /* long name, config key; env ECOMCTL_<NAME> with '-' as '_' */
	int short_name;	  /* 0 when none */
	enum ec_opt_kind kind;
	void *dest;
	const char *arg; /* argument name in --help ("N", "FILE"); NULL for flags */
	const char *help;
	/* EC_OPT_CHOICE: NULL-terminated names. EC_OPT_INT, _DOUBLE, _DURATION:
	 * their range, from EC_OPT_RANGE() (read it with ec_opt_range()). */
	const char *const *choices;
	unsigned flags; /* EC_OPTF_* */
};

/*
 * The range of a numeric option, written in its table entry in the place of
 * the choices (which only EC_OPT_CHOICE has; the pointer is stored as that
 * field's type, so that tables keep one positional layout):
 *
 *   {"max-bad-fraction", 0, EC_OPT_DOUBLE, &f, "F", "...", EC_OPT_RANGE(0, 1), 0}
 *
 * A value outside it is refused wherever it comes from, naming the option
 * and the range: a flag with EC_EUSAGE (64), the environment or a
 * configuration file with EC_ECONFIG (78). A numeric option without a range
 * is a programming error: ec_opts_parse() refuses it (EC_EINTERNAL).
 * EC_OPT_TIME options need none (their format bounds them).
 */
/* clang-format off */
#define EC_OPT_RANGE(lo, hi) EC_OPT_RANGE_OPEN(lo, hi, 0)
#define EC_OPT_RANGE_OPEN(lo, hi, open) \
	((const char *const *)(const void *)&(const struct ec_range){ (lo), (hi), (open) })
/* clang-format on */

/* The range of a numeric option; NULL when its entry has none. */
static inline const struct ec_range *ec_opt_range(const struct ec_opt *o)
{
	return (const struct ec_range *)(const void *)o->choices;
}
#define EC_OPTF_SECRET 1u /* shown redacted by --print-config */
#define EC_OPTF_NOENV 2u  /* not read from the environment */

/* The usage of one command. */
struct ec_cmd_usage {
	const char *name;	   /* "inspect" */
	const char *synopsis;	   /* "[OPTIONS] FILE..." */
	const char *summary;	   /* one paragraph, printed under the synopsis */
	const struct ec_opt *opts; /* terminated by an entry with name NULL */
	const char *epilog;	   /* examples etc., or NULL */
};

/* The shared options' values. */
extern int ec_opt_json; /* --json */

struct ec_opts_result {
	char **operands; /* borrowed from argv */
	int n_operands;
	int exit_now; /* --help or --print-config printed: exit 0 */
};

/* The options every command takes (--quiet, --json, ...), in --help order. */
const struct ec_opt *ec_opts_shared(void);

/* When set, ec_opts_parse() hands the command's usage table to the hook
 * instead of parsing, and asks the command to exit (as after --help):
 * how `help --format` reads every command's table (help_gen.c). */
typedef void (*ec_usage_hook_fn)(const struct ec_cmd_usage *u, void *ctx);
extern ec_usage_hook_fn ec_usage_hook;
extern void *ec_usage_hook_ctx;

/* Whether arg ("--progress") is a shared option whose value is the next
 * word: how `ecomctl [shared options] COMMAND` finds the command. */
int ec_opts_shared_takes_value(const char *arg);

/* Parses config, environment and argv (argv[0] is the command name) into the
 * table's variables. Returns 0, EC_EUSAGE (message in err) for bad options
 * or values, or EC_ECONFIG for a bad configuration file or variable
 * (values out of their option's range included). */
int ec_opts_parse(const struct ec_cmd_usage *u, int argc, char **argv, struct ec_opts_result *res,
		  struct ec_err *err);

/* Prints the command's --help text to f (stdout for help). */
void ec_opts_usage(const struct ec_cmd_usage *u, void *file);

/* Frees the strings kept by the parser: main() calls it once the command
 * has returned (commands never do). */
void ec_opts_release(void);

/* Parses "30m", "1h30m", "90s", "2d", "45" (seconds). Returns 0 or -1. */
int ec_parse_duration(const char *s, int64_t *out);
/* Parses "2019-10-01", "2019-10-01 12:00:00", "... UTC", "2019-10-01T12:00:00Z". */
int ec_parse_time_arg(const char *s, int64_t *out);
/* Writes a duration as "1h30m" (or "0s") into buf (>= 32 bytes). */
void ec_format_duration(int64_t secs, char *buf);
/* The URI (or an argument that starts with one) with its password and secret
 * options replaced by "***": ec_mongo_shown_uri() (sink_mongo.h). New; free() it. */
char *ec_redact_uri(const char *uri);

/* Checks v against an option's range: 0, or -1 with "<v> is out of range
 * [min, max]" (the value and bounds written for the option's kind) in msg. */
int ec_opt_range_check(const struct ec_opt *o, double v, char *msg, size_t cap);
/* An option's range as "[0, 1]", "(0, 1]" or "[0s, 1d]" into buf. */
void ec_opt_range_text(const struct ec_opt *o, char *buf, size_t cap);

/* Appends to a list (copies nothing: s must outlive the list). */
void ec_strlist_push(struct ec_strlist *l, const char *s);
void ec_strlist_release(struct ec_strlist *l);

#endif
