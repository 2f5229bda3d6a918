/* ecomctl demo: the main job end to end on generated data, under output/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/outfile.h"

/* Runs one command in-process as if from the command line. */
static int run(const char *what, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	if (ec_verbosity > 0)
		fprintf(stderr, "\n== %s: ecomctl", what);
	for (int i = 0; i < argc && ec_verbosity > 0; i++)
		fprintf(stderr, " %s", argv[i]);
	if (ec_verbosity > 0)
		fputc('\n', stderr);
	const struct ec_cmd *c = ec_cmd_find(argv[0]);
	return c ? c->fn(argc, argv) : 70;
}

int cmd_demo(int argc, char **argv)
{
	const char *dir = "output";
	int64_t rows = 1000000;
	const struct ec_opt opts[] = {
		{ "output", 'o', EC_OPT_STR, &dir, "DIR", "where the results go (default output)", NULL, 0 },
		{ "rows", 'n', EC_OPT_INT, &rows, "N", "rows of generated data (default 1000000)", NULL, 0 },
		{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0 },
	};
	const struct ec_cmd_usage usage = {
		"demo", "[OPTIONS]",
		"Run the main job on data the project generates itself: a month of a\n"
		"multi-category store from `ecomctl synth`, inspected, sessionized, run\n"
		"through the default funnel, the two models trained (registered under\n"
		"DIR/models) and every session scored; every result under the output\n"
		"directory. Prints where each result is.",
		opts, NULL,
	};
	struct ec_opts_result res;
	struct ec_err err = { 0 };
	char events[512], report[512], sessions[512], funnel[512], nrows[32], models[512],
		preds[512];
	int rc;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 0)) >= 0)
		return rc;
	/* The commands below parse their own options: keep copies of ours. */
	char *out = ec_xstrdup(dir);
	snprintf(nrows, sizeof(nrows), "%lld", (long long)rows);
	ec_opts_release();
	if ((rc = ec_mkdirs(out, &err)) < 0) {
		free(out);
		return ec_cli_fail("demo", rc, &err);
	}
	snprintf(events, sizeof(events), "%s/events.csv.gz", out);
	snprintf(report, sizeof(report), "%s/inspect.txt", out);
	snprintf(sessions, sizeof(sessions), "%s/sessions.csv", out);
	snprintf(funnel, sizeof(funnel), "%s/funnel.html", out);
	snprintf(models, sizeof(models), "%s/models", out);
	snprintf(preds, sizeof(preds), "%s/predictions.csv", out);

	char *synth[] = { "synth", "--rows", nrows, "--seed", "46", "-o", events, NULL };
	char *inspect[] = { "inspect", "-o", report, events, NULL };
	char *sess[] = { "sessions", "-o", sessions, events, NULL };
	char *fun[] = { "funnel", "--by", "top", "--by", "price", "-o", out, events, NULL };
	char *train[] = { "train", "--models", models, "--promote", events, NULL };
	char *score[] = { "score", "--models", models, "-o", preds, events, NULL };
	if ((rc = run("generate a month of events", synth)) != 0 ||
	    (rc = run("inspect it", inspect)) != 0 ||
	    (rc = run("cut it into sessions", sess)) != 0 ||
	    (rc = run("funnel view -> cart -> purchase", fun)) != 0 ||
	    (rc = run("train the intent and category models", train)) != 0 ||
	    (rc = run("score every session", score)) != 0)
		goto done;
	if (ec_verbosity > 0) {
		printf("\ndemo results:\n");
		printf("  events (generated)  %s\n", events);
		printf("  inspect report      %s\n", report);
		printf("  sessions            %s\n", sessions);
		printf("  funnel report       %s (and funnel.csv, funnel.json beside it)\n", funnel);
		printf("  models              %s (ecomctl models list --models %s)\n", models, models);
		printf("  predictions         %s\n", preds);
	}
done:
	free(out);
	return rc;
}
