/* The featurizer: closed sessions in (closing order), featurized sessions out
 * in start order, each with history and priors as of its start.
 *
 * When a session may go out. The sessionizer fills its queue from one event
 * at a time and only when the queue is empty, and after each event every
 * session with closed_at below the watermark W has been queued (session.h).
 * So the sessions queued by one event have closed_at >= W_before, the
 * watermark before that event; every session still open has closed_at >= W;
 * and every session has closed_at <= start + max_session. We keep V = the
 * watermark before the last call to ec_sessionizer_next() that moved it (a
 * call that reads events and moves nothing leaves V a valid, lower bound);
 * or, when the sessionizer yields (yield_on_move: it returns 2, nothing
 * queued, after a move), V = W itself, as every session not returned is
 * then still open. Every session not received yet then has closed_at >= V, hence start >=
 * V - max_session. A received session S can go out once
 *     S.start + max_session < V     (or the input has ended):
 * nothing earlier in start order can still come, and every session with
 * closed_at <= S.start has been received.
 *
 * History. Before S is featurized, every session that has already been
 * featurized and has closed_at <= S.start is folded into the user and prior
 * tables (once; then its record is freed). A session enters the history only
 * after its own features are out, so it never sees itself; of two sessions
 * with the same start, the later one (by id) may see the earlier, never the
 * reverse.
 *
 * Memory: the records of sessions received but not yet out (the last
 * max_session + lateness of sessions, without their events) and of those out
 * but not yet folded, plus the per-user and per-key tables. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/heap.h"
#include "features_int.h"

struct rec {
	char *id;
	uint64_t user_id;
	int64_t start, end, closed_at;
	uint32_t n;
	int purchased, labeled;
	struct fscan si, sc; /* before the intent and the category cutoff */
	uint32_t n_truth;
	uint32_t *truth; /* category keys carted or bought, in order of first sight */
	struct ffold fold;
	uint64_t probe; /* ec_featurizer_probe()'s count, 0 for a closed session */
	/* one allocation with the record: fold.items, truth, then id */
	_Alignas(8) unsigned char tail[];
};

/* Heap entries carry their key, so that sifting reads the heap's own array
 * and not a record per step (cache misses: the heaps hold up to hundreds
 * of thousands of records); the session id breaks ties of start. */
struct hent {
	int64_t key; /* start, or closed_at */
	struct rec *r;
};

/* Ties of start and id are a session and its probes: the probes first, in
 * the order they were made, so that the closed session's row is last. */
static int start_less(const struct hent *a, const struct hent *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	int c = strcmp(a->r->id, b->r->id);
	if (c != 0)
		return c < 0;
	return a->r->probe - 1 < b->r->probe - 1; /* 0 wraps to the largest */
}

static int closed_less(const struct hent *a, const struct hent *b)
{
	return a->key < b->key;
}

EC_HEAP_DEFINE(start_heap, struct hent, start_less)
EC_HEAP_DEFINE(closed_heap, struct hent, closed_less)

struct ec_featurizer {
	struct ec_feature_opts o;
	struct ec_sessionizer *z;
	int64_t max_session;
	struct fstate st;
	struct fscratch x;
	uint32_t *kid;
	size_t cap_kid;
	struct start_heap by_start;
	struct closed_heap by_closed;
	struct rec *cur; /* returned last; borrowed by the caller */
	int64_t v;	 /* V above */
	int ended;
	uint64_t n_probes;

	float *ix;
	struct fcand *cand;
	const char **cand_str, **truth_str;
	float *cx;
	uint8_t *cl;
	size_t cap_truth;
	struct ec_featurizer_stats stats;
};

static void rec_free(struct rec *r)
{
	if (!r)
		return;
	fscan_release(&r->si);
	fscan_release(&r->sc);
	free(r);
}

int ec_featurizer_new(struct ec_featurizer **out, const struct ec_feature_opts *o,
		      struct ec_sessionizer *z, struct ec_err *err)
{
	*out = NULL;
	if (o->category_level < 0 || o->category_level > 100)
		return ec_fail(err, EC_EUSAGE, "--category-level: expected 0 to 100, got %lld",
			       (long long)o->category_level);
	if (!(o->prior_weight >= 0) || !isfinite(o->prior_weight))
		return ec_fail(err, EC_EUSAGE, "--prior-weight: expected a number >= 0, got %g",
			       o->prior_weight);
	if (o->max_candidates < 1 || o->max_candidates > 1000)
		return ec_fail(err, EC_EUSAGE, "--max-candidates: expected 1 to 1000, got %u",
			       o->max_candidates);
	struct ec_featurizer *f = ec_xcalloc(1, sizeof(*f));
	f->o = *o;
	f->z = z;
	f->max_session = ec_sessionizer_opts(z)->max_session;
	f->v = INT64_MIN;
	fstate_init(&f->st, z, (int)o->category_level,
		    o->max_candidates > 20 ? o->max_candidates : 20);
	f->st.part = o->part;
	uint32_t m = o->max_candidates, nc = ec_features_count(EC_TASK_CATEGORY);
	f->ix = ec_xcalloc(ec_features_count(EC_TASK_INTENT), sizeof(*f->ix));
	f->cand = ec_xcalloc(m, sizeof(*f->cand));
	f->cand_str = ec_xcalloc(m, sizeof(*f->cand_str));
	f->cx = ec_xcalloc((size_t)m * nc, sizeof(*f->cx));
	f->cl = ec_xcalloc(m, sizeof(*f->cl));
	*out = f;
	return 0;
}

void ec_featurizer_free(struct ec_featurizer *f)
{
	if (!f)
		return;
	rec_free(f->cur);
	for (size_t i = 0; i < f->by_start.n; i++)
		rec_free(f->by_start.a[i].r);
	for (size_t i = 0; i < f->by_closed.n; i++)
		rec_free(f->by_closed.a[i].r);
	start_heap_release(&f->by_start);
	closed_heap_release(&f->by_closed);
	fstate_release(&f->st);
	fscratch_release(&f->x);
	free(f->kid);
	free(f->ix);
	free(f->cand);
	free(f->cand_str);
	free(f->truth_str);
	free(f->cx);
	free(f->cl);
	free(f);
}

const struct ec_featurizer_stats *ec_featurizer_stats(const struct ec_featurizer *f)
{
	return &f->stats;
}

/* A closed session becomes a record: its summaries, its events dropped. */
static void receive(struct ec_featurizer *f, const struct ec_session *s, uint64_t probe)
{
	int64_t first_buy = INT64_MIN, first_cart = INT64_MIN;
	uint32_t n_truth = 0, *truth;
	struct ffold fold = {0};

	/* f->kid: the events' keys, then the truth (at most n + 1 more) */
	EC_GROW(f->kid, f->cap_kid, 2 * (size_t)s->n + 1);
	truth = f->kid + s->n;
	for (uint32_t i = 0; i < s->n; i++) {
		const struct ec_sev *e = &s->ev[i];
		f->kid[i] = fstate_key(&f->st, e->code, e->category_id);
		if (e->type != EC_EV_CART && e->type != EC_EV_PURCHASE)
			continue;
		if (first_cart == INT64_MIN)
			first_cart = e->time;
		if (e->type == EC_EV_PURCHASE && first_buy == INT64_MIN)
			first_buy = e->time;
		uint32_t j = 0;
		while (j < n_truth && truth[j] != f->kid[i])
			j++;
		if (j == n_truth)
			truth[n_truth++] = f->kid[i];
	}
	if (!probe)
		ffold_build(&fold, s, f->kid, &f->x);
	size_t b_items = fold.n_items * sizeof(*fold.items), b_truth = n_truth * sizeof(*truth);
	size_t b_id = strlen(s->id) + 1;
	struct rec *r = ec_xmalloc(sizeof(*r) + b_items + b_truth + b_id);
	memset(r, 0, sizeof(*r));
	r->fold = fold;
	r->fold.items = (struct fitem *)(void *)r->tail;
	if (b_items) /* a probe has no fold (items NULL) */
		memcpy(r->fold.items, fold.items, b_items);
	r->truth = (uint32_t *)(void *)(r->tail + b_items);
	memcpy(r->truth, truth, b_truth);
	r->n_truth = n_truth;
	r->id = (char *)r->tail + b_items + b_truth;
	memcpy(r->id, s->id, b_id);
	r->user_id = s->user_id;
	r->start = s->start;
	r->end = s->end;
	r->closed_at = s->closed_at;
	r->n = s->n;
	r->purchased = first_buy != INT64_MIN;
	r->labeled = first_cart != INT64_MIN;
	fscan_build(&r->si, s, f->kid, r->purchased ? first_buy : s->end + 1, &f->x);
	fscan_build(&r->sc, s, f->kid, r->labeled ? first_cart : s->end + 1, &f->x);
	r->probe = probe;
	start_heap_push(&f->by_start, (struct hent){r->start, r});
}

void ec_featurizer_probe(struct ec_featurizer *f, const struct ec_session *s)
{
	receive(f, s, ++f->n_probes);
}

static int has_cand(const struct ec_featurizer *f, uint32_t n, uint32_t key)
{
	for (uint32_t i = 0; i < n; i++)
		if (f->cand[i].key == key)
			return 1;
	return 0;
}

/* Co-carting is read from the most viewed keys only, and from the start
 * of their lists: the rest adds little and would cost per session. */
#define CO_VIEWED 5
#define CO_DEPTH 32

static uint32_t add_cand(struct ec_featurizer *f, uint32_t n, uint32_t key, uint8_t source)
{
	if (n >= f->o.max_candidates || has_cand(f, n, key))
		return n;
	f->cand[n] = (struct fcand){.key = key, .source = source};
	return n + 1;
}

/* The co-carting strength of each candidate: with r(a) the share of the
 * earlier sessions viewing key a that carted it, co_max is the largest
 * r(a) over the most viewed keys a, co_mix their mean weighted by views. */
static uint64_t key_bit(uint32_t key)
{
	return 1ULL << ((key * 0x9e3779b9u) >> 26);
}

static void cocart_strength(struct ec_featurizer *f, const struct fscan *s, uint32_t n)
{
	uint32_t nv = s->n_viewed < CO_VIEWED ? s->n_viewed : CO_VIEWED;
	uint64_t keys = 0; /* a bit for each candidate's key: most co-carted keys are none */
	for (uint32_t i = 0; i < n; i++)
		keys |= key_bit(f->cand[i].key);
	for (uint32_t a = 0; a < nv; a++) {
		const struct cocart *co = fstate_cocart(&f->st, s->viewed[a].key);
		double sv = fstate_cat(&f->st, s->viewed[a].key)->s_viewed;
		double w = (double)s->viewed[a].views / s->by_type[EC_EV_VIEW];
		for (uint32_t j = 0; j < co->n && j < CO_DEPTH && sv > 0; j++)
			for (uint32_t i = 0; i < n && (keys & key_bit(co->v[j].key)); i++)
				if (f->cand[i].key == co->v[j].key) {
					double r = co->v[j].sessions / sv;
					if (r > f->cand[i].co_max)
						f->cand[i].co_max = r;
					f->cand[i].co_mix += w * r;
				}
	}
}

/* The candidates of r: the viewed keys, up to three keys removed from the
 * cart before the cutoff (most removed first), the two most carted keys, up to
 * four keys co-carted with the most viewed ones (by rank, then viewed key),
 * up to three of the user's past categories (carted or bought first, then
 * viewed), then the most carted keys; distinct, at most max_candidates. */
static uint32_t candidates(struct ec_featurizer *f, const struct rec *r, const struct fuser *u)
{
	uint32_t n = 0, m = f->o.max_candidates, q;
	uint32_t nv = r->sc.n_viewed < CO_VIEWED ? r->sc.n_viewed : CO_VIEWED;
	for (uint32_t i = 0; i < r->sc.n_viewed && n < m; i++)
		f->cand[n++] = (struct fcand){.key = r->sc.viewed[i].key,
					      .source = CAND_VIEWED,
					      .rank = i + 1,
					      .v = &r->sc.viewed[i]};
	for (uint32_t i = 0; i < r->sc.n_removed && i < 3; i++)
		n = add_cand(f, n, r->sc.removed[i].key, CAND_REMOVED);
	for (uint32_t i = 0; i < f->st.n_top && i < 2; i++)
		n = add_cand(f, n, f->st.top[i], CAND_POPULAR);
	q = n + 4;
	for (uint32_t j = 0; j < CO_DEPTH && n < q && n < m; j++)
		for (uint32_t a = 0; a < nv && n < q; a++) {
			const struct cocart *co = fstate_cocart(&f->st, r->sc.viewed[a].key);
			if (j < co->n)
				n = add_cand(f, n, co->v[j].key, CAND_COCART);
		}
	q = n + 3;
	for (uint32_t i = 0; u && i < u->n_cats && n < q; i++)
		n = add_cand(f, n, u->cats[i].key, CAND_USER);
	for (uint32_t i = 0; i < f->st.n_top && n < m; i++)
		n = add_cand(f, n, f->st.top[i], CAND_POPULAR);
	cocart_strength(f, &r->sc, n);
	for (uint32_t i = 0; i < n; i++) {
		struct fcand *c = &f->cand[i];
		for (uint32_t j = 0; j < r->sc.n_removed; j++)
			if (r->sc.removed[j].key == c->key)
				c->rm = &r->sc.removed[j];
		for (uint32_t j = 0; u && j < u->n_cats; j++)
			if (u->cats[j].key == c->key)
				c->uc = &u->cats[j];
		c->user_top = u && u->n_cats && u->cats[0].key == c->key &&
			      u->cats[0].carts + u->cats[0].purchases > 0;
		c->sources =
		    (uint8_t)((c->v ? 1u << CAND_VIEWED : 0) | (c->uc ? 1u << CAND_USER : 0) |
			      (fstate_top_rank(&f->st, c->key) ? 1u << CAND_POPULAR : 0) |
			      (c->co_max > 0 ? 1u << CAND_COCART : 0) |
			      (c->rm ? 1u << CAND_REMOVED : 0));
	}
	return n;
}

static void featurize(struct ec_featurizer *f, struct rec *r, struct ec_fsession *out)
{
	while (f->by_closed.n && f->by_closed.a[0].key <= r->start) {
		struct rec *h = f->by_closed.a[0].r;
		closed_heap_pop(&f->by_closed);
		fstate_fold(&f->st, &h->fold);
		rec_free(h);
	}
	const struct fuser *u = fstate_user(&f->st, r->user_id);
	struct ec_fctx c = {.o = &f->o, .st = &f->st, .u = u, .start = r->start};

	memset(out, 0, sizeof(*out));
	out->session_id = r->id;
	out->user_id = r->user_id;
	out->start = r->start;
	out->end = r->end;
	out->events = r->n;
	out->purchased = r->purchased;
	out->probe = r->probe != 0;
	out->intent_cutoff = r->si.cutoff;
	out->intent_x = f->ix;
	f->stats.sessions += !r->probe;
	f->stats.probes += r->probe != 0;
	if ((out->intent_ok = r->si.n > 0)) {
		const struct ec_feature_def *d = ec_features(EC_TASK_INTENT);
		c.s = &r->si;
		for (uint32_t i = 0; i < ec_features_count(EC_TASK_INTENT); i++)
			f->ix[i] = (float)d[i].compute(&c);
		f->stats.intent_rows++;
	} else {
		f->stats.intent_skipped++;
	}

	out->category_cutoff = r->sc.cutoff;
	out->category_labeled = r->labeled;
	EC_GROW(f->truth_str, f->cap_truth, r->n_truth);
	for (uint32_t i = 0; i < r->n_truth; i++)
		f->truth_str[i] = fstate_key_str(&f->st, r->truth[i]);
	out->n_truth = r->n_truth;
	out->truth = f->truth_str;
	out->cand = f->cand_str;
	out->cand_x = f->cx;
	out->cand_label = f->cl;
	if (!(out->category_ok = r->sc.n > 0)) {
		f->stats.category_skipped++;
		return;
	}
	f->stats.category_sessions++;
	uint32_t n = candidates(f, r, u), nf = ec_features_count(EC_TASK_CATEGORY);
	const struct ec_feature_def *d = ec_features(EC_TASK_CATEGORY);
	c.s = &r->sc;
	for (uint32_t k = 0; k < n; k++) {
		c.c = &f->cand[k];
		for (uint32_t i = 0; i < nf; i++)
			f->cx[(size_t)k * nf + i] = (float)d[i].compute(&c);
		f->cand_str[k] = fstate_key_str(&f->st, f->cand[k].key);
		f->cl[k] = 0;
		for (uint32_t j = 0; j < r->n_truth; j++)
			f->cl[k] |= r->truth[j] == f->cand[k].key;
	}
	out->n_cand = n;
	f->stats.category_rows += n;
}

int ec_featurizer_next(struct ec_featurizer *f, struct ec_fsession *out, struct ec_err *err)
{
	struct ec_session s;
	int rc;

	for (;;) {
		if (f->cur && f->cur->probe) {
			rec_free(f->cur); /* never in the history */
			f->cur = NULL;
		}
		if (f->cur) {
			/* Out: keep what the history needs until it is folded. */
			fscan_release(&f->cur->si);
			fscan_release(&f->cur->sc);
			closed_heap_push(&f->by_closed, (struct hent){f->cur->closed_at, f->cur});
			f->cur = NULL;
		}
		if (f->by_start.n && (f->ended || f->by_start.a[0].key + f->max_session < f->v)) {
			f->cur = f->by_start.a[0].r;
			start_heap_pop(&f->by_start);
			if (!ec_partition_has(&f->o.part, f->cur->user_id))
				continue; /* another partition's row: only its fold counts */
			featurize(f, f->cur, out);
			return 1;
		}
		if (f->ended)
			return 0;
		int64_t before = ec_sessionizer_watermark(f->z);
		if ((rc = ec_sessionizer_next(f->z, &s, err)) < 0)
			return rc;
		if (rc == 2) { /* nothing queued: every session to come closes at >= W */
			f->v = ec_sessionizer_watermark(f->z);
			continue;
		}
		if (ec_sessionizer_watermark(f->z) != before)
			f->v = before;
		if (rc == 0)
			f->ended = 1;
		else
			receive(f, &s, 0);
	}
}
