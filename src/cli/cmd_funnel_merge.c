/* ecomctl funnel merge: the funnels of N partitions (`funnel --partition
 * K/N`, each directory with its funnel.part.json) as the one report of the
 * run over all users: funnel.csv, funnel.json and funnel.html. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/event.h"
#include "ecomctl/funnel.h"
#include "ecomctl/job.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/run.h"
#include "ecomctl/schema.h"
#include "ecomctl/sink.h"
#include "ecomctl/tz.h"

/* The index of s in a NULL-terminated list of names, or -1. */
static int name_index(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* A string list of a JSON array joined by commas, into buf. */
static const char *joined(const struct ec_json *a, char *buf, size_t cap)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ec_json_size(a) && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? "," : "",
					ec_json_str(ec_json_at(a, i), ""));
	return buf;
}

/* The funnel options of the parts (their "options", as report_params()
 * writes them). */
static int parse_options(const struct ec_json *o, struct ec_funnel_opts *fo, struct ec_tz **tz,
			 struct ec_err *err)
{
	char buf[1024];
	int rc;
	ec_funnel_opts_init(fo);
	if ((rc = ec_funnel_parse_steps(fo, joined(ec_json_get(o, "steps"), buf, sizeof(buf)),
					err)) < 0)
		return rc;
	fo->unit = name_index(ec_funnel_unit_names, ec_json_str(ec_json_get(o, "unit"), ""));
	fo->order = name_index(ec_funnel_order_names, ec_json_str(ec_json_get(o, "order"), ""));
	if (fo->unit < 0 || fo->order < 0)
		return ec_fail(err, EC_EDATA, "unknown unit or order");
	fo->same_product = ec_json_bool(ec_json_get(o, "same_product"), 0);
	fo->window = (int64_t)ec_json_num(ec_json_get(o, "window_s"), -1);
	const struct ec_json *by = ec_json_get(o, "by");
	if (ec_json_size(by) &&
	    (rc = ec_funnel_parse_by(fo, joined(by, buf, sizeof(buf)), err)) < 0)
		return rc;
	fo->category_level = (int)ec_json_num(ec_json_get(o, "category_level"), 2);
	fo->top = (int)ec_json_num(ec_json_get(o, "top"), 20);
	fo->limit = (int)ec_json_num(ec_json_get(o, "limit"), 0);
	if ((rc = ec_funnel_parse_attribution(
		 fo, ec_json_str(ec_json_get(o, "attribution"), "first"), err)) < 0)
		return rc;
	const struct ec_json *ex = ec_json_get(o, "exclusions");
	for (size_t i = 0; i < ec_json_size(ex); i++) {
		const struct ec_json *e = ec_json_at(ex, i);
		snprintf(buf, sizeof(buf), "%s:%d-%d",
			 ec_json_str(ec_json_get(e, "event_type"), ""),
			 (int)ec_json_num(ec_json_get(e, "from_step"), 0),
			 (int)ec_json_num(ec_json_get(e, "to_step"), 0));
		if ((rc = ec_funnel_parse_exclude(fo, buf, err)) < 0)
			return rc;
	}
	fo->max_session = (int64_t)ec_json_num(
	    ec_json_get(ec_json_get(o, "sessions"), "max_session_s"), (double)fo->max_session);
	if ((rc = ec_tz_open(tz, ec_json_str(ec_json_get(o, "time_zone"), "UTC"), err)) < 0)
		return rc;
	fo->tz = *tz;
	return 0;
}

/* Reads DIR/funnel.part.json of each dir, checks that they are the N
 * partitions of one funnel (the same options and inputs, each K once). */
static int read_parts(char **dirs, int n, struct ec_json **parts, struct ec_err *err)
{
	char path[1024];
	char *want = NULL;
	unsigned k, total = 0;
	unsigned char *seen = NULL;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		snprintf(path, sizeof(path), "%s/funnel.part.json", dirs[i]);
		if ((rc = ec_json_read_file(&parts[i], path, err)) < 0)
			break;
		const char *p = ec_json_str(ec_json_get(parts[i], "partition"), "");
		unsigned nn;
		if (sscanf(p, "%u/%u", &k, &nn) != 2 || nn < 2 || k >= nn ||
		    (total && nn != total)) {
			rc = ec_fail(err, EC_EDATA, "%s: partition '%s' is not one of %u", path, p,
				     total);
			break;
		}
		if (!total) {
			total = nn;
			seen = ec_xcalloc(nn, 1);
		}
		if (seen[k]++) {
			rc = ec_fail(err, EC_EDATA, "%s: partition %s is there twice", path, p);
			break;
		}
		const struct ec_json *o = ec_json_get(parts[i], "options");
		if (ec_json_size(ec_json_get(o, "baseline"))) {
			rc = ec_fail(err, EC_EUSAGE,
				     "%s: made with --baseline, which merge does not carry: run "
				     "the partitions without it",
				     path);
			break;
		}
		struct ec_json *key = ec_json_object();
		ec_json_add_tree(key, "options", ec_json_dup(o));
		ec_json_add_tree(key, "inputs", ec_json_dup(ec_json_get(parts[i], "inputs")));
		char *s = ec_json_print(key, 0);
		ec_json_free(key);
		if (!want) {
			want = s;
		} else if (strcmp(want, s) != 0) {
			free(s);
			rc = ec_fail(err, EC_EDATA,
				     "%s: other options or inputs than %s/funnel.part.json", path,
				     dirs[0]);
			break;
		} else {
			free(s);
		}
	}
	for (unsigned i = 0; rc == 0 && i < total; i++)
		if (!seen[i])
			rc = ec_fail(err, EC_EDATA, "partition %u/%u is missing", i, total);
	free(want);
	free(seen);
	return rc;
}

/* Merges the parts into the three reports of dir. */
static int merge(struct ec_job *job, struct ec_json **parts, int n, const char *dir,
		 struct ec_err *err)
{
	struct ec_funnel_opts fo;
	struct ec_session_opts so;
	struct ec_tz *tz = NULL;
	struct ec_funnel *fun = NULL;
	struct ec_sessionizer *z = NULL;
	struct ec_sink *csv = NULL;
	struct ec_outfile *fj = NULL, *fh = NULL;
	char path[1024];
	char **inputs = NULL;
	int rc;

	ec_session_opts_init(&so);
	if ((rc = parse_options(ec_json_get(parts[0], "options"), &fo, &tz, err)) < 0 ||
	    (rc = ec_funnel_new(&fun, &fo, err)) < 0 ||
	    (rc = ec_sessionizer_new(&z, &so, NULL, NULL, NULL, err)) < 0)
		goto done;
	for (int i = 0; i < n; i++)
		if ((rc = ec_funnel_merge_add(fun, z, ec_json_get(parts[i], "tallies"), err)) < 0)
			goto done;
	ec_funnel_finish(fun);
	const struct ec_funnel_result *r = ec_funnel_result(fun);
	const struct ec_json *in = ec_json_get(parts[0], "inputs");
	int n_in = (int)ec_json_size(in);
	inputs = ec_xcalloc((size_t)n_in + 1, sizeof(*inputs));
	for (int i = 0; i < n_in; i++)
		inputs[i] = (char *)ec_json_str(ec_json_at(in, (size_t)i), "");
	snprintf(path, sizeof(path), "%s/funnel.csv", dir);
	if ((rc = ec_mkdirs(dir, err)) < 0 ||
	    (rc = ec_job_rows(job, &csv, &ec_schema_funnel, path, 0, err)) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/funnel.json", dir);
	if ((rc = ec_job_open_file(job, &fj, path, EC_OUT_PLAIN, err)) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/funnel.html", dir);
	if ((rc = ec_job_open_file(job, &fh, path, EC_OUT_PLAIN, err)) < 0)
		goto done;
	ec_funnel_write_csv(r, csv);
	struct ec_json *j = ec_funnel_json(r);
	char *text = ec_json_print(j, 1);
	ec_outfile_puts(fj, text);
	ec_outfile_putc(fj, '\n');
	free(text);
	ec_json_free(j);
	ec_funnel_write_html(r, fh, inputs, n_in);
	if ((rc = ec_job_commit(job, err)) < 0)
		goto done;
	struct ec_json *c = ec_run_counts(ec_job_run(job));
	ec_json_add_int(c, "partitions", n);
	ec_json_add_u64(c, "units", r->units);
	ec_log_info("funnel merge: %d partitions, %llu units; wrote %s/funnel.csv, funnel.json, "
		    "funnel.html",
		    n, (unsigned long long)r->units, dir);
done:
	free(inputs);
	ec_funnel_free(fun);
	ec_sessionizer_free(z);
	ec_tz_free(tz);
	return rc;
}

int ec_funnel_merge_cmd(int argc, char **argv)
{
	struct ec_job_opts jo = {0};
	const char *dir = "output";
	const struct ec_opt opts[] = {
	    {"output", 'o', EC_OPT_STR, &dir, "DIR",
	     "write funnel.csv, funnel.json and funnel.html here (default output)", NULL, 0},
	    EC_JOB_OPTS(jo),
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "funnel merge",
	    "DIR... [OPTIONS]",
	    "Merge the funnels of the N partitions of a run (`funnel --partition K/N`, one\n"
	    "directory each, with its funnel.part.json) into the report of the run over\n"
	    "all users: the same counts, intervals, medians and p90 (from the exact times\n"
	    "between steps), breakdowns, trend and abandoned products. The parts must\n"
	    "share their options and inputs, and every K of N must be there once.",
	    opts,
	    "examples:\n"
	    "  ecomctl funnel merge output/funnel-0 output/funnel-1 -o output/funnel\n",
	};
	struct ec_opts_result res;
	struct ec_json **parts = NULL;
	struct ec_job *job = NULL;
	struct ec_err err = {0};
	int rc;
	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 1)) >= 0)
		return rc;
	int n = res.n_operands;
	parts = ec_xcalloc((size_t)n + 1, sizeof(*parts));
	if ((rc = ec_job_begin(&job, "funnel merge", argc, argv, res.operands, n, &jo, &err)) < 0 ||
	    (rc = read_parts(res.operands, n, parts, &err)) < 0)
		goto done;
	rc = merge(job, parts, n, dir, &err);
done:
	rc = job ? ec_job_end(job, rc, &err) : ec_cli_fail("funnel merge", rc, &err);
	for (int i = 0; i < n; i++)
		ec_json_free(parts[i]);
	free(parts);
	return rc;
}
