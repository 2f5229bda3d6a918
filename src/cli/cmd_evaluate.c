/* ecomctl evaluate: a backtest. Registered models run on labeled exports;
 * the metrics of train, beside the same baselines, on sessions of a chosen
 * time range. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/event.h"
#include "ecomctl/features.h"
#include "ecomctl/json.h"
#include "ecomctl/learn.h"
#include "ecomctl/model.h"
#include "ecomctl/registry.h"

/* Scores the intent sessions from `from` on and adds their metrics to out. */
static int eval_intent(struct ec_json *out, const struct ec_loaded_model *m,
		       const struct ec_iset *is, int64_t from, float **pp, struct ec_err *err)
{
	size_t i0 = from == INT64_MIN ? 0 : ec_split_index(is->start, is->n, from);
	struct ec_intent_report r;
	int rc;
	if (i0 == is->n)
		return ec_fail(err, EC_EDATA, "intent: no sessions to evaluate");
	double rate = ec_json_num(ec_json_get(m->manifest, "train_base_rate"), NAN);
	float *p = *pp = ec_xrealloc(*pp, (is->n - i0) * sizeof(float));
	if ((rc = ec_model_predict(m->model, is->x + i0 * is->d, is->n - i0, is->d, p, err)) < 0 ||
	    (rc = ec_eval_intent(&r, is, i0, is->n, p, rate, m->threshold,
				 ec_features(EC_TASK_INTENT), ec_features_count(EC_TASK_INTENT),
				 err)) < 0)
		return rc;
	struct ec_json *o = ec_json_add_object(out, "intent");
	ec_json_add_str(o, "model", m->ref);
	ec_json_add_num(o, "threshold", m->threshold);
	ec_intent_report_json(&r, ec_json_add_object(o, "metrics"));
	if (!ec_opt_json && ec_verbosity > 0) {
		printf("%s on %zu sessions\n", m->ref, is->n - i0);
		ec_intent_report_print(&r, m->threshold);
	}
	return 0;
}

/* The same for the category model (after_intent: a blank line first). */
static int eval_category(struct ec_json *out, const struct ec_loaded_model *m, int after_intent,
			 const struct ec_cset *cs, int64_t from, float **pp, struct ec_err *err)
{
	size_t s0 = from == INT64_MIN ? 0 : ec_split_index(cs->start, cs->n_s, from);
	struct ec_category_report r;
	int rc;
	if (s0 == cs->n_s)
		return ec_fail(err, EC_EDATA,
			       "category: no sessions with a cart or purchase to evaluate");
	size_t r0 = cs->row_off[s0];
	float *p = *pp = ec_xrealloc(*pp, (cs->n_r - r0 + 1) * sizeof(float));
	if ((rc = ec_model_predict(m->model, cs->x + r0 * cs->d, cs->n_r - r0, cs->d, p, err)) <
		0 ||
	    (rc = ec_eval_category(&r, cs, s0, cs->n_s, p, ec_features(EC_TASK_CATEGORY),
				   ec_features_count(EC_TASK_CATEGORY), err)) < 0)
		return rc;
	struct ec_json *o = ec_json_add_object(out, "category");
	ec_json_add_str(o, "model", m->ref);
	ec_category_report_json(&r, ec_json_add_object(o, "metrics"));
	if (!ec_opt_json && ec_verbosity > 0) {
		printf("%s%s on %zu sessions\n", after_intent ? "\n" : "", m->ref, cs->n_s - s0);
		ec_category_report_print(&r);
	}
	return 0;
}

/* --model, repeatable: at most one reference per task (none given: both
 * production models). */
static int model_refs(const char *refs[EC_TASK_N], const struct ec_strlist *arg, struct ec_err *err)
{
	if (arg->n == 0) {
		refs[0] = "intent@production";
		refs[1] = "category@production";
	}
	for (int i = 0; i < arg->n; i++) {
		struct ec_model_ref r;
		int rc;
		if ((rc = ec_model_ref_parse(&r, arg->v[i], err)) < 0)
			return rc;
		if (refs[r.task])
			return ec_fail(err, EC_EUSAGE,
				       "--model: two %s models (%s, %s): one per task",
				       ec_task_names[r.task], refs[r.task], arg->v[i]);
		refs[r.task] = arg->v[i];
	}
	return 0;
}

int ec_evaluate(struct ec_json **out, const struct ec_evaluate_args *a, char **files, int n_files,
		int print, struct ec_err *err)
{
	struct ec_reader_opts ro = a->ro;
	struct ec_session_opts so = a->so;
	struct ec_feature_opts fo;
	struct ec_input in = {0};
	struct ec_featurizer *fz = NULL;
	struct ec_loaded_model m[EC_TASK_N];
	struct ec_iset is;
	struct ec_cset cs;
	struct ec_json *j = NULL;
	float *p = NULL;
	int rc, was = ec_verbosity;

	*out = NULL;
	memset(m, 0, sizeof(m));
	ec_iset_init(&is, ec_features_count(EC_TASK_INTENT));
	ec_cset_init(&cs, ec_features_count(EC_TASK_CATEGORY));
	if ((rc = ec_models_load(m, a->models, a->refs, &fo, err)) < 0 ||
	    (rc = ec_input_open(&in, &ro, &so, files, n_files, err)) < 0 ||
	    (rc = ec_featurizer_new(&fz, &fo, in.z, err)) < 0 ||
	    (rc = ec_learn_collect(fz, m[0].model ? &is : NULL, m[1].model ? &cs : NULL, err)) <
		0 ||
	    (rc = ec_input_finish(&in, err)) < 0)
		goto done;
	j = ec_json_object();
	ec_json_add_str(j, "command", "evaluate");
	if (a->from != INT64_MIN)
		ec_json_add_time(j, "from", a->from);
	if (!print)
		ec_verbosity = 0;
	if ((m[0].model && (rc = eval_intent(j, &m[0], &is, a->from, &p, err)) < 0) ||
	    (m[1].model &&
	     (rc = eval_category(j, &m[1], m[0].model != NULL, &cs, a->from, &p, err)) < 0))
		goto done;
	ec_input_json(&in, j);
	if (print && !ec_opt_json)
		ec_log_info("evaluate: %s%s%s in %.2f s", m[0].model ? m[0].ref : "",
			    m[0].model && m[1].model ? " and " : "", m[1].model ? m[1].ref : "",
			    ec_now() - in.t0);
	*out = j;
	j = NULL;
done:
	ec_verbosity = was;
	free(p);
	ec_json_free(j);
	ec_featurizer_free(fz);
	ec_input_close(&in);
	for (int k = 0; k < EC_TASK_N; k++)
		ec_loaded_model_release(&m[k]);
	ec_iset_release(&is);
	ec_cset_release(&cs);
	return rc;
}

void ec_evaluate_args_init(struct ec_evaluate_args *a)
{
	memset(a, 0, sizeof(*a));
	ec_reader_opts_init(&a->ro);
	ec_session_opts_init(&a->so);
	a->models = "models";
	a->from = INT64_MIN;
}

int cmd_evaluate(int argc, char **argv)
{
	struct ec_evaluate_args a;
	struct ec_strlist refs_arg = {0};
	ec_evaluate_args_init(&a);
	const struct ec_opt opts[] = {
	    {"model", 0, EC_OPT_LIST, &refs_arg, "REF",
	     "a model to evaluate, e.g. intent@v2 (repeatable; default intent@production and "
	     "category@production)",
	     NULL, 0},
	    {"models", 0, EC_OPT_STR, &a.models, "DIR", "the model registry (default models)", NULL,
	     0},
	    EC_EVALUATE_OPTS(a),
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "evaluate",
	    "[OPTIONS] FILE...",
	    "Backtest registered models on labeled export files: featurize them as score\n"
	    "does, predict, and print the metrics of train (intent: ROC-AUC, PR-AUC,\n"
	    "log-loss, Brier, precision/recall at the top 5%, best F1, calibration;\n"
	    "category: hit@1, hit@3, recall@3, NDCG@3, MRR) beside the same baselines.",
	    opts,
	    "examples:\n"
	    "  ecomctl evaluate data/2019-Nov.csv.gz --model intent@v2 --model category@v2\n"
	    "  ecomctl evaluate month.csv.gz --from 2019-10-22 --model intent\n",
	};
	struct ec_opts_result res;
	struct ec_json *out = NULL;
	struct ec_err err = {0};
	int rc;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 1)) >= 0)
		goto done_early;
	if ((rc = model_refs(a.refs, &refs_arg, &err)) < 0 ||
	    (rc = ec_evaluate(&out, &a, res.operands, res.n_operands, 1, &err)) < 0)
		goto done;
	if (ec_opt_json)
		ec_cli_json_summary(out, 0, NULL);
done:
	rc = ec_cli_fail("evaluate", rc, &err);
done_early:
	ec_json_free(out);
	ec_strlist_release(&refs_arg);
	return rc;
}
