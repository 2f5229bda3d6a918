/* The XGBoost wrapper: matrices, training with early stopping, prediction,
 * JSON save and load. See model.h. */
#include "ecomctl/model.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xgboost/c_api.h>

#include "ecomctl/cleanup.h"
#include "ecomctl/collective.h"
#include "ecomctl/forest.h"
#include "ecomctl/learn.h"
#include "model_int.h"

struct ec_model {
	BoosterHandle h;
	uint32_t d;
	/* Our own tree walk (forest.h), used once it has matched XGBoost to
	 * the bit on the first FOREST_CHECK_ROWS rows predicted; NULL when
	 * the model is not one it takes, it differed, or ECOMCTL_PREDICT is
	 * xgboost. */
	struct ec_forest *forest;
	size_t checked;
	float *check;
	size_t cap_check;
};

#define FOREST_CHECK_ROWS 20000

#define XGB(call)                                                                                  \
	do {                                                                                       \
		if ((call) != 0) {                                                                 \
			rc = ec_fail(err, EC_EINTERNAL, "xgboost: %s", XGBGetLastError());         \
			goto done;                                                                 \
		}                                                                                  \
	} while (0)

void ec_model_omp_setup(char **argv)
{
	if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT"))
		return;
	if (setenv("OMP_WAIT_POLICY", "PASSIVE", 0) != 0)
		return;
	/* The new image needs no libmongoc counters in shared memory (they
	 * would outlive it: libmongoc never removes them). */
	setenv("MONGOC_DISABLE_SHM", "1", 0);
	/* libmongoc's constructor has made its counters file, /dev/shm/mongoc-<pid>,
	 * and exec runs no destructor: remove it, or the new image (same pid)
	 * would warn that it exists, and it would stay behind. */
	char shm[32];
	snprintf(shm, sizeof(shm), "/mongoc-%u", (unsigned)getpid());
	shm_unlink(shm);
	execv("/proc/self/exe", argv);
}

const char *ec_model_lib_version(void)
{
	static char buf[32];
	int major, minor, patch;
	XGBoostVersion(&major, &minor, &patch);
	snprintf(buf, sizeof(buf), "%d.%d.%d", major, minor, patch);
	return buf;
}

int ec_params_set(struct ec_params *p, const char *name, const char *value, struct ec_err *err)
{
	if (strlen(name) >= sizeof(p->name[0]) || strlen(value) >= sizeof(p->value[0]))
		return ec_fail(err, EC_EUSAGE, "parameter %s: name or value too long", name);
	int i = 0;
	while (i < p->n && strcmp(p->name[i], name) != 0)
		i++;
	if (i == p->n) {
		if (p->n == EC_PARAMS_MAX)
			return ec_fail(err, EC_EUSAGE, "more than %d parameters", EC_PARAMS_MAX);
		p->n++;
		strcpy(p->name[i], name);
	}
	strcpy(p->value[i], value);
	return 0;
}

const char *ec_params_get(const struct ec_params *p, const char *name)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->name[i], name) == 0)
			return p->value[i];
	return NULL;
}

/* XGBoost logs through one global callback; its verbosity follows ours. */
static void log_line(const char *msg)
{
	if (ec_verbosity >= 2)
		ec_log_debug("xgboost: %s", msg);
	else
		ec_log_warn("xgboost: %s", msg);
}

static void setup_log(void)
{
	static int done;
	char cfg[64];
	int level = ec_verbosity <= 0 ? 0 : ec_verbosity == 1 ? 1 : 2;
	if (!done) {
		XGBRegisterLogCallback(log_line);
		done = 1;
	}
	snprintf(cfg, sizeof(cfg), "{\"verbosity\": %d}", level);
	XGBSetGlobalConfig(cfg);
}

const char *const ec_model_matrix_names[] = {"auto", "quantile", "memory", "external", NULL};

static int set_info(DMatrixHandle h, const struct ec_matrix *m, int meta, struct ec_err *err)
{
	int rc = 0;
	if (meta && m->y)
		XGB(XGDMatrixSetFloatInfo(h, "label", m->y, m->n));
	if (meta && m->w)
		XGB(XGDMatrixSetFloatInfo(h, "weight", m->w, m->n));
	if (m->group)
		XGB(XGDMatrixSetUIntInfo(h, "group", m->group, m->n_groups));
done:
	return rc;
}

/* The rows of m in memory: m->x, or *buf read from its spill (free()). */
static int rows_of(const float **x, float **buf, const struct ec_matrix *m, struct ec_err *err)
{
	*buf = NULL;
	*x = m->x;
	if (m->x)
		return 0;
	*buf = ec_xmalloc(m->n * m->d * sizeof(float) + sizeof(float));
	*x = *buf;
	return ec_spill_read(m->spill, m->first, m->n, *buf, err);
}

static int dense_dmatrix(DMatrixHandle *out, const struct ec_matrix *m, struct ec_err *err)
{
	int rc = 0;
	DMatrixHandle h = NULL;
	const float *x;
	float *buf;
	if ((rc = rows_of(&x, &buf, m, err)) < 0)
		goto done;
	XGB(XGDMatrixCreateFromMat(x, m->n, m->d, NAN, &h));
	if ((rc = set_info(h, m, 1, err)) < 0)
		goto done;
	*out = h;
	h = NULL;
done:
	free(buf);
	if (h)
		XGDMatrixFree(h);
	return rc;
}

/* The data iterator of a QuantileDMatrix: XGBoost calls next() until it
 * returns 0, twice (sketching, then binning), with reset() between. Each
 * batch is read from the spill into buf and set on the proxy with its
 * labels and weights; XGBoost copies what it keeps before the next call. */
struct spill_iter {
	const struct ec_matrix *m;
	DMatrixHandle proxy;
	size_t at;
	float *buf;
	struct ec_err *err;
	int rc;
};

static void iter_reset(DataIterHandle h)
{
	((struct spill_iter *)h)->at = 0;
}

static int iter_next(DataIterHandle h)
{
	struct spill_iter *it = h;
	const struct ec_matrix *m = it->m;
	char iface[256];
	size_t k = m->n - it->at;
	if (it->rc < 0 || k == 0)
		return 0;
	if (k > EC_MODEL_BATCH)
		k = EC_MODEL_BATCH;
	if ((it->rc = ec_spill_read(m->spill, m->first + it->at, k, it->buf, it->err)) < 0)
		return 0;
	snprintf(iface, sizeof(iface),
		 "{\"data\": [%llu, true], \"shape\": [%zu, %u], \"typestr\": \"<f4\", "
		 "\"version\": 3}",
		 (unsigned long long)(uintptr_t)it->buf, k, m->d);
	if (XGProxyDMatrixSetDataDense(it->proxy, iface) != 0 ||
	    (m->y && XGDMatrixSetFloatInfo(it->proxy, "label", m->y + it->at, k) != 0) ||
	    (m->w && XGDMatrixSetFloatInfo(it->proxy, "weight", m->w + it->at, k) != 0)) {
		it->rc = ec_fail(it->err, EC_EINTERNAL, "xgboost: %s", XGBGetLastError());
		return 0;
	}
	it->at += k;
	return 1;
}

/* The config of a matrix from the iterator: a QuantileDMatrix (cache NULL) or
 * an external-memory one whose pages go to files named cache... */
static void iter_config(char *cfg, size_t size, const struct ec_params *p, const char *cache)
{
	const char *max_bin = ec_params_get(p, "max_bin"), *nthread = ec_params_get(p, "nthread");
	int n =
	    snprintf(cfg, size, "{\"missing\": NaN, \"nthread\": %s, ", nthread ? nthread : "0");
	if (!cache) {
		snprintf(cfg + n, size - (size_t)n, "\"max_bin\": %s}", max_bin ? max_bin : "256");
		return;
	}
	n += snprintf(cfg + n, size - (size_t)n, "\"cache_prefix\": \"");
	for (; *cache && n < (int)size - 8; cache++) {
		if (*cache == '"' || *cache == '\\')
			cfg[n++] = '\\';
		cfg[n++] = *cache;
	}
	snprintf(cfg + n, size - (size_t)n, "\"}");
}

static int iter_dmatrix(DMatrixHandle *out, const struct ec_matrix *m, DMatrixHandle ref,
			const struct ec_params *p, const char *cache, struct ec_err *err)
{
	int rc = 0, s;
	DMatrixHandle h = NULL;
	struct spill_iter it = {.m = m, .err = err};
	char cfg[4200];
	iter_config(cfg, sizeof(cfg), p, cache);
	it.buf = ec_xmalloc((size_t)EC_MODEL_BATCH * m->d * sizeof(float));
	XGB(XGProxyDMatrixCreate(&it.proxy));
	if (cache)
		s = XGDMatrixCreateFromCallback(&it, it.proxy, iter_reset, iter_next, cfg, &h);
	else
		s = XGQuantileDMatrixCreateFromCallback(&it, it.proxy, ref, iter_reset, iter_next,
							cfg, &h);
	if ((rc = it.rc) < 0)
		goto done;
	if (s != 0) {
		rc = ec_fail(err, EC_EINTERNAL, "xgboost: %s", XGBGetLastError());
		goto done;
	}
	if ((rc = set_info(h, m, 0, err)) < 0)
		goto done;
	*out = h;
	h = NULL;
done:
	free(it.buf);
	if (it.proxy)
		XGDMatrixFree(it.proxy);
	if (h)
		XGDMatrixFree(h);
	return rc;
}

/* A matrix for training or validation (ref: the training matrix, whose
 * cuts a quantile validation matrix takes). */
static int make_dmatrix(DMatrixHandle *out, const struct ec_matrix *m, DMatrixHandle ref,
			const struct ec_train_opts *o, struct ec_page_cache *c, struct ec_err *err)
{
	char prefix[4300];
	int rc;
	*out = NULL;
	if (m->x || !o || o->matrix == EC_MATRIX_MEMORY ||
	    (o->matrix == EC_MATRIX_AUTO && m->n * m->d * sizeof(float) <= EC_MATRIX_AUTO_DENSE))
		return dense_dmatrix(out, m, err);
	if (!ref && o->matrix != EC_MATRIX_EXTERNAL)
		return iter_dmatrix(out, m, NULL, o->params, NULL, err);
	ec_page_cache_name(c, m->spill->dir, ref ? "valid" : "xtrain");
	snprintf(prefix, sizeof(prefix), "%s/%s", c->dir, c->base);
	rc = iter_dmatrix(out, m, NULL, o->params, prefix, err);
	ec_page_cache_track(c);
	return rc;
}

static const char PREDICT_ALL[] = "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, "
				  "\"iteration_end\": 0, \"strict_shape\": false}";

/* Predicts a DMatrix of n rows into out (copied: XGBoost's array is
 * thread-local and reused by its next call). */
static int predict_dm(BoosterHandle b, DMatrixHandle dm, size_t n, float *out, struct ec_err *err)
{
	int rc = 0;
	const bst_ulong *shape;
	bst_ulong dim;
	const float *res;
	XGB(XGBoosterPredictFromDMatrix(b, dm, PREDICT_ALL, &shape, &dim, &res));
	bst_ulong total = 1;
	for (bst_ulong i = 0; i < dim; i++)
		total *= shape[i];
	if (total != n) {
		rc = ec_fail(err, EC_EINTERNAL, "xgboost: %llu predictions for %zu rows",
			     (unsigned long long)total, n);
		goto done;
	}
	memcpy(out, res, n * sizeof(float));
done:
	return rc;
}

static void log_eval(BoosterHandle b, int iter, DMatrixHandle *dms, int n_dms)
{
	const char *names[2] = {"train", "valid"};
	const char *res;
	if (ec_verbosity < 2 || ec_coll_active()) /* distributed, XGBoost all-reduces it */
		return;
	if (XGBoosterEvalOneIter(b, iter, dms, names, (bst_ulong)n_dms, &res) == 0)
		ec_log_debug("xgboost: %s", res);
}

int ec_model_train(struct ec_model **out, struct ec_train_result *res,
		   const struct ec_train_opts *o, const struct ec_matrix *train,
		   const struct ec_matrix *valid, struct ec_err *err)
{
	DMatrixHandle dms[2] = {NULL, NULL};
	BoosterHandle b = NULL, best = NULL;
	float *pred = NULL;
	int rc = 0, n_dms = valid && valid->n ? 2 : 1;
	struct ec_page_cache cache = {.n = 0}, tcache = {.n = 0};

	*out = NULL;
	memset(res, 0, sizeof(*res));
	res->best_metric = NAN;
	if (train->n == 0)
		return ec_fail(err, EC_EDATA, "no training rows");
	if (o->rounds < 1)
		return ec_fail(err, EC_EUSAGE, "rounds must be at least 1");
	setup_log();
	if ((rc = make_dmatrix(&dms[0], train, NULL, o, &tcache, err)) < 0)
		goto done;
	if (n_dms == 2 && (rc = make_dmatrix(&dms[1], valid, dms[0], o, &cache, err)) < 0)
		goto done;
	/* Both matrices go to the booster's cache, so that predicting the
	 * validation rows after each round only adds the newest tree. */
	XGB(XGBoosterCreate(dms, (bst_ulong)n_dms, &b));
	for (int i = 0; i < o->params->n; i++)
		XGB(XGBoosterSetParam(b, o->params->name[i], o->params->value[i]));
	if (n_dms == 2)
		pred = ec_xmalloc(valid->n * sizeof(float));
	int since_best = 0;
	for (int it = 0; it < o->rounds; it++) {
		if ((rc = ec_interrupt_check(err)) < 0)
			goto done;
		XGB(XGBoosterUpdateOneIter(b, it, dms[0]));
		if (it == 0)
			ec_test_pause("round");
		res->rounds_run = it + 1;
		log_eval(b, it, dms, n_dms);
		if (n_dms == 1 || !o->metric) {
			res->best_rounds = it + 1;
			continue;
		}
		if ((rc = predict_dm(b, dms[1], valid->n, pred, err)) < 0)
			goto done;
		double m = o->metric(o->metric_ctx, pred, valid->n);
		if (!isnan(m) && (isnan(res->best_metric) || m > res->best_metric)) {
			res->best_metric = m;
			res->best_rounds = it + 1;
			since_best = 0;
		} else if (isnan(res->best_metric)) {
			res->best_rounds = it + 1; /* nothing to compare yet: keep going */
		} else if (o->early_stop > 0 && ++since_best >= o->early_stop) {
			ec_log_debug("early stop after round %d: best %d (%.6f)", it + 1,
				     res->best_rounds, res->best_metric);
			break;
		}
	}
	if (res->best_rounds < res->rounds_run) {
		int s = XGBoosterSlice(b, 0, res->best_rounds, 1, &best);
		if (s != 0) {
			rc = ec_fail(err, EC_EINTERNAL, "xgboost: slicing to %d rounds: %s",
				     res->best_rounds, XGBGetLastError());
			goto done;
		}
		XGBoosterFree(b);
		b = best;
	}
	struct ec_model *m = ec_xcalloc(1, sizeof(*m));
	m->h = b;
	m->d = train->d;
	b = NULL;
	*out = m;
done:
	free(pred);
	if (b)
		XGBoosterFree(b);
	for (int i = 0; i < 2; i++)
		if (dms[i])
			XGDMatrixFree(dms[i]);
	ec_page_cache_forget(&cache);
	ec_page_cache_forget(&tcache);
	return rc;
}

/* XGBoost refuses an infinite value: such a matrix goes to XGBoost, for
 * its error. */
static int finite_or_nan(const float *x, size_t n)
{
	int inf = 0;
	for (size_t i = 0; i < n; i++)
		inf |= fabsf(x[i]) == INFINITY;
	return !inf;
}

/* Whether the forest agrees with XGBoost's out[] on these rows; it is
 * dropped at the first difference. */
static void forest_check(struct ec_model *m, const float *x, size_t n, uint32_t d, const float *out)
{
	EC_GROW(m->check, m->cap_check, n);
	ec_forest_predict(m->forest, x, n, d, m->check);
	for (size_t i = 0; i < n; i++) {
		if (memcmp(&m->check[i], &out[i], sizeof(float)) != 0) {
			ec_log_debug("model: own tree walk gives %.9g, xgboost %.9g (row %zu): "
				     "predicting with xgboost",
				     m->check[i], out[i], m->checked + i);
			ec_forest_free(m->forest);
			m->forest = NULL;
			break;
		}
	}
	m->checked += n;
	if (m->checked >= FOREST_CHECK_ROWS || !m->forest) {
		free(m->check);
		m->check = NULL;
		m->cap_check = 0;
	}
}

int ec_model_predict(struct ec_model *m, const float *x, size_t n, uint32_t d, float *out,
		     struct ec_err *err)
{
	DMatrixHandle dm = NULL;
	int rc = 0;
	if (m->d && d != m->d)
		return ec_fail(err, EC_EDATA, "the model expects %u features, got %u", m->d, d);
	if (n == 0)
		return 0;
	if (m->forest && m->checked >= FOREST_CHECK_ROWS && finite_or_nan(x, n * d)) {
		ec_forest_predict(m->forest, x, n, d, out);
		return 0;
	}
	setup_log();
	if (ec_coll_active()) /* no DMatrix: see ec_coll_predict() */
		return ec_coll_predict(m->h, x, n, d, out, err);
	struct ec_matrix mx = {.x = x, .n = n, .d = d};
	if ((rc = make_dmatrix(&dm, &mx, NULL, NULL, NULL, err)) < 0)
		return rc;
	rc = predict_dm(m->h, dm, n, out, err);
	XGDMatrixFree(dm);
	if (rc == 0 && m->forest)
		forest_check(m, x, n, d, out);
	return rc;
}

int ec_model_check_forest(struct ec_model *m, struct ec_err *err)
{
	if (!m->forest || m->checked >= FOREST_CHECK_ROWS || !m->d)
		return 0;
	size_t n = FOREST_CHECK_ROWS;
	float *x = ec_xmalloc(n * m->d * sizeof(float)), *out = ec_xmalloc(n * sizeof(float));
	ec_forest_probe_rows(m->forest, x, n, m->d, 1);
	int rc = ec_model_predict(m, x, n, m->d, out, err); /* XGBoost, then the check */
	free(x);
	free(out);
	return rc;
}

int ec_model_predict_matrix(struct ec_model *m, const struct ec_matrix *mx, float *out,
			    struct ec_err *err)
{
	if (mx->x)
		return ec_model_predict(m, mx->x, mx->n, mx->d, out, err);
	size_t batch = mx->n < EC_MODEL_BATCH ? mx->n : EC_MODEL_BATCH;
	float *buf = ec_xmalloc(batch * mx->d * sizeof(float) + sizeof(float));
	int rc = 0;
	for (size_t at = 0; at < mx->n && rc == 0; at += batch) {
		size_t k = mx->n - at < batch ? mx->n - at : batch;
		if ((rc = ec_spill_read(mx->spill, mx->first + at, k, buf, err)) == 0)
			rc = ec_model_predict(m, buf, k, mx->d, out + at, err);
	}
	free(buf);
	return rc;
}

int ec_model_save(struct ec_model *m, char **out, size_t *len, struct ec_err *err)
{
	int rc = 0;
	bst_ulong n;
	const char *p;
	*out = NULL;
	XGB(XGBoosterSaveModelToBuffer(m->h, "{\"format\": \"json\"}", &n, &p));
	*out = ec_xmalloc((size_t)n + 1);
	memcpy(*out, p, (size_t)n);
	(*out)[n] = '\0';
	*len = (size_t)n;
done:
	return rc;
}

int ec_model_load(struct ec_model **out, const void *buf, size_t len, const char *what,
		  struct ec_err *err)
{
	BoosterHandle b = NULL;
	bst_ulong d = 0;
	int rc = 0;
	*out = NULL;
	setup_log();
	if (XGBoosterCreate(NULL, 0, &b) != 0 ||
	    XGBoosterLoadModelFromBuffer(b, buf, (bst_ulong)len) != 0 ||
	    XGBoosterGetNumFeature(b, &d) != 0) {
		rc = ec_fail(err, EC_EINTERNAL, "%s: xgboost cannot load it: %s", what,
			     XGBGetLastError());
		if (b)
			XGBoosterFree(b);
		return rc;
	}
	struct ec_model *m = ec_xcalloc(1, sizeof(*m));
	m->h = b;
	m->d = (uint32_t)d;
	const char *how = getenv("ECOMCTL_PREDICT");
	struct ec_err ferr = {0};
	if (!(how && strcmp(how, "xgboost") == 0) &&
	    ec_forest_new(&m->forest, buf, len, &ferr) == 0 &&
	    ec_forest_n_features(m->forest) != m->d) {
		ec_forest_free(m->forest);
		m->forest = NULL;
	} else if (ferr.msg[0]) {
		ec_log_debug("%s: predicting with xgboost: %s", what, ferr.msg);
	}
	*out = m;
	return 0;
}

int ec_model_walks(const struct ec_model *m)
{
	return m->forest && m->checked >= FOREST_CHECK_ROWS;
}

uint32_t ec_model_n_features(const struct ec_model *m)
{
	return m->d;
}

void ec_model_free(struct ec_model *m)
{
	if (!m)
		return;
	XGBoosterFree(m->h);
	ec_forest_free(m->forest);
	free(m->check);
	free(m);
}
