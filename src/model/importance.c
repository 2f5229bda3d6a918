/* What a trained model learned, read back from its XGBoost JSON: the
 * feature names written into it and the importance by gain. See train.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/features.h"
#include "ecomctl/json.h"
#include "ecomctl/train.h"

struct imp {
	uint32_t col;
	double total;
	uint32_t splits;
};

static int cmp_imp(const void *a, const void *b)
{
	const struct imp *x = a, *y = b;
	double gx = x->splits ? x->total / x->splits : 0, gy = y->splits ? y->total / y->splits : 0;
	if (gx != gy)
		return gx > gy ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/* Sums the loss change of every split node of every tree by feature. */
static int tree_gains(const struct ec_json *trees, struct imp *imp, uint32_t nf, struct ec_err *err)
{
	for (size_t t = 0; t < ec_json_size(trees); t++) {
		const struct ec_json *tr = ec_json_at(trees, t);
		const struct ec_json *left = ec_json_get(tr, "left_children");
		const struct ec_json *feat = ec_json_get(tr, "split_indices");
		const struct ec_json *gain = ec_json_get(tr, "loss_changes");
		size_t n = ec_json_size(left);
		if (ec_json_size(feat) != n || ec_json_size(gain) != n)
			return ec_fail(err, EC_EINTERNAL, "model.json: tree %zu: unexpected shape",
				       t);
		for (size_t i = 0; i < n; i++) {
			if (ec_json_num(ec_json_at(left, i), -1) < 0)
				continue;
			double f = ec_json_num(ec_json_at(feat, i), -1);
			if (!(f >= 0 && f < nf))
				return ec_fail(err, EC_EINTERNAL,
					       "model.json: tree %zu: split on feature %g of %u", t,
					       f, nf);
			imp[(uint32_t)f].total += ec_json_num(ec_json_at(gain, i), 0);
			imp[(uint32_t)f].splits++;
		}
	}
	return 0;
}

/* Writes the names into the text: XGBoost's JSON tells integers from
 * reals ("0" is not "0.0"), so the model is not re-printed from a parse,
 * only its empty "feature_names" and "feature_types" arrays are filled. */
static int set_names(char **json, size_t *len, int task, struct ec_err *err)
{
	static const char names0[] = "\"feature_names\":[]", types0[] = "\"feature_types\":[]";
	const struct ec_feature_def *d = ec_features(task);
	uint32_t nf = ec_features_count(task);
	char *a = strstr(*json, names0), *b = strstr(*json, types0);
	if (!a || !b || b < a)
		return ec_fail(err, EC_EINTERNAL, "model.json: no empty feature_names to fill");
	size_t cap = *len + 64 + (size_t)nf * 80, n = 0;
	char *out = ec_xmalloc(cap);
	n += (size_t)snprintf(out + n, cap - n, "%.*s\"feature_names\":[", (int)(a - *json), *json);
	for (uint32_t i = 0; i < nf; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s\"%s\"", i ? "," : "", d[i].name);
	a += sizeof(names0) - 1;
	n += (size_t)snprintf(out + n, cap - n, "]%.*s\"feature_types\":[", (int)(b - a), a);
	for (uint32_t i = 0; i < nf; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s\"float\"", i ? "," : "");
	b += sizeof(types0) - 1;
	n += (size_t)snprintf(out + n, cap - n, "]%s", b);
	free(*json);
	*json = out;
	*len = n;
	return 0;
}

int ec_train_annotate(char **json, size_t *len, int task, struct ec_json *importance,
		      struct ec_err *err)
{
	struct ec_json *root = NULL;
	uint32_t nf = ec_features_count(task);
	const struct ec_feature_def *d = ec_features(task);
	struct imp *imp = ec_xcalloc(nf, sizeof(*imp));
	int rc = ec_json_parse(&root, *json, *len, "model.json", err);
	struct ec_json *learner = rc < 0 ? NULL : ec_json_get(root, "learner");
	struct ec_json *gb = ec_json_get(learner, "gradient_booster");
	const struct ec_json *trees = ec_json_get(ec_json_get(gb, "model"), "trees");
	if (rc == 0 && (!learner || ec_json_type(trees) != EC_JSON_ARRAY))
		rc = ec_fail(err, EC_EINTERNAL, "model.json: no learner or trees");
	if (rc == 0)
		rc = tree_gains(trees, imp, nf, err);
	if (rc == 0)
		rc = set_names(json, len, task, err);
	for (uint32_t i = 0; rc == 0 && i < nf; i++)
		imp[i].col = i;
	if (rc == 0)
		qsort(imp, nf, sizeof(*imp), cmp_imp);
	for (uint32_t i = 0; rc == 0 && i < nf && imp[i].splits; i++) {
		struct ec_json *o = ec_json_add_object(importance, NULL);
		ec_json_add_str(o, "feature", d[imp[i].col].name);
		ec_json_add_num(o, "gain", imp[i].total / imp[i].splits);
		ec_json_add_num(o, "total_gain", imp[i].total);
		ec_json_add_int(o, "splits", imp[i].splits);
	}
	ec_json_free(root);
	free(imp);
	return rc;
}
