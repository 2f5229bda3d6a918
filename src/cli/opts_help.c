/* Option help (--help) and --print-config: the text of an option table and
 * the values a run would use, with where each came from. See opts.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/json.h"
#include "ecomctl/opts.h"
#include "ecomctl/sink_mongo.h"
#include "opts_int.h"

const char *const opts_source_names[] = {"default", "config", "environment", "flag"};

static void usage_opts(FILE *f, const struct ec_opt *o)
{
	for (; o->name; o++) {
		char left[96];
		int k = o->short_name
			    ? snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->name)
			    : snprintf(left, sizeof(left), "    --%s", o->name);
		if (o->arg && k > 0 && (size_t)k < sizeof(left))
			snprintf(left + k, sizeof(left) - (size_t)k, " %s", o->arg);
		char range[112] = "";
		if (opts_needs_range(o) && ec_opt_range(o)) {
			strcpy(range, "; range ");
			ec_opt_range_text(o, range + 8, sizeof(range) - 8);
		}
		if (strlen(left) > 26)
			fprintf(f, "  %s\n  %-26s  %s%s\n", left, "", o->help, range);
		else
			fprintf(f, "  %-26s  %s%s\n", left, o->help, range);
	}
}

void ec_opts_usage(const struct ec_cmd_usage *u, void *file)
{
	FILE *f = file;
	fprintf(f, "usage: ecomctl %s %s\n\n%s\n", u->name, u->synopsis, u->summary);
	if (u->opts && u->opts[0].name) {
		fputs("\noptions:\n", f);
		usage_opts(f, u->opts);
	}
	fputs("\ncommon options:\n", f);
	usage_opts(f, opts_shared);
	if (u->epilog)
		fprintf(f, "\n%s", u->epilog);
}

static void print_value(struct ec_json *j, const struct ec_opt *o)
{
	char buf[32];
	switch (o->kind) {
	case EC_OPT_FLAG:
		ec_json_add_bool(j, o->name, *(int *)o->dest);
		break;
	case EC_OPT_STR: {
		const char *s = *(const char **)o->dest;
		if (s && (o->flags & EC_OPTF_SECRET)) {
			char *r = ec_redact_uri(s);
			ec_json_add_str(j, o->name, r);
			free(r);
		} else {
			ec_json_add_str(j, o->name, s);
		}
		break;
	}
	case EC_OPT_INT:
		ec_json_add_int(j, o->name, *(int64_t *)o->dest);
		break;
	case EC_OPT_DOUBLE:
		ec_json_add_num(j, o->name, *(double *)o->dest);
		break;
	case EC_OPT_DURATION:
		ec_format_duration(*(int64_t *)o->dest, buf);
		ec_json_add_str(j, o->name, buf);
		break;
	case EC_OPT_TIME:
		if (*(int64_t *)o->dest == INT64_MIN)
			ec_json_add_null(j, o->name);
		else
			ec_json_add_time(j, o->name, *(int64_t *)o->dest);
		break;
	case EC_OPT_CHOICE:
		ec_json_add_str(j, o->name, o->choices[*(int *)o->dest]);
		break;
	case EC_OPT_LIST: {
		const struct ec_strlist *l = o->dest;
		struct ec_json *a = ec_json_add_array(j, o->name);
		for (int i = 0; i < l->n; i++)
			ec_json_add_str(a, NULL, l->v[i]);
		break;
	}
	}
}

void opts_print_config(const char *cmd, const struct opts_slot *slots, int n, const void *skip1,
		       const void *skip2)
{
	struct ec_json *root = ec_json_object();
	ec_json_add_str(root, "command", cmd);
	struct ec_json *vals = ec_json_add_object(root, "options");
	struct ec_json *srcs = ec_json_add_object(root, "sources");
	for (int i = 0; i < n; i++) {
		const struct ec_opt *o = slots[i].opt;
		if (o->dest == skip1 || o->dest == skip2)
			continue;
		print_value(vals, o);
		ec_json_add_str(srcs, o->name, opts_source_names[slots[i].src]);
	}
	ec_json_print_stdout(root);
	ec_json_free(root);
}
