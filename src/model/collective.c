/* Distributed training on XGBoost's collective. See collective.h. */
#include "ecomctl/collective.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xgboost/c_api.h>

#include "ecomctl/learn.h"

/* xgboost::collective::DataType and Operation (communicator.h of 1.7). */
enum { XGB_UINT64 = 5, XGB_DOUBLE = 7 };
enum { XGB_OP_SUM = 2 };

static int joined;

/* XGBoost's message up to its first line (a stack trace may follow). */
static int fail_xgb(struct ec_err *err, int code, const char *what)
{
	const char *m = XGBGetLastError();
	int len = (int)strcspn(m, "\n");
	return ec_fail(err, code, "%s: %.*s", what, len, m);
}

int ec_coll_wanted(void)
{
	const char *uri = getenv("DMLC_TRACKER_URI");
	return uri && *uri;
}

/* A host name or address: nothing that would need escaping in JSON. */
static int host_ok(const char *s)
{
	if (!*s || strlen(s) > 253)
		return 0;
	for (; *s; s++)
		if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') ||
		      ('0' <= *s && *s <= '9') || strchr(".-_:[]%", *s)))
			return 0;
	return 1;
}

static int env_uint(const char *name, const char *v, long max, long *out, struct ec_err *err)
{
	char *end;
	errno = 0;
	long x = v ? strtol(v, &end, 10) : -1;
	if (!v || !*v || *end || errno || x < 0 || x > max)
		return ec_fail(err, EC_ECONFIG, "%s: expected a number from 0 to %ld, got '%s'",
			       name, max, v ? v : "");
	*out = x;
	return 0;
}

int ec_coll_init(uint32_t k, uint32_t n, struct ec_err *err)
{
	const char *uri = getenv("DMLC_TRACKER_URI"), *task = getenv("DMLC_TASK_ID");
	const char *port_s = getenv("DMLC_TRACKER_PORT");
	long port = 0, id = k;
	char cfg[512];
	int rc;
	if (!uri || !host_ok(uri))
		return ec_fail(err, EC_ECONFIG,
			       "DMLC_TRACKER_URI: expected a host name or address");
	if ((rc = env_uint("DMLC_TRACKER_PORT", port_s, 65535, &port, err)) < 0 ||
	    (task && (rc = env_uint("DMLC_TASK_ID", task, 1L << 30, &id, err)) < 0))
		return rc;
	snprintf(cfg, sizeof(cfg),
		 "{\"DMLC_TRACKER_URI\": \"%s\", \"DMLC_TRACKER_PORT\": %ld, "
		 "\"DMLC_TASK_ID\": \"%ld\"}",
		 uri, port, id);
	if (XGCommunicatorInit(cfg) != 0) {
		char what[320];
		snprintf(what, sizeof(what), "cannot join the xgboost tracker at %s:%ld", uri,
			 port);
		return fail_xgb(err, EC_EUNAVAIL, what);
	}
	joined = 1;
	int size = XGCommunicatorGetWorldSize();
	if (size != (int)n) {
		ec_coll_finalize();
		return ec_fail(err, EC_EUSAGE,
			       "the xgboost tracker has %d workers, --partition says %u", size, n);
	}
	ec_log_debug("collective: rank %d of %d, partition %u/%u", XGCommunicatorGetRank(), size, k,
		     n);
	return 0;
}

int ec_coll_active(void)
{
	return joined;
}

int ec_coll_rank(void)
{
	return joined ? XGCommunicatorGetRank() : 0;
}

int ec_coll_size(void)
{
	return joined ? XGCommunicatorGetWorldSize() : 1;
}

void ec_coll_finalize(void)
{
	if (joined && XGCommunicatorFinalize() != 0)
		ec_log_debug("collective: finalize: %s", XGBGetLastError());
	joined = 0;
}

static int fail_coll(const char *what, struct ec_err *err)
{
	return fail_xgb(err, EC_EINTERNAL, what);
}

int ec_coll_sum(double *v, size_t n, struct ec_err *err)
{
	if (joined && n && XGCommunicatorAllreduce(v, n, XGB_DOUBLE, XGB_OP_SUM) != 0)
		return fail_coll("xgboost collective: allreduce", err);
	return 0;
}

int ec_coll_allgather(char **out, size_t *off, const void *buf, size_t len, struct ec_err *err)
{
	int size = ec_coll_size(), rank = ec_coll_rank();
	uint64_t *lens = ec_xcalloc((size_t)size, sizeof(uint64_t));
	int rc = 0;
	lens[rank] = len;
	if (joined && XGCommunicatorAllreduce(lens, (size_t)size, XGB_UINT64, XGB_OP_SUM) != 0) {
		free(lens);
		return fail_coll("xgboost collective: allreduce", err);
	}
	off[0] = 0;
	for (int r = 0; r < size; r++)
		off[r + 1] = off[r] + (size_t)lens[r];
	*out = ec_xmalloc(off[size] + 1);
	if (len)
		memcpy(*out + off[rank], buf, len);
	for (int r = 0; joined && r < size && rc == 0; r++)
		if (lens[r] && XGCommunicatorBroadcast(*out + off[r], (size_t)lens[r], r) != 0)
			rc = fail_coll("xgboost collective: broadcast", err);
	free(lens);
	return rc;
}

/* In-place prediction: no DMatrix, no collective call. */
int ec_coll_predict(void *booster, const float *x, size_t n, uint32_t d, float *out,
		    struct ec_err *err)
{
	static const char cfg[] = "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, "
				  "\"iteration_end\": 0, \"strict_shape\": false, "
				  "\"cache_id\": 0, \"missing\": NaN}";
	char iface[160];
	const bst_ulong *shape;
	bst_ulong dim, total = 1;
	const float *res;
	snprintf(iface, sizeof(iface),
		 "{\"data\": [%lu, true], \"shape\": [%zu, %u], \"typestr\": \"<f4\", "
		 "\"version\": 3}",
		 (unsigned long)(uintptr_t)x, n, d);
	if (XGBoosterPredictFromDense(booster, iface, cfg, NULL, &shape, &dim, &res) != 0)
		return fail_xgb(err, EC_EINTERNAL, "xgboost");
	for (bst_ulong i = 0; i < dim; i++)
		total *= shape[i];
	if (total != n)
		return ec_fail(err, EC_EINTERNAL, "xgboost: %llu predictions for %zu rows",
			       (unsigned long long)total, n);
	memcpy(out, res, n * sizeof(float)); /* XGBoost's array is thread-local */
	return 0;
}

/* A growing byte buffer for what a worker sends. */
struct bytes {
	char *p;
	size_t n, cap;
};

static void put(struct bytes *b, const void *p, size_t n)
{
	EC_GROW(b->p, b->cap, b->n + n + 1);
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

/* A record of the gathered bytes, to be sorted into start order. */
struct rec {
	int64_t start;
	uint32_t rank;
	size_t at; /* offset in the gathered bytes */
};

static int cmp_rec(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return a->at < b->at ? -1 : a->at > b->at;
}

/* A session's start and whether it is positive, for the split. */
struct start_pos {
	int64_t start;
	unsigned char pos;
};

static int cmp_start_pos(const void *pa, const void *pb)
{
	const struct start_pos *a = pa, *b = pb;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return (a->pos > b->pos) - (a->pos < b->pos);
}

int ec_coll_split_share(int64_t *out, const int64_t *start, const unsigned char *pos, size_t n,
			double frac, size_t min_pos, struct ec_err *err)
{
	if (!joined) {
		*out = ec_split_share(start, pos, n, frac, min_pos);
		return 0;
	}
	struct bytes b = {0};
	size_t *off = ec_xmalloc(((size_t)ec_coll_size() + 1) * sizeof(size_t));
	char *all = NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char p = pos[i] != 0;
		put(&b, &start[i], sizeof(int64_t));
		put(&b, &p, 1);
	}
	int rc = ec_coll_allgather(&all, off, b.p, b.n, err);
	free(b.p);
	if (rc == 0) {
		size_t m = off[ec_coll_size()] / 9;
		struct start_pos *r = ec_xmalloc((m + 1) * sizeof(*r));
		int64_t *st = ec_xmalloc((m + 1) * sizeof(int64_t));
		unsigned char *ps = ec_xmalloc(m + 1);
		for (size_t i = 0; i < m; i++) {
			memcpy(&r[i].start, all + i * 9, sizeof(int64_t));
			r[i].pos = (unsigned char)all[i * 9 + 8];
		}
		/* a total order: every worker gets the same arrays */
		qsort(r, m, sizeof(*r), cmp_start_pos);
		for (size_t i = 0; i < m; i++) {
			st[i] = r[i].start;
			ps[i] = r[i].pos;
		}
		*out = ec_split_share(st, ps, m, frac, min_pos);
		free(r);
		free(st);
		free(ps);
	}
	free(all);
	free(off);
	return rc;
}

/* Gathers every worker's bytes and indexes its records (parse: the size of
 * the record at p, its start in *start); *recs is new, in start order. */
static int gather_recs(char **all, struct rec **recs, size_t *n_recs, const struct bytes *b,
		       size_t (*parse)(const char *p, uint32_t d, int64_t *start), uint32_t d,
		       struct ec_err *err)
{
	int size = ec_coll_size();
	size_t *off = ec_xmalloc(((size_t)size + 1) * sizeof(size_t)), cap = 0;
	int rc = ec_coll_allgather(all, off, b->p, b->n, err);
	*recs = NULL;
	*n_recs = 0;
	for (int r = 0; rc == 0 && r < size; r++)
		for (size_t at = off[r]; at < off[r + 1];) {
			EC_GROW(*recs, cap, *n_recs + 1);
			struct rec *x = &(*recs)[(*n_recs)++];
			x->rank = (uint32_t)r;
			x->at = at;
			at += parse(*all + at, d, &x->start);
		}
	free(off);
	if (rc == 0)
		qsort(*recs, *n_recs, sizeof(**recs), cmp_rec);
	return rc;
}

/* The rows r0 .. r1-1 of a set, in memory or read back from its spill
 * (*buf is new then). */
static int rows(const float **x, float **buf, const float *mem, const struct ec_spill *sp,
		uint32_t d, size_t r0, size_t r1, struct ec_err *err)
{
	*buf = NULL;
	if (sp->fd < 0) {
		*x = mem + r0 * d;
		return 0;
	}
	*buf = ec_xmalloc((r1 - r0) * d * sizeof(float) + sizeof(float));
	*x = *buf;
	return ec_spill_read(sp, r0, r1 - r0, *buf, err);
}

/* intent record: start, label, d floats */
static size_t intent_rec(const char *p, uint32_t d, int64_t *start)
{
	memcpy(start, p, sizeof(int64_t));
	return sizeof(int64_t) + 1 + d * sizeof(float);
}

/* Forgets rows from r on (the spill's are overwritten by the next ones). */
static void spill_truncate(struct ec_spill *sp, size_t r)
{
	if (sp->fd >= 0) {
		sp->n = r;
		sp->n_buf = 0;
	}
}

int ec_coll_merge_iset(struct ec_iset *s, size_t split, struct ec_err *err)
{
	if (!joined)
		return 0;
	struct bytes b = {0};
	const float *x;
	float *buf, *row = ec_xmalloc(s->d * sizeof(float) + sizeof(float));
	struct rec *recs = NULL;
	size_t n_recs = 0;
	char *all = NULL;
	int rc = rows(&x, &buf, s->x, &s->spill, s->d, split, s->n, err);
	for (size_t i = split; rc == 0 && i < s->n; i++) {
		put(&b, &s->start[i], sizeof(int64_t));
		put(&b, &s->y[i], 1);
		put(&b, x + (i - split) * s->d, s->d * sizeof(float));
	}
	free(buf);
	if (rc == 0)
		rc = gather_recs(&all, &recs, &n_recs, &b, intent_rec, s->d, err);
	free(b.p);
	if (rc == 0) {
		s->n = split;
		spill_truncate(&s->spill, split);
	}
	for (size_t i = 0; rc == 0 && i < n_recs; i++) {
		const char *p = all + recs[i].at + sizeof(int64_t);
		memcpy(row, p + 1, s->d * sizeof(float));
		rc = ec_iset_add(s, row, *p, recs[i].start, err);
	}
	if (rc == 0 && s->spill.fd >= 0)
		rc = ec_spill_flush(&s->spill, err);
	free(row);
	free(recs);
	free(all);
	return rc;
}

/* category record: start, n, n_truth, n * d floats, n labels, then the n
 * candidate keys and the n_truth truth keys, each ending in a NUL */
static size_t cat_rec(const char *p, uint32_t d, int64_t *start)
{
	uint32_t n, n_truth;
	size_t len = sizeof(int64_t) + 2 * sizeof(uint32_t);
	memcpy(start, p, sizeof(int64_t));
	memcpy(&n, p + sizeof(int64_t), sizeof(uint32_t));
	memcpy(&n_truth, p + sizeof(int64_t) + sizeof(uint32_t), sizeof(uint32_t));
	len += (size_t)n * d * sizeof(float) + n;
	for (uint32_t i = 0; i < n + n_truth; i++)
		len += strlen(p + len) + 1;
	return len;
}

static void put_cat(struct bytes *b, const struct ec_cset *s, size_t i, const float *x)
{
	size_t r0 = s->row_off[i];
	uint32_t n = (uint32_t)(s->row_off[i + 1] - r0);
	uint32_t n_truth = (uint32_t)(s->truth_off[i + 1] - s->truth_off[i]);
	put(b, &s->start[i], sizeof(int64_t));
	put(b, &n, sizeof(n));
	put(b, &n_truth, sizeof(n_truth));
	put(b, x, (size_t)n * s->d * sizeof(float));
	for (uint32_t r = 0; r < n; r++) {
		unsigned char y = s->yf[r0 + r] > 0;
		put(b, &y, 1);
	}
	for (uint32_t r = 0; r < n; r++)
		put(b, ec_strtab_str(&s->keys, s->cand[r0 + r]),
		    ec_strtab_len(&s->keys, s->cand[r0 + r]) + 1);
	for (size_t t = s->truth_off[i]; t < s->truth_off[i + 1]; t++)
		put(b, ec_strtab_str(&s->keys, (uint32_t)s->truth[t]),
		    ec_strtab_len(&s->keys, (uint32_t)s->truth[t]) + 1);
}

/* Adds a gathered category record to s. */
static int add_cat(struct ec_cset *s, const char *p, int64_t start, struct ec_err *err)
{
	uint32_t n, n_truth;
	memcpy(&n, p + sizeof(int64_t), sizeof(uint32_t));
	memcpy(&n_truth, p + sizeof(int64_t) + sizeof(uint32_t), sizeof(uint32_t));
	p += sizeof(int64_t) + 2 * sizeof(uint32_t);
	float *x = ec_xmalloc((size_t)n * s->d * sizeof(float) + sizeof(float));
	const char **keys = ec_xmalloc(((size_t)n + n_truth + 1) * sizeof(char *));
	memcpy(x, p, (size_t)n * s->d * sizeof(float));
	p += (size_t)n * s->d * sizeof(float);
	const uint8_t *label = (const uint8_t *)p;
	p += n;
	for (uint32_t i = 0; i < n + n_truth; i++) {
		keys[i] = p;
		p += strlen(p) + 1;
	}
	int rc = ec_cset_add(s, start, n, keys, x, label, n_truth, keys + n, err);
	free(keys);
	free(x);
	return rc;
}

int ec_coll_merge_cset(struct ec_cset *s, size_t split, struct ec_err *err)
{
	if (!joined)
		return 0;
	struct bytes b = {0};
	const float *x;
	float *buf;
	struct rec *recs = NULL;
	size_t n_recs = 0, r0 = s->row_off[split];
	char *all = NULL;
	int rc = rows(&x, &buf, s->x, &s->spill, s->d, r0, s->n_r, err);
	for (size_t i = split; rc == 0 && i < s->n_s; i++)
		put_cat(&b, s, i, x + (s->row_off[i] - r0) * s->d);
	free(buf);
	if (rc == 0)
		rc = gather_recs(&all, &recs, &n_recs, &b, cat_rec, s->d, err);
	free(b.p);
	if (rc == 0) {
		s->n_s = split;
		s->n_r = r0;
		s->n_truth = s->truth_off[split];
		spill_truncate(&s->spill, r0);
	}
	for (size_t i = 0; rc == 0 && i < n_recs; i++)
		rc = add_cat(s, all + recs[i].at, recs[i].start, err);
	if (rc == 0 && s->spill.fd >= 0)
		rc = ec_spill_flush(&s->spill, err);
	free(recs);
	free(all);
	return rc;
}
