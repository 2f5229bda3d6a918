/* ecomctl score: every session of new exports through the same sessionizer
 * and featurizer as training, scored by registered models: one CSV row per
 * session with p_purchase, the decision and the top-3 categories. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/drift.h"
#include "ecomctl/event.h"
#include "ecomctl/features.h"
#include "ecomctl/job.h"
#include "ecomctl/json.h"
#include "ecomctl/learn.h"
#include "ecomctl/model.h"
#include "ecomctl/outfile.h"
#include "ecomctl/registry.h"
#include "ecomctl/run.h"
#include "ecomctl/schema.h"
#include "ecomctl/scorer.h"
#include "ecomctl/sink.h"
#include "ecomctl/sink_mongo.h"

/* "none" skips a task. */
static const char *model_arg(const char *s)
{
	return strcmp(s, "none") == 0 ? NULL : s;
}

int ec_score_refs(const struct ec_score_args *a, const char *refs[2], struct ec_err *err)
{
	refs[0] = model_arg(a->intent_ref);
	refs[1] = model_arg(a->cat_ref);
	if (!refs[0] && !refs[1])
		return ec_fail(err, EC_EUSAGE, "both models are none: nothing to score");
	return 0;
}

void ec_score_args_init(struct ec_score_args *a)
{
	memset(a, 0, sizeof(*a));
	ec_reader_opts_init(&a->ro);
	ec_session_opts_init(&a->so);
	ec_mongo_opts_init(&a->mo);
	a->out_path = "output/predictions.csv";
	a->models = "models";
	a->intent_ref = "intent@production";
	a->cat_ref = "category@production";
	a->poll_ms = 100;
	a->state_interval = 10;
}

/* One warning naming every distribution whose PSI passes the warning
 * level; with -v, every PSI. */
static void drift_report(const struct ec_json *dj)
{
	const struct ec_json *a = ec_json_get(dj, "psi");
	char line[1024];
	size_t len = 0;
	const char *last_task = "";
	for (size_t i = 0; i < ec_json_size(a); i++) {
		const struct ec_json *o = ec_json_at(a, i);
		const char *name = ec_json_str(ec_json_get(o, "name"), "?");
		const char *task = ec_json_str(ec_json_get(o, "task"), "?");
		double psi = ec_json_num(ec_json_get(o, "psi"), NAN);
		ec_log_debug("score: drift: %s %s PSI %.3f", task, name, psi);
		if (!ec_json_bool(ec_json_get(o, "warn"), 0) || len >= sizeof(line) - 80)
			continue;
		int same = strcmp(task, last_task) == 0;
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s%s%s %.2f",
					!len   ? ""
					: same ? ", "
					       : "; ",
					same ? "" : task, same ? "" : " ", name, psi);
		last_task = task;
	}
	if (len)
		ec_log_warn("score: the data has moved since training (PSI above %.2f): %s",
			    EC_DRIFT_WARN, line);
}

/* The run's summary: one JSON object with --json, else a line on stderr. */
static void summary(const struct ec_score_args *a, const struct ec_job *job, const char *run_id,
		    const struct ec_loaded_model *m, const struct ec_score_tally *t,
		    const struct ec_input *in, struct ec_mongo *mongo, const struct ec_json *dj)
{
	if (ec_opt_json) {
		struct ec_json *j = ec_json_object();
		ec_json_add_str(j, "command", "score");
		ec_json_add_str(j, "output", a->out_path);
		ec_json_add_str(j, "run_id", run_id);
		ec_json_add_str(j, "intent_model", m[0].model ? m[0].ref : "");
		ec_json_add_str(j, "category_model", m[1].model ? m[1].ref : "");
		ec_json_add_num(j, "threshold", m[0].threshold);
		ec_json_add_u64(j, "scored_sessions", t->sessions);
		ec_json_add_u64(j, "with_p_purchase", t->with_p);
		ec_json_add_u64(j, "predicted_purchases", t->decided);
		ec_json_add_u64(j, "actual_purchases", t->purchased);
		ec_json_add_u64(j, "with_categories", t->with_categories);
		ec_json_add_num(j, "category_hit3",
				t->cat_sessions ? (double)t->cat_hit3 / (double)t->cat_sessions
						: NAN);
		if (dj)
			ec_json_add_tree(j, "drift", ec_json_dup(dj));
		ec_input_json(in, j);
		if (mongo)
			ec_mongo_json(mongo, j);
		ec_job_json_summary(job, j);
		ec_json_free(j);
	} else {
		ec_reader_report(in->reader);
		ec_log_info("score: %llu sessions to %s in %.2f s: %llu with p_purchase (%llu "
			    "predicted buyers, %llu actual), %llu with categories; models %s %s",
			    (unsigned long long)t->sessions, a->out_path, ec_now() - in->t0,
			    (unsigned long long)t->with_p, (unsigned long long)t->decided,
			    (unsigned long long)t->purchased,
			    (unsigned long long)t->with_categories, m[0].model ? m[0].ref : "-",
			    m[1].model ? m[1].ref : "-");
		if (mongo)
			ec_mongo_report(mongo);
	}
}

int ec_score_run(struct ec_score_args *a, int argc, char **argv, char **inputs, int n_inputs)
{
	struct ec_feature_opts fo;
	struct ec_input in = {0};
	struct ec_featurizer *fz = NULL;
	struct ec_sink *rows = NULL;
	struct ec_mongo *mongo = NULL;
	struct ec_job *job = NULL;
	struct ec_scorer *scorer = NULL;
	struct ec_drift *drift = NULL;
	struct ec_json *dj = NULL;
	struct ec_loaded_model m[EC_TASK_N];
	struct ec_err err = {0};
	struct ec_fsession s;
	const char *run_id;
	int rc;

	memset(m, 0, sizeof(m));
	const char *refs[EC_TASK_N];
	if ((rc = ec_score_refs(a, refs, &err)) < 0 ||
	    (rc = ec_job_begin(&job, "score", argc, argv, inputs, n_inputs, &a->jo, &err)) < 0)
		goto done;
	run_id = ec_job_id(job);
	if ((rc = ec_job_mongo(job, &mongo, &a->mo, a->out_path, &err)) < 0 ||
	    (rc = ec_models_load(m, a->models, refs, &fo, &err)) < 0 ||
	    (rc = ec_partition_resolve(&a->po, &fo.part, &err)) < 0 ||
	    (rc = ec_input_open(&in, &a->ro, &a->so, inputs, n_inputs, &err)) < 0 ||
	    (rc = ec_featurizer_new(&fz, &fo, in.z, &err)) < 0 ||
	    (rc = ec_job_rows(job, &rows, &ec_schema_predictions, a->out_path, 1, &err)) < 0)
		goto done;
	ec_job_input(job, &in);
	ec_scorer_new(&scorer, m, run_id, rows);
	drift = ec_xmalloc(sizeof(*drift));
	ec_drift_init(drift, m);
	ec_scorer_drift(scorer, drift);
	while ((rc = ec_featurizer_next(fz, &s, &err)) > 0)
		if ((rc = ec_scorer_add(scorer, &s, &err)) < 0)
			goto done;
	const struct ec_score_tally *t = ec_scorer_tally(scorer);
	if (rc < 0 || (rc = ec_scorer_flush(scorer, &err)) < 0 ||
	    (rc = ec_input_finish(&in, &err)) < 0 || (rc = ec_job_commit(job, &err)) < 0)
		goto done;
	double worst;
	dj = ec_drift_json(drift, &worst);
	drift_report(dj);
	struct ec_json *c = ec_run_counts(ec_job_run(job));
	if (dj)
		ec_json_add_tree(c, "drift", ec_json_dup(dj));
	ec_json_add_str(c, "intent_model", m[0].model ? m[0].ref : "");
	ec_json_add_str(c, "category_model", m[1].model ? m[1].ref : "");
	ec_json_add_u64(c, "scored_sessions", t->sessions);
	ec_json_add_u64(c, "with_p_purchase", t->with_p);
	ec_json_add_u64(c, "predicted_purchases", t->decided);
	ec_json_add_u64(c, "actual_purchases", t->purchased);
	ec_json_add_u64(c, "with_categories", t->with_categories);
	if (mongo) {
		struct ec_json *counts = ec_json_dup(c);
		ec_input_json(&in, counts);
		ec_job_mongo_finish(job, counts);
		ec_json_free(counts);
	}
	summary(a, job, run_id, m, t, &in, mongo, dj);
done:
	ec_scorer_free(scorer); /* its thread may be writing rows: before the sink goes */
	rc = job ? ec_job_end(job, rc, &err) : ec_cli_fail("score", rc, &err);
	ec_json_free(dj);
	free(drift);
	ec_featurizer_free(fz);
	ec_input_close(&in);
	for (int k = 0; k < EC_TASK_N; k++)
		ec_loaded_model_release(&m[k]);
	return rc;
}

int cmd_score(int argc, char **argv)
{
	struct ec_score_args a;
	static const char *const formats[] = {"csv", "jsonl", NULL};
	static const char *const emit_choices[] = {"close", "cart", NULL};
	ec_score_args_init(&a);
	const char *default_out = a.out_path;
	const struct ec_opt opts[] = {
	    {"output", 'o', EC_OPT_STR, &a.out_path, "FILE",
	     "write predictions here (.gz: gzip; - for stdout; default output/predictions.csv)",
	     NULL, 0},
	    {"models", 0, EC_OPT_STR, &a.models, "DIR", "the model registry (default models)", NULL,
	     0},
	    {"intent-model", 0, EC_OPT_STR, &a.intent_ref, "REF",
	     "intent model: intent, intent@ALIAS, intent@vN or none (default intent@production)",
	     NULL, 0},
	    {"category-model", 0, EC_OPT_STR, &a.cat_ref, "REF",
	     "category model, likewise (default category@production)", NULL, 0},
	    {"follow", 'f', EC_OPT_FLAG, &a.follow, NULL,
	     "stream: read FILE (followed like tail -F) or - (stdin) as events arrive, write "
	     "each prediction to stdout as soon as its session is out",
	     NULL, 0},
	    {"format", 0, EC_OPT_CHOICE, &a.format, "FMT",
	     "with --follow, rows as csv (default, header first) or jsonl (one object a line)",
	     formats, 0},
	    {"emit-on", 0, EC_OPT_CHOICE, &a.emit_on, "WHEN",
	     "with --follow: close (default: a row when a session goes out) or cart (also an "
	     "early row at each cart event, as of that event, before the final one)",
	     emit_choices, 0},
	    {"state", 0, EC_OPT_STR, &a.state, "FILE",
	     "with --follow: checkpoint to FILE (and every line read to FILE.journal) every "
	     "--state-interval and on SIGTERM; a run with an existing FILE resumes from it",
	     NULL, 0},
	    {"state-interval", 0, EC_OPT_DURATION, &a.state_interval, "DUR",
	     "with --state, time between checkpoints (default 10s)", EC_OPT_RANGE(1, 86400), 0},
	    {"poll-ms", 0, EC_OPT_INT, &a.poll_ms, "MS",
	     "with --follow, how often to look for more of a followed file, and for a signal "
	     "(default 100)",
	     EC_OPT_RANGE(1, 60000), 0},
	    EC_SESSION_OPTS(a.so),
	    EC_PARTITION_OPTS(a.po),
	    EC_READER_OPTS(a.ro),
	    EC_MONGO_OPTS(a.mo),
	    EC_JOB_OPTS(a.jo),
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "score",
	    "[OPTIONS] FILE...\n       ecomctl score --follow [OPTIONS] [FILE|-]",
	    "Score every session of export files with registered models: the same\n"
	    "sessionizer and point-in-time features as training (feature options from\n"
	    "the models' manifests), one CSV row per session: ids, start, end, events,\n"
	    "p_purchase and the decision at the model's threshold, the three likeliest\n"
	    "categories with their scores, the actual outcome, model versions, run id.\n"
	    "Written atomically. With --mongo-uri, also one document per session in the\n"
	    "collection `predictions`, keyed by the session and the model versions (a\n"
	    "rerun changes nothing; a new model version adds documents). With --follow,\n"
	    "a stream: events from stdin or a growing file, each row on stdout as soon\n"
	    "as its session is out, equal to the batch rows (README: Streaming).",
	    opts,
	    "examples:\n"
	    "  ecomctl score data/2019-Nov-01.csv.gz -o output/predictions.csv\n"
	    "  ecomctl score day.csv.gz --intent-model intent@v3 --category-model none\n"
	    "  kcat -C -b kafka:9092 -t events -f '%s\\n' | ecomctl score --follow - --state "
	    "s.json\n",
	};
	struct ec_opts_result res;
	int rc;
	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 0)) >= 0)
		return rc;
	if (a.follow && a.out_path == default_out) /* not given: stdout */
		a.out_path = "-";
	if (!a.follow && res.n_operands == 0) {
		ec_log_error("score: no input files (use - for stdin)");
		fprintf(stderr, "usage: ecomctl score %s\n", usage.synopsis);
		ec_cli_json_failure("score", 64, "no input files (use - for stdin)");
		rc = 64;
	} else if (a.follow && ec_opt_json) {
		ec_log_error("score: --json and --follow would both write to stdout");
		rc = 64;
	} else if (a.follow) {
		rc = ec_score_follow_run(&a, argc, argv, res.operands, res.n_operands);
	} else if (ec_opt_json && strcmp(a.out_path, "-") == 0) {
		ec_log_error("score: --json and -o - would both write to stdout");
		rc = 64;
	} else {
		rc = ec_score_run(&a, argc, argv, res.operands, res.n_operands);
	}
	return rc;
}
