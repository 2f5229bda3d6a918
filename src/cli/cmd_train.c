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
#include "ecomctl/collective.h"
#include "ecomctl/grid.h"
#include "ecomctl/job.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
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
	ec_json_add_bool(o, "intent_monotone", cfg->intent_monotone);
	ec_json_add_num(o, "category_negatives", neg_keep);
	ec_json_add_str(o, "matrix", ec_model_matrix_names[cfg->matrix]);
	if (ec_coll_active()) {
		char pb[16];
		ec_json_add_int(o, "workers", ec_coll_size());
		ec_json_add_str(o, "rank0_partition", ec_partition_name(&fo->part, pb));
	}
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

/* What a train run holds between its steps. */
struct train_state {
	struct ec_input in;
	struct ec_featurizer *fz;
	struct ec_json *grid[EC_TASK_N], *common, *out;
	struct ec_iset is;
	struct ec_cset cs;
	struct ec_task_result tr[EC_TASK_N];
	int want[EC_TASK_N], failed;
	char fmsg[512];
	double t_feat, t_task[EC_TASK_N];
};

/* Trains each task wanted. A task that cannot be trained (EC_EDATA) is
 * reported; the other is still trained, and the run exits with the failed
 * task's status. */
static int train_tasks(struct ec_train_args *a, struct train_state *st, struct ec_err *err)
{
	int rc;
	for (int t = 0; t < EC_TASK_N; t++) {
		double t0 = ec_now();
		a->cfg.grid = st->grid[t];
		if (!st->want[t])
			continue;
		if ((rc = ec_train_task(&st->tr[t], t, &st->is, &st->cs, a->valid_from, a->frac,
					&a->cfg, err)) < 0) {
			if (st->failed)
				ec_log_error("train: %s", st->fmsg);
			if (rc != EC_EDATA || st->failed)
				return rc;
			snprintf(st->fmsg, sizeof(st->fmsg), "%s", err->msg);
			st->failed = rc;
			st->want[t] = 0;
		}
		st->t_task[t] = ec_now() - t0;
	}
	return 0;
}

/* Registers the trained task t, records it, prints its report. */
static int register_task(const struct ec_train_args *a, struct train_state *st, int t,
			 struct ec_run *run, struct ec_err *err)
{
	const struct ec_task_result *r = &st->tr[t];
	uint32_t v;
	int rc;
	if ((rc = ec_train_register(r, a->models, st->common, a->promote, (double)a->lock_wait, &v,
				    err)) < 0)
		return rc;
	struct ec_registry *reg = NULL;
	int prod = 0;
	if (ec_registry_open(&reg, a->models, -1, NULL) == 0)
		prod = ec_registry_alias(reg, t, "production") == v;
	ec_registry_free(reg);
	result_json(ec_json_add_object(st->out, ec_task_names[t]), r, v, prod, st->t_task[t]);
	char ref[64], path[4096];
	snprintf(ref, sizeof(ref), "%s@v%u", ec_task_names[t], v);
	ec_json_add_str(ec_run_counts(run), ec_task_names[t], ref);
	snprintf(path, sizeof(path), "%s/%s/v%u/model.json", a->models, ec_task_names[t], v);
	ec_run_output(run, path);
	snprintf(path, sizeof(path), "%s/%s/v%u/manifest.json", a->models, ec_task_names[t], v);
	ec_run_output(run, path);
	if (!ec_opt_json && ec_verbosity > 0) {
		char tv[24];
		ec_time_format_iso(r->valid_from, tv);
		printf("%s%s@v%u%s, trained on %zu sessions, validated on %zu from %s; "
		       "%d of %d rounds kept%s\n",
		       t ? "\n" : "", ec_task_names[t], v, prod ? " (production)" : "",
		       r->train_sessions, r->valid_sessions, tv, r->res.best_rounds,
		       r->res.rounds_run, r->n_trials > 1 ? " (best of the grid)" : "");
		if (t == EC_TASK_INTENT)
			ec_intent_report_print(&r->intent, r->threshold);
		else
			ec_category_report_print(&r->category);
	}
	ec_log_info("train: registered %s@v%u in %s%s (trained in %.2f s)", ec_task_names[t], v,
		    a->models, prod ? " (production)" : "", st->t_task[t]);
	return 0;
}

static void state_release(struct train_state *st)
{
	for (int t = 0; t < EC_TASK_N; t++) {
		ec_task_result_release(&st->tr[t]);
		ec_json_free(st->grid[t]);
	}
	ec_json_free(st->out);
	ec_json_free(st->common);
	ec_featurizer_free(st->fz);
	ec_input_close(&st->in);
	ec_iset_release(&st->is);
	ec_cset_release(&st->cs);
}

/* With the quantile matrix, the feature rows go to spill files in
 * --cache-dir (default: the models directory), not to memory. */
static int open_spills(const struct ec_train_args *a, struct train_state *st, struct ec_err *err)
{
	const char *dir = a->cfg.cache_dir ? a->cfg.cache_dir : a->models;
	int rc;
	if (a->cfg.matrix == EC_MATRIX_MEMORY)
		return 0;
	if ((rc = ec_mkdirs(dir, err)) < 0)
		return rc;
	if (st->want[EC_TASK_INTENT] && (rc = ec_iset_spill(&st->is, dir, err)) < 0)
		return rc;
	if (st->want[EC_TASK_CATEGORY] && (rc = ec_cset_spill(&st->cs, dir, err)) < 0)
		return rc;
	return 0;
}

/* With DMLC_TRACKER_URI set, joins XGBoost's tracker (collective.h): a
 * distributed run needs its partition; without it, --partition trains on
 * that partition alone. */
static int join_group(const struct ec_train_args *a, struct ec_err *err)
{
	const struct ec_partition *p = &a->fo.part;
	char pb[16];
	if (!ec_coll_wanted()) {
		if (p->n > 1)
			ec_log_info("train: partition %s alone (DMLC_TRACKER_URI unset: not "
				    "distributed)",
				    ec_partition_name(p, pb));
		return 0;
	}
	if (p->n <= 1)
		return ec_fail(err, EC_EUSAGE,
			       "DMLC_TRACKER_URI is set: distributed training needs --partition "
			       "K/N or --partitions N");
	return ec_coll_init(p->k, p->n, err);
}

void ec_train_args_init(struct ec_train_args *a)
{
	memset(a, 0, sizeof(*a));
	ec_reader_opts_init(&a->ro);
	ec_session_opts_init(&a->so);
	ec_feature_opts_init(&a->fo);
	ec_train_cfg_init(&a->cfg);
	a->models = "models";
	a->valid_from = INT64_MIN;
	a->max_cand = 10;
	a->lock_wait = 30;
	a->frac = 0.2;
	a->neg_keep = 1;
}

int ec_train_run(struct ec_train_args *a, int argc, char **argv, char **inputs, int n_inputs)
{
	struct train_state st;
	struct ec_job *job = NULL;
	struct ec_run *run = NULL;
	struct ec_err err = {0};
	char *cmdline = ec_run_command_line(argc, argv);
	int rc;

	memset(&st, 0, sizeof(st));
	ec_iset_init(&st.is, ec_features_count(EC_TASK_INTENT));
	ec_cset_init(&st.cs, ec_features_count(EC_TASK_CATEGORY));
	st.want[EC_TASK_INTENT] = a->which != 2;
	st.want[EC_TASK_CATEGORY] = a->which != 1;
	a->fo.max_candidates = (uint32_t)a->max_cand;
	st.cs.neg_keep = a->neg_keep;
	if ((rc = check_args(&a->cfg, &err)) < 0 ||
	    (rc = ec_partition_resolve(&a->po, &a->fo.part, &err)) < 0 ||
	    (rc = join_group(a, &err)) < 0 || /* once joined, a failure stops the others */
	    (rc = ec_job_begin(&job, "train", argc, argv, inputs, n_inputs, &a->jo, &err)) < 0)
		goto done;
	run = ec_job_run(job);
	ec_job_input(job, &st.in);
	if ((a->grid_path && (rc = ec_grid_load(st.grid, a->grid_path, &err)) < 0) ||
	    (rc = open_spills(a, &st, &err)) < 0 ||
	    (rc = ec_input_open(&st.in, &a->ro, &a->so, inputs, n_inputs, &err)) < 0 ||
	    (rc = ec_featurizer_new(&st.fz, &a->fo, st.in.z, &err)) < 0 ||
	    (rc = ec_learn_collect(st.fz, st.want[0] ? &st.is : NULL, st.want[1] ? &st.cs : NULL,
				   &err)) < 0 ||
	    (rc = ec_input_finish(&st.in, &err)) < 0)
		goto done;
	st.t_feat = ec_now() - st.in.t0;
	ec_log_info("train: %zu intent sessions, %zu category sessions (%zu candidate rows)",
		    st.is.n, st.cs.n_s, st.cs.n_r);
	st.common = ec_json_object();
	if ((rc = train_tasks(a, &st, &err)) < 0 ||
	    (rc = common_manifest(st.common, inputs, n_inputs, &st.in, &a->fo, &a->so, &a->cfg,
				  a->valid_from, st.cs.neg_keep, cmdline, &err)) < 0)
		goto done;
	int rank = ec_coll_rank(), workers = ec_coll_size();
	ec_coll_finalize(); /* the model is trained: rank 0 registers it alone */
	ec_test_pause("register");
	if ((rc = ec_interrupt_check(&err)) < 0) /* nothing registered yet */
		goto done;
	st.out = ec_json_object();
	ec_json_add_str(st.out, "command", "train");
	ec_json_add_str(st.out, "models", a->models);
	ec_json_add_time(st.out, "valid_from", st.tr[st.want[0] ? 0 : 1].valid_from);
	ec_json_add_num(st.out, "featurize_seconds", st.t_feat);
	if (workers > 1) {
		ec_json_add_int(st.out, "rank", rank);
		ec_json_add_int(st.out, "workers", workers);
	}
	for (int t = 0; t < EC_TASK_N && rank == 0; t++)
		if (st.want[t] && (rc = register_task(a, &st, t, run, &err)) < 0)
			goto done;
	if (rank > 0)
		ec_log_info("train: rank %d of %d done; rank 0 registers the model", rank, workers);
	ec_input_json(&st.in, st.out);
	if (ec_opt_json)
		ec_cli_json_summary(st.out, st.failed, st.fmsg);
	struct ec_json *c = ec_run_counts(run);
	ec_json_add_u64(c, "intent_sessions", st.is.n);
	ec_json_add_u64(c, "category_sessions", st.cs.n_s);
	ec_json_add_u64(c, "category_rows", st.cs.n_r);
	if ((rc = st.failed) < 0)
		ec_fail(&err, rc, "%s", st.fmsg);
done:
	ec_coll_finalize();
	rc = job ? ec_job_end(job, rc, &err) : ec_cli_fail("train", rc, &err);
	state_release(&st);
	free(cmdline);
	return rc;
}

static const char matrix_help[] =
    "quantile: rows spilled to --cache-dir, streamed into XGBoost's quantized matrix; "
    "memory: rows held as floats; external: training rows in XGBoost's external-memory "
    "pages in --cache-dir (memory grows a seventh as fast, up to 10x slower); auto "
    "(default): quantile above 32 MiB of features, else memory (the same model)";

int cmd_train(int argc, char **argv)
{
	struct ec_train_args a;
	ec_train_args_init(&a);
	const struct ec_opt opts[] = {
	    {"task", 0, EC_OPT_CHOICE, &a.which, "TASK", "both (default), intent or category",
	     task_choices, 0},
	    {"models", 0, EC_OPT_STR, &a.models, "DIR", "the model registry (default models)", NULL,
	     0},
	    {"promote", 0, EC_OPT_FLAG, &a.promote, NULL,
	     "make the new versions production (the first version of a task always is)", NULL, 0},
	    {"lock-wait", 0, EC_OPT_DURATION, &a.lock_wait, "DUR",
	     "wait this long for the registry lock, then exit 75 (default 30s)",
	     EC_OPT_RANGE(0, 86400), 0},
	    {"valid-from", 0, EC_OPT_TIME, &a.valid_from, "TIME",
	     "sessions starting at or after TIME validate, earlier ones train", NULL, 0},
	    {"valid-fraction", 0, EC_OPT_DOUBLE, &a.frac, "F",
	     "without --valid-from: the last F of the sessions validates (default 0.2)",
	     EC_OPT_RANGE_OPEN(0, 1, EC_RANGE_OPEN_MIN | EC_RANGE_OPEN_MAX), 0},
	    {"rounds", 0, EC_OPT_INT, &a.cfg.rounds, "N", "most boosting rounds (default 400)",
	     EC_OPT_RANGE(1, 100000), 0},
	    {"early-stop", 0, EC_OPT_INT, &a.cfg.early_stop, "N",
	     "stop after N rounds without a better validation metric (default 40; 0: never)",
	     EC_OPT_RANGE(0, 100000), 0},
	    {"eta", 0, EC_OPT_DOUBLE, &a.cfg.eta, "X", "learning rate (default 0.1)",
	     EC_OPT_RANGE_OPEN(0, 1, EC_RANGE_OPEN_MIN), 0},
	    {"max-depth", 0, EC_OPT_INT, &a.cfg.max_depth, "N",
	     "tree depth (default 6; see --grid)", EC_OPT_RANGE(1, 64), 0},
	    {"min-child-weight", 0, EC_OPT_DOUBLE, &a.cfg.min_child_weight, "X",
	     "least hessian weight in a leaf (default 1)", EC_OPT_RANGE(0, 1e9), 0},
	    {"subsample", 0, EC_OPT_DOUBLE, &a.cfg.subsample, "F",
	     "share of rows sampled per tree (default 1)",
	     EC_OPT_RANGE_OPEN(0, 1, EC_RANGE_OPEN_MIN), 0},
	    {"colsample", 0, EC_OPT_DOUBLE, &a.cfg.colsample, "F",
	     "share of features sampled per tree (default 1)",
	     EC_OPT_RANGE_OPEN(0, 1, EC_RANGE_OPEN_MIN), 0},
	    {"class-weight", 0, EC_OPT_STR, &a.cfg.class_weight, "W",
	     "intent scale_pos_weight: none (default), auto (negatives/positives) or a number",
	     NULL, 0},
	    {"category-objective", 0, EC_OPT_CHOICE, &a.cfg.cat_objective, "OBJ",
	     "binary (binary:logistic per candidate, default) or pairwise (rank:pairwise)",
	     ec_cat_objective_names, 0},
	    {"intent-monotone", 0, EC_OPT_CHOICE, &a.cfg.intent_monotone, "on|off",
	     "on (default): p_purchase only rises with carts, cart_value and net_carts "
	     "(monotone_constraints)",
	     ec_on_off_names, 0},
	    {"category-monotone", 0, EC_OPT_CHOICE, &a.cfg.cat_monotone, "on|off",
	     "on (default): the category score only rises with a candidate's views and their "
	     "recency (monotone_constraints)",
	     ec_on_off_names, 0},
	    {"grid", 0, EC_OPT_STR, &a.grid_path, "FILE",
	     "XGBoost parameters to try: {\"eta\": [0.05, 0.1], ...} (every combination), a "
	     "list of parameter objects, or either per task: {\"intent\": ..., \"category\": ...}; "
	     "default, with --eta, --max-depth and --min-child-weight unset: three intent "
	     "trials, and category with max_depth 4, min_child_weight 3, eta 0.05",
	     NULL, 0},
	    {"seed", 0, EC_OPT_INT, &a.cfg.seed, "N", "XGBoost seed (default 1)",
	     EC_OPT_RANGE(0, 2147483647), 0},
	    {"matrix", 0, EC_OPT_CHOICE, &a.cfg.matrix, "auto|quantile|memory|external",
	     matrix_help, ec_model_matrix_names, 0},
	    {"cache-dir", 0, EC_OPT_STR, &a.cfg.cache_dir, "DIR",
	     "where the feature spill goes (an unlinked file; default: the --models directory)",
	     NULL, 0},
	    {"threads", 0, EC_OPT_INT, &a.cfg.threads, "N",
	     "XGBoost threads (default 0: all cores)", EC_OPT_RANGE(0, 1024), 0},
	    {"max-candidates", 0, EC_OPT_INT, &a.max_cand, "N",
	     "candidate categories per session (default 10)", EC_OPT_RANGE(1, 1000), 0},
	    {"category-negatives", 0, EC_OPT_DOUBLE, &a.neg_keep, "F",
	     "share of the sessions without a cart kept to train the category model, weighted "
	     "1/F (default 1; e.g. 0.1 on a whole month)",
	     EC_OPT_RANGE_OPEN(0, 1, EC_RANGE_OPEN_MIN), 0},
	    EC_FEATURE_OPTS(a.fo),
	    EC_PARTITION_OPTS(a.po),
	    EC_SESSION_OPTS(a.so),
	    EC_READER_OPTS(a.ro),
	    EC_JOB_OPTS(a.jo),
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
	    "  ecomctl train data/2019-Oct.csv.gz --task intent --grid grid.json --promote\n"
	    "  DMLC_TRACKER_URI=H DMLC_TRACKER_PORT=P DMLC_TASK_ID=0 \\\n"
	    "    ecomctl train data/2019-Oct.csv.gz --partition 0/2   (one of 2 workers)\n",
	};
	struct ec_opts_result res;
	int rc;
	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 1)) < 0)
		rc = ec_train_run(&a, argc, argv, res.operands, res.n_operands);
	return rc;
}
