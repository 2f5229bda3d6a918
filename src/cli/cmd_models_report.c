/* ecomctl models report | compare: what a registered model learned and how
 * it does (model-report.json and .html), and two versions side by side. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/job.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/registry.h"
#include "ecomctl/report.h"

/* A registered version: its manifest, "task@vN" and its aliases. */
struct version {
	struct ec_model_ref ref;
	uint32_t v;
	char name[48], aliases[256];
	struct ec_json *manifest;
};

static int version_read(struct version *out, const char *models, const char *ref_s,
			struct ec_err *err)
{
	struct ec_registry *r = NULL;
	char path[4200];
	int rc;
	memset(out, 0, sizeof(*out));
	if ((rc = ec_model_ref_parse(&out->ref, ref_s, err)) < 0 ||
	    (rc = ec_registry_open(&r, models, -1, err)) < 0 ||
	    (rc = ec_registry_resolve(r, &out->ref, &out->v, err)) < 0 ||
	    (rc = ec_registry_read_manifest(r, out->ref.task, out->v, &out->manifest, path,
					    sizeof(path), err)) < 0)
		goto done;
	snprintf(out->name, sizeof(out->name), "%s@v%u", ec_registry_task_name(out->ref.task),
		 out->v);
	const struct ec_reg_task *t = &r->task[out->ref.task];
	size_t n = 0;
	for (size_t i = 0; i < t->n_alias && n < sizeof(out->aliases); i++)
		if (t->alias[i].version == out->v)
			n += (size_t)snprintf(out->aliases + n, sizeof(out->aliases) - n, "%s%s",
					      n ? "," : "", t->alias[i].name);
done:
	ec_registry_free(r);
	return rc;
}

/* Evaluates version ve on files: *eval is its task's object of the
 * evaluation (borrowed from *doc, which is new). */
static int evaluate_on(struct ec_json **doc, const struct ec_json **eval,
		       struct ec_evaluate_args *a, const struct version *ve, char **files,
		       int n_files, struct ec_err *err)
{
	int rc;
	a->refs[0] = a->refs[1] = NULL;
	a->refs[ve->ref.task] = ve->name;
	if ((rc = ec_evaluate(doc, a, files, n_files, 0, err)) < 0)
		return rc;
	*eval = ec_json_get(*doc, ec_registry_task_name(ve->ref.task));
	if (*eval && ec_json_get(*doc, "from"))
		ec_json_add_tree((struct ec_json *)*eval, "from",
				 ec_json_dup(ec_json_get(*doc, "from")));
	return 0;
}

/* The run manifest named by --against: a path, or a run id in runs_dir. */
static int read_run(struct ec_json **out, const char *against, const char *runs_dir,
		    struct ec_err *err)
{
	char path[4200];
	if (strchr(against, '/') || strstr(against, ".json"))
		snprintf(path, sizeof(path), "%s", against);
	else
		snprintf(path, sizeof(path), "%s/%s.json", runs_dir, against);
	int rc = ec_json_read_file(out, path, err);
	if (rc == 0 && !ec_json_get(ec_json_get(*out, "counts"), "drift"))
		rc = ec_fail(err, EC_EDATA,
			     "%s: no drift in this run (only score runs of models with a "
			     "reference have one)",
			     path);
	return rc;
}

/* The page, rendered in memory, then into the output file. */
static int write_html(struct ec_outfile *f, const struct ec_json *rep, struct ec_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int rc;
	if (!m)
		return ec_fail(err, EC_EINTERNAL,
			       "model report: cannot render the page: out of memory");
	rc = ec_model_report_html(m, rep, err);
	if (fclose(m) != 0 && rc == 0)
		rc = ec_fail(err, EC_EIO, "model report: cannot render the page");
	if (rc == 0)
		ec_outfile_write(f, buf, len);
	free(buf);
	return rc;
}

int ec_models_report(int argc, char **argv)
{
	struct ec_evaluate_args a;
	struct ec_job_opts jo = {0};
	const char *dir = NULL, *against = NULL;
	ec_evaluate_args_init(&a);
	const struct ec_opt opts[] = {
	    {"models", 0, EC_OPT_STR, &a.models, "DIR", "the model registry (default models)", NULL,
	     0},
	    {"output", 'o', EC_OPT_STR, &dir, "DIR",
	     "write model-report.json and model-report.html here (default "
	     "output/report-TASK-vN)",
	     NULL, 0},
	    {"against", 0, EC_OPT_STR, &against, "RUN",
	     "add the drift of a score run (its id in --runs-dir, or its manifest's path)", NULL,
	     0},
	    EC_JOB_OPTS(jo),
	    EC_EVALUATE_OPTS(a),
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "models report",
	    "REF [FILE...] [OPTIONS]",
	    "What a registered model learned and how it does: metrics beside the baselines,\n"
	    "ROC and PR curves, calibration, gains, the confusion matrix at the decision\n"
	    "threshold, feature importance, candidate recall, lineage and grid trials, as\n"
	    "model-report.json and a self-contained model-report.html. Without FILE, on\n"
	    "the validation sessions of training; with FILEs, evaluated on them (as\n"
	    "evaluate). --against RUN adds the drift of a score run against training.",
	    opts,
	    "examples:\n"
	    "  ecomctl models report intent@production -o output/report\n"
	    "  ecomctl models report category@v3 data/2019-Nov.csv.gz\n"
	    "  ecomctl models report intent --against 20191101T020000Z-1a2b3c4d\n",
	};
	struct ec_opts_result res;
	struct version ve = {0};
	struct ec_json *doc = NULL, *run = NULL, *rep = NULL;
	const struct ec_json *eval = NULL;
	struct ec_job *job = NULL;
	struct ec_outfile *fj = NULL, *fh = NULL;
	struct ec_err err = {0};
	char dbuf[256], pj[4200], ph[4200], *text = NULL;
	int rc;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 1)) >= 0)
		return rc;
	if ((rc = version_read(&ve, a.models, res.operands[0], &err)) < 0)
		goto done;
	if (!dir) {
		snprintf(dbuf, sizeof(dbuf), "output/report-%s-v%u",
			 ec_registry_task_name(ve.ref.task), ve.v);
		dir = dbuf;
	}
	if (against &&
	    (rc = read_run(&run, against, jo.runs_dir ? jo.runs_dir : "output/runs", &err)) < 0)
		goto done;
	if ((rc = ec_job_begin(&job, "models", argc, argv, res.operands + 1, res.n_operands - 1,
			       &jo, &err)) < 0)
		goto done;
	if (res.n_operands > 1 && (rc = evaluate_on(&doc, &eval, &a, &ve, res.operands + 1,
						    res.n_operands - 1, &err)) < 0)
		goto done;
	if (res.n_operands > 1 && !eval) {
		rc = ec_fail(&err, EC_EDATA, "%s: nothing to evaluate in the files", ve.name);
		goto done;
	}
	rep = ec_model_report(ve.manifest, ve.name, ve.aliases, eval, res.operands + 1,
			      res.n_operands - 1, run, against);
	snprintf(pj, sizeof(pj), "%s/model-report.json", dir);
	snprintf(ph, sizeof(ph), "%s/model-report.html", dir);
	if ((rc = ec_job_open_file(job, &fj, pj, EC_OUT_PLAIN, &err)) < 0 ||
	    (rc = ec_job_open_file(job, &fh, ph, EC_OUT_PLAIN, &err)) < 0)
		goto done;
	text = ec_json_print(rep, 1);
	ec_outfile_puts(fj, text);
	ec_outfile_putc(fj, '\n');
	if ((rc = write_html(fh, rep, &err)) < 0 || (rc = ec_job_commit(job, &err)) < 0)
		goto done;
	if (ec_opt_json) {
		struct ec_json *j = ec_json_object();
		ec_json_add_str(j, "command", "models report");
		ec_json_add_str(j, "run_id", ec_job_id(job));
		ec_json_add_str(j, "model", ve.name);
		ec_json_add_str(j, "json", pj);
		ec_json_add_str(j, "html", ph);
		ec_cli_json_summary(j, 0, NULL);
		ec_json_free(j);
	} else {
		ec_log_info("models report: %s on %s: %s, %s", ve.name,
			    eval ? "the files" : "its validation sessions", pj, ph);
	}
done:
	rc = job ? ec_job_end(job, rc, &err) : ec_cli_fail("models report", rc, &err);
	free(text);
	ec_json_free(rep);
	ec_json_free(doc);
	ec_json_free(run);
	ec_json_free(ve.manifest);
	return rc;
}

/* The metric rows of compare: the model's metrics of the task. */
static const char *const intent_rows[] = {
    "roc_auc",		 "pr_auc",	   "log_loss", "brier",
    "precision_at_5pct", "recall_at_5pct", "best_f1",  NULL};
static const char *const category_rows[] = {"hit1", "hit3", "recall3", "ndcg3", "mrr", NULL};

int ec_models_compare(int argc, char **argv)
{
	struct ec_evaluate_args a;
	ec_evaluate_args_init(&a);
	const struct ec_opt opts[] = {
	    {"models", 0, EC_OPT_STR, &a.models, "DIR", "the model registry (default models)", NULL,
	     0},
	    EC_EVALUATE_OPTS(a),
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "models compare",
	    "A B [FILE...] [OPTIONS]",
	    "Two versions of one task side by side: their metrics on their own validation\n"
	    "sessions, or, with FILEs, both evaluated on the same sessions (as evaluate),\n"
	    "with the difference B - A; then the baselines and their lineage.",
	    opts,
	    "examples:\n"
	    "  ecomctl models compare intent@v2 intent@v3\n"
	    "  ecomctl models compare category@production category@latest data/2019-Nov.csv.gz\n",
	};
	struct ec_opts_result res;
	struct version ve[2];
	struct ec_json *doc[2] = {NULL, NULL}, *out = NULL;
	const struct ec_json *m[2] = {NULL, NULL};
	struct ec_err err = {0};
	int rc;

	memset(ve, 0, sizeof(ve));
	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 1)) >= 0)
		return rc;
	if (res.n_operands < 2) {
		rc = ec_fail(&err, EC_EUSAGE, "compare takes two REFs, then the files if any");
		goto done;
	}
	for (int k = 0; k < 2; k++)
		if ((rc = version_read(&ve[k], a.models, res.operands[k], &err)) < 0)
			goto done;
	if (ve[0].ref.task != ve[1].ref.task) {
		rc = ec_fail(&err, EC_EUSAGE, "compare: %s and %s are models of different tasks",
			     ve[0].name, ve[1].name);
		goto done;
	}
	for (int k = 0; k < 2; k++) {
		const struct ec_json *ev = NULL;
		if (res.n_operands > 2 &&
		    (rc = evaluate_on(&doc[k], &ev, &a, &ve[k], res.operands + 2,
				      res.n_operands - 2, &err)) < 0)
			goto done;
		m[k] = ev ? ec_json_get(ev, "metrics") : ec_json_get(ve[k].manifest, "metrics");
	}
	int intent = ve[0].ref.task == EC_TASK_INTENT;
	const char *const *rows = intent ? intent_rows : category_rows;
	out = ec_json_object();
	ec_json_add_str(out, "command", "models compare");
	ec_json_add_str(out, "evaluated_on", res.n_operands > 2 ? "files" : "validation");
	for (int k = 0; k < 2; k++) {
		struct ec_json *o = ec_json_add_object(out, k ? "b" : "a");
		ec_json_add_str(o, "model", ve[k].name);
		ec_json_add_str(o, "aliases", ve[k].aliases);
		ec_json_add_tree(o, "metrics", ec_json_dup(m[k]));
		const struct ec_json *data = ec_json_get(ve[k].manifest, "data");
		if (data)
			ec_json_add_tree(o, "trained_on", ec_json_dup(data));
	}
	if (ec_opt_json) {
		ec_cli_json_summary(out, 0, NULL);
		goto done;
	}
	printf("%s on %s\n", ec_registry_task_name(ve[0].ref.task),
	       res.n_operands > 2 ? "the same files" : "each one's validation sessions");
	printf("  %-20s %12s %12s %10s\n", "metric", ve[0].name, ve[1].name, "B - A");
	for (int i = 0; rows[i]; i++) {
		double x = ec_json_num(ec_json_get(ec_json_get(m[0], "model"), rows[i]), NAN);
		double y = ec_json_num(ec_json_get(ec_json_get(m[1], "model"), rows[i]), NAN);
		printf("  %-20s %12.4f %12.4f %+10.4f\n", rows[i], x, y, y - x);
	}
	const char *base = intent ? "cart_count" : "viewed_popular";
	const char *key = intent ? "pr_auc" : "hit3";
	printf("  %-20s %12.4f %12.4f\n", intent ? "cart_count pr_auc" : "viewed_pop hit3",
	       ec_json_num(ec_json_get(ec_json_get(m[0], base), key), NAN),
	       ec_json_num(ec_json_get(ec_json_get(m[1], base), key), NAN));
	printf("  %-20s %12.0f %12.0f\n", "sessions",
	       ec_json_num(ec_json_get(m[0], "sessions"), NAN),
	       ec_json_num(ec_json_get(m[1], "sessions"), NAN));
	for (int k = 0; k < 2; k++) {
		const struct ec_json *d = ec_json_get(ve[k].manifest, "data");
		printf("  %s: trained on %.0f rows, %s .. %s%s%s\n", ve[k].name,
		       ec_json_num(ec_json_get(d, "rows"), NAN),
		       ec_json_str(ec_json_get(d, "first_event"), "?"),
		       ec_json_str(ec_json_get(d, "last_event"), "?"), *ve[k].aliases ? "; " : "",
		       ve[k].aliases);
	}
done:
	rc = ec_cli_fail("models compare", rc, &err);
	for (int k = 0; k < 2; k++) {
		ec_json_free(doc[k]);
		ec_json_free(ve[k].manifest);
	}
	ec_json_free(out);
	return rc;
}
