/* Featurized sessions -> prediction rows, in batches. See scorer.h. */
#include "ecomctl/scorer.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/drift.h"
#include "ecomctl/features.h"
#include "ecomctl/learn.h"
#include "ecomctl/model.h"
#include "ecomctl/registry.h"
#include "ecomctl/schema.h"
#include "ecomctl/sink.h"

/* Sessions are scored in batches: one prediction call per task per batch.
 * Two batches take turns: while a scoring thread predicts and writes one,
 * the caller's thread featurizes sessions into the other. */
#define BATCH 4096

struct pending {
	size_t id_off, truth_off; /* into the batch's text */
	uint64_t user_id;
	int64_t start, end;
	uint32_t events;
	int intent_ok, purchased;
	size_t cand_row, n_cand; /* rows of the batch's candidate matrix */
	size_t cand_key;	 /* offsets of the keys in cand_off */
};

struct batch {
	struct pending *s;
	size_t n;
	char *text; /* ids, truth lists, candidate keys, NUL-separated */
	size_t len, cap_text;
	float *ix; /* intent rows, one per session with intent_ok */
	size_t n_ix, cap_ix;
	float *cx; /* candidate rows */
	size_t n_cx, cap_cx;
	size_t *cand_off; /* text offsets of candidate keys, one per row */
	size_t cap_cand_off;
	float *ip, *cp; /* predictions */
	size_t cap_ip, cap_cp;
};

struct ec_scorer {
	const struct ec_loaded_model *m;
	const char *run_id;
	struct ec_sink *rows;
	struct batch b[2];
	int fill; /* the batch being filled; the other may be scored */
	struct ec_score_tally t;
	struct ec_drift *drift; /* or NULL */

	/* The scoring thread: it owns b[!fill] while busy, and alone touches
	 * the models, the sink, the tally and the drift after the start. */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int started, no_thread, busy, stop;
	int rc; /* the first failure of a scored batch, kept */
	struct ec_err err;
};

static size_t put_text(struct batch *b, const char *s, size_t n)
{
	size_t off = b->len;
	EC_GROW(b->text, b->cap_text, b->len + n + 1);
	memcpy(b->text + b->len, s, n);
	b->text[b->len + n] = '\0';
	b->len += n + 1;
	return off;
}

static void add_session(struct batch *b, const struct ec_fsession *s, int use_intent, int use_cat)
{
	uint32_t di = ec_features_count(EC_TASK_INTENT), dc = ec_features_count(EC_TASK_CATEGORY);
	struct pending *p = &b->s[b->n++];
	memset(p, 0, sizeof(*p));
	p->id_off = put_text(b, s->session_id, strlen(s->session_id));
	p->user_id = s->user_id;
	p->start = s->start;
	p->end = s->end;
	p->events = s->events;
	p->purchased = s->purchased;
	p->intent_ok = use_intent && s->intent_ok;
	if (p->intent_ok) {
		EC_GROW(b->ix, b->cap_ix, (b->n_ix + 1) * di);
		memcpy(b->ix + b->n_ix * di, s->intent_x, di * sizeof(float));
		b->n_ix++;
	}
	/* actual_categories: "a|b|c" */
	size_t t0 = b->len;
	for (uint32_t i = 0; i < s->n_truth; i++) {
		put_text(b, s->truth[i], strlen(s->truth[i]));
		b->text[b->len - 1] = '|';
	}
	if (b->len > t0)
		b->text[b->len - 1] = '\0';
	else
		put_text(b, "", 0);
	p->truth_off = t0;
	p->cand_row = b->n_cx;
	if (use_cat && s->category_ok && s->n_cand) {
		p->n_cand = s->n_cand;
		EC_GROW(b->cx, b->cap_cx, (b->n_cx + s->n_cand) * dc);
		EC_GROW(b->cand_off, b->cap_cand_off, b->n_cx + s->n_cand);
		memcpy(b->cx + b->n_cx * dc, s->cand_x, (size_t)s->n_cand * dc * sizeof(float));
		for (uint32_t i = 0; i < s->n_cand; i++)
			b->cand_off[b->n_cx + i] = put_text(b, s->cand[i], strlen(s->cand[i]));
		b->n_cx += s->n_cand;
	}
}

/* Whether key is one of the '|'-separated keys of list. */
static int in_list(const char *list, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, '|');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && memcmp(p, key, n) == 0)
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* The row of the predictions schema (schema.c) of session k, in column
 * order; idx: its candidates, best first. */
static void row_of(struct ec_value *v, const struct ec_scorer *sc, const struct batch *b,
		   const struct pending *p, double prob, const uint32_t *idx, uint32_t n)
{
	const struct ec_loaded_model *m = sc->m;
	const char *id = b->text + p->id_off, *truth = b->text + p->truth_off;
	int k = 0;
	v[k++] = ec_val_str(id, strlen(id));
	v[k++] = ec_val_u64(p->user_id);
	v[k++] = ec_val_i64(p->start);
	v[k++] = ec_val_i64(p->end);
	v[k++] = ec_val_u64(p->events);
	v[k++] = p->intent_ok ? ec_val_num(prob) : ec_val_null();
	v[k++] = p->intent_ok ? ec_val_i64(prob >= m[0].threshold) : ec_val_null();
	for (uint32_t j = 0; j < 3; j++) {
		if (j >= n) {
			v[k++] = ec_val_null();
			v[k++] = ec_val_null();
			continue;
		}
		const char *key = b->text + b->cand_off[p->cand_row + idx[j]];
		v[k++] = ec_val_str(key, strlen(key));
		v[k++] = ec_val_num(b->cp[p->cand_row + idx[j]]);
	}
	v[k++] = ec_val_i64(p->purchased);
	v[k++] = ec_val_str(truth, strlen(truth));
	v[k++] = m[0].model ? ec_val_str(m[0].ref, strlen(m[0].ref)) : ec_val_null();
	v[k++] = m[1].model ? ec_val_str(m[1].ref, strlen(m[1].ref)) : ec_val_null();
	v[k++] = ec_val_str(sc->run_id, strlen(sc->run_id));
}

/* Predicts batch b and hands its rows to the sink. */
static int score_batch(struct ec_scorer *sc, struct batch *b, struct ec_err *err)
{
	uint32_t di = ec_features_count(EC_TASK_INTENT), dc = ec_features_count(EC_TASK_CATEGORY);
	const struct ec_loaded_model *m = sc->m;
	struct ec_score_tally *t = &sc->t;
	struct ec_value v[EC_PREDICTIONS_COLS];
	int rc;
	EC_GROW(b->ip, b->cap_ip, b->n_ix + 1);
	EC_GROW(b->cp, b->cap_cp, b->n_cx + 1);
	if (m[0].model && (rc = ec_model_predict(m[0].model, b->ix, b->n_ix, di, b->ip, err)) < 0)
		return rc;
	if (m[1].model && (rc = ec_model_predict(m[1].model, b->cx, b->n_cx, dc, b->cp, err)) < 0)
		return rc;
	size_t ii = 0;
	for (size_t k = 0; k < b->n; k++) {
		const struct pending *p = &b->s[k];
		const char *truth = b->text + p->truth_off;
		double prob = p->intent_ok ? b->ip[ii++] : NAN;
		uint32_t idx[1024], n = (uint32_t)(p->n_cand < 1024 ? p->n_cand : 1024);
		ec_rank_order(b->cp + p->cand_row, n, idx);
		int hit = 0;
		for (uint32_t j = 0; j < 3 && j < n; j++)
			hit |= in_list(truth, b->text + b->cand_off[p->cand_row + idx[j]]);
		t->sessions++;
		t->purchased += p->purchased;
		if (p->intent_ok) {
			t->with_p++;
			t->decided += prob >= m[0].threshold;
		}
		if (sc->drift && p->intent_ok) {
			ec_drift_add_features(sc->drift, EC_TASK_INTENT, b->ix + (ii - 1) * di);
			ec_drift_add_score(sc->drift, EC_TASK_INTENT, prob);
		}
		if (sc->drift && n > 0) {
			for (size_t r = 0; r < p->n_cand; r++)
				ec_drift_add_features(sc->drift, EC_TASK_CATEGORY,
						      b->cx + (p->cand_row + r) * dc);
			ec_drift_add_score(sc->drift, EC_TASK_CATEGORY,
					   b->cp[p->cand_row + idx[0]]);
		}
		t->with_categories += n > 0;
		if (n > 0 && *truth) {
			t->cat_sessions++;
			t->cat_hit3 += hit;
		}
		row_of(v, sc, b, p, prob, idx, n);
		ec_sink_row(sc->rows, v, NULL);
	}
	b->n = b->n_ix = b->n_cx = b->len = 0;
	return 0;
}

static void *score_thread(void *arg)
{
	struct ec_scorer *sc = arg;
	pthread_mutex_lock(&sc->mu);
	for (;;) {
		while (!sc->busy && !sc->stop)
			pthread_cond_wait(&sc->cv, &sc->mu);
		if (!sc->busy)
			break;
		struct batch *b = &sc->b[!sc->fill];
		pthread_mutex_unlock(&sc->mu);
		struct ec_err err = {0};
		int rc = sc->rc < 0 ? 0 : score_batch(sc, b, &err);
		pthread_mutex_lock(&sc->mu);
		if (rc < 0) {
			sc->rc = rc;
			sc->err = err;
		}
		sc->busy = 0;
		pthread_cond_broadcast(&sc->cv);
	}
	pthread_mutex_unlock(&sc->mu);
	return NULL;
}

/* Waits until the scoring thread is idle; its first failure, if any. */
static int wait_idle(struct ec_scorer *sc, struct ec_err *err)
{
	if (sc->started) {
		pthread_mutex_lock(&sc->mu);
		while (sc->busy)
			pthread_cond_wait(&sc->cv, &sc->mu);
		pthread_mutex_unlock(&sc->mu);
	}
	if (sc->rc < 0)
		*err = sc->err;
	return sc->rc;
}

/* Whether every model predicts without XGBoost (model.h: XGBoost stays in
 * the caller's thread). */
static int all_walk(const struct ec_scorer *sc)
{
	for (int i = 0; i < 2; i++)
		if (sc->m[i].model && !ec_model_walks(sc->m[i].model))
			return 0;
	return 1;
}

/* Hands the filled batch to the scoring thread (or scores it here while
 * XGBoost predicts, or when there is no thread) and starts filling the
 * other. The thread starts with the first batch it may take. */
static int hand_off(struct ec_scorer *sc, struct ec_err *err)
{
	int rc;
	if ((rc = wait_idle(sc, err)) < 0)
		return rc;
	if (!sc->started && !sc->no_thread && all_walk(sc)) {
		sc->started = pthread_create(&sc->thread, NULL, score_thread, sc) == 0;
		sc->no_thread = !sc->started;
	}
	if (!sc->started) {
		if ((rc = score_batch(sc, &sc->b[sc->fill], &sc->err)) < 0) {
			sc->rc = rc;
			*err = sc->err;
		}
		return rc;
	}
	pthread_mutex_lock(&sc->mu);
	sc->fill = !sc->fill;
	sc->busy = 1;
	pthread_cond_broadcast(&sc->cv);
	pthread_mutex_unlock(&sc->mu);
	return 0;
}

int ec_scorer_flush(struct ec_scorer *sc, struct ec_err *err)
{
	int rc = sc->b[sc->fill].n ? hand_off(sc, err) : 0;
	return rc < 0 ? rc : wait_idle(sc, err);
}

static void batch_release(struct batch *b)
{
	free(b->s);
	free(b->text);
	free(b->ix);
	free(b->cx);
	free(b->cand_off);
	free(b->ip);
	free(b->cp);
}

void ec_scorer_new(struct ec_scorer **out, const struct ec_loaded_model *m, const char *run_id,
		   struct ec_sink *rows)
{
	struct ec_scorer *sc = ec_xcalloc(1, sizeof(*sc));
	sc->m = m;
	sc->run_id = run_id;
	sc->rows = rows;
	for (int i = 0; i < 2; i++)
		sc->b[i].s = ec_xmalloc(BATCH * sizeof(*sc->b[i].s));
	pthread_mutex_init(&sc->mu, NULL);
	pthread_cond_init(&sc->cv, NULL);
	*out = sc;
}

int ec_scorer_add(struct ec_scorer *sc, const struct ec_fsession *s, struct ec_err *err)
{
	struct batch *b = &sc->b[sc->fill];
	add_session(b, s, sc->m[0].model != NULL, sc->m[1].model != NULL);
	return b->n == BATCH ? hand_off(sc, err) : 0;
}

void ec_scorer_no_thread(struct ec_scorer *sc)
{
	sc->no_thread = 1;
}

void ec_scorer_drift(struct ec_scorer *sc, struct ec_drift *dr)
{
	sc->drift = dr;
}

const struct ec_score_tally *ec_scorer_tally(const struct ec_scorer *sc)
{
	return &sc->t;
}

void ec_scorer_free(struct ec_scorer *sc)
{
	if (!sc)
		return;
	if (sc->started) {
		pthread_mutex_lock(&sc->mu);
		sc->stop = 1;
		pthread_cond_broadcast(&sc->cv);
		pthread_mutex_unlock(&sc->mu);
		pthread_join(sc->thread, NULL);
	}
	pthread_mutex_destroy(&sc->mu);
	pthread_cond_destroy(&sc->cv);
	batch_release(&sc->b[0]);
	batch_release(&sc->b[1]);
	free(sc);
}
