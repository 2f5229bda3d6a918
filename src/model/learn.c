/* Featurized rows in memory, the time split and the top-3 ranking of
 * candidates. See learn.h. */
#include "ecomctl/learn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/features.h"

void ec_iset_init(struct ec_iset *s, uint32_t d)
{
	memset(s, 0, sizeof(*s));
	s->d = d;
	ec_spill_init(&s->spill);
}

int ec_iset_spill(struct ec_iset *s, const char *dir, struct ec_err *err)
{
	return ec_spill_open(&s->spill, dir, s->d, err);
}

int ec_cset_spill(struct ec_cset *s, const char *dir, struct ec_err *err)
{
	return ec_spill_open(&s->spill, dir, s->d, err);
}

int ec_rows_window(float **x, size_t *x0, size_t *n_x, const struct ec_spill *sp, size_t r0,
		   size_t r1, struct ec_err *err)
{
	if (sp->fd < 0)
		return 0;
	free(*x);
	*x = ec_xmalloc((r1 - r0) * sp->d * sizeof(float) + sizeof(float));
	*x0 = r0;
	*n_x = r1 - r0;
	return ec_spill_read(sp, r0, r1 - r0, *x, err);
}

void ec_iset_release(struct ec_iset *s)
{
	ec_spill_release(&s->spill);
	free(s->x);
	free(s->yf);
	free(s->y);
	free(s->start);
	memset(s, 0, sizeof(*s));
	ec_spill_init(&s->spill);
}

int ec_iset_add(struct ec_iset *s, const float *x, int label, int64_t start, struct ec_err *err)
{
	if (s->n && start < s->start[s->n - 1])
		return ec_fail(err, EC_EINTERNAL, "intent rows out of start order");
	if (s->spill.fd >= 0) {
		int rc = ec_spill_add(&s->spill, x, 1, err);
		if (rc < 0)
			return rc;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		if (s->spill.fd < 0)
			s->x = ec_xrealloc(s->x, cap * s->d * sizeof(float));
		s->yf = ec_xrealloc(s->yf, cap * sizeof(float));
		s->y = ec_xrealloc(s->y, cap);
		s->start = ec_xrealloc(s->start, cap * sizeof(int64_t));
		s->cap = cap;
	}
	if (s->spill.fd < 0)
		memcpy(s->x + s->n * s->d, x, s->d * sizeof(float));
	s->y[s->n] = label != 0;
	s->yf[s->n] = label != 0;
	s->start[s->n++] = start;
	return 0;
}

void ec_cset_init(struct ec_cset *s, uint32_t d)
{
	memset(s, 0, sizeof(*s));
	s->d = d;
	ec_strtab_init(&s->keys);
	ec_spill_init(&s->spill);
	s->neg_keep = 1;
	s->row_off = ec_xcalloc(1, sizeof(size_t));
	s->truth_off = ec_xcalloc(1, sizeof(size_t));
}

void ec_cset_release(struct ec_cset *s)
{
	ec_spill_release(&s->spill);
	free(s->x);
	free(s->yf);
	free(s->w);
	free(s->cand);
	free(s->row_off);
	free(s->start);
	free(s->truth_off);
	free(s->truth);
	ec_strtab_release(&s->keys);
	memset(s, 0, sizeof(*s));
	ec_spill_init(&s->spill);
}

int ec_cset_add(struct ec_cset *s, int64_t start, uint32_t n, const char *const *keys,
		const float *x, const uint8_t *label, uint32_t n_truth, const char *const *truth,
		struct ec_err *err)
{
	int rc;
	if (s->n_s && start < s->start[s->n_s - 1])
		return ec_fail(err, EC_EINTERNAL, "category rows out of start order");
	if (s->n_s + 1 >= s->cap_s) {
		size_t cap = s->cap_s ? s->cap_s * 2 : 1024;
		s->row_off = ec_xrealloc(s->row_off, (cap + 1) * sizeof(size_t));
		s->truth_off = ec_xrealloc(s->truth_off, (cap + 1) * sizeof(size_t));
		s->start = ec_xrealloc(s->start, cap * sizeof(int64_t));
		s->cap_s = cap;
	}
	if (s->n_r + n > s->cap_r) {
		size_t cap = s->cap_r ? s->cap_r : 4096;
		while (cap < s->n_r + n)
			cap *= 2;
		if (s->spill.fd < 0)
			s->x = ec_xrealloc(s->x, cap * s->d * sizeof(float));
		s->yf = ec_xrealloc(s->yf, cap * sizeof(float));
		s->w = ec_xrealloc(s->w, cap * sizeof(float));
		s->cand = ec_xrealloc(s->cand, cap * sizeof(uint32_t));
		s->cap_r = cap;
	}
	if (s->spill.fd < 0)
		memcpy(s->x + s->n_r * s->d, x, (size_t)n * s->d * sizeof(float));
	else if ((rc = ec_spill_add(&s->spill, x, n, err)) < 0)
		return rc;
	for (uint32_t i = 0; i < n; i++) {
		s->yf[s->n_r + i] = label[i] != 0;
		s->w[s->n_r + i] = n_truth || s->neg_keep >= 1 ? 1.0f : (float)(1 / s->neg_keep);
		s->cand[s->n_r + i] = ec_strtab_intern(&s->keys, keys[i], strlen(keys[i]), NULL);
	}
	s->n_r += n;
	EC_GROW(s->truth, s->cap_truth, s->n_truth + n_truth);
	for (uint32_t i = 0; i < n_truth; i++)
		s->truth[s->n_truth++] =
		    (int)ec_strtab_intern(&s->keys, truth[i], strlen(truth[i]), NULL);
	s->start[s->n_s] = start;
	s->n_s++;
	s->row_off[s->n_s] = s->n_r;
	s->truth_off[s->n_s] = s->n_truth;
	return 0;
}

size_t ec_split_index(const int64_t *start, size_t n, int64_t t)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (start[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int64_t ec_split_time(const int64_t *start, size_t n, double frac)
{
	if (n == 0)
		return 0;
	double span = (double)(start[n - 1] - start[0]);
	return start[0] + (int64_t)ceil((1.0 - frac) * span);
}

int64_t ec_split_share(const int64_t *start, const unsigned char *pos, size_t n, double frac,
		       size_t min_pos)
{
	if (n == 0)
		return 0;
	size_t nv = (size_t)ceil(frac * (double)n), all = 0, got = 0;
	if (nv < 1)
		nv = 1;
	if (nv > n)
		nv = n;
	for (size_t i = 0; pos && i < n; i++)
		all += pos[i] != 0;
	size_t idx = n - nv;
	for (size_t i = idx; pos && i < n; i++)
		got += pos[i] != 0;
	while (pos && idx > 1 && got < min_pos && 2 * got < all &&
	       2 * (got + (pos[idx - 1] != 0)) <= all)
		got += pos[--idx] != 0;
	return start[idx];
}

int ec_feature_col(const struct ec_feature_def *defs, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (strcmp(defs[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* a ranks before b: higher score, NaN last, then lower index. */
static int before(const float *score, uint32_t a, uint32_t b)
{
	float x = score[a], y = score[b];
	if (isnan(x) != isnan(y))
		return isnan(y);
	if (!isnan(x) && x != y)
		return x > y;
	return a < b;
}

void ec_rank_order(const float *score, uint32_t n, uint32_t *idx)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t j = i;
		while (j > 0 && before(score, i, idx[j - 1])) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = i;
	}
}

size_t ec_cset_max_cand(const struct ec_cset *s, size_t s0, size_t s1)
{
	size_t k = 3;
	for (size_t i = s0; i < s1; i++)
		if (s->row_off[i + 1] - s->row_off[i] > k)
			k = s->row_off[i + 1] - s->row_off[i];
	return k;
}

void ec_cset_rank(const struct ec_cset *s, size_t s0, size_t s1, const float *scores, size_t k,
		  int *pred)
{
	size_t base = s->row_off[s0];
	uint32_t *idx = ec_xmalloc(ec_cset_max_cand(s, s0, s1) * sizeof(uint32_t));
	for (size_t i = s0; i < s1; i++) {
		size_t r0 = s->row_off[i], n = s->row_off[i + 1] - r0;
		ec_rank_order(scores + (r0 - base), (uint32_t)n, idx);
		for (size_t j = 0; j < k; j++)
			pred[k * (i - s0) + j] =
			    j < n ? (int)s->cand[r0 + idx[j]] : EC_METRICS_OTHER;
	}
	free(idx);
}

double ec_cset_hit3(const struct ec_cset *s, size_t s0, size_t s1, const float *scores)
{
	struct ec_rank_metrics m;
	int *pred = ec_xmalloc((s1 - s0) * 3 * sizeof(int) + 1);
	ec_cset_rank(s, s0, s1, scores, 3, pred);
	int rc = ec_metrics_ranking(&m, pred, 3, s->truth_off + s0, s->truth, s1 - s0, NULL);
	free(pred);
	return rc < 0 ? NAN : m.hit3;
}

/* A session's place in [0, 1), from its id: the same sessions are kept
 * on every run. */
static double unit_hash(const char *id)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (double)(h >> 11) / 9007199254740992.0;
}

int ec_learn_collect(struct ec_featurizer *fz, struct ec_iset *is, struct ec_cset *cs,
		     struct ec_err *err)
{
	struct ec_fsession s;
	int rc;
	while ((rc = ec_featurizer_next(fz, &s, err)) > 0) {
		if (is && s.intent_ok &&
		    (rc = ec_iset_add(is, s.intent_x, s.purchased, s.start, err)) < 0)
			return rc;
		if (cs && s.category_ok && !s.n_truth && cs->neg_keep < 1 &&
		    (cs->neg_seen++, unit_hash(s.session_id) >= cs->neg_keep))
			continue;
		if (cs && s.category_ok &&
		    (rc = ec_cset_add(cs, s.start, s.n_cand, s.cand, s.cand_x, s.cand_label,
				      s.n_truth, s.truth, err)) < 0)
			return rc;
	}
	if (rc == 0 && is && is->spill.fd >= 0)
		rc = ec_spill_flush(&is->spill, err);
	if (rc == 0 && cs && cs->spill.fd >= 0)
		rc = ec_spill_flush(&cs->spill, err);
	return rc;
}
