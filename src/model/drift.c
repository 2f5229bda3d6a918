/* The population stability index between training and a score run. See
 * drift.h. */
#include "ecomctl/drift.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/features.h"
#include "ecomctl/json.h"
#include "ecomctl/learn.h"
#include "ecomctl/registry.h"

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

/* The bin of v: the number of cut points at or below it; missing last. */
static uint32_t bin_of(const double *edges, uint32_t n_edges, double v)
{
	if (isnan(v))
		return n_edges + 1;
	uint32_t lo = 0, hi = n_edges;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (edges[mid] <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The cut point just below sorted[at] (not the smallest value): halfway
 * from the largest smaller value. No value sits on a cut, so a cut read
 * back from JSON a few ulps off still bins every value the same way. */
static double cut_below(const float *sorted, size_t at)
{
	size_t lo = 0, hi = at;
	while (lo < hi) { /* the first index holding sorted[at] */
		size_t mid = (lo + hi) / 2;
		if (sorted[mid] < sorted[at])
			lo = mid + 1;
		else
			hi = mid;
	}
	return ((double)sorted[lo - 1] + (double)sorted[at]) / 2;
}

/* One DIST of the reference from n values at stride `stride` of v. */
static struct ec_json *dist_of(const char *name, const float *v, size_t n, size_t stride,
			       float *work)
{
	struct ec_json *o = ec_json_object();
	double edges[EC_DRIFT_BINS], cnt[EC_DRIFT_BINS + 2] = {0};
	size_t step = n > EC_DRIFT_SAMPLE ? (n + EC_DRIFT_SAMPLE - 1) / EC_DRIFT_SAMPLE : 1;
	size_t m = 0, total = 0, missing = 0;
	uint32_t n_edges = 0;

	for (size_t i = 0; i < n; i += step, total++) {
		float x = v[i * stride];
		if (isnan(x))
			missing++;
		else
			work[m++] = x;
	}
	qsort(work, m, sizeof(float), cmp_float);
	/* j: the first value above the smallest. When the smallest holds a
	 * tenth of the values or more (a count that is mostly 0), it gets a bin
	 * of its own and the deciles are taken above it. */
	size_t j = 0, lo = 0, span = m, parts = EC_DRIFT_BINS;
	while (j < m && work[j] == work[0])
		j++;
	if (j < m && j * EC_DRIFT_BINS >= m) {
		edges[n_edges++] = cut_below(work, j);
		lo = j;
		span = m - j;
		parts = EC_DRIFT_BINS - 1;
	}
	for (size_t k = 1; k < parts && m > 0; k++) {
		size_t at = lo + k * span / parts;
		/* a cut below the smallest value would leave its bin empty */
		if (work[at] == work[0])
			continue;
		double e = cut_below(work, at);
		if (n_edges == 0 || e > edges[n_edges - 1])
			edges[n_edges++] = e;
	}
	for (size_t i = 0; i < m; i++)
		cnt[bin_of(edges, n_edges, work[i])]++;
	cnt[n_edges + 1] = (double)missing;
	ec_json_add_str(o, "name", name);
	struct ec_json *e = ec_json_add_array(o, "edges"), *s = ec_json_add_array(o, "shares");
	for (uint32_t i = 0; i < n_edges; i++)
		ec_json_add_num(e, NULL, edges[i]);
	for (uint32_t i = 0; i < n_edges + 2; i++)
		ec_json_add_num(s, NULL, total ? cnt[i] / (double)total : 0);
	return o;
}

struct ec_json *ec_drift_reference(const float *x, size_t n, uint32_t d, const char *const *names,
				   const float *score, size_t n_score, const char *score_name)
{
	struct ec_json *j = ec_json_object();
	size_t most = n > n_score ? n : n_score;
	float *work = ec_xmalloc((most < EC_DRIFT_SAMPLE ? most : EC_DRIFT_SAMPLE) * sizeof(float) +
				 sizeof(float));
	ec_json_add_int(j, "rows", (int64_t)n);
	ec_json_add_tree(j, "score", dist_of(score_name, score, n_score, 1, work));
	struct ec_json *f = ec_json_add_array(j, "features");
	for (uint32_t c = 0; c < d; c++)
		ec_json_add_tree(f, NULL, dist_of(names[c], x + c, n, d, work));
	free(work);
	return j;
}

/* Copies a DIST into d; 0, or -1 when it is malformed (then skipped). */
static int dist_read(struct ec_drift_dist *d, const struct ec_json *o, int task, int col)
{
	const struct ec_json *e = ec_json_get(o, "edges"), *s = ec_json_get(o, "shares");
	size_t ne = ec_json_size(e);
	if (!e || !s || ne > EC_DRIFT_BINS || ec_json_size(s) != ne + 2)
		return -1;
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%s", ec_json_str(ec_json_get(o, "name"), "?"));
	d->task = task;
	d->col = col;
	d->n_edges = (uint32_t)ne;
	for (size_t i = 0; i < ne; i++)
		d->edges[i] = ec_json_num(ec_json_at(e, i), NAN);
	for (size_t i = 0; i < ne + 2; i++)
		d->expected[i] = ec_json_num(ec_json_at(s, i), 0);
	return 0;
}

void ec_drift_init(struct ec_drift *dr, const struct ec_loaded_model *m)
{
	memset(dr, 0, sizeof(*dr));
	for (int t = 0; t < EC_TASK_N; t++) {
		const struct ec_json *ref =
		    m[t].model ? ec_json_get(m[t].manifest, "reference") : NULL;
		const struct ec_json *feats = ec_json_get(ref, "features");
		const struct ec_json *imp = ec_json_get(m[t].manifest, "importance");
		if (!ref)
			continue;
		if (dist_read(&dr->d[dr->n], ec_json_get(ref, "score"), t, -1) == 0)
			dr->n++;
		for (size_t i = 0, k = 0; i < ec_json_size(imp) && k < EC_DRIFT_TOP_FEATURES; i++) {
			const char *name =
			    ec_json_str(ec_json_get(ec_json_at(imp, i), "feature"), "");
			int col = ec_feature_col(ec_features(t), ec_features_count(t), name);
			if (col < 0 || (size_t)col >= ec_json_size(feats))
				continue;
			if (dist_read(&dr->d[dr->n], ec_json_at(feats, (size_t)col), t, col) == 0 &&
			    strcmp(dr->d[dr->n].name, name) == 0) {
				dr->n++;
				k++;
			}
		}
	}
}

static void count(struct ec_drift_dist *d, double v)
{
	d->count[bin_of(d->edges, d->n_edges, v)]++;
	d->n++;
}

void ec_drift_add_features(struct ec_drift *dr, int task, const float *x)
{
	for (uint32_t i = 0; i < dr->n; i++)
		if (dr->d[i].task == task && dr->d[i].col >= 0)
			count(&dr->d[i], x[dr->d[i].col]);
}

void ec_drift_add_score(struct ec_drift *dr, int task, double score)
{
	for (uint32_t i = 0; i < dr->n; i++)
		if (dr->d[i].task == task && dr->d[i].col < 0)
			count(&dr->d[i], score);
}

double ec_drift_psi(const struct ec_drift_dist *d)
{
	double psi = 0;
	if (d->n == 0)
		return NAN;
	for (uint32_t i = 0; i < d->n_edges + 2; i++) {
		double a = (double)d->count[i] / (double)d->n, e = d->expected[i];
		if (a == 0 && e == 0)
			continue;
		a = a < EC_DRIFT_FLOOR ? EC_DRIFT_FLOOR : a;
		e = e < EC_DRIFT_FLOOR ? EC_DRIFT_FLOOR : e;
		psi += (a - e) * log(a / e);
	}
	return psi;
}

struct ec_json *ec_drift_json(const struct ec_drift *dr, double *worst)
{
	struct ec_json *j = NULL, *a = NULL;
	*worst = NAN;
	for (uint32_t i = 0; i < dr->n; i++) {
		const struct ec_drift_dist *d = &dr->d[i];
		double psi = ec_drift_psi(d);
		if (isnan(psi))
			continue;
		if (!j) {
			j = ec_json_object();
			ec_json_add_num(j, "warn_above", EC_DRIFT_WARN);
			ec_json_add_num(j, "floor", EC_DRIFT_FLOOR);
			a = ec_json_add_array(j, "psi");
		}
		if (isnan(*worst) || psi > *worst)
			*worst = psi;
		struct ec_json *o = ec_json_add_object(a, NULL);
		ec_json_add_str(o, "name", d->name);
		ec_json_add_str(o, "task", ec_task_names[d->task]);
		ec_json_add_num(o, "psi", psi);
		ec_json_add_bool(o, "warn", psi > EC_DRIFT_WARN);
		ec_json_add_u64(o, "n", d->n);
		struct ec_json *b = ec_json_add_array(o, "bins");
		for (uint32_t k = 0; k < d->n_edges + 2; k++) {
			struct ec_json *x = ec_json_add_object(b, NULL);
			if (k == d->n_edges + 1) {
				ec_json_add_str(x, "bin", "missing");
			} else {
				/* null: unbounded */
				if (k)
					ec_json_add_num(x, "lo", d->edges[k - 1]);
				else
					ec_json_add_null(x, "lo");
				if (k < d->n_edges)
					ec_json_add_num(x, "hi", d->edges[k]);
				else
					ec_json_add_null(x, "hi");
			}
			ec_json_add_num(x, "expected", d->expected[k]);
			ec_json_add_num(x, "actual", (double)d->count[k] / (double)d->n);
		}
	}
	return j;
}
