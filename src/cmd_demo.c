/* ecomctl demo: the main job end to end on generated data, under output/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/outfile.h"
#include "ecomctl/sink_mongo.h"

/* Runs one command in-process as if from the command line. */
static int run(const char *what, char **argv)
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
	const struct ec_cmd *c = ec_cmd_find(argv[0]);
	return c ? c->fn(argc, argv) : 70;
}

int cmd_demo(int argc, char **argv)
{
	const char *dir = "output";
	int64_t rows = 1000000;
	struct ec_mongo_opts mo;
	ec_mongo_opts_init(&mo);
	const struct ec_opt opts[] = {
	    {"output", 'o', EC_OPT_STR, &dir, "DIR", "where the results go (default output)", NULL,
	     0},
	    {"rows", 'n', EC_OPT_INT, &rows, "N", "rows of generated data (default 1000000)", NULL,
	     0},
	    EC_MONGO_OPTS(mo),
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "demo",
	    "[OPTIONS]",
	    "Run the main job on data the project generates itself: a month of a\n"
	    "multi-category store from `ecomctl synth`, inspected, sessionized, run\n"
	    "through the default funnel, the two models trained (registered under\n"
	    "DIR/models) and every session scored; every result under the output\n"
	    "directory. Prints where each result is. With --mongo-uri, the session\n"
	    "logs and the funnel report also go to MongoDB.",
	    opts,
	    NULL,
	};
	struct ec_opts_result res;
	struct ec_err err = {0};
	char events[512], report[512], sessions[512], funnel[512], nrows[32], ttl[32], models[512],
	    preds[512];
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
	ec_opts_release();
	if ((rc = ec_mkdirs(out, &err)) < 0) {
		free(out);
		free(uri);
		free(wc);
		free(spool);
		return ec_cli_fail("demo", rc, &err);
	}
	snprintf(events, sizeof(events), "%s/events.csv.gz", out);
	snprintf(report, sizeof(report), "%s/inspect.txt", out);
	snprintf(sessions, sizeof(sessions), "%s/sessions.csv", out);
	snprintf(funnel, sizeof(funnel), "%s/funnel.html", out);
	snprintf(models, sizeof(models), "%s/models", out);
	snprintf(preds, sizeof(preds), "%s/predictions.csv", out);

	char *synth[] = {"synth", "--rows", nrows, "--seed", "46", "-o", events, NULL};
	char *inspect[] = {"inspect", "-o", report, events, NULL};
	char *sess[16] = {"sessions", "-o", sessions, events, NULL};
	char *fun[16] = {"funnel", "--by", "top", "--by", "price", "-o", out, events, NULL};
	if (uri) {
		/* The MongoDB options go after the file operand: both commands
		 * take options anywhere. */
		int ns = 4, nf = 8;
		sess[ns++] = fun[nf++] = "--mongo-uri";
		sess[ns++] = fun[nf++] = uri;
		if (wc) {
			sess[ns++] = fun[nf++] = "--mongo-write-concern";
			sess[ns++] = fun[nf++] = wc;
		}
		if (spool) {
			sess[ns++] = fun[nf++] = "--spool-dir";
			sess[ns++] = fun[nf++] = spool;
		}
		sess[ns++] = "--mongo-ttl-days";
		sess[ns++] = ttl;
		sess[ns] = fun[nf] = NULL;
	}
	/* A MongoDB failure (69, 75) does not stop the file outputs. */
	if ((rc = run("generate a month of events", synth)) != 0 ||
	    (rc = run("inspect it", inspect)) != 0)
		goto done;
	rc = run("cut it into sessions", sess);
	if (rc == 69 || rc == 75) {
		mongo_rc = rc;
		rc = 0;
	}
	if (rc != 0)
		goto done;
	rc = run("funnel view -> cart -> purchase", fun);
	if (rc == 69 || rc == 75) {
		mongo_rc = mongo_rc ? mongo_rc : rc;
		rc = 0;
	}
	if (rc != 0)
		goto done;
	char *train[] = {"train", "--models", models, "--promote", events, NULL};
	char *score[] = {"score", "--models", models, "-o", preds, events, NULL};
	if ((rc = run("train the intent and category models", train)) != 0 ||
	    (rc = run("score every session", score)) != 0)
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
		if (uri && mongo_rc == 0)
			printf(
			    "  MongoDB             collections sessions, funnel_reports, runs\n");
		else if (uri)
			printf("  MongoDB             failed (exit %d): see the errors above\n",
			       mongo_rc);
	}
	rc = mongo_rc;
done:
	free(out);
	free(uri);
	free(wc);
	free(spool);
	return rc;
}
