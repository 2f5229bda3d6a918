/* The model report's JSON document, from a version's manifest and,
 * optionally, an evaluation and a score run. See report.h. */
#include "ecomctl/report.h"

#include <string.h>

#include "ecomctl/json.h"

static void copy(struct ec_json *to, const char *key, const struct ec_json *from)
{
	if (from)
		ec_json_add_tree(to, key, ec_json_dup(from));
	else
		ec_json_add_null(to, key);
}

/* [{lo, hi, sessions, mean_p, observed}] -> [{predicted, observed, n}] */
static void deciles(struct ec_json *to, const char *key, const struct ec_json *from)
{
	if (!from) {
		ec_json_add_null(to, key);
		return;
	}
	struct ec_json *a = ec_json_add_array(to, key);
	for (size_t i = 0; i < ec_json_size(from); i++) {
		const struct ec_json *d = ec_json_at(from, i);
		struct ec_json *o = ec_json_add_object(a, NULL);
		copy(o, "predicted", ec_json_get(d, "mean_p"));
		copy(o, "observed", ec_json_get(d, "observed"));
		copy(o, "n", ec_json_get(d, "sessions"));
	}
}

/* Metric objects of the task's metrics: the model's, then the rules'. */
static int is_score_object(const struct ec_json *v, const char *key, int intent)
{
	if (ec_json_type(v) != EC_JSON_OBJECT)
		return 0;
	return intent ? ec_json_get(v, "pr_auc") != NULL && strcmp(key, "curves") != 0
		      : ec_json_get(v, "hit3") != NULL;
}

static void metrics(struct ec_json *rep, const struct ec_json *m, int intent)
{
	struct ec_json *mo = ec_json_add_object(rep, "metrics");
	const struct ec_json *model = ec_json_get(m, "model");
	for (size_t i = 0; i < ec_json_size(model); i++) {
		const struct ec_json *v = ec_json_at(model, i);
		ec_json_add_tree(mo, ec_json_key(v), ec_json_dup(v));
	}
	static const char *const extra[] = {"sessions",		"purchases",
					    "truth_keys",	"truth_not_candidate",
					    "candidate_recall", "ceiling"};
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (ec_json_get(m, extra[i]))
			copy(mo, extra[i], ec_json_get(m, extra[i]));
	struct ec_json *b = ec_json_add_object(rep, "baselines");
	for (size_t i = 0; i < ec_json_size(m); i++) {
		const struct ec_json *v = ec_json_at(m, i);
		const char *k = ec_json_key(v);
		if (strcmp(k, "model") != 0 && is_score_object(v, k, intent))
			ec_json_add_tree(b, k, ec_json_dup(v));
	}
	if (intent) {
		deciles(rep, "calibration", ec_json_get(m, "calibration_deciles"));
		ec_json_add_null(rep, "calibration_by_rank");
		copy(rep, "curves", ec_json_get(m, "curves"));
		copy(rep, "gains", ec_json_get(m, "gains"));
		copy(rep, "confusion", ec_json_get(m, "confusion"));
		return;
	}
	const struct ec_json *byrank = ec_json_get(m, "calibration");
	deciles(rep, "calibration", ec_json_get(ec_json_at(byrank, 0), "deciles"));
	struct ec_json *r = ec_json_add_array(rep, "calibration_by_rank");
	for (size_t i = 0; i < ec_json_size(byrank); i++) {
		const struct ec_json *k = ec_json_at(byrank, i);
		struct ec_json *o = ec_json_add_object(r, NULL);
		copy(o, "k", ec_json_get(k, "k"));
		copy(o, "mean_p", ec_json_get(k, "mean_p"));
		copy(o, "observed", ec_json_get(k, "observed"));
		copy(o, "sessions", ec_json_get(k, "sessions"));
		deciles(o, "deciles", ec_json_get(k, "deciles"));
	}
	ec_json_add_null(rep, "curves");
	ec_json_add_null(rep, "gains");
	ec_json_add_null(rep, "confusion");
}

/* The run's PSI rows of this task. */
static void drift(struct ec_json *rep, const struct ec_json *run, const char *run_id,
		  const char *task)
{
	const struct ec_json *d = ec_json_get(ec_json_get(run, "counts"), "drift");
	if (!d) {
		ec_json_add_null(rep, "drift");
		return;
	}
	struct ec_json *o = ec_json_add_object(rep, "drift");
	ec_json_add_str(o, "run_id", run_id);
	copy(o, "warn_above", ec_json_get(d, "warn_above"));
	struct ec_json *a = ec_json_add_array(o, "psi");
	const struct ec_json *psi = ec_json_get(d, "psi");
	for (size_t i = 0; i < ec_json_size(psi); i++) {
		const struct ec_json *p = ec_json_at(psi, i);
		if (strcmp(ec_json_str(ec_json_get(p, "task"), ""), task) == 0)
			ec_json_add_tree(a, NULL, ec_json_dup(p));
	}
}

struct ec_json *ec_model_report(const struct ec_json *manifest, const char *ref,
				const char *aliases, const struct ec_json *eval, char *const *files,
				int n_files, const struct ec_json *run, const char *run_id)
{
	struct ec_json *rep = ec_json_object(), *o;
	const char *task = ec_json_str(ec_json_get(manifest, "task"), "");
	int intent = strcmp(task, "intent") == 0;
	const struct ec_json *m =
	    eval ? ec_json_get(eval, "metrics") : ec_json_get(manifest, "metrics");

	ec_json_add_run_header(rep);
	ec_json_add_str(rep, "model", ref);
	ec_json_add_str(rep, "task", task);
	ec_json_add_str(rep, "aliases", aliases);
	copy(rep, "created_at", ec_json_get(manifest, "created_at"));
	o = ec_json_add_object(rep, "evaluated_on");
	ec_json_add_str(o, "kind", eval ? "files" : "validation");
	copy(o, "sessions", ec_json_get(m, "sessions"));
	if (eval) {
		copy(o, "from", ec_json_get(eval, "from"));
		struct ec_json *f = ec_json_add_array(o, "files");
		for (int i = 0; i < n_files; i++)
			ec_json_add_str(f, NULL, files[i]);
	} else {
		copy(o, "from", ec_json_get(ec_json_get(manifest, "split"), "valid_from"));
	}
	metrics(rep, m, intent);
	copy(rep, "importance", ec_json_get(manifest, "importance"));
	o = ec_json_add_object(rep, "lineage");
	static const char *const lineage[] = {
	    "command_line",    "inputs",	  "data",	 "split",
	    "rounds",	       "params",	  "threshold",	 "train_base_rate",
	    "feature_options", "session_options", "training",	 "features",
	    "ecomctl_version", "xgboost_version", "model_sha256"};
	for (size_t i = 0; i < sizeof(lineage) / sizeof(lineage[0]); i++)
		if (ec_json_get(manifest, lineage[i]))
			copy(o, lineage[i], ec_json_get(manifest, lineage[i]));
	copy(rep, "trials", ec_json_get(manifest, "trials"));
	if (run)
		drift(rep, run, run_id, task);
	else
		ec_json_add_null(rep, "drift");
	return rep;
}
