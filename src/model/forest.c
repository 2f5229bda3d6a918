/* A flat copy of an XGBoost gbtree model and its tree walk. See forest.h. */
#include "ecomctl/forest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/json.h"

/* A node as XGBoost numbers it, read from the JSON (children adjacent). */
struct xnode {
	float cond; /* the leaf value at a leaf */
	uint32_t left;
	uint16_t feat;
	uint8_t dright; /* a missing value goes right */
	uint8_t inner;	/* 1, or 0 for a leaf */
};

/* A tree of depth D is laid out complete, as a heap: inner nodes 0 ..
 * 2^D - 2 (the children of i are 2i + 1 and 2i + 2), then 2^D leaf values;
 * a leaf above depth D is spread over the leaves below it, under inner
 * nodes whose test does not matter. */
struct hnode {
	float cond;
	uint16_t feat;
	uint8_t dright;
	uint8_t pad;
};

#define MAX_DEPTH 10
#define VSLACK 16 /* nodes and leaves past the end: the vector walk loads 16 */

struct ec_forest {
	struct hnode *in;
	float *leaf;
	size_t *in_off, *leaf_off; /* of each tree */
	uint8_t *depth;
	size_t n_in, n_leaf;
	uint32_t n_trees, n_features;
	float base_margin;
	int logistic;
	/* the inner nodes again, a column each (indexed as in), for the vector
	 * walk; NULL when it is not used (ec_forest_set_vector()) */
	float *v_cond;
	int32_t *v_feat, *v_right; /* v_right: -1 where a missing value goes right */
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

/* Reads tree k into x[0 .. n-1] (XGBoost's numbering) and its depth. */
static int read_tree(struct ec_forest *f, const struct ec_json *t, uint32_t k, struct xnode **x,
		     size_t *n_out, struct ec_err *err)
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
	*x = ec_xcalloc(n, sizeof(**x));
	*n_out = n;
	uint8_t *depth = ec_xcalloc(n, 1);
	struct ec_json *lc = ec_json_at(l, 0), *rc = ec_json_at(r, 0), *ic = ec_json_at(si, 0),
		       *cc = ec_json_at(sc, 0), *dc = ec_json_at(dl, 0), *tc = ec_json_at(st, 0);
	int rc_ = 0;
	f->depth[k] = 0;
	for (size_t i = 0; i < n && rc_ == 0; i++) {
		double left = ec_json_num(lc, NAN), right = ec_json_num(rc, NAN);
		double feat = ec_json_num(ic, NAN);
		struct xnode *nd = &(*x)[i];
		if (exact_float(ec_json_num(cc, NAN), &nd->cond) < 0)
			rc_ = ec_fail(err, EC_EDATA, "tree %u node %zu: split not a float", k, i);
		else if (tc && ec_json_num(tc, 0) != 0)
			rc_ = ec_fail(err, EC_EDATA, "tree %u: categorical split", k);
		else if (left != -1 && !(left > (double)i && left + 1 < (double)n + 0.5 &&
					 right == left + 1 && feat >= 0 && feat < f->n_features))
			rc_ =
			    ec_fail(err, EC_EDATA, "tree %u node %zu: children not adjacent", k, i);
		else if (left != -1 && depth[i] >= MAX_DEPTH)
			rc_ = ec_fail(err, EC_EDATA, "tree %u: deeper than %d", k, MAX_DEPTH);
		else if (left != -1) {
			nd->left = (uint32_t)left;
			nd->feat = (uint16_t)feat;
			nd->dright = ec_json_num(dc, 1) == 0;
			nd->inner = 1;
			depth[nd->left] = depth[nd->left + 1] = (uint8_t)(depth[i] + 1);
			if (depth[i] + 1 > f->depth[k])
				f->depth[k] = (uint8_t)(depth[i] + 1);
		}
		lc = ec_json_next(lc);
		rc = ec_json_next(rc);
		ic = ec_json_next(ic);
		cc = ec_json_next(cc);
		dc = ec_json_next(dc);
		tc = ec_json_next(tc);
	}
	free(depth);
	return rc_;
}

/* Lays out the subtree of x[j] at heap position h, depth d of D. */
static void place(struct hnode *in, float *leaf, const struct xnode *x, uint32_t j, size_t h, int d,
		  int D)
{
	size_t n_in = ((size_t)1 << D) - 1;
	if (d == D) {
		leaf[h - n_in] = x[j].cond; /* a leaf: inner nodes stop at depth D */
		return;
	}
	const struct xnode *nd = &x[j];
	in[h] = nd->inner ? (struct hnode){nd->cond, nd->feat, nd->dright, 0}
			  : (struct hnode){0, 0, 0, 0};
	place(in, leaf, x, nd->inner ? nd->left : j, 2 * h + 1, d + 1, D);
	place(in, leaf, x, nd->inner ? nd->left + 1 : j, 2 * h + 2, d + 1, D);
}

static int add_tree(struct ec_forest *f, const struct ec_json *t, uint32_t k, size_t *cap_in,
		    size_t *cap_leaf, struct ec_err *err)
{
	struct xnode *x = NULL;
	size_t n;
	int rc = read_tree(f, t, k, &x, &n, err);
	if (rc == 0) {
		int D = f->depth[k];
		f->in_off[k] = f->n_in;
		f->leaf_off[k] = f->n_leaf;
		f->n_in += ((size_t)1 << D) - 1;
		f->n_leaf += (size_t)1 << D;
		EC_GROW(f->in, *cap_in, f->n_in + 1);
		EC_GROW(f->leaf, *cap_leaf, f->n_leaf + VSLACK); /* walk16() loads 16 */
		place(f->in + f->in_off[k], f->leaf + f->leaf_off[k], x, 0, 0, 0, D);
	}
	free(x);
	return rc;
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
	f->in_off = ec_xcalloc(f->n_trees, sizeof(*f->in_off));
	f->leaf_off = ec_xcalloc(f->n_trees, sizeof(*f->leaf_off));
	f->depth = ec_xcalloc(f->n_trees, sizeof(*f->depth));
	size_t cap_in = 0, cap_leaf = 0;
	const struct ec_json *t = ec_json_at(trees, 0);
	for (uint32_t k = 0; k < f->n_trees; k++, t = ec_json_next(t))
		if ((rc = add_tree(f, t, k, &cap_in, &cap_leaf, err)) < 0)
			return rc;
	return 0;
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
	ec_forest_set_vector(f, 1);
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

enum { BLOCK = 8, VBLOCK = 16 };

/* BLOCK rows down every tree at once; rows[] may repeat a row. */
static void walk_block(const struct ec_forest *f, const float *const rows[BLOCK], float sum[BLOCK])
{
	for (int r = 0; r < BLOCK; r++)
		sum[r] = f->base_margin;
	for (uint32_t t = 0; t < f->n_trees; t++) {
		const struct hnode *in = f->in + f->in_off[t];
		const float *leaf = f->leaf + f->leaf_off[t];
		uint32_t D = f->depth[t], idx[BLOCK] = {0};
		for (uint32_t s = 0; s < D; s++) {
			for (int r = 0; r < BLOCK; r++) {
				const struct hnode *nd = &in[idx[r]];
				float v = rows[r][nd->feat];
				/* v >= cond, or missing (NaN) and default right:
				 * no branch, missing values are common */
				uint32_t ge = v >= nd->cond, nlt = !(v < nd->cond);
				idx[r] = 2 * idx[r] + 1 + (ge | (nlt & nd->dright));
			}
		}
		uint32_t n_in = (1u << D) - 1;
		for (int r = 0; r < BLOCK; r++)
			sum[r] += leaf[idx[r] - n_in];
	}
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define VECTOR_WALK 1

/*
 * 16 rows down every tree at once in the lanes of AVX-512 registers: the
 * same steps as walk_block(), the same float comparisons and the same
 * additions in tree order, so the same bits. The first 16 inner nodes of a
 * tree (its first four levels) and up to 16 leaves are in registers and
 * picked per lane by permutes; deeper nodes and leaves, and the rows'
 * values, are gathered. Four trees go down together, so that the latency
 * of one tree's gathers is spent on the others' (each step of a tree waits
 * for the step before). row[r] is the offset in x of lane r's row.
 */
#define VTREES 4

struct vtree {
	__m512 c16;
	__m512i f16, r16, idx;
	const float *cond, *leaf;
	const int32_t *feat, *right;
	uint32_t D;
};

__attribute__((target("avx512f"), always_inline)) static inline void
vtree_load(const struct ec_forest *f, uint32_t t, struct vtree *v)
{
	v->cond = f->v_cond + f->in_off[t];
	v->feat = f->v_feat + f->in_off[t];
	v->right = f->v_right + f->in_off[t];
	v->leaf = f->leaf + f->leaf_off[t];
	v->c16 = _mm512_loadu_ps(v->cond);
	v->f16 = _mm512_loadu_si512(v->feat);
	v->r16 = _mm512_loadu_si512(v->right);
	v->idx = _mm512_setzero_si512();
	v->D = f->depth[t];
}

/* One level down tree v (at level s) for the 16 rows. */
__attribute__((target("avx512f"), always_inline)) static inline void
vtree_step(struct vtree *v, uint32_t s, const float *x, __m512i rows)
{
	__m512 c;
	__m512i ft, dr, idx = v->idx;
	if (s < 4) {
		c = _mm512_permutexvar_ps(idx, v->c16);
		ft = _mm512_permutexvar_epi32(idx, v->f16);
		dr = _mm512_permutexvar_epi32(idx, v->r16);
	} else {
		c = _mm512_i32gather_ps(idx, v->cond, 4);
		ft = _mm512_i32gather_epi32(idx, v->feat, 4);
		dr = _mm512_i32gather_epi32(idx, v->right, 4);
	}
	__m512 x16 = _mm512_i32gather_ps(_mm512_add_epi32(rows, ft), x, 4);
	/* x >= cond, or missing (NaN: unordered) and default right */
	__mmask16 go = _mm512_cmp_ps_mask(x16, c, _CMP_GE_OQ) |
		       (_mm512_cmp_ps_mask(x16, c, _CMP_NLT_UQ) & _mm512_test_epi32_mask(dr, dr));
	const __m512i one = _mm512_set1_epi32(1);
	idx = _mm512_add_epi32(_mm512_add_epi32(idx, idx), one);
	v->idx = _mm512_mask_add_epi32(idx, go, idx, one);
}

/* Tree v's leaf values of the 16 rows, once it is all the way down. */
__attribute__((target("avx512f"), always_inline)) static inline __m512
vtree_leaf(const struct vtree *v)
{
	__m512i li = _mm512_sub_epi32(v->idx, _mm512_set1_epi32((1 << v->D) - 1));
	return v->D <= 4 ? _mm512_permutexvar_ps(li, _mm512_loadu_ps(v->leaf))
			 : _mm512_i32gather_ps(li, v->leaf, 4);
}

__attribute__((target("avx512f"))) static void walk16(const struct ec_forest *f, const float *x,
						      const int32_t row[VBLOCK], float sum[VBLOCK])
{
	const __m512i rows = _mm512_loadu_si512(row);
	__m512 acc = _mm512_set1_ps(f->base_margin);
	uint32_t t = 0;
	for (; t + VTREES <= f->n_trees; t += VTREES) {
		struct vtree v[VTREES];
		uint32_t depth = 0;
#pragma GCC unroll 4
		for (int k = 0; k < VTREES; k++) {
			vtree_load(f, t + k, &v[k]);
			depth = v[k].D > depth ? v[k].D : depth;
		}
		for (uint32_t s = 0; s < depth; s++) {
#pragma GCC unroll 4
			for (int k = 0; k < VTREES; k++)
				if (s < v[k].D)
					vtree_step(&v[k], s, x, rows);
		}
#pragma GCC unroll 4
		for (int k = 0; k < VTREES; k++)
			acc = _mm512_add_ps(acc, vtree_leaf(&v[k])); /* in tree order */
	}
	for (; t < f->n_trees; t++) {
		struct vtree v;
		vtree_load(f, t, &v);
		for (uint32_t s = 0; s < v.D; s++)
			vtree_step(&v, s, x, rows);
		acc = _mm512_add_ps(acc, vtree_leaf(&v));
	}
	_mm512_storeu_ps(sum, acc);
}

/* ec_forest_predict() with walk16(): x must be indexable by int32. */
static void predict_vector(const struct ec_forest *f, const float *x, size_t n, uint32_t d,
			   float *out)
{
	for (size_t i = 0; i < n; i += VBLOCK) {
		int32_t row[VBLOCK];
		float sum[VBLOCK];
		size_t nb = n - i < VBLOCK ? n - i : VBLOCK;
		for (size_t r = 0; r < VBLOCK; r++)
			row[r] = (int32_t)((i + (r < nb ? r : 0)) * d);
		walk16(f, x, row, sum);
		for (size_t r = 0; r < nb; r++)
			out[i + r] = f->logistic ? sigmoid(sum[r]) : sum[r];
	}
}
#endif

int ec_forest_set_vector(struct ec_forest *f, int on)
{
	free(f->v_cond);
	free(f->v_feat);
	free(f->v_right);
	f->v_cond = NULL;
	f->v_feat = NULL;
	f->v_right = NULL;
#ifdef VECTOR_WALK
	if (!on || !__builtin_cpu_supports("avx512f"))
		return 0;
	/* VSLACK more: a tree's first 16 nodes are loaded whatever its size */
	f->v_cond = ec_xcalloc(f->n_in + VSLACK, sizeof(*f->v_cond));
	f->v_feat = ec_xcalloc(f->n_in + VSLACK, sizeof(*f->v_feat));
	f->v_right = ec_xcalloc(f->n_in + VSLACK, sizeof(*f->v_right));
	for (size_t i = 0; i < f->n_in; i++) {
		f->v_cond[i] = f->in[i].cond;
		f->v_feat[i] = f->in[i].feat;
		f->v_right[i] = f->in[i].dright ? -1 : 0;
	}
	return 1;
#else
	(void)on;
	return 0;
#endif
}

void ec_forest_predict(const struct ec_forest *f, const float *x, size_t n, uint32_t d, float *out)
{
#ifdef VECTOR_WALK
	if (f->v_cond && n >= VBLOCK / 2 && (uint64_t)n * d <= INT32_MAX) {
		predict_vector(f, x, n, d, out);
		return;
	}
#endif
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

static uint64_t probe_rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void ec_forest_probe_rows(const struct ec_forest *f, float *x, size_t n, uint32_t d, uint64_t seed)
{
	/* the thresholds of each feature, all trees */
	size_t *cnt = ec_xcalloc((size_t)d + 1, sizeof(*cnt));
	for (size_t i = 0; i < f->n_in; i++)
		if (f->in[i].feat < d)
			cnt[f->in[i].feat + 1]++;
	for (uint32_t j = 0; j < d; j++)
		cnt[j + 1] += cnt[j];
	float *thr = ec_xmalloc((f->n_in + 1) * sizeof(*thr));
	size_t *at = ec_xmalloc(((size_t)d + 1) * sizeof(*at));
	memcpy(at, cnt, ((size_t)d + 1) * sizeof(*at));
	for (size_t i = 0; i < f->n_in; i++)
		if (f->in[i].feat < d)
			thr[at[f->in[i].feat]++] = f->in[i].cond;
	for (size_t r = 0; r < n; r++) {
		for (uint32_t j = 0; j < d; j++) {
			size_t k = cnt[j + 1] - cnt[j];
			uint64_t u = probe_rng(&seed);
			float v;
			if (k == 0 || u % 8 == 0) {
				v = u % 16 == 0 ? NAN
						: 0.0f; /* missing, or a feature no test reads */
			} else {
				v = thr[cnt[j] + (u >> 8) % k];
				if ((u >> 4) % 2) /* just below: the other side of the test */
					v = nextafterf(v, -INFINITY);
			}
			x[r * d + j] = v;
		}
	}
	free(cnt);
	free(thr);
	free(at);
}

uint32_t ec_forest_n_features(const struct ec_forest *f)
{
	return f->n_features;
}

void ec_forest_free(struct ec_forest *f)
{
	if (!f)
		return;
	free(f->in);
	free(f->leaf);
	free(f->v_cond);
	free(f->v_feat);
	free(f->v_right);
	free(f->in_off);
	free(f->leaf_off);
	free(f->depth);
	free(f);
}
