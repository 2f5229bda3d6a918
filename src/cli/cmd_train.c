/* ecomctl train: featurize exports in-process, train the intent and
 * category models with a time split and early stopping, print the metrics
 * beside the baselines and register new versions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/event.h"
#include "ecomctl/features.h"
#include "ecomctl/cleanup.h"
#include "ecomctl/grid.h"
#include "ecomctl/job.h"
#include "ecomctl/json.h"
#include "ecomctl/registry.h"
#include "ecomctl/run.h"
#include "ecomctl/sha256.h"
#include "ecomctl/train.h"

static const char *const task_choices[] = {"both", "intent", "category", NULL};

/* The manifest fields every task of the run shares. */
static int common_manifest(struct ec_json *j, char **paths, int n, const struct ec_input *in,
			   const struct ec_feature_opts *fo, const struct ec_session_opts *so,
			   const struct ec_train_cfg *cfg, int64_t valid_from, double neg_keep,
			   const char *cmdline, struct ec_err *err)
{
	const struct ec_reader_stats *r = ec_reader_stats(in->reader);
	const struct ec_session_stats *ss = ec_sessionizer_stats(in->z);
	ec_json_add_str(j, "command_line", cmdline);
	ec_json_add_str(j, "ecomctl_version", EC_VERSION);
	ec_json_add_str(j, "xgboost_version", ec_model_lib_version());
	struct ec_json *a = ec_json_add_array(j, "inputs");
	for (int i = 0; i < n; i++) {
		struct ec_json *o = ec_json_add_object(a, NULL);
		ec_json_add_str(o, "path", paths[i]);
		if (strcmp(paths[i], "-") == 0) {
			ec_json_add_null(o, "size");
			ec_json_add_null(o, "sha256");
			continue;
		}
		char hex[65];
		uint64_t size;
		int rc = ec_sha256_file(paths[i], hex, &size, err);
		if (rc < 0)
			return rc;
		ec_json_add_u64(o, "size", size);
		ec_json_add_str(o, "sha256", hex);
	}
	struct ec_json *o = ec_json_add_object(j, "data");
	ec_json_add_u64(o, "rows", r->rows);
	ec_json_add_u64(o, "bad_rows", r->bad);
	ec_json_add_u64(o, "sessions", ss->sessions);
	ec_json_add_time(o, "first_event", r->time_min);
	ec_json_add_time(o, "last_event", r->time_max);
	if (valid_from != INT64_MIN)
		ec_json_add_time(o, "valid_from", valid_from);
	o = ec_json_add_object(j, "feature_options");
	ec_json_add_int(o, "category_level", fo->category_level);
	ec_json_add_num(o, "prior_weight", fo->prior_weight);
	ec_json_add_int(o, "max_candidates", fo->max_candidates);
	o = ec_json_add_object(j, "session_options");
	ec_json_add_str(o, "session_key", ec_session_key_names[so->key]);
	ec_json_add_int(o, "gap_s", so->gap);
	ec_json_add_int(o, "max_session_s", so->max_session);
	ec_json_add_int(o, "lateness_s", so->lateness);
	ec_json_add_bool(o, "split_at_midnight", so->split_at_midnight);
	ec_json_add_bool(o, "keep_duplicates", so->keep_duplicates);
	o = ec_json_add_object(j, "training");
	ec_json_add_int(o, "max_rounds", cfg->rounds);
	ec_json_add_int(o, "early_stop", cfg->early_stop);
	ec_json_add_str(o, "class_weight", cfg->class_weight);
	ec_json_add_str(o, "category_objective", ec_cat_objective_names[cfg->cat_objective]);
	ec_json_add_bool(o, "category_monotone", cfg->cat_monotone);
	ec_json_add_num(o, "category_negatives", neg_keep);
	return 0;
}

/* The numeric options are range-checked by their table entries (opts.h). */
static int check_args(const struct ec_train_cfg *c, struct ec_err *err)
{
	if (strcmp(c->class_weight, "none") != 0 && strcmp(c->class_weight, "auto") != 0) {
		char *end;
		double w = strtod(c->class_weight, &end);
		if (*end || !(w > 0) || !isfinite(w))
			return ec_fail(err, EC_EUSAGE,
				       "--class-weight: expected none, auto or a positive number");
	}
	return 0;
}

static void result_json(struct ec_json *j, const struct ec_task_result *r, uint32_t version,
			int production, double seconds)
{
	char ref[48];
	snprintf(ref, sizeof(ref), "%s@v%u", ec_task_names[r->task], version);
	ec_json_add_str(j, "model", ref);
	ec_json_add_bool(j, "production", production);
	ec_json_add_int(j, "train_sessions", (int64_t)r->train_sessions);
	ec_json_add_int(j, "valid_sessions", (int64_t)r->valid_sessions);
	ec_json_add_int(j, "best_rounds", r->res.best_rounds);
	ec_json_add_int(j, "trials", r->n_trials);
	ec_json_add_num(j, "train_seconds", seconds);
	if (r->task == EC_TASK_INTENT) {
		ec_json_add_num(j, "threshold", r->threshold);
		ec_intent_report_json(&r->intent, ec_json_add_object(j, "metrics"));
	} else {
		ec_category_report_json(&r->category, ec_json_add_object(j, "metrics"));
	}
}

int cmd_train(int argc, char **argv)
{
	struct ec_reader_opts ro;
	struct ec_session_opts so;
	struct ec_feature_opts fo;
	struct ec_train_cfg cfg;
	const char *models = "models", *grid_path = NULL;
	struct ec_job_opts jo = {0};
	int which = 0, promote = 0;
	int64_t valid_from = INT64_MIN, max_cand = 10, lock_wait = 30;
	double frac = 0.2, neg_keep = 1;
	ec_reader_opts_init(&ro);
	ec_session_opts_init(&so);
	ec_feature_opts_init(&fo);
	ec_train_cfg_init(&cfg);
	const struct ec_opt opts[] = {
	    {"task", 0, EC_OPT_CHOICE, &which, "TASK", "both (default), intent or category",
	     task_choices, 0},
	    {"models", 0, EC_OPT_STR, &models, "DIR", "the model registry (default models)", NULL,
	     0},
	    {"promote", 0, EC_OPT_FLAG, &promote, NULL,
	     "make the new versions production (the first version of a task always is)", NULL, 0},
	    {"lock-wait", 0, EC_OPT_DURATION, &lock_wait, "DUR",
	     "wait this long for the registry lock, then exit 75 (default 30s)",
	     EC_OPT_RANGE(0, 86400), 0},
	    {"valid-from", 0, EC_OPT_TIME, &valid_from, "TIME",
	     "sessions starting at or after TIME validate, earlier ones train", NULL, 0},
	    {"valid-fraction", 0, EC_OPT_DOUBLE, &frac, "F",
	     "without --valid-from: the last F of the sessions validates (default 0.2)",
	     EC_OPT_RANGE_OPEN(0, 1, EC_RANGE_OPEN_MIN | EC_RANGE_OPEN_MAX), 0},
	    {"rounds", 0, EC_OPT_INT, &cfg.rounds, "N", "most boosting rounds (default 400)",
	     EC_OPT_RANGE(1, 100000), 0},
	    {"early-stop", 0, EC_OPT_INT, &cfg.early_stop, "N",
	     "stop after N rounds without a better validation metric (default 40; 0: never)",
	     EC_OPT_RANGE(0, 100000), 0},
	    {"eta", 0, EC_OPT_DOUBLE, &cfg.eta, "X", "learning rate (default 0.1)",
	     EC_OPT_RANGE_OPEN(0, 1, EC_RANGE_OPEN_MIN), 0},
	    {"max-depth", 0, EC_OPT_INT, &cfg.max_depth, "N", "tree depth (default 6)",
	     EC_OPT_RANGE(1, 64), 0},
	    {"min-child-weight", 0, EC_OPT_DOUBLE, &cfg.min_child_weight, "X",
	     "least hessian weight in a leaf (default 1)", EC_OPT_RANGE(0, 1e9), 0},
	    {"subsample", 0, EC_OPT_DOUBLE, &cfg.subsample, "F",
	     "share of rows sampled per tree (default 1)",
	     EC_OPT_RANGE_OPEN(0, 1, EC_RANGE_OPEN_MIN), 0},
	    {"colsample", 0, EC_OPT_DOUBLE, &cfg.colsample, "F",
	     "share of features sampled per tree (default 1)",
	     EC_OPT_RANGE_OPEN(0, 1, EC_RANGE_OPEN_MIN), 0},
	    {"class-weight", 0, EC_OPT_STR, &cfg.class_weight, "W",
	     "intent scale_pos_weight: none (default), auto (negatives/positives) or a number",
	     NULL, 0},
	    {"category-objective", 0, EC_OPT_CHOICE, &cfg.cat_objective, "OBJ",
	     "binary (binary:logistic per candidate, default) or pairwise (rank:pairwise)",
	     ec_cat_objective_names, 0},
	    {"category-monotone", 0, EC_OPT_CHOICE, &cfg.cat_monotone, "on|off",
	     "on (default): the category score only rises with a candidate's views and their "
	     "recency (monotone_constraints)",
	     ec_on_off_names, 0},
	    {"grid", 0, EC_OPT_STR, &grid_path, "FILE",
	     "XGBoost parameters to try: {\"eta\": [0.05, 0.1], ...} (every combination), a "
	     "list of parameter objects, or either per task: {\"intent\": ..., \"category\": ...}",
	     NULL, 0},
	    {"seed", 0, EC_OPT_INT, &cfg.seed, "N", "XGBoost seed (default 1)",
	     EC_OPT_RANGE(0, 2147483647), 0},
	    {"threads", 0, EC_OPT_INT, &cfg.threads, "N", "XGBoost threads (default 0: all cores)",
	     EC_OPT_RANGE(0, 1024), 0},
	    {"max-candidates", 0, EC_OPT_INT, &max_cand, "N",
	     "candidate categories per session (default 10)", EC_OPT_RANGE(1, 1000), 0},
	    {"category-negatives", 0, EC_OPT_DOUBLE, &neg_keep, "F",
	     "share of the sessions without a cart kept to train the category model, weighted "
	     "1/F (default 1; e.g. 0.1 on a whole month)",
	     EC_OPT_RANGE_OPEN(0, 1, EC_RANGE_OPEN_MIN), 0},
	    EC_FEATURE_OPTS(fo),
	    EC_SESSION_OPTS(so),
	    EC_READER_OPTS(ro),
	    EC_JOB_OPTS(jo),
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "train",
	    "[OPTIONS] FILE...",
	    "Featurize export files (point in time, as `ecomctl features`), split the\n"
	    "sessions by start time, train the purchase-intent model (binary:logistic)\n"
	    "and the category model (one row per candidate category of a session) with\n"
	    "early stopping on the later sessions, print their validation metrics beside\n"
	    "simple baselines, and register each as a new version in the model registry.",
	    opts,
	    "examples:\n"
	    "  ecomctl train data/2019-Oct.csv.gz --valid-from 2019-10-25\n"
	    "  ecomctl train data/2019-Oct.csv.gz --task intent --grid grid.json --promote\n",
	};
	struct ec_opts_result res;
	struct ec_input in = {0};
	struct ec_featurizer *fz = NULL;
	struct ec_json *grid[EC_TASK_N] = {NULL}, *common = NULL, *out = NULL;
	struct ec_iset is;
	struct ec_cset cs;
	struct ec_task_result tr[EC_TASK_N];
	struct ec_job *job = NULL;
	struct ec_run *run = NULL;
	struct ec_err err = {0};
	char *cmdline = ec_run_command_line(argc, argv);
	int rc, want[EC_TASK_N], failed = 0;
	char fmsg[sizeof(err.msg)] = "";
	double t_feat = 0, t_task[EC_TASK_N] = {0};

	memset(tr, 0, sizeof(tr));
	ec_iset_init(&is, ec_features_count(EC_TASK_INTENT));
	ec_cset_init(&cs, ec_features_count(EC_TASK_CATEGORY));
	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 1)) >= 0) {
		free(cmdline);
		ec_iset_release(&is);
		ec_cset_release(&cs);
		return rc;
	}
	want[EC_TASK_INTENT] = which != 2;
	want[EC_TASK_CATEGORY] = which != 1;
	fo.max_candidates = (uint32_t)max_cand;
	cs.neg_keep = neg_keep;
	if ((rc = check_args(&cfg, &err)) < 0 ||
	    (rc = ec_job_begin(&job, "train", argc, argv, res.operands, res.n_operands, &jo,
			       &err)) < 0)
		goto done;
	run = ec_job_run(job);
	ec_job_input(job, &in);
	if (grid_path && (rc = ec_grid_load(grid, grid_path, &err)) < 0)
		goto done;
	if ((rc = ec_input_open(&in, &ro, &so, res.operands, res.n_operands, &err)) < 0 ||
	    (rc = ec_featurizer_new(&fz, &fo, in.z, &err)) < 0 ||
	    (rc = ec_learn_collect(fz, want[0] ? &is : NULL, want[1] ? &cs : NULL, &err)) < 0 ||
	    (rc = ec_input_finish(&in, &err)) < 0)
		goto done;
	t_feat = ec_now() - in.t0;
	ec_log_info("train: %zu intent sessions, %zu category sessions (%zu candidate rows)", is.n,
		    cs.n_s, cs.n_r);
	/* A task that cannot be trained is reported; the other is still
	 * registered, and the run exits with the failed task's status. */
	for (int t = 0; t < EC_TASK_N; t++) {
		double t0 = ec_now();
		cfg.grid = grid[t];
		if (!want[t])
			continue;
		if ((rc = ec_train_task(&tr[t], t, &is, &cs, valid_from, frac, &cfg, &err)) < 0) {
			if (failed)
				ec_log_error("train: %s", fmsg);
			if (rc != EC_EDATA || failed)
				goto done;
			snprintf(fmsg, sizeof(fmsg), "%s", err.msg);
			failed = rc;
			want[t] = 0;
			rc = 0;
		}
		t_task[t] = ec_now() - t0;
	}
	common = ec_json_object();
	if ((rc = common_manifest(common, res.operands, res.n_operands, &in, &fo, &so, &cfg,
				  valid_from, cs.neg_keep, cmdline, &err)) < 0)
		goto done;
	ec_test_pause("register");
	if ((rc = ec_interrupt_check(&err)) < 0) /* nothing registered yet */
		goto done;
	out = ec_json_object();
	ec_json_add_str(out, "command", "train");
	ec_json_add_str(out, "models", models);
	ec_json_add_time(out, "valid_from", tr[want[0] ? 0 : 1].valid_from);
	ec_json_add_num(out, "featurize_seconds", t_feat);
	for (int t = 0; t < EC_TASK_N; t++) {
		uint32_t v;
		if (!want[t])
			continue;
		if ((rc = ec_train_register(&tr[t], models, common, promote, (double)lock_wait, &v,
					    &err)) < 0)
			goto done;
		struct ec_registry *reg = NULL;
		int prod = 0;
		if (ec_registry_open(&reg, models, -1, NULL) == 0)
			prod = ec_registry_alias(reg, t, "production") == v;
		ec_registry_free(reg);
		result_json(ec_json_add_object(out, ec_task_names[t]), &tr[t], v, prod, t_task[t]);
		char ref[64], path[4096];
		snprintf(ref, sizeof(ref), "%s@v%u", ec_task_names[t], v);
		ec_json_add_str(ec_run_counts(run), ec_task_names[t], ref);
		snprintf(path, sizeof(path), "%s/%s/v%u/model.json", models, ec_task_names[t], v);
		ec_run_output(run, path);
		snprintf(path, sizeof(path), "%s/%s/v%u/manifest.json", models, ec_task_names[t],
			 v);
		ec_run_output(run, path);
		if (!ec_opt_json && ec_verbosity > 0) {
			char tv[24];
			ec_time_format(tr[t].valid_from, tv);
			printf("%s%s@v%u%s, trained on %zu sessions, validated on %zu from %s; "
			       "%d of %d rounds kept%s\n",
			       t ? "\n" : "", ec_task_names[t], v, prod ? " (production)" : "",
			       tr[t].train_sessions, tr[t].valid_sessions, tv,
			       tr[t].res.best_rounds, tr[t].res.rounds_run,
			       tr[t].n_trials > 1 ? " (best of the grid)" : "");
			if (t == EC_TASK_INTENT)
				ec_intent_report_print(&tr[t].intent, tr[t].threshold);
			else
				ec_category_report_print(&tr[t].category);
		}
		ec_log_info("train: registered %s@v%u in %s%s (trained in %.2f s)",
			    ec_task_names[t], v, models, prod ? " (production)" : "", t_task[t]);
	}
	ec_input_json(&in, out);
	if (ec_opt_json)
		ec_json_print_stdout(out);
	struct ec_json *c = ec_run_counts(run);
	ec_json_add_u64(c, "intent_sessions", is.n);
	ec_json_add_u64(c, "category_sessions", cs.n_s);
	ec_json_add_u64(c, "category_rows", cs.n_r);
	if ((rc = failed) < 0)
		ec_fail(&err, rc, "%s", fmsg);
done:
	rc = job ? ec_job_end(job, rc, &err) : ec_cli_fail("train", rc, &err);
	for (int t = 0; t < EC_TASK_N; t++)
		ec_task_result_release(&tr[t]);
	ec_json_free(out);
	ec_json_free(common);
	for (int t = 0; t < EC_TASK_N; t++)
		ec_json_free(grid[t]);
	ec_featurizer_free(fz);
	ec_input_close(&in);
	ec_iset_release(&is);
	ec_cset_release(&cs);
	free(cmdline);
	ec_opts_release();
	return rc;
}
