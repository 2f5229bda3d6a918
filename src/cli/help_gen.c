/* `ecomctl help --format man|bash|zsh|options`: the man page and the shell
 * completions, from the same tables as --help. Every command's --help is
 * run with a hook (opts.h: ec_usage_hook) that hands its usage table here
 * instead of printing it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/opts.h"

/* The --help pages: each command, and the subcommands with tables of
 * their own. help and version take no options and are written by hand. */
static const char *const pages[][3] = {
    {"inspect"},
    {"sessions"},
    {"features"},
    {"train"},
    {"score"},
    {"evaluate"},
    {"models"},
    {"models", "report"},
    {"models", "compare"},
    {"funnel"},
    {"synth"},
    {"schema"},
    {"demo"},
    {"history", "export"},
    {"history", "show"},
    {"history", "delete"},
    {"mongo", "replay"},
};
#define N_PAGES (sizeof(pages) / sizeof(pages[0]))

/* sysexits.h statuses as ecomctl uses them (common.h, DESIGN §8). */
static const struct {
	int code;
	const char *meaning;
} statuses[] = {
    {0, "success"},
    {64, "usage: unknown command or option, bad option value, no input"},
    {65, "bad input data: too many bad rows, a bad header, too many late events, a task "
	 "that cannot be trained"},
    {66, "an input file is missing or unreadable"},
    {69, "MongoDB unavailable at the start; train cannot join the XGBoost tracker"},
    {70, "internal error, XGBoost error, out of memory"},
    {73, "cannot create an output"},
    {74, "I/O error while reading or writing"},
    {75, "try later: an output or the registry is locked by another run, or MongoDB "
	 "documents were spooled"},
    {78, "bad configuration: a bad config file, key or environment variable"},
    {130, "interrupted by SIGINT (128 + the signal; 143 for SIGTERM, 129 for SIGHUP)"},
};

static const char *const environment[][2] = {
    {"ECOMCTL_CONFIG", "the configuration file, when --config is not given"},
    {"ECOMCTL_<OPTION>", "the default of an option, its name in capitals with - as _ "
			 "(ECOMCTL_MODELS=/srv/models); the command line wins"},
    {"MONGODB_URI", "the MongoDB server, when --mongo-uri is not given"},
    {"ECOMCTL_GZIP", "zlib or isal: the gzip decoder (default isal when built with ISA-L)"},
    {"ECOMCTL_PREDICT", "xgboost: score with XGBoost's own predictor, not ecomctl's walk of "
			"the trees (the same numbers, slower)"},
    {"TZDIR", "where funnel --tz looks for the zone files (default /usr/share/zoneinfo)"},
    {"XDG_CONFIG_HOME", "where $XDG_CONFIG_HOME/ecomctl/config.json is looked for "
			"(default ~/.config)"},
    {"JOURNAL_STREAM", "set by systemd: log lines carry journald priorities"},
    {"DMLC_TRACKER_URI", "train --partition K/N: the XGBoost tracker's host; the worker joins "
			 "its group to train one model over every partition"},
    {"DMLC_TRACKER_PORT", "the XGBoost tracker's port"},
    {"DMLC_TASK_ID", "the worker's task id for the XGBoost tracker (default: K of --partition)"},
};

static const char *const files[][2] = {
    {"models/", "the model registry (--models): registry.json, TASK/vN/model.json and "
		"manifest.json"},
    {"output/", "outputs of sessions, score, funnel and demo (-o)"},
    {"output/runs/RUN_ID.json", "the manifest of every run (--runs-dir)"},
    {"output/spool/", "MongoDB documents not acknowledged, for mongo replay"},
    {"$XDG_CONFIG_HOME/ecomctl/config.json", "the user's configuration"},
    {"/etc/ecomctl/config.json", "the system's configuration"},
};

struct gen {
	FILE *f;
	const char *format;
	const char *const *page;
};

/* roff: a backslash doubled, a '-' as \-, a leading '.' or '\'' guarded. */
static void roff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else if (*s == '\n' && (s[1] == '.' || s[1] == '\''))
			fputs("\n\\&", f);
		else
			fputc(*s, f);
	}
}

static void man_opts(FILE *f, const struct ec_opt *o)
{
	for (; o && o->name; o++) {
		fputs(".TP\n", f);
		if (o->short_name)
			fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
		fputs("\\fB\\-\\-", f);
		roff(f, o->name);
		fputs("\\fR", f);
		if (o->arg) {
			fputs(" \\fI", f);
			roff(f, o->arg);
			fputs("\\fR", f);
		}
		fputc('\n', f);
		roff(f, o->help);
		char range[96] = "";
		int numeric =
		    o->kind == EC_OPT_INT || o->kind == EC_OPT_DOUBLE || o->kind == EC_OPT_DURATION;
		if (numeric && ec_opt_range(o))
			ec_opt_range_text(o, range, sizeof(range));
		if (*range) {
			fputs("; range ", f);
			roff(f, range);
		}
		if (o->choices && (o->kind == EC_OPT_CHOICE || o->kind == EC_OPT_LIST)) {
			fputs("; values:", f);
			for (int i = 0; o->choices[i]; i++) {
				fputc(' ', f);
				roff(f, o->choices[i]);
			}
		}
		fputc('\n', f);
	}
}

/* A page's options, space-separated (completion word lists). */
static void words(FILE *f, const struct ec_opt *o)
{
	for (int n = 0; o && o->name; o++, n++) {
		fprintf(f, "%s--%s", n ? " " : "", o->name);
		if (o->short_name)
			fprintf(f, " -%c", o->short_name);
	}
}

static int takes_file(const struct ec_opt *o)
{
	return o->arg && (strcmp(o->arg, "FILE") == 0 || strcmp(o->arg, "DIR") == 0 ||
			  strcmp(o->arg, "FILE|DIR") == 0 || strstr(o->arg, "FILE"));
}

/* Single quotes for a shell word (no quote in the tables' help texts but
 * apostrophes: closed, escaped, reopened). */
static void shq(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

static void hook(const struct ec_cmd_usage *u, void *ctx)
{
	struct gen *g = ctx;
	FILE *f = g->f;
	if (strcmp(g->format, "man") == 0) {
		fputs(".SS \"ecomctl ", f);
		roff(f, u->name);
		fputs(" ", f);
		roff(f, u->synopsis);
		fputs("\"\n", f);
		roff(f, u->summary);
		fputs("\n", f);
		man_opts(f, u->opts);
	} else if (strcmp(g->format, "options") == 0) {
		for (const struct ec_opt *o = u->opts; o && o->name; o++)
			fprintf(f, "%s\t%s\n", u->name, o->name);
	} else if (strcmp(g->format, "bash") == 0) {
		fprintf(f, "_ecomctl_opts[%s]=", u->name);
		fputc('"', f);
		words(f, u->opts);
		fputs("\"\n", f);
		for (const struct ec_opt *o = u->opts; o && o->name; o++) {
			if (o->choices && (o->kind == EC_OPT_CHOICE || o->kind == EC_OPT_LIST)) {
				fprintf(f, "_ecomctl_values[\"%s --%s\"]=\"", u->name, o->name);
				for (int i = 0; o->choices[i]; i++)
					fprintf(f, "%s%s", i ? " " : "", o->choices[i]);
				fputs("\"\n", f);
			} else if (o->kind != EC_OPT_FLAG) {
				fprintf(f, "_ecomctl_values[\"%s --%s\"]=%s\n", u->name, o->name,
					takes_file(o) ? "@file" : "@any");
			}
		}
	} else { /* zsh: one _arguments spec per option */
		fprintf(f, "    ('%s')\n      _arguments -s \\\n", u->name);
		for (const struct ec_opt *o = u->opts; o && o->name; o++) {
			char spec[1024];
			int n = snprintf(spec, sizeof(spec), "--%s%s[", o->name, o->arg ? "=" : "");
			for (const char *h = o->help; *h && n < (int)sizeof(spec) - 200; h++)
				if (*h != '[' && *h != ']' && *h != ':')
					spec[n++] = *h;
			spec[n++] = ']';
			spec[n] = '\0';
			if (o->choices && (o->kind == EC_OPT_CHOICE || o->kind == EC_OPT_LIST)) {
				n += snprintf(spec + n, sizeof(spec) - (size_t)n, ":%s:(",
					      o->arg ? o->arg : "value");
				for (int i = 0; o->choices[i]; i++)
					n += snprintf(spec + n, sizeof(spec) - (size_t)n, "%s%s",
						      i ? " " : "", o->choices[i]);
				snprintf(spec + n, sizeof(spec) - (size_t)n, ")");
			} else if (o->arg) {
				snprintf(spec + n, sizeof(spec) - (size_t)n, ":%s:%s", o->arg,
					 takes_file(o) ? "_files" : " ");
			}
			fputs("        ", f);
			shq(f, spec);
			fputs(" \\\n", f);
		}
		fputs("        '*:file:_files' ;;\n", f);
	}
}

/* Runs every page's --help through the hook. */
static void run_pages(struct gen *g)
{
	ec_usage_hook = hook;
	ec_usage_hook_ctx = g;
	for (size_t i = 0; i < N_PAGES; i++) {
		const struct ec_cmd *c = ec_cmd_find(pages[i][0]);
		char *argv[4] = {(char *)pages[i][0], NULL, NULL, NULL};
		int argc = 1;
		if (pages[i][1])
			argv[argc++] = (char *)pages[i][1];
		argv[argc++] = "--help";
		g->page = pages[i];
		if (c)
			c->fn(argc, argv);
	}
	ec_usage_hook = NULL;
}

static void man(struct gen *g)
{
	FILE *f = g->f;
	fputs(".\\\" ecomctl(1), generated by `ecomctl help --format man` from the "
	      "tables of --help\n.TH ECOMCTL 1 \"\" \"ecomctl " EC_VERSION
	      "\" \"User Commands\"\n.SH NAME\necomctl \\- e\\-commerce clickstream "
	      "analytics in one binary\n.SH SYNOPSIS\n.B ecomctl\n[\\fIOPTIONS\\fR] "
	      "\\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIFILE\\fR...]\n.SH DESCRIPTION\n"
	      "ecomctl streams raw REES46\\-schema event exports (CSV, gzip or zstd) through a "
	      "sessionizer, builds point\\-in\\-time features, trains and scores XGBoost models "
	      "for purchase intent and the top\\-3 categories of a session, writes funnel "
	      "reports, and sends session logs and predictions to MongoDB. Every output is "
	      "written atomically under a lock, and every run leaves a manifest.\n"
	      ".SH COMMANDS\n",
	      f);
	for (const struct ec_cmd *c = ec_commands; c->name; c++) {
		fputs(".TP\n.B ", f);
		roff(f, c->name);
		fputc('\n', f);
		roff(f, c->summary);
		fputc('\n', f);
	}
	fputs(".SH \"COMMAND OPTIONS\"\n", f);
	run_pages(g);
	fputs(".SS \"ecomctl help [COMMAND]\"\nThe help of a command, or the list of commands. "
	      "\\fBhelp \\-\\-format man|bash|zsh|options\\fR prints this page, the shell "
	      "completions, or every command's options.\n"
	      ".SS \"ecomctl version\"\nThe versions of ecomctl and of its libraries.\n"
	      ".SH \"COMMON OPTIONS\"\nEvery command takes these.\n",
	      f);
	man_opts(f, ec_opts_shared());
	fputs(".SH \"EXIT STATUS\"\n", f);
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		fprintf(f, ".TP\n.B %d\n", statuses[i].code);
		roff(f, statuses[i].meaning);
		fputc('\n', f);
	}
	fputs(".SH ENVIRONMENT\n", f);
	for (size_t i = 0; i < sizeof(environment) / sizeof(environment[0]); i++) {
		fputs(".TP\n.B ", f);
		roff(f, environment[i][0]);
		fputc('\n', f);
		roff(f, environment[i][1]);
		fputc('\n', f);
	}
	fputs(".SH FILES\n", f);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		fputs(".TP\n.I ", f);
		roff(f, files[i][0]);
		fputc('\n', f);
		roff(f, files[i][1]);
		fputc('\n', f);
	}
	fputs(".SH \"SEE ALSO\"\nThe README of the project, for the schemas of every "
	      "output and the scheduling examples (cron, systemd) installed under "
	      "/usr/share/doc/ecomctl/examples.\n",
	      f);
}

static void bash(struct gen *g)
{
	FILE *f = g->f;
	fputs("# bash completion for ecomctl; generated by `ecomctl help --format bash`\n"
	      "# from the tables of --help.\n"
	      "declare -A _ecomctl_opts _ecomctl_values\n"
	      "_ecomctl_commands='",
	      f);
	for (const struct ec_cmd *c = ec_commands; c->name; c++)
		fprintf(f, "%s%s", c == ec_commands ? "" : " ", c->name);
	fputs("'\n_ecomctl_subs_models='list show promote rollback report compare'\n"
	      "_ecomctl_subs_history='export show delete'\n_ecomctl_subs_mongo='replay'\n"
	      "_ecomctl_opts[shared]=\"",
	      f);
	words(f, ec_opts_shared());
	fputs("\"\n", f);
	for (const struct ec_opt *o = ec_opts_shared(); o->name; o++)
		if (o->choices && (o->kind == EC_OPT_CHOICE || o->kind == EC_OPT_LIST)) {
			fprintf(f, "_ecomctl_values[\"shared --%s\"]=\"", o->name);
			for (int i = 0; o->choices[i]; i++)
				fprintf(f, "%s%s", i ? " " : "", o->choices[i]);
			fputs("\"\n", f);
		} else if (o->kind != EC_OPT_FLAG) {
			fprintf(f, "_ecomctl_values[\"shared --%s\"]=%s\n", o->name,
				takes_file(o) ? "@file" : "@any");
		}
	run_pages(g);
	fputs("_ecomctl()\n{\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tlocal cmd= sub= w i\n"
	      "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tw=${COMP_WORDS[i]}\n"
	      "\t\tif [[ -z $cmd ]]; then\n"
	      "\t\t\t[[ \" $_ecomctl_commands \" == *\" $w \"* ]] && cmd=$w\n"
	      "\t\telif [[ -z $sub && $cmd =~ ^(models|history|mongo)$ ]]; then\n"
	      "\t\t\tlocal subs=_ecomctl_subs_$cmd\n"
	      "\t\t\t[[ \" ${!subs} \" == *\" $w \"* ]] && sub=$w\n"
	      "\t\tfi\n"
	      "\tdone\n"
	      "\tlocal key=$cmd\n"
	      "\t[[ -n $sub && -n ${_ecomctl_opts[\"$cmd $sub\"]+x} ]] && key=\"$cmd $sub\"\n"
	      "\tlocal vals=${_ecomctl_values[\"$key $prev\"]-${_ecomctl_values[\"shared "
	      "$prev\"]-}}\n"
	      "\tcase $vals in\n"
	      "\t@file) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
	      "\t@any) COMPREPLY=(); return ;;\n"
	      "\t?*) COMPREPLY=($(compgen -W \"$vals\" -- \"$cur\")); return ;;\n"
	      "\tesac\n"
	      "\tif [[ -z $cmd ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$_ecomctl_commands ${_ecomctl_opts[shared]}\" -- "
	      "\"$cur\"))\n"
	      "\telif [[ $cur == -* ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"${_ecomctl_opts[$key]-} ${_ecomctl_opts[shared]}\" -- "
	      "\"$cur\"))\n"
	      "\telif [[ $cmd == help ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$_ecomctl_commands\" -- \"$cur\"))\n"
	      "\telif [[ -z $sub && $cmd =~ ^(models|history|mongo)$ ]]; then\n"
	      "\t\tlocal subs=_ecomctl_subs_$cmd\n"
	      "\t\tCOMPREPLY=($(compgen -W \"${!subs}\" -- \"$cur\"))\n"
	      "\telse\n"
	      "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	      "\tfi\n"
	      "}\n"
	      "complete -o filenames -F _ecomctl ecomctl\n",
	      f);
}

static void zsh(struct gen *g)
{
	FILE *f = g->f;
	fputs("#compdef ecomctl\n# zsh completion for ecomctl; generated by `ecomctl help "
	      "--format zsh`\n# from the tables of --help.\n_ecomctl() {\n"
	      "  local -a commands\n  commands=(\n",
	      f);
	for (const struct ec_cmd *c = ec_commands; c->name; c++) {
		char item[256];
		snprintf(item, sizeof(item), "%s:%s", c->name, c->summary);
		fputs("    ", f);
		shq(f, item);
		fputc('\n', f);
	}
	fputs("  )\n  if (( CURRENT == 2 )); then\n    _describe command commands\n    return\n"
	      "  fi\n  local key=${words[2]}\n"
	      "  if [[ $key == (models|history|mongo) && $words[3] != -* && -n $words[3] && "
	      "CURRENT > 3 ]]; then\n    key=\"$key $words[3]\"\n  fi\n"
	      "  (( CURRENT == 3 )) && case $key in\n"
	      "    models) _values subcommand list show promote rollback report compare; "
	      "return ;;\n"
	      "    history) _values subcommand export show delete; return ;;\n"
	      "    mongo) _values subcommand replay; return ;;\n"
	      "    help) _describe command commands; return ;;\n  esac\n"
	      "  case $key in\n",
	      f);
	run_pages(g);
	fputs("    (*) _files ;;\n  esac\n}\n_ecomctl \"$@\"\n", f);
}

int ec_help_generate(const char *format, void *file)
{
	struct gen g = {file, format, NULL};
	if (strcmp(format, "man") == 0)
		man(&g);
	else if (strcmp(format, "bash") == 0)
		bash(&g);
	else if (strcmp(format, "zsh") == 0)
		zsh(&g);
	else if (strcmp(format, "options") == 0)
		run_pages(&g);
	else
		return -1;
	return 0;
}

/* Every command's option names, once: "name\n" lines of a memory file. */
static char *all_options(void)
{
	static char *text;
	size_t len = 0;
	if (text)
		return text;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		ec_oom();
	ec_help_generate("options", m);
	for (const struct ec_opt *o = ec_opts_shared(); o->name; o++)
		fprintf(m, "*\t%s\n", o->name);
	if (fclose(m) != 0)
		ec_oom();
	return text;
}

int ec_cmd_option_known(const char *name)
{
	size_t n = strlen(name);
	for (const char *p = all_options(); (p = strchr(p, '\t')); p++)
		if (strncmp(p + 1, name, n) == 0 && p[1 + n] == '\n')
			return 1;
	return 0;
}

/* Edit distance (insertions, deletions, substitutions) of a and b. */
static size_t distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t row[64];
	if (na >= 63 || nb >= 63)
		return 64;
	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t cur = row[j];
			size_t sub = prev + (a[i - 1] != b[j - 1]);
			size_t best = row[j] + 1 < row[j - 1] + 1 ? row[j] + 1 : row[j - 1] + 1;
			row[j] = sub < best ? sub : best;
			prev = cur;
		}
	}
	return row[nb];
}

const char *ec_cmd_option_nearest(const char *name)
{
	static char best[64];
	size_t best_d = 4, n = strlen(name); /* at most 3 edits away */
	for (const char *p = all_options(); (p = strchr(p, '\t')); p++) {
		const char *e = strchr(p + 1, '\n');
		size_t len = e ? (size_t)(e - p - 1) : strlen(p + 1);
		size_t d = distance(name, n, p + 1, len);
		if (d < best_d && len < sizeof(best)) {
			best_d = d;
			memcpy(best, p + 1, len);
			best[len] = '\0';
		}
	}
	for (const struct ec_cmd *c = ec_commands; c->name; c++) {
		size_t d = distance(name, n, c->name, strlen(c->name));
		if (d < best_d) {
			best_d = d;
			snprintf(best, sizeof(best), "%s", c->name);
		}
	}
	return best_d < 4 ? best : NULL;
}
