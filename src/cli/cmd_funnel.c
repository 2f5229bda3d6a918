/* ecomctl funnel: step counts, drop-off, breakdowns and abandoned products,
 * as funnel.csv, funnel.json and funnel.html under one directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/funnel.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/run.h"
#include "ecomctl/sink_mongo.h"

/* Opens DIR/name for writing. */
static int open_out(struct ec_outfile **f, const char *dir, const char *name, char *path,
		    size_t cap, struct ec_err *err)
{
	snprintf(path, cap, "%s/%s", dir, name);
	return ec_outfile_open(f, path, EC_OUT_PLAIN, err);
}

static int options(struct ec_funnel_opts *fo, const char *steps, const struct ec_strlist *by,
		   const char *window, int64_t level, int64_t top, struct ec_err *err)
{
	int rc;
	if ((rc = ec_funnel_parse_steps(fo, steps, err)) < 0)
		return rc;
	for (int i = 0; i < by->n; i++)
		if ((rc = ec_funnel_parse_by(fo, by->v[i], err)) < 0)
			return rc;
	if (strcmp(window, "none") != 0 && ec_parse_duration(window, &fo->window) != 0)
		return ec_fail(err, EC_EUSAGE,
			       "--window: expected a duration like 30m or 1h30m, or none, got '%s'",
			       window);
	fo->top = (int)top;
	fo->category_level = (int)level;
	return 0;
}

/* The options that shape a funnel report: with its inputs, the key of its
 * MongoDB document. New; free with ec_json_free(). */
static struct ec_json *report_params(const struct ec_funnel_opts *fo,
				     const struct ec_session_opts *so)
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
	struct ec_json *s = ec_json_add_object(p, "sessions");
	ec_json_add_str(s, "session_key", ec_session_key_names[so->key]);
	ec_json_add_int(s, "gap_s", so->gap);
	ec_json_add_int(s, "max_session_s", so->max_session);
	ec_json_add_int(s, "lateness_s", so->lateness);
	ec_json_add_bool(s, "split_at_midnight", so->split_at_midnight);
	ec_json_add_bool(s, "keep_duplicates", so->keep_duplicates);
	return p;
}

int cmd_funnel(int argc, char **argv)
{
	struct ec_reader_opts ro;
	struct ec_session_opts so;
	struct ec_funnel_opts fo;
	struct ec_mongo_opts mo;
	const char *dir = "output", *steps = "view,cart,purchase", *window = "none";
	const char *runs_dir = NULL, *run_id = NULL;
	struct ec_strlist by = {0};
	int64_t level = 2, top = 20;
	ec_reader_opts_init(&ro);
	ec_session_opts_init(&so);
	ec_funnel_opts_init(&fo);
	ec_mongo_opts_init(&mo);
	const struct ec_opt opts[] = {
	    {"output", 'o', EC_OPT_STR, &dir, "DIR",
	     "write funnel.csv, funnel.json and funnel.html here (default output)", NULL, 0},
	    {"steps", 0, EC_OPT_STR, &steps, "LIST",
	     "event types of the steps, in order (default view,cart,purchase)", NULL, 0},
	    {"unit", 0, EC_OPT_CHOICE, &fo.unit, "UNIT",
	     "session (default) or user (a user's events across sessions)", ec_funnel_unit_names,
	     0},
	    {"order", 0, EC_OPT_CHOICE, &fo.order, "ORDER",
	     "ordered (default: other events between allowed), strict, any", ec_funnel_order_names,
	     0},
	    {"same-product", 0, EC_OPT_FLAG, &fo.same_product, NULL,
	     "hold the product constant through the steps", NULL, 0},
	    {"window", 0, EC_OPT_STR, &window, "DUR",
	     "every step within DUR of the first step (default none)", NULL, 0},
	    {"by", 0, EC_OPT_LIST, &by, "DIM",
	     "break down by category, top, brand, price, hour, weekday, day (repeatable)", NULL, 0},
	    {"category-level", 0, EC_OPT_INT, &level, "N",
	     "category_code segments in --by category (default 2; 0: all)", EC_OPT_RANGE(0, 100),
	     0},
	    {"top", 0, EC_OPT_INT, &top, "N", "most cart-abandoned products to report (default 20)",
	     EC_OPT_RANGE(0, 100000), 0},
	    EC_SESSION_OPTS(so),
	    EC_READER_OPTS(ro),
	    EC_MONGO_OPTS(mo),
	    EC_RUN_OPTS(runs_dir, run_id),
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
	    "  ecomctl funnel x.csv --steps view,cart,purchase --unit user --window 1d\n",
	};
	struct ec_opts_result res;
	struct ec_input in = {0};
	struct ec_funnel *fun = NULL;
	struct ec_outfile *csv = NULL, *json = NULL, *html = NULL;
	struct ec_mongo *mongo = NULL;
	struct ec_run *run = NULL;
	struct ec_err err = {0}, merr = {0};
	char why[sizeof(err.msg)];
	int mrc = 0;
	struct ec_session s;
	char pcsv[1024], pjson[1024], phtml[1024];
	char *text = NULL;
	int rc;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 1)) >= 0) {
		ec_strlist_release(&by);
		return rc;
	}
	fo.max_session = so.max_session;
	if ((rc = options(&fo, steps, &by, window, level, top, &err)) < 0 ||
	    (rc = ec_run_begin(&run, "funnel", argc, argv, res.operands, res.n_operands, run_id,
			       runs_dir, &err)) < 0)
		goto done;
	if ((mrc = ec_mongo_start(&mongo, &mo, "funnel", ec_run_id(run), argc, argv, res.operands,
				  res.n_operands, dir, &merr)) < 0 &&
	    mrc != EC_EUNAVAIL) {
		rc = mrc;
		err = merr;
		mrc = 0;
		goto done;
	}
	if ((rc = ec_funnel_new(&fun, &fo, &err)) < 0 ||
	    (rc = ec_input_open(&in, &ro, &so, res.operands, res.n_operands, &err)) < 0 ||
	    (rc = ec_mkdirs(dir, &err)) < 0 ||
	    (rc = open_out(&csv, dir, "funnel.csv", pcsv, sizeof(pcsv), &err)) < 0 ||
	    (rc = open_out(&json, dir, "funnel.json", pjson, sizeof(pjson), &err)) < 0 ||
	    (rc = open_out(&html, dir, "funnel.html", phtml, sizeof(phtml), &err)) < 0)
		goto done;
	while ((rc = ec_sessionizer_next(in.z, &s, &err)) > 0)
		ec_funnel_add_session(fun, &s, in.z);
	if (rc < 0 || (rc = ec_input_finish(&in, &err)) < 0)
		goto done;
	ec_funnel_finish(fun);
	const struct ec_funnel_result *r = ec_funnel_result(fun);
	struct ec_json *j = ec_funnel_json(r);
	text = ec_json_print(j, 1);
	if (mongo) {
		struct ec_json *params = report_params(&fo, &so);
		ec_mongo_add_funnel_report(mongo, params, j);
		ec_json_free(params);
	}
	ec_json_free(j);
	ec_funnel_write_csv(r, csv);
	ec_outfile_puts(json, text);
	ec_outfile_putc(json, '\n');
	ec_funnel_write_html(r, html, res.operands, res.n_operands);
	rc = ec_outfile_commit(csv, &err);
	csv = NULL;
	if (rc >= 0) {
		rc = ec_outfile_commit(json, &err);
		json = NULL;
	}
	if (rc >= 0) {
		rc = ec_outfile_commit(html, &err);
		html = NULL;
	}
	if (rc < 0)
		goto done;
	ec_run_output(run, pcsv);
	ec_run_output(run, pjson);
	ec_run_output(run, phtml);
	ec_json_add_u64(ec_run_counts(run), "units", r->units);
	struct ec_json *su = ec_json_add_array(ec_run_counts(run), "step_units");
	for (int k = 0; k < fo.n_steps; k++)
		ec_json_add_u64(su, NULL, r->total.units[k]);
	int K = fo.n_steps;
	if (mongo) {
		struct ec_json *counts = ec_json_object();
		ec_input_json(&in, counts);
		ec_json_add_u64(counts, "units", r->units);
		mrc = ec_mongo_finish(mongo, 0, NULL, counts, &merr);
		ec_json_free(counts);
	}
	if (ec_opt_json) {
		struct ec_json *o = ec_json_object();
		ec_json_add_str(o, "command", "funnel");
		if (mongo)
			ec_mongo_json(mongo, o);
		ec_json_add_str(o, "csv", pcsv);
		ec_json_add_str(o, "json", pjson);
		ec_json_add_str(o, "html", phtml);
		ec_json_add_u64(o, "units", r->units);
		struct ec_json *a = ec_json_add_array(o, "step_units");
		for (int k = 0; k < K; k++)
			ec_json_add_u64(a, NULL, r->total.units[k]);
		ec_input_json(&in, o);
		ec_json_print_stdout(o);
		ec_json_free(o);
	} else {
		ec_reader_report(in.reader);
		ec_sessionizer_report(in.z);
		ec_log_info("funnel: %llu %ss, %llu reached step 1, %llu step %d; wrote %s, %s, %s "
			    "in %.2f s",
			    (unsigned long long)r->units, ec_funnel_unit_names[fo.unit],
			    (unsigned long long)r->total.units[0],
			    (unsigned long long)r->total.units[K - 1], K, pcsv, pjson, phtml,
			    ec_now() - in.t0);
		if (mongo)
			ec_mongo_report(mongo);
	}
done:
	snprintf(why, sizeof(why), "%s", rc < 0 ? err.msg : mrc < 0 ? merr.msg : "");
	rc = ec_mongo_end(mongo, "funnel", rc, &err, mrc, &merr);
	if (run) {
		ec_run_input(run, &in);
		ec_run_mongo(run, mongo);
	}
	rc = ec_run_end(run, rc, why);
	ec_mongo_free(mongo);
	free(text);
	ec_outfile_free(csv);
	ec_outfile_free(json);
	ec_outfile_free(html);
	ec_funnel_free(fun);
	ec_input_close(&in);
	ec_strlist_release(&by);
	ec_opts_release();
	return rc;
}
