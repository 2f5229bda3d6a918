/* ecomctl funnel: step counts, drop-off, breakdowns and abandoned products,
 * as funnel.csv, funnel.json and funnel.html under one directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/funnel.h"
#include "ecomctl/job.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/run.h"
#include "ecomctl/schema.h"
#include "ecomctl/tz.h"
#include "ecomctl/sink.h"
#include "ecomctl/sink_mongo.h"

/* Opens DIR/name for writing, under the job. */
static int open_out(struct ec_job *job, struct ec_outfile **f, const char *dir, const char *name,
		    char *path, size_t cap, struct ec_err *err)
{
	snprintf(path, cap, "%s/%s", dir, name);
	return ec_job_open_file(job, f, path, EC_OUT_PLAIN, err);
}

static int options(struct ec_funnel_opts *fo, const char *steps, const struct ec_strlist *by,
		   const struct ec_strlist *exclude, const char *window, int64_t level, int64_t top,
		   int64_t limit, const char *attribution, struct ec_err *err)
{
	int rc;
	if ((rc = ec_funnel_parse_steps(fo, steps, err)) < 0 ||
	    (rc = ec_funnel_parse_attribution(fo, attribution, err)) < 0)
		return rc;
	for (int i = 0; i < by->n; i++)
		if ((rc = ec_funnel_parse_by(fo, by->v[i], err)) < 0)
			return rc;
	for (int i = 0; i < exclude->n; i++)
		if ((rc = ec_funnel_parse_exclude(fo, exclude->v[i], err)) < 0)
			return rc;
	if (strcmp(window, "none") != 0 && ec_parse_duration(window, &fo->window) != 0)
		return ec_fail(err, EC_EUSAGE,
			       "--window: expected a duration like 30m or 1h30m, or none, got '%s'",
			       window);
	fo->top = (int)top;
	fo->category_level = (int)level;
	fo->limit = (int)limit;
	return 0;
}

/* The options that shape a funnel report: with its inputs, the key of its
 * MongoDB document. New; free with ec_json_free(). */
static struct ec_json *report_params(const struct ec_funnel_opts *fo,
				     const struct ec_session_opts *so,
				     const struct ec_strlist *baseline)
{
	struct ec_json *p = ec_json_object();
	struct ec_json *a = ec_json_add_array(p, "steps");
	for (int k = 0; k < fo->n_steps; k++)
		ec_json_add_str(a, NULL, ec_event_type_name(fo->steps[k]));
	ec_json_add_str(p, "unit", ec_funnel_unit_names[fo->unit]);
	ec_json_add_str(p, "order", ec_funnel_order_names[fo->order]);
	ec_json_add_bool(p, "same_product", fo->same_product);
	if (fo->window >= 0)
		ec_json_add_int(p, "window_s", fo->window);
	else
		ec_json_add_null(p, "window_s");
	a = ec_json_add_array(p, "by");
	for (int i = 0; i < fo->n_by; i++)
		ec_json_add_str(a, NULL, ec_funnel_by_names[fo->by[i]]);
	ec_json_add_int(p, "category_level", fo->category_level);
	ec_json_add_int(p, "top", fo->top);
	ec_json_add_int(p, "limit", fo->limit);
	char ab[16];
	ec_json_add_str(p, "attribution", ec_funnel_attribution_name(fo, ab));
	ec_funnel_exclusions_json(fo, p);
	ec_json_add_str(p, "time_zone", ec_tz_name(fo->tz));
	a = ec_json_add_array(p, "baseline");
	for (int i = 0; i < baseline->n; i++)
		ec_json_add_str(a, NULL, baseline->v[i]);
	struct ec_json *s = ec_json_add_object(p, "sessions");
	ec_json_add_str(s, "session_key", ec_session_key_names[so->key]);
	ec_json_add_int(s, "gap_s", so->gap);
	ec_json_add_int(s, "max_session_s", so->max_session);
	ec_json_add_int(s, "lateness_s", so->lateness);
	ec_json_add_bool(s, "split_at_midnight", so->split_at_midnight);
	ec_json_add_bool(s, "keep_duplicates", so->keep_duplicates);
	char pb[16];
	const char *pn = ec_partition_name(&so->part, pb);
	if (pn) /* partition reports are separate documents */
		ec_json_add_str(p, "partition", pn);
	return p;
}

/* A partition's funnel.part.json, for `funnel merge`: the options (without
 * the partition), the partition, the inputs and the raw tallies. */
static int write_part(struct ec_job *job, const struct ec_funnel_args *a,
		      const struct ec_funnel *fun, char **inputs, int n, struct ec_err *err)
{
	struct ec_outfile *f;
	char path[1024], pb[16];
	int rc;
	if ((rc = open_out(job, &f, a->dir, "funnel.part.json", path, sizeof(path), err)) < 0)
		return rc;
	struct ec_json *j = ec_json_object();
	ec_json_add_run_header(j);
	ec_json_add_str(j, "partition", ec_partition_name(&a->so.part, pb));
	struct ec_json *o = report_params(&a->fo, &a->so, &a->baseline);
	ec_json_remove(o, "partition");
	ec_json_add_tree(j, "options", o);
	struct ec_json *in = ec_json_add_array(j, "inputs");
	for (int i = 0; i < n; i++)
		ec_json_add_str(in, NULL, inputs[i]);
	ec_json_add_tree(j, "tallies", ec_funnel_part_json(fun));
	char *text = ec_json_print(j, 0);
	ec_outfile_puts(f, text);
	ec_outfile_putc(f, '\n');
	free(text);
	ec_json_free(j);
	return 0;
}

/* After the commit: MongoDB's run document, then the --json summary or the
 * summary line. paths: the CSV, JSON and HTML files. */
static void report(const struct ec_funnel_args *a, struct ec_job *job, const struct ec_input *in,
		   const struct ec_funnel_result *r, struct ec_mongo *mongo, const char *paths[3])
{
	int K = a->fo.n_steps;
	if (mongo) {
		struct ec_json *counts = ec_json_object();
		ec_input_json(in, counts);
		ec_json_add_u64(counts, "units", r->units);
		ec_job_mongo_finish(job, counts);
		ec_json_free(counts);
	}
	if (ec_opt_json) {
		struct ec_json *o = ec_json_object();
		ec_json_add_str(o, "command", "funnel");
		if (mongo)
			ec_mongo_json(mongo, o);
		ec_json_add_str(o, "csv", paths[0]);
		ec_json_add_str(o, "json", paths[1]);
		ec_json_add_str(o, "html", paths[2]);
		ec_json_add_u64(o, "units", r->units);
		struct ec_json *su = ec_json_add_array(o, "step_units");
		for (int k = 0; k < K; k++)
			ec_json_add_u64(su, NULL, r->total.units[k]);
		ec_input_json(in, o);
		ec_job_json_summary(job, o);
		ec_json_free(o);
		return;
	}
	ec_reader_report(in->reader);
	ec_sessionizer_report(in->z);
	ec_log_info(
	    "funnel: %llu %ss, %llu reached step 1, %llu step %d; wrote %s, %s, %s in %.2f s",
	    (unsigned long long)r->units, ec_funnel_unit_names[a->fo.unit],
	    (unsigned long long)r->total.units[0], (unsigned long long)r->total.units[K - 1], K,
	    paths[0], paths[1], paths[2], ec_now() - in->t0);
	if (mongo)
		ec_mongo_report(mongo);
}

void ec_funnel_args_init(struct ec_funnel_args *a)
{
	memset(a, 0, sizeof(*a));
	ec_reader_opts_init(&a->ro);
	ec_session_opts_init(&a->so);
	ec_funnel_opts_init(&a->fo);
	ec_mongo_opts_init(&a->mo);
	a->dir = "output";
	a->steps = "view,cart,purchase";
	a->window = "none";
	a->tz = "UTC";
	a->attribution = "first";
	a->level = 2;
	a->top = 20;
}

/* --baseline: the same funnel on the baseline files, into *out (and the
 * input it borrows, *bin, open until the funnel is freed). */
static int run_baseline(struct ec_funnel_args *a, struct ec_input *bin, struct ec_funnel **out,
			struct ec_err *err)
{
	struct ec_reader_opts ro = a->ro;
	int rc;
	if ((rc = ec_funnel_new(out, &a->fo, err)) < 0 ||
	    (rc = ec_input_open(bin, &ro, &a->so, (char **)a->baseline.v, a->baseline.n, err)) < 0)
		return rc;
	if ((rc = ec_funnel_feed(*out, bin->z, err)) < 0 || (rc = ec_input_finish(bin, err)) < 0)
		return rc;
	ec_funnel_finish(*out);
	return 0;
}

int ec_funnel_run(struct ec_funnel_args *a, int argc, char **argv, char **inputs, int n_inputs)
{
	struct ec_input in = {0}, bin = {0};
	struct ec_funnel *fun = NULL, *bfun = NULL;
	struct ec_funnel_baseline *base = NULL;
	struct ec_sink *csv = NULL;
	struct ec_outfile *json = NULL, *html = NULL;
	struct ec_mongo *mongo = NULL;
	struct ec_job *job = NULL;
	struct ec_err err = {0};
	char pcsv[1024], pjson[1024], phtml[1024];
	char *text = NULL;
	int rc;

	struct ec_tz *tz = NULL;
	if ((rc = options(&a->fo, a->steps, &a->by, &a->exclude, a->window, a->level, a->top,
			  a->limit, a->attribution, &err)) < 0 ||
	    (rc = ec_partition_resolve(&a->po, &a->so.part, &err)) < 0 ||
	    (rc = ec_tz_open(&tz, a->tz, &err)) < 0)
		goto done;
	a->fo.tz = tz;
	if ((rc = ec_job_begin(&job, "funnel", argc, argv, inputs, n_inputs, &a->jo, &err)) < 0 ||
	    (rc = ec_funnel_new(&fun, &a->fo, &err)) < 0)
		goto done;
	snprintf(pcsv, sizeof(pcsv), "%s/funnel.csv", a->dir);
	ec_funnel_session_opts(&a->fo, &a->so);
	if ((rc = ec_job_mongo(job, &mongo, &a->mo, pcsv, &err)) < 0 ||
	    (rc = ec_input_open(&in, &a->ro, &a->so, inputs, n_inputs, &err)) < 0 ||
	    (rc = ec_mkdirs(a->dir, &err)) < 0 ||
	    (rc = ec_job_rows(job, &csv, &ec_schema_funnel, pcsv, 0, &err)) < 0 ||
	    (rc = open_out(job, &json, a->dir, "funnel.json", pjson, sizeof(pjson), &err)) < 0 ||
	    (rc = open_out(job, &html, a->dir, "funnel.html", phtml, sizeof(phtml), &err)) < 0)
		goto done;
	ec_job_input(job, &in);
	if ((rc = ec_funnel_feed(fun, in.z, &err)) < 0 || (rc = ec_input_finish(&in, &err)) < 0)
		goto done;
	ec_funnel_finish(fun);
	if (a->baseline.n) {
		if ((rc = run_baseline(a, &bin, &bfun, &err)) < 0)
			goto done;
		base = ec_funnel_baseline_new(ec_funnel_result(bfun));
		ec_funnel_set_baseline(fun, base);
	}
	const struct ec_funnel_result *r = ec_funnel_result(fun);
	struct ec_json *j = ec_funnel_json(r);
	struct ec_json *jb = ec_json_get(j, "baseline");
	if (a->baseline.n && jb) {
		struct ec_json *bi = ec_json_add_array(jb, "inputs");
		for (int i = 0; i < a->baseline.n; i++)
			ec_json_add_str(bi, NULL, a->baseline.v[i]);
	}
	text = ec_json_print(j, 1);
	if (mongo) {
		/* the document has its own schema and run: the report goes without */
		struct ec_json *params = report_params(&a->fo, &a->so, &a->baseline);
		ec_json_remove(j, "schema_version");
		ec_json_remove(j, "run_id");
		ec_mongo_add_funnel_report(mongo, params, j);
		ec_json_free(params);
	}
	ec_json_free(j);
	ec_funnel_write_csv(r, csv);
	ec_outfile_puts(json, text);
	ec_outfile_putc(json, '\n');
	ec_funnel_write_html(r, html, inputs, n_inputs);
	if (a->so.part.n > 1 && (rc = write_part(job, a, fun, inputs, n_inputs, &err)) < 0)
		goto done;
	if ((rc = ec_job_commit(job, &err)) < 0)
		goto done;
	struct ec_json *rc_counts = ec_run_counts(ec_job_run(job));
	ec_json_add_u64(rc_counts, "units", r->units);
	struct ec_json *su = ec_json_add_array(rc_counts, "step_units");
	for (int k = 0; k < a->fo.n_steps; k++)
		ec_json_add_u64(su, NULL, r->total.units[k]);
	report(a, job, &in, r, mongo, (const char *[]){pcsv, pjson, phtml});
done:
	rc = job ? ec_job_end(job, rc, &err) : ec_cli_fail("funnel", rc, &err);
	free(text);
	ec_funnel_free(fun);
	ec_funnel_baseline_free(base);
	ec_funnel_free(bfun);
	ec_input_close(&bin);
	ec_tz_free(tz);
	a->fo.tz = NULL;
	ec_input_close(&in);
	return rc;
}

int cmd_funnel(int argc, char **argv)
{
	char **word = ec_xcalloc((size_t)argc + 1, sizeof(*word));
	int n = ec_cli_subcommand(argc, argv, word);
	if (n && strcmp(word[0], "merge") == 0) {
		int rc = ec_funnel_merge_cmd(n, word);
		free(word);
		return rc;
	}
	free(word);
	struct ec_funnel_args a;
	ec_funnel_args_init(&a);
	const struct ec_opt opts[] = {
	    {"output", 'o', EC_OPT_STR, &a.dir, "DIR",
	     "write funnel.csv, funnel.json and funnel.html here (default output)", NULL, 0},
	    {"steps", 0, EC_OPT_STR, &a.steps, "LIST",
	     "event types of the steps, in order (default view,cart,purchase)", NULL, 0},
	    {"unit", 0, EC_OPT_CHOICE, &a.fo.unit, "UNIT",
	     "session (default) or user (a user's events across sessions)", ec_funnel_unit_names,
	     0},
	    {"order", 0, EC_OPT_CHOICE, &a.fo.order, "ORDER",
	     "ordered (default: other events between allowed), strict, any", ec_funnel_order_names,
	     0},
	    {"same-product", 0, EC_OPT_FLAG, &a.fo.same_product, NULL,
	     "hold the product constant through the steps", NULL, 0},
	    {"window", 0, EC_OPT_STR, &a.window, "DUR",
	     "every step within DUR of the first step (default none)", NULL, 0},
	    {"by", 0, EC_OPT_LIST, &a.by, "DIM",
	     "break down by category, top, brand, price, hour, weekday, day (repeatable)",
	     ec_funnel_by_names, 0},
	    {"attribution", 0, EC_OPT_STR, &a.attribution, "STEP",
	     "the step whose event gives the breakdown values: first (default), last (the last "
	     "step each unit reached) or step:N (units short of it: (none))",
	     NULL, 0},
	    {"category-level", 0, EC_OPT_INT, &a.level, "N",
	     "category_code segments in --by category (default 2; 0: all)", EC_OPT_RANGE(0, 100),
	     0},
	    {"baseline", 0, EC_OPT_LIST, &a.baseline, "FILE",
	     "compare with the same funnel on these files (an earlier period; repeatable): both "
	     "conversions, the change and a two-proportion test's p-value per step and row",
	     NULL, 0},
	    {"exclude", 0, EC_OPT_LIST, &a.exclude, "TYPE[:A-B]",
	     "drop the sequences with a TYPE event between steps A and B (default: the first and "
	     "the last; repeatable), as PostHog's exclusion steps",
	     NULL, 0},
	    {"limit", 0, EC_OPT_INT, &a.limit, "N",
	     "category, top, brand: keep the N rows with most units, sum the rest as (other) "
	     "(default 0: all)",
	     EC_OPT_RANGE(0, 1000000), 0},
	    {"tz", 0, EC_OPT_STR, &a.tz, "ZONE",
	     "days, hours and weekdays in this IANA time zone (default UTC), e.g. Europe/Berlin",
	     NULL, 0},
	    {"top", 0, EC_OPT_INT, &a.top, "N",
	     "most cart-abandoned products to report (default 20)", EC_OPT_RANGE(0, 100000), 0},
	    EC_SESSION_OPTS(a.so),
	    EC_PARTITION_OPTS(a.po),
	    EC_READER_OPTS(a.ro),
	    EC_MONGO_OPTS(a.mo),
	    EC_JOB_OPTS(a.jo),
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "funnel",
	    "[OPTIONS] FILE...",
	    "Count the units (sessions, or users) that reach each step of a funnel of\n"
	    "event types, with conversion, drop-off and the median and p90 time between\n"
	    "steps; break them down by attributes of the first step's event; add a\n"
	    "daily trend and the most cart-abandoned products. Writes funnel.csv,\n"
	    "funnel.json and a self-contained funnel.html, each atomically. With\n"
	    "--mongo-uri, also the report as one document of `funnel_reports`, keyed by\n"
	    "its options and inputs (a rerun replaces it).",
	    opts,
	    "examples:\n"
	    "  ecomctl funnel data/2019-Oct.csv.gz --by top -o output\n"
	    "  ecomctl funnel x.csv --steps view,cart,purchase --unit user --window 1d\n"
	    "  ecomctl funnel x.csv --partition 0/2 -o p0   (and 1/2 -o p1), then\n"
	    "  ecomctl funnel merge p0 p1 -o output         (see funnel merge --help)\n",
	};
	struct ec_opts_result res;
	int rc;
	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 1)) < 0)
		rc = ec_funnel_run(&a, argc, argv, res.operands, res.n_operands);
	ec_strlist_release(&a.by);
	ec_strlist_release(&a.baseline);
	ec_strlist_release(&a.exclude);
	return rc;
}
