/* ecomctl demo: the main job end to end on generated data, under output/.
 * Each step is a job of its own (commands as functions, cmd.h), recorded
 * with its run id as a step of the demo's run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/run.h"
#include "ecomctl/sink_mongo.h"
#include "ecomctl/synth.h"

struct demo {
	struct ec_run *run;
	const char *runs_dir;
	const struct ec_mongo_opts *mo; /* NULL: no MongoDB */
	int mongo_rc;			/* the first MongoDB failure (69, 75) */
	char *events;			/* the generated file, every step's input */
	int json;			/* --json: the steps print no summary of their own */
};

static void announce(const char *what)
{
	if (ec_verbosity > 0)
		fprintf(stderr, "\n== %s\n", what);
}

/* A step's end: recorded in the demo's manifest. A MongoDB failure (69,
 * 75) does not stop the file outputs: it is kept for the demo's status. */
static int step(struct demo *d, const char *command, const char *run_id, int rc)
{
	ec_run_step(d->run, command, run_id && *run_id ? run_id : NULL, rc);
	/* the step's outputs are the demo's too: from the step's own manifest */
	if (run_id && *run_id) {
		char path[4200];
		struct ec_json *m = NULL;
		struct ec_err ignored = {0};
		snprintf(path, sizeof(path), "%s/%s.json", d->runs_dir, run_id);
		if (ec_json_read_file(&m, path, &ignored) == 0) {
			const struct ec_json *outs = ec_json_get(m, "outputs");
			for (size_t i = 0; i < ec_json_size(outs); i++)
				ec_run_output(
				    d->run,
				    ec_json_str(ec_json_get(ec_json_at(outs, i), "path"), ""));
		}
		ec_json_free(m);
	}
	if (rc == 69 || rc == 75) {
		if (!d->mongo_rc)
			d->mongo_rc = rc;
		return 0;
	}
	return rc;
}

static void job_opts(const struct demo *d, struct ec_job_opts *jo)
{
	jo->runs_dir = d->runs_dir;
}

/* The command line a step's manifest records: the command that would do
 * the same by hand ("sessions -o output/sessions.csv output/events.csv.gz
 * --mongo-uri ..."). Not parsed: the step's options are set directly. */
struct cmdline {
	char *v[12];
	int n;
};

static void cmdline(struct cmdline *c, const struct demo *d, const char *command,
		    const char *out_flag, const char *out)
{
	c->n = 0;
	c->v[c->n++] = (char *)command;
	c->v[c->n++] = (char *)out_flag;
	c->v[c->n++] = (char *)out;
	c->v[c->n++] = "--runs-dir";
	c->v[c->n++] = (char *)d->runs_dir;
	c->v[c->n++] = d->events;
	if (d->mo && strcmp(command, "train") != 0) { /* train writes no documents */
		c->v[c->n++] = "--mongo-uri";
		c->v[c->n++] = (char *)d->mo->uri;
	}
	c->v[c->n] = NULL;
}

static int sessions_step(struct demo *d, const char *path)
{
	struct ec_sessions_args a;
	ec_sessions_args_init(&a);
	job_opts(d, &a.jo);
	a.out_path = path;
	if (d->mo) {
		a.mo = *d->mo;
		a.mo.with_events = 0;
	}
	struct cmdline c;
	cmdline(&c, d, "sessions", "-o", path);
	announce("cut it into sessions");
	int rc = ec_sessions_run(&a, c.n, c.v, &d->events, 1);
	return step(d, "sessions", a.jo.id, rc);
}

static int funnel_step(struct demo *d, const char *dir)
{
	struct ec_funnel_args a;
	ec_funnel_args_init(&a);
	job_opts(d, &a.jo);
	a.dir = dir;
	ec_strlist_push(&a.by, "top");
	ec_strlist_push(&a.by, "price");
	if (d->mo)
		a.mo = *d->mo;
	struct cmdline c;
	cmdline(&c, d, "funnel", "-o", dir);
	announce("funnel view -> cart -> purchase, by top category and price band");
	int rc = ec_funnel_run(&a, c.n, c.v, &d->events, 1);
	ec_strlist_release(&a.by);
	return step(d, "funnel", a.jo.id, rc);
}

static int score_step(struct demo *d, const char *models, const char *path)
{
	struct ec_score_args a;
	ec_score_args_init(&a);
	job_opts(d, &a.jo);
	a.models = models;
	a.out_path = path;
	if (d->mo)
		a.mo = *d->mo;
	struct cmdline c;
	cmdline(&c, d, "score", "-o", path);
	announce("score every session");
	int rc = ec_score_run(&a, c.n, c.v, &d->events, 1);
	return step(d, "score", a.jo.id, rc);
}

static int train_step(struct demo *d, const char *models)
{
	struct ec_train_args a;
	ec_train_args_init(&a);
	job_opts(d, &a.jo);
	a.models = models;
	a.promote = 1;
	struct cmdline c;
	cmdline(&c, d, "train", "--models", models);
	announce("train the intent and category models");
	/* train's report goes to stdout: with --json only the demo's object may */
	int verbosity = ec_verbosity;
	if (d->json && ec_verbosity > 0)
		ec_verbosity = 0;
	int rc = ec_train_run(&a, c.n, c.v, &d->events, 1);
	ec_verbosity = verbosity;
	return step(d, "train", a.jo.id, rc);
}

static int steps(struct demo *d, const char *out, int64_t rows)
{
	char report[512], sessions[512], models[512], preds[512];
	struct ec_synth_opts so;
	struct ec_reader_opts ro;
	int rc;
	snprintf(report, sizeof(report), "%s/inspect.txt", out);
	snprintf(sessions, sizeof(sessions), "%s/sessions.csv", out);
	snprintf(models, sizeof(models), "%s/models", out);
	snprintf(preds, sizeof(preds), "%s/predictions.csv", out);
	ec_synth_opts_init(&so);
	so.rows = (uint64_t)rows;
	so.seed = 46;
	announce("generate a month of events");
	if ((rc = step(d, "synth", NULL, ec_synth_run(&so, d->events))) != 0)
		return rc;
	ec_reader_opts_init(&ro);
	announce("inspect it");
	if ((rc = step(d, "inspect", NULL, ec_inspect_run(&ro, report, &d->events, 1))) != 0 ||
	    (rc = sessions_step(d, sessions)) != 0 || (rc = funnel_step(d, out)) != 0 ||
	    (rc = train_step(d, models)) != 0 || (rc = score_step(d, models, preds)) != 0)
		return rc;
	if (ec_verbosity > 0 && !d->json) {
		printf("\ndemo results:\n");
		printf("  events (generated)  %s\n", d->events);
		printf("  inspect report      %s\n", report);
		printf("  sessions            %s\n", sessions);
		printf("  funnel report       %s/funnel.html (and funnel.csv, funnel.json beside "
		       "it)\n",
		       out);
		printf("  models              %s (ecomctl models list --models %s)\n", models,
		       models);
		printf("  predictions         %s\n", preds);
		printf("  run manifests       %s\n", d->runs_dir);
		if (d->mo && d->mongo_rc == 0)
			printf("  MongoDB             collections sessions, funnel_reports, "
			       "predictions, runs\n");
		else if (d->mo)
			printf("  MongoDB             failed (exit %d): see the errors above\n",
			       d->mongo_rc);
	}
	ec_run_output(d->run, report);
	return 0;
}

/* --json: the demo's steps and outputs, from its run manifest. */
static void json_summary(const char *runs_dir, const char *run_id)
{
	char path[4200];
	struct ec_json *m = NULL, *j = ec_json_object();
	struct ec_err ignored = {0};
	snprintf(path, sizeof(path), "%s/%s.json", runs_dir, run_id);
	ec_json_add_str(j, "command", "demo");
	ec_json_add_str(j, "run_id", run_id);
	if (ec_json_read_file(&m, path, &ignored) == 0) {
		static const char *const keys[] = {"steps", "outputs"};
		for (int i = 0; i < 2; i++)
			if (ec_json_get(m, keys[i]))
				ec_json_add_tree(j, keys[i], ec_json_dup(ec_json_get(m, keys[i])));
	}
	ec_cli_json_summary(j, 0, NULL);
	ec_json_free(m);
	ec_json_free(j);
}

int cmd_demo(int argc, char **argv)
{
	const char *dir = "output", *runs_arg = NULL, *run_id = NULL;
	int64_t rows = 1000000;
	struct ec_mongo_opts mo;
	ec_mongo_opts_init(&mo);
	const struct ec_opt opts[] = {
	    {"output", 'o', EC_OPT_STR, &dir, "DIR", "where the results go (default output)", NULL,
	     0},
	    {"rows", 'n', EC_OPT_INT, &rows, "N", "rows of generated data (default 1000000)",
	     EC_OPT_RANGE(1, 1e10), 0},
	    EC_MONGO_OPTS(mo),
	    {"runs-dir", 0, EC_OPT_STR, &runs_arg, "DIR",
	     "the run manifests of the demo and its steps go here (default DIR/runs)", NULL, 0},
	    {"run-id", 0, EC_OPT_STR, &run_id, "ID",
	     "the demo's run id (default: UTC time and 8 random hex digits)", NULL, EC_OPTF_NOENV},
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "demo",
	    "[OPTIONS]",
	    "Run the main job on data the project generates itself: a month of a\n"
	    "multi-category store from `ecomctl synth`, inspected, sessionized, run\n"
	    "through the default funnel, the two models trained (registered under\n"
	    "DIR/models) and every session scored; every result under the output\n"
	    "directory, the run manifests under DIR/runs. Prints where each result is.\n"
	    "With --mongo-uri, the session logs, the funnel report and the predictions\n"
	    "also go to MongoDB.",
	    opts,
	    NULL,
	};
	struct ec_opts_result res;
	struct ec_err err = {0};
	struct demo d = {0};
	char runs[512];
	int rc;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 0)) >= 0)
		return rc;
	if (runs_arg)
		snprintf(runs, sizeof(runs), "%s", runs_arg);
	else
		snprintf(runs, sizeof(runs), "%s/runs", dir);
	if (mo.uri && *mo.uri)
		d.mo = &mo;
	d.runs_dir = runs;
	size_t n = strlen(dir) + 20;
	d.events = ec_xmalloc(n);
	snprintf(d.events, n, "%s/events.csv.gz", dir);
	if ((rc = ec_run_begin(&d.run, "demo", argc, argv, NULL, 0, run_id, runs, &err)) < 0 ||
	    (rc = ec_mkdirs(dir, &err)) < 0) {
		rc = ec_cli_fail("demo", rc, &err);
		rc = ec_run_end(d.run, rc, err.msg);
	} else {
		ec_json_add_int(ec_run_counts(d.run), "rows_generated", rows);
		/* --json: one object for the demo, not one per step */
		char id[128];
		snprintf(id, sizeof(id), "%s", ec_run_id(d.run));
		d.json = ec_opt_json;
		ec_opt_json = 0;
		rc = steps(&d, dir, rows);
		ec_opt_json = d.json;
		ec_run_output(d.run, d.events);
		if (rc == 0)
			rc = d.mongo_rc;
		rc = ec_run_end(d.run, rc, rc ? "a step failed: see its manifest" : NULL);
		if (d.json && rc == 0)
			json_summary(runs, id);
	}
	free(d.events);
	return rc;
}
