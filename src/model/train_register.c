/* Registering a trained task: its model.json (with feature names) and its
 * manifest (what it is, how it was made, how it did) as a new version of
 * the registry. See train.h. */
#include "ecomctl/train.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ecomctl/event.h"
#include "ecomctl/features.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/registry.h"
#include "ecomctl/sha256.h"

static void add_params(struct ec_json *j, const char *key, const struct ec_params *p)
{
	struct ec_json *o = ec_json_add_object(j, key);
	for (int i = 0; i < p->n; i++)
		ec_json_add_str(o, p->name[i], p->value[i]);
}

static struct ec_json *manifest(const struct ec_task_result *r, const struct ec_json *common,
				uint32_t version, const char *created, const char *model_sha)
{
	struct ec_json *j = ec_json_object(), *o;
	char hash[32];
	ec_json_add_run_header(j);
	ec_json_add_str(j, "task", ec_registry_task_name(r->task));
	ec_json_add_int(j, "version", version);
	ec_json_add_str(j, "created_at", created);
	ec_json_add_str(j, "model_sha256", model_sha);
	o = ec_json_add_object(j, "features");
	ec_json_add_int(o, "version", EC_FEATURES_VERSION);
	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)ec_features_hash(r->task));
	ec_json_add_str(o, "hash", hash);
	ec_json_add_int(o, "count", ec_features_count(r->task));
	struct ec_json *names = ec_json_add_array(o, "names");
	for (uint32_t i = 0; i < ec_features_count(r->task); i++)
		ec_json_add_str(names, NULL, ec_features(r->task)[i].name);
	add_params(j, "params", &r->params);
	o = ec_json_add_object(j, "rounds");
	ec_json_add_int(o, "best", r->res.best_rounds);
	ec_json_add_int(o, "run", r->res.rounds_run);
	if (r->task == EC_TASK_INTENT) {
		ec_json_add_num(j, "threshold", r->threshold);
		ec_json_add_num(j, "train_base_rate", r->train_rate);
	}
	o = ec_json_add_object(j, "split");
	ec_json_add_time(o, "valid_from", r->valid_from);
	ec_json_add_int(o, "train_sessions", (int64_t)r->train_sessions);
	ec_json_add_int(o, "valid_sessions", (int64_t)r->valid_sessions);
	ec_json_add_int(o, "train_rows", (int64_t)r->train_rows);
	ec_json_add_int(o, "valid_rows", (int64_t)r->valid_rows);
	o = ec_json_add_object(j, "metrics");
	if (r->task == EC_TASK_INTENT)
		ec_intent_report_json(&r->intent, o);
	else
		ec_category_report_json(&r->category, o);
	struct ec_json *g = ec_json_add_array(j, "trials");
	for (int i = 0; i < r->n_trials; i++) {
		struct ec_json *t = ec_json_add_object(g, NULL);
		add_params(t, "params", &r->trials[i].params);
		ec_json_add_str(t, "metric_name", r->task == EC_TASK_INTENT ? "pr_auc" : "hit3");
		ec_json_add_num(t, "metric", r->trials[i].metric);
		ec_json_add_num(t, "early_stop_metric", r->trials[i].res.best_metric);
		ec_json_add_int(t, "best_rounds", r->trials[i].res.best_rounds);
		ec_json_add_int(t, "rounds_run", r->trials[i].res.rounds_run);
		ec_json_add_bool(t, "selected", i == r->best_trial);
	}
	for (size_t i = 0; i < ec_json_size(common); i++) {
		const struct ec_json *c = ec_json_at(common, i);
		ec_json_add_tree(j, ec_json_key(c), ec_json_dup(c));
	}
	return j;
}

int ec_train_register(const struct ec_task_result *r, const char *models_dir,
		      const struct ec_json *common, int promote, double lock_wait,
		      uint32_t *version, struct ec_err *err)
{
	struct ec_registry *reg = NULL;
	struct ec_outfile *f = NULL;
	struct ec_json *man = NULL;
	char *json = NULL, dir[4096] = "", path[4200], sha[65], created[32];
	size_t len;
	int rc;

	struct ec_json *imp = ec_json_array();
	ec_time_format_iso((int64_t)time(NULL), created);
	if ((rc = ec_model_save(r->model, &json, &len, err)) < 0 ||
	    (rc = ec_train_annotate(&json, &len, r->task, imp, err)) < 0 ||
	    (rc = ec_registry_open(&reg, models_dir, lock_wait, err)) < 0 ||
	    (rc = ec_registry_claim(reg, r->task, version, dir, sizeof(dir), err)) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/model.json", dir);
	if ((rc = ec_outfile_open(&f, path, EC_OUT_PLAIN, err)) < 0)
		goto done;
	ec_outfile_write(f, json, len);
	rc = ec_outfile_commit(f, err);
	f = NULL;
	if (rc < 0)
		goto done;
	ec_sha256_hex(json, len, sha);
	man = manifest(r, common, *version, created, sha);
	ec_json_add_tree(man, "importance", imp);
	imp = NULL;
	if (r->reference)
		ec_json_add_tree(man, "reference", ec_json_dup(r->reference));
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	if ((rc = ec_json_write_file(man, path, err)) < 0)
		goto done;
	struct ec_reg_version v = {.version = *version};
	snprintf(v.created_at, sizeof(v.created_at), "%s", created);
	snprintf(v.metric_name, sizeof(v.metric_name), "%s",
		 r->task == EC_TASK_INTENT ? "pr_auc" : "hit3");
	v.metric = r->metric;
	ec_registry_add(reg, r->task, &v);
	if (promote && (rc = ec_registry_set_alias(reg, r->task, "production", *version, err)) < 0)
		goto done;
	rc = ec_registry_save(reg, err);
done:
	if (rc < 0 && *dir) {
		/* Nothing half-registered: the claimed version leaves no trace. */
		snprintf(path, sizeof(path), "%s/model.json", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/manifest.json", dir);
		unlink(path);
		rmdir(dir);
	}
	ec_outfile_free(f);
	ec_json_free(man);
	ec_json_free(imp);
	ec_registry_free(reg);
	free(json);
	return rc;
}
