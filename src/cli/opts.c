#include "ecomctl/opts.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecomctl/cmd.h"
#include "ecomctl/json.h"
#include "ecomctl/progress.h"
#include "ecomctl/sink_mongo.h"
#include "opts_int.h"

int ec_opt_json;

static const char *const progress_choices[] = {"auto", "always", "never", NULL};
static const char *const log_format_choices[] = {"text", "json", NULL};
static int opt_quiet, opt_verbose, opt_print_config, opt_help, opt_progress;
static const char *opt_config, *opt_workdir;

const struct ec_opt opts_shared[] = {
    {"quiet", 'q', EC_OPT_FLAG, &opt_quiet, NULL, "print errors only", NULL, 0},
    {"verbose", 'v', EC_OPT_FLAG, &opt_verbose, NULL, "print more detail", NULL, 0},
    {"progress", 0, EC_OPT_CHOICE, &opt_progress, "WHEN",
     "progress line on stderr: auto (on a terminal), always, never", progress_choices, 0},
    {"log-format", 0, EC_OPT_CHOICE, &ec_log_format, "FMT",
     "stderr lines: text (with time and run id when not a terminal) or json", log_format_choices,
     0},
    {"json", 0, EC_OPT_FLAG, &ec_opt_json, NULL,
     "print a machine-readable summary of the run on stdout", NULL, 0},
    {"workdir", 0, EC_OPT_STR, &opt_workdir, "DIR",
     "run in DIR: relative paths, models/ and output/ are under it (as make -C)", NULL, 0},
    {"config", 0, EC_OPT_STR, &opt_config, "FILE",
     "read option defaults from a JSON file (also ECOMCTL_CONFIG)", NULL, EC_OPTF_NOENV},
    {"print-config", 0, EC_OPT_FLAG, &opt_print_config, NULL,
     "print the merged configuration (secrets redacted) and exit", NULL, EC_OPTF_NOENV},
    {"help", 'h', EC_OPT_FLAG, &opt_help, NULL, "show this help and exit", NULL, EC_OPTF_NOENV},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
};

ec_usage_hook_fn ec_usage_hook;
void *ec_usage_hook_ctx;

const struct ec_opt *ec_opts_shared(void)
{
	return opts_shared;
}

int ec_opts_shared_takes_value(const char *arg)
{
	if (strncmp(arg, "--", 2) != 0)
		return 0;
	for (const struct ec_opt *o = opts_shared; o->name; o++)
		if (o->kind != EC_OPT_FLAG && strcmp(arg + 2, o->name) == 0)
			return 1;
	return 0;
}

/* Strings the parser keeps for option values. */
static char **kept;
static size_t n_kept, cap_kept;

static const char *keep(const char *s)
{
	EC_GROW(kept, cap_kept, n_kept + 1);
	return kept[n_kept++] = ec_xstrdup(s);
}

void ec_opts_release(void)
{
	for (size_t i = 0; i < n_kept; i++)
		free(kept[i]);
	free(kept);
	kept = NULL;
	n_kept = cap_kept = 0;
}

void ec_strlist_push(struct ec_strlist *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->v = ec_xrealloc(l->v, (size_t)l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = s;
}

void ec_strlist_release(struct ec_strlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

char *ec_redact_uri(const char *uri)
{
	return ec_mongo_shown_uri(uri);
}

/* ---- setting one value -------------------------------------------------- */

static int parse_bool(const char *s, int *out)
{
	static const char *const yes[] = {"1", "true", "yes", "on", NULL};
	static const char *const no[] = {"0", "false", "no", "off", "", NULL};
	for (int i = 0; yes[i]; i++)
		if (strcmp(s, yes[i]) == 0)
			return *out = 1, 0;
	for (int i = 0; no[i]; i++)
		if (strcmp(s, no[i]) == 0)
			return *out = 0, 0;
	return -1;
}

int opts_needs_range(const struct ec_opt *o)
{
	return o->kind == EC_OPT_INT || o->kind == EC_OPT_DOUBLE || o->kind == EC_OPT_DURATION;
}

static int in_range(const struct ec_opt *o, double v, const char *where, int code,
		    struct ec_err *err)
{
	char msg[160];
	if (ec_opt_range_check(o, v, msg, sizeof(msg)) == 0)
		return 0;
	return ec_fail(err, code, "%s: %s", where, msg);
}

/* `where` names the source in messages: "--gap", "ECOMCTL_GAP", "cfg.json: gap". */
static int set_value(struct opts_slot *sl, enum opts_source src, const char *val, const char *where,
		     struct ec_err *err)
{
	const struct ec_opt *o = sl->opt;
	int code = src == SRC_FLAG ? EC_EUSAGE : EC_ECONFIG, rc;
	char *end;

	if (o->kind == EC_OPT_LIST && sl->src != src) {
		/* A list from a higher source replaces the lower one's. */
		((struct ec_strlist *)o->dest)->n = 0;
	}
	sl->src = src;
	switch (o->kind) {
	case EC_OPT_FLAG:
		if (!val) {
			*(int *)o->dest = 1;
		} else if (parse_bool(val, (int *)o->dest) != 0) {
			return ec_fail(err, code, "%s: expected true or false, got '%s'", where,
				       val);
		}
		return 0;
	case EC_OPT_STR:
		*(const char **)o->dest = keep(val);
		return 0;
	case EC_OPT_LIST:
		ec_strlist_push(o->dest, keep(val));
		return 0;
	case EC_OPT_INT: {
		errno = 0;
		long long v = strtoll(val, &end, 10);
		if (errno || end == val || *end)
			return ec_fail(err, code, "%s: expected an integer, got '%s'", where, val);
		if ((rc = in_range(o, (double)v, where, code, err)) < 0)
			return rc;
		*(int64_t *)o->dest = v;
		return 0;
	}
	case EC_OPT_DOUBLE: {
		errno = 0;
		double v = strtod(val, &end);
		if (errno || end == val || *end || !isfinite(v))
			return ec_fail(err, code, "%s: expected a number, got '%s'", where, val);
		if ((rc = in_range(o, v, where, code, err)) < 0)
			return rc;
		*(double *)o->dest = v;
		return 0;
	}
	case EC_OPT_DURATION: {
		int64_t v;
		if (ec_parse_duration(val, &v) != 0)
			return ec_fail(err, code,
				       "%s: expected a duration like 30m or 1h30m, got '%s'", where,
				       val);
		if ((rc = in_range(o, (double)v, where, code, err)) < 0)
			return rc;
		*(int64_t *)o->dest = v;
		return 0;
	}
	case EC_OPT_TIME:
		if (ec_parse_time_arg(val, o->dest) != 0)
			return ec_fail(
			    err, code,
			    "%s: expected a time like 2019-10-01 or 2019-10-01 12:00:00, got '%s'",
			    where, val);
		return 0;
	case EC_OPT_CHOICE:
		for (int i = 0; o->choices[i]; i++) {
			if (strcmp(o->choices[i], val) == 0) {
				*(int *)o->dest = i;
				return 0;
			}
		}
		{
			char list[256] = "";
			for (int i = 0; o->choices[i]; i++) {
				strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
				strncat(list, o->choices[i], sizeof(list) - strlen(list) - 1);
			}
			return ec_fail(err, code, "%s: expected one of %s, got '%s'", where, list,
				       val);
		}
	}
	return 0;
}

/* A JSON value of a configuration file as option text. */
/* The config file being read (for its relative paths). */
static const char *config_file;
static const char *config_path(const char *file, const char *value);

/* Whether an option's value names a file or directory (its argument name). */
static int is_path_opt(const struct ec_opt *o)
{
	return o->kind == EC_OPT_STR && o->arg && (strstr(o->arg, "FILE") || strstr(o->arg, "DIR"));
}

static int config_value(struct opts_slot *sl, const struct ec_json *v, const char *where,
			struct ec_err *err)
{
	char buf[64];
	switch (ec_json_type(v)) {
	case EC_JSON_STRING:
		if (config_file && is_path_opt(sl->opt))
			return set_value(sl, SRC_CONFIG,
					 config_path(config_file, ec_json_str(v, "")), where, err);
		return set_value(sl, SRC_CONFIG, ec_json_str(v, ""), where, err);
	case EC_JSON_NUMBER:
		snprintf(buf, sizeof(buf), "%.17g", ec_json_num(v, 0));
		return set_value(sl, SRC_CONFIG, buf, where, err);
	case EC_JSON_BOOL:
		return set_value(sl, SRC_CONFIG, ec_json_bool(v, 0) ? "true" : "false", where, err);
	case EC_JSON_ARRAY:
		if (sl->opt->kind != EC_OPT_LIST)
			break;
		for (size_t i = 0; i < ec_json_size(v); i++) {
			int rc = config_value(sl, ec_json_at(v, i), where, err);
			if (rc < 0)
				return rc;
		}
		return 0;
	default:
		break;
	}
	return ec_fail(err, EC_ECONFIG, "%s: unsupported value", where);
}

static struct opts_slot *find_slot(struct opts_slot *slots, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(slots[i].opt->name, name) == 0)
			return &slots[i];
	return NULL;
}

static int apply_config(const char *cmd, struct opts_slot *slots, int n, const char *path,
			struct ec_err *err)
{
	struct ec_json *root = NULL;
	char where[512];
	int rc = ec_json_read_file(&root, path, err);
	config_file = path;
	if (rc < 0) {
		err->code = EC_ECONFIG;
		ec_json_free(root);
		return EC_ECONFIG;
	}
	if (ec_json_type(root) != EC_JSON_OBJECT) {
		ec_json_free(root);
		return ec_fail(err, EC_ECONFIG, "%s: expected a JSON object", path);
	}
	for (size_t i = 0; i < ec_json_size(root) && rc == 0; i++) {
		struct ec_json *m = ec_json_at(root, i);
		const char *key = ec_json_key(m);
		struct opts_slot *sl = find_slot(slots, n, key);
		if (ec_json_type(m) == EC_JSON_OBJECT) {
			if (strcmp(key, cmd) != 0)
				continue;
			for (size_t k = 0; k < ec_json_size(m) && rc == 0; k++) {
				struct ec_json *c = ec_json_at(m, k);
				snprintf(where, sizeof(where), "%s: %s.%s", path, cmd,
					 ec_json_key(c));
				if (!(sl = find_slot(slots, n, ec_json_key(c))))
					rc = ec_fail(err, EC_ECONFIG, "%s: no such option of %s",
						     where, cmd);
				else
					rc = config_value(sl, c, where, err);
			}
		} else if (sl) {
			snprintf(where, sizeof(where), "%s: %s", path, key);
			rc = config_value(sl, m, where, err);
		}
		if (rc == 0 && !sl && !(ec_json_type(m) == EC_JSON_OBJECT && ec_cmd_find(key)) &&
		    !ec_cmd_option_known(key)) {
			const char *near = ec_cmd_option_nearest(key);
			rc = ec_fail(err, EC_ECONFIG, "%s: unknown key '%s'%s%s%s", path, key,
				     near ? " (did you mean '" : "", near ? near : "",
				     near ? "'?)" : "");
		}
	}
	ec_json_free(root);
	config_file = NULL;
	return rc;
}

/* A path option's value from a config file: relative to the file's
 * directory (made absolute, so --workdir cannot move it). */
static const char *config_path(const char *file, const char *value)
{
	char dir[4096], *slash;
	if (value[0] == '/' || value[0] == '\0' || strcmp(value, "-") == 0 || strstr(value, "://"))
		return value;
	if (file[0] == '/') {
		snprintf(dir, sizeof(dir), "%s", file);
	} else if (!getcwd(dir, sizeof(dir) - strlen(file) - 2)) {
		return value;
	} else {
		strncat(dir, "/", sizeof(dir) - strlen(dir) - 1);
		strncat(dir, file, sizeof(dir) - strlen(dir) - 1);
	}
	slash = strrchr(dir, '/');
	slash[1] = '\0';
	strncat(dir, value, sizeof(dir) - strlen(dir) - 1);
	return keep(dir);
}

static void env_name(const char *opt, char *buf, size_t n)
{
	size_t k = (size_t)snprintf(buf, n, "ECOMCTL_");
	for (; *opt && k + 1 < n; opt++)
		buf[k++] = *opt == '-' ? '_' : (char)toupper((unsigned char)*opt);
	buf[k] = '\0';
}

static int apply_env(struct opts_slot *slots, int n, struct ec_err *err)
{
	char name[96];
	for (int i = 0; i < n; i++) {
		const struct ec_opt *o = slots[i].opt;
		if (o->flags & EC_OPTF_NOENV)
			continue;
		env_name(o->name, name, sizeof(name));
		const char *v = getenv(name);
		if (!v && strcmp(o->name, "mongo-uri") == 0 && (v = getenv("MONGODB_URI")))
			snprintf(name, sizeof(name), "MONGODB_URI");
		if (!v)
			continue;
		int rc = set_value(&slots[i], SRC_ENV, v, name, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- the parser ---------------------------------------------------------- */

/* The value of --config in argv, else def. */
/* Without --config or ECOMCTL_CONFIG: the first of
 * $XDG_CONFIG_HOME/ecomctl/config.json (~/.config when unset) and
 * /etc/ecomctl/config.json that exists; NULL when none does. */
static const char *config_search(void)
{
	char p[4096];
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && *xdg == '/')
		snprintf(p, sizeof(p), "%s/ecomctl/config.json", xdg);
	else if (home && *home)
		snprintf(p, sizeof(p), "%s/.config/ecomctl/config.json", home);
	else
		p[0] = '\0';
	if (*p && access(p, F_OK) == 0)
		return keep(p);
	if (access("/etc/ecomctl/config.json", F_OK) == 0)
		return "/etc/ecomctl/config.json";
	return NULL;
}

static const char *config_arg(int argc, char **argv, const char *def)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			def = argv[i + 1];
		else if (strncmp(argv[i], "--config=", 9) == 0)
			def = argv[i] + 9;
	}
	return def;
}

/* After a successful parse: the shared options take effect. */
static void apply_shared(const struct ec_cmd_usage *u, struct opts_slot *slots, int n,
			 struct ec_opts_result *res)
{
	if (opt_quiet)
		ec_verbosity = 0;
	if (opt_verbose)
		ec_verbosity = 2;
	ec_progress_mode = (enum ec_progress_mode)opt_progress;
	if (opt_help) {
		ec_opts_usage(u, stdout);
		res->exit_now = 1;
	} else if (opt_print_config) {
		opts_print_config(u->name, slots, n, &opt_print_config, &opt_help);
		res->exit_now = 1;
	}
}

int ec_opts_parse(const struct ec_cmd_usage *u, int argc, char **argv, struct ec_opts_result *res,
		  struct ec_err *err)
{
	int n_cmd = 0, n_shared = 0, n, rc = 0;
	if (ec_usage_hook) {
		memset(res, 0, sizeof(*res));
		ec_usage_hook(u, ec_usage_hook_ctx);
		res->exit_now = 1;
		return 0;
	}
	while (u->opts && u->opts[n_cmd].name)
		n_cmd++;
	while (opts_shared[n_shared].name)
		n_shared++;
	n = n_cmd + n_shared;

	struct opts_slot *slots = ec_xcalloc((size_t)n, sizeof(*slots));
	struct option *lo = ec_xcalloc((size_t)n + 1, sizeof(*lo));
	char *shorts = ec_xmalloc((size_t)n * 2 + 2);
	size_t ns = 0;

	memset(res, 0, sizeof(*res));
	opt_help = opt_print_config = 0;
	opt_workdir = NULL;
	opt_config = getenv("ECOMCTL_CONFIG");
	shorts[ns++] = ':';
	for (int i = 0; i < n; i++) {
		const struct ec_opt *o = i < n_cmd ? &u->opts[i] : &opts_shared[i - n_cmd];
		slots[i].opt = o;
		if (opts_needs_range(o) && !ec_opt_range(o)) {
			rc = ec_fail(err, EC_EINTERNAL, "%s: --%s has no range", u->name, o->name);
			goto done;
		}
		lo[i].name = o->name;
		lo[i].has_arg = o->kind == EC_OPT_FLAG ? no_argument : required_argument;
		lo[i].val = 256 + i;
		if (o->short_name) {
			shorts[ns++] = (char)o->short_name;
			if (o->kind != EC_OPT_FLAG)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = '\0';
	opt_progress = (int)ec_progress_mode;

	/* --config comes first: it only supplies defaults for the rest. */
	opt_config = config_arg(argc, argv, opt_config);
	if (!opt_config)
		opt_config = config_search();
	if (opt_config && (rc = apply_config(u->name, slots, n, opt_config, err)) < 0)
		goto done;
	if ((rc = apply_env(slots, n, err)) < 0)
		goto done;

	optind = 0; /* glibc: a full re-initialisation, as for a fresh argv */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		int idx = -1;
		char where[96];
		if (c == '?') {
			if (optopt)
				rc = ec_fail(err, EC_EUSAGE, "%s: unknown option '-%c'", u->name,
					     optopt);
			else
				rc = ec_fail(err, EC_EUSAGE, "%s: unknown option '%s'", u->name,
					     argv[optind - 1]);
			goto done;
		}
		if (c == ':') {
			rc = ec_fail(err, EC_EUSAGE, "%s: option '%s' needs a value", u->name,
				     argv[optind - 1]);
			goto done;
		}
		if (c >= 256) {
			idx = c - 256;
		} else {
			for (int i = 0; i < n; i++)
				if (slots[i].opt->short_name == c)
					idx = i;
		}
		if (idx < 0) {
			rc = ec_fail(err, EC_EUSAGE, "%s: unknown option", u->name);
			goto done;
		}
		snprintf(where, sizeof(where), "%s: --%s", u->name, slots[idx].opt->name);
		if ((rc = set_value(&slots[idx], SRC_FLAG,
				    slots[idx].opt->kind == EC_OPT_FLAG ? NULL : optarg, where,
				    err)) < 0)
			goto done;
	}
	res->operands = argv + optind;
	res->n_operands = argc - optind;
	apply_shared(u, slots, n, res);
	if (opt_workdir && !res->exit_now && chdir(opt_workdir) != 0)
		rc = ec_fail(err, EC_ENOINPUT, "%s: --workdir %s: %s", u->name, opt_workdir,
			     strerror(errno));
done:
	free(slots);
	free(lo);
	free(shorts);
	return rc;
}
