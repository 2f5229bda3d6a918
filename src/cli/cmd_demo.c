/* ecomctl demo: the main job end to end on generated data, under output/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/run.h"
#include "ecomctl/sink_mongo.h"

/* Runs one command in-process as if from the command line, and records it
 * as a step of the demo's run (with the run id of its manifest, if any). */
static int run(struct ec_run *demo, const char *what, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	if (ec_verbosity > 0)
		fprintf(stderr, "\n== %s: ecomctl", what);
	for (int i = 0; i < argc && ec_verbosity > 0; i++) {
		char *shown = strstr(argv[i], "://") ? ec_redact_uri(argv[i]) : ec_xstrdup(argv[i]);
		fprintf(stderr, " %s", shown);
		free(shown);
	}
	if (ec_verbosity > 0)
		fputc('\n', stderr);
	char before[72];
	snprintf(before, sizeof(before), "%s", ec_run_last_id());
	const struct ec_cmd *c = ec_cmd_find(argv[0]);
	int rc = c ? c->fn(argc, argv) : 70;
	const char *id = ec_run_last_id();
	ec_run_step(demo, argv[0], strcmp(id, before) != 0 ? id : NULL, rc);
	return rc;
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
	struct ec_run *demo = NULL;
	char events[512], report[512], sessions[512], funnel[512], nrows[32], ttl[32], models[512],
	    preds[512], runs[512];
	int rc, mongo_rc = 0;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 0)) >= 0)
		return rc;
	/* The commands below parse their own options: keep copies of ours. */
	char *out = ec_xstrdup(dir);
	char *uri = mo.uri && *mo.uri ? ec_xstrdup(mo.uri) : NULL;
	char *wc = mo.write_concern ? ec_xstrdup(mo.write_concern) : NULL;
	char *spool = mo.spool_dir ? ec_xstrdup(mo.spool_dir) : NULL;
	snprintf(nrows, sizeof(nrows), "%lld", (long long)rows);
	snprintf(ttl, sizeof(ttl), "%lld", (long long)mo.ttl_days);
	if (runs_arg)
		snprintf(runs, sizeof(runs), "%s", runs_arg);
	else
		snprintf(runs, sizeof(runs), "%s/runs", out);
	rc = ec_run_begin(&demo, "demo", argc, argv, NULL, 0, run_id, runs, &err);
	ec_opts_release();
	if (rc < 0 || (rc = ec_mkdirs(out, &err)) < 0) {
		free(out);
		free(uri);
		free(wc);
		free(spool);
		rc = ec_cli_fail("demo", rc, &err);
		return ec_run_end(demo, rc, err.msg);
	}
	ec_json_add_int(ec_run_counts(demo), "rows_generated", rows);
	snprintf(events, sizeof(events), "%s/events.csv.gz", out);
	snprintf(report, sizeof(report), "%s/inspect.txt", out);
	snprintf(sessions, sizeof(sessions), "%s/sessions.csv", out);
	snprintf(funnel, sizeof(funnel), "%s/funnel.html", out);
	snprintf(models, sizeof(models), "%s/models", out);
	snprintf(preds, sizeof(preds), "%s/predictions.csv", out);

	char *synth[] = {"synth", "--rows", nrows, "--seed", "46", "-o", events, NULL};
	char *inspect[] = {"inspect", "-o", report, events, NULL};
	char *sess[20] = {"sessions", "-o", sessions, "--runs-dir", runs, events, NULL};
	char *fun[20] = {"funnel", "--by",	 "top", "--by", "price", "-o",
			 out,	   "--runs-dir", runs,	events, NULL};
	char *train[] = {"train",      "--models", models, "--promote",
			 "--runs-dir", runs,	   events, NULL};
	char *score[20] = {"score",	 "--models", models, "-o", preds,
			   "--runs-dir", runs,	     events, NULL};
	if (uri) {
		/* The MongoDB options go after the file operand: the commands
		 * take options anywhere. */
		int ns = 6, nf = 10, nc = 8;
		sess[ns++] = fun[nf++] = score[nc++] = "--mongo-uri";
		sess[ns++] = fun[nf++] = score[nc++] = uri;
		if (wc) {
			sess[ns++] = fun[nf++] = score[nc++] = "--mongo-write-concern";
			sess[ns++] = fun[nf++] = score[nc++] = wc;
		}
		if (spool) {
			sess[ns++] = fun[nf++] = score[nc++] = "--spool-dir";
			sess[ns++] = fun[nf++] = score[nc++] = spool;
		}
		sess[ns++] = "--mongo-ttl-days";
		sess[ns++] = ttl;
		sess[ns] = fun[nf] = score[nc] = NULL;
	}
	/* A MongoDB failure (69, 75) does not stop the file outputs. */
	if ((rc = run(demo, "generate a month of events", synth)) != 0 ||
	    (rc = run(demo, "inspect it", inspect)) != 0)
		goto done;
	rc = run(demo, "cut it into sessions", sess);
	if (rc == 69 || rc == 75) {
		mongo_rc = rc;
		rc = 0;
	}
	if (rc != 0)
		goto done;
	rc = run(demo, "funnel view -> cart -> purchase", fun);
	if (rc == 69 || rc == 75) {
		mongo_rc = mongo_rc ? mongo_rc : rc;
		rc = 0;
	}
	if (rc != 0)
		goto done;
	if ((rc = run(demo, "train the intent and category models", train)) != 0)
		goto done;
	rc = run(demo, "score every session", score);
	if (rc == 69 || rc == 75) {
		mongo_rc = mongo_rc ? mongo_rc : rc;
		rc = 0;
	}
	if (rc != 0)
		goto done;
	if (ec_verbosity > 0) {
		printf("\ndemo results:\n");
		printf("  events (generated)  %s\n", events);
		printf("  inspect report      %s\n", report);
		printf("  sessions            %s\n", sessions);
		printf("  funnel report       %s (and funnel.csv, funnel.json beside it)\n",
		       funnel);
		printf("  models              %s (ecomctl models list --models %s)\n", models,
		       models);
		printf("  predictions         %s\n", preds);
		printf("  run manifests       %s\n", runs);
		if (uri && mongo_rc == 0)
			printf("  MongoDB             collections sessions, funnel_reports, "
			       "predictions, "
			       "runs\n");
		else if (uri)
			printf("  MongoDB             failed (exit %d): see the errors above\n",
			       mongo_rc);
	}
	rc = mongo_rc;
done:
	ec_run_output(demo, events);
	ec_run_output(demo, report);
	ec_run_output(demo, sessions);
	ec_run_output(demo, funnel);
	ec_run_output(demo, preds);
	free(out);
	free(uri);
	free(wc);
	free(spool);
	return ec_run_end(demo, rc, rc ? "a step failed: see its manifest" : NULL);
}
