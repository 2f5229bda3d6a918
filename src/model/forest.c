/* A flat copy of an XGBoost gbtree model and its tree walk. See forest.h. */
#include "ecomctl/forest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/json.h"

/* A leaf is its own left child and has inner = 0, so that a walk of a fixed
 * number of steps stays on it; its cond is the leaf value. */
struct fnode {
	float cond;
	uint32_t left; /* the right child is left + 1 */
	uint16_t feat;
	uint8_t dright; /* a missing value goes right */
	uint8_t inner;	/* 1, or 0 for a leaf */
};

struct ec_forest {
	struct fnode *nodes;
	uint32_t *root;
	uint8_t *depth;
	uint32_t n_trees, n_features;
	float base_margin;
	int logistic;
};

/* The float nearest to the decimal text that cJSON read as d: (float)d,
 * unless d lies exactly halfway between two floats, where rounding twice
 * may have lost the side (then -1). */
static int exact_float(double d, float *out)
{
	float f = (float)d;
	if (!isfinite(f))
		return -1;
	if ((double)f != d) {
		float g = nextafterf(f, d > (double)f ? INFINITY : -INFINITY);
		if (d == ((double)f + (double)g) / 2)
			return -1;
	}
	*out = f;
	return 0;
}

/* The numbers of an array member of tree t (n of them, or any when n is 0). */
static const struct ec_json *tree_array(const struct ec_json *t, const char *key, size_t n)
{
	const struct ec_json *a = ec_json_get(t, key);
	if (ec_json_type(a) != EC_JSON_ARRAY || (n && ec_json_size(a) != n))
		return NULL;
	return a;
}

/* Appends tree t; its nodes in XGBoost's numbering, from *at on. */
static int add_tree(struct ec_forest *f, const struct ec_json *t, uint32_t k, size_t *at,
		    size_t *cap, struct ec_err *err)
{
	const struct ec_json *l = tree_array(t, "left_children", 0);
	size_t n = l ? ec_json_size(l) : 0;
	const struct ec_json *r = tree_array(t, "right_children", n),
			     *si = tree_array(t, "split_indices", n),
			     *sc = tree_array(t, "split_conditions", n),
			     *dl = tree_array(t, "default_left", n),
			     *st = tree_array(t, "split_type", 0);
	if (!n || !r || !si || !sc || !dl)
		return ec_fail(err, EC_EDATA, "tree %u: missing or uneven node arrays", k);
	EC_GROW(f->nodes, *cap, *at + n);
	uint8_t *depth = ec_xcalloc(n, 1);
	struct ec_json *lc = ec_json_at(l, 0), *rc = ec_json_at(r, 0), *ic = ec_json_at(si, 0),
		       *cc = ec_json_at(sc, 0), *dc = ec_json_at(dl, 0);
	int rc_ = 0;
	f->depth[k] = 0;
	for (size_t i = 0; i < n; i++) {
		double left = ec_json_num(lc, NAN), right = ec_json_num(rc, NAN);
		double feat = ec_json_num(ic, NAN);
		struct fnode *nd = &f->nodes[*at + i];
		if (exact_float(ec_json_num(cc, NAN), &nd->cond) < 0) {
			rc_ = ec_fail(err, EC_EDATA, "tree %u node %zu: split not a float", k, i);
			break;
		}
		if (left == -1) {
			nd->left = (uint32_t)(*at + i);
			nd->feat = 0;
			nd->dright = 0;
			nd->inner = 0;
		} else if (!(left > (double)i && left + 1 < (double)n + 0.5 && right == left + 1 &&
			     feat >= 0 && feat < f->n_features && depth[i] < 64)) {
			rc_ =
			    ec_fail(err, EC_EDATA, "tree %u node %zu: children not adjacent", k, i);
			break;
		} else {
			nd->left = (uint32_t)(*at + (size_t)left);
			nd->feat = (uint16_t)feat;
			nd->dright = ec_json_num(dc, 1) == 0;
			nd->inner = 1;
			depth[(size_t)left] = depth[(size_t)left + 1] = (uint8_t)(depth[i] + 1);
			if (depth[i] + 1 > f->depth[k])
				f->depth[k] = (uint8_t)(depth[i] + 1);
		}
		lc = ec_json_next(lc);
		rc = ec_json_next(rc);
		ic = ec_json_next(ic);
		cc = ec_json_next(cc);
		dc = ec_json_next(dc);
	}
	for (size_t i = 0; st && i < ec_json_size(st) && rc_ == 0; i++)
		if (ec_json_num(ec_json_at(st, i), 0) != 0)
			rc_ = ec_fail(err, EC_EDATA, "tree %u: categorical split", k);
	free(depth);
	f->root[k] = (uint32_t)*at;
	*at += n;
	return rc_;
}

/* The base margin and the transform of the learner's objective. */
static int objective(struct ec_forest *f, const struct ec_json *learner, struct ec_err *err)
{
	const struct ec_json *mp = ec_json_get(learner, "learner_model_param");
	const char *obj = ec_json_str(ec_json_get(ec_json_get(learner, "objective"), "name"), "");
	const char *base = ec_json_str(ec_json_get(mp, "base_score"), NULL);
	const char *groups = ec_json_str(ec_json_get(mp, "num_class"), "0");
	const char *feats = ec_json_str(ec_json_get(mp, "num_feature"), NULL);
	char *end;
	if (!base || !feats || strcmp(groups, "0") != 0)
		return ec_fail(err, EC_EDATA, "no base_score or num_feature, or several classes");
	float b = strtof(base, &end);
	if (*end || !isfinite(b))
		return ec_fail(err, EC_EDATA, "base_score %s", base);
	long nf = strtol(feats, &end, 10);
	if (*end || nf < 1 || nf > 65535)
		return ec_fail(err, EC_EDATA, "num_feature %s", feats);
	f->n_features = (uint32_t)nf;
	if (strcmp(obj, "binary:logistic") == 0) {
		if (!(b > 0.0f && b < 1.0f))
			return ec_fail(err, EC_EDATA, "base_score %s", base);
		f->logistic = 1;
		f->base_margin = -logf(1.0f / b - 1.0f); /* XGBoost's ProbToMargin */
	} else if (strncmp(obj, "rank:", 5) == 0 || strcmp(obj, "reg:squarederror") == 0) {
		f->base_margin = b;
	} else {
		return ec_fail(err, EC_EDATA, "objective %s", obj);
	}
	return 0;
}

static int build(struct ec_forest *f, const struct ec_json *root, struct ec_err *err)
{
	const struct ec_json *learner = ec_json_get(root, "learner");
	const struct ec_json *gb = ec_json_get(learner, "gradient_booster");
	const struct ec_json *trees = ec_json_get(ec_json_get(gb, "model"), "trees");
	const struct ec_json *info = ec_json_get(ec_json_get(gb, "model"), "tree_info");
	int rc;
	if (strcmp(ec_json_str(ec_json_get(gb, "name"), ""), "gbtree") != 0 ||
	    ec_json_type(trees) != EC_JSON_ARRAY || !ec_json_size(trees) ||
	    ec_json_size(trees) > UINT32_MAX / 2)
		return ec_fail(err, EC_EDATA, "not a gbtree model");
	if ((rc = objective(f, learner, err)) < 0)
		return rc;
	for (size_t i = 0; i < ec_json_size(info); i++)
		if (ec_json_num(ec_json_at(info, i), -1) != 0)
			return ec_fail(err, EC_EDATA, "trees of several output groups");
	f->n_trees = (uint32_t)ec_json_size(trees);
	f->root = ec_xcalloc(f->n_trees, sizeof(*f->root));
	f->depth = ec_xcalloc(f->n_trees, sizeof(*f->depth));
	size_t at = 0, cap = 0;
	const struct ec_json *t = ec_json_at(trees, 0);
	for (uint32_t k = 0; k < f->n_trees; k++, t = ec_json_next(t))
		if ((rc = add_tree(f, t, k, &at, &cap, err)) < 0)
			return rc;
	return at > UINT32_MAX ? ec_fail(err, EC_EDATA, "too many nodes") : 0;
}

int ec_forest_new(struct ec_forest **out, const char *json, size_t len, struct ec_err *err)
{
	struct ec_json *root = NULL;
	int rc;
	*out = NULL;
	if ((rc = ec_json_parse(&root, json, len, "model", err)) < 0)
		return rc;
	struct ec_forest *f = ec_xcalloc(1, sizeof(*f));
	rc = build(f, root, err);
	ec_json_free(root);
	if (rc < 0) {
		ec_forest_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

/* XGBoost's common::Sigmoid, to the bit: min(-x, 88.7) as std::min has it. */
static float sigmoid(float x)
{
	float m = -x;
	if (88.7f < m)
		m = 88.7f;
	float denom = expf(m) + 1.0f + 1e-16f;
	return 1.0f / denom;
}

enum { BLOCK = 8 };

/* BLOCK rows down every tree at once; rows[] may repeat a row. */
static void walk_block(const struct ec_forest *f, const float *const rows[BLOCK], float sum[BLOCK])
{
	const struct fnode *nodes = f->nodes;
	for (int r = 0; r < BLOCK; r++)
		sum[r] = f->base_margin;
	for (uint32_t t = 0; t < f->n_trees; t++) {
		uint32_t idx[BLOCK];
		for (int r = 0; r < BLOCK; r++)
			idx[r] = f->root[t];
		for (uint32_t s = f->depth[t]; s > 0; s--) {
			for (int r = 0; r < BLOCK; r++) {
				const struct fnode *nd = &nodes[idx[r]];
				float v = rows[r][nd->feat];
				uint32_t go = v < nd->cond ? 0u : 1u;
				if (v != v)
					go = nd->dright;
				idx[r] = nd->left + (go & nd->inner);
			}
		}
		for (int r = 0; r < BLOCK; r++)
			sum[r] += nodes[idx[r]].cond;
	}
}

void ec_forest_predict(const struct ec_forest *f, const float *x, size_t n, uint32_t d, float *out)
{
	for (size_t i = 0; i < n; i += BLOCK) {
		const float *rows[BLOCK];
		float sum[BLOCK];
		size_t nb = n - i < BLOCK ? n - i : BLOCK;
		for (size_t r = 0; r < BLOCK; r++)
			rows[r] = x + (i + (r < nb ? r : 0)) * d;
		walk_block(f, rows, sum);
		for (size_t r = 0; r < nb; r++)
			out[i + r] = f->logistic ? sigmoid(sum[r]) : sum[r];
	}
}

uint32_t ec_forest_n_features(const struct ec_forest *f)
{
	return f->n_features;
}

void ec_forest_free(struct ec_forest *f)
{
	if (!f)
		return;
	free(f->nodes);
	free(f->root);
	free(f->depth);
	free(f);
}
