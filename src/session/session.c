#include "ecomctl/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/hash.h"
#include "ecomctl/heap.h"
#include "session_int.h"

const char *const ec_session_key_names[] = {"session", "gap", NULL};

void ec_session_opts_init(struct ec_session_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->key = EC_KEY_SESSION;
	o->gap = 1800;
	o->max_session = 86400;
	o->lateness = 600;
	o->show_late = 5;
	o->max_late_fraction = 0.01;
}

int ec_sessionizer_new(struct ec_sessionizer **out, const struct ec_session_opts *opts,
		       ec_event_source src, void *ctx,
		       const char *(*names)(void *ctx, uint32_t file), struct ec_err *err)
{
	*out = NULL;
	if (opts->gap < 0 || opts->max_session <= 0 || opts->lateness < 0)
		return ec_fail(err, EC_EUSAGE,
			       "--gap and --lateness must be >= 0, --max-session > 0");
	if (!(opts->max_late_fraction >= 0 && opts->max_late_fraction <= 1))
		return ec_fail(err, EC_EUSAGE, "--max-late-fraction must be in [0, 1], got %g",
			       opts->max_late_fraction);
	struct ec_sessionizer *z = ec_xcalloc(1, sizeof(*z));
	z->o = *opts;
	z->src = src;
	z->ctx = ctx;
	z->names = names;
	z->max_seen = INT64_MIN;
	z->w = INT64_MIN;
	sr_init(&z->recent);
	se_init(&z->events);
	ec_strtab_init(&z->codes);
	ec_strtab_init(&z->brands);
	ec_strmap_init(&z->code_map);
	ec_strmap_init(&z->brand_map);
	ec_strtab_intern(&z->codes, "", 0, NULL);
	ec_strtab_intern(&z->brands, "", 0, NULL);
	*out = z;
	return 0;
}

void ec_sessionizer_free(struct ec_sessionizer *z)
{
	if (!z)
		return;
	for (size_t i = 0; i < z->n_keys; i++)
		free(z->keys[i].ev);
	for (size_t i = 0; i < z->q_cap; i++)
		free(z->q[i].ev);
	free(z->snap.ev);
	free(z->keys);
	free(z->free_keys);
	free(z->slots);
	due_release(&z->due);
	free(z->q);
	sr_release(&z->recent);
	se_release(&z->events);
	ec_strtab_release(&z->codes);
	ec_strtab_release(&z->brands);
	ec_strmap_release(&z->code_map);
	ec_strmap_release(&z->brand_map);
	free(z);
}

/* ---- the open-key table (linear probing, backward-shift deletion) -------- */

/* A key's hash from its user and its session's hash (0 by gap). */
static uint64_t key_hash(uint64_t user, int by_gap, uint64_t session_hash)
{
	return ec_mix64(session_hash ^ ec_mix64(user * 2 + (uint64_t)by_gap + 0x51ed27));
}

static void table_grow(struct ec_sessionizer *z)
{
	size_t cap = z->cap_slots ? z->cap_slots * 2 : 1024;
	uint32_t *slots = ec_xcalloc(cap, sizeof(*slots));
	for (size_t i = 0; i < z->cap_slots; i++) {
		uint32_t k = z->slots[i];
		if (!k)
			continue;
		size_t j = z->keys[k - 1].hash & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = k;
	}
	free(z->slots);
	z->slots = slots;
	z->cap_slots = cap;
}

static struct okey *key_find(struct ec_sessionizer *z, uint64_t h, uint64_t user, int by_gap,
			     const char *s, size_t n, size_t *slot)
{
	size_t j = h & (z->cap_slots - 1);
	for (; z->slots[j]; j = (j + 1) & (z->cap_slots - 1)) {
		struct okey *k = &z->keys[z->slots[j] - 1];
		if (k->hash == h && k->user_id == user && k->by_gap == by_gap && k->sess_len == n &&
		    memcmp(k->sess, s, n) == 0)
			return k;
	}
	*slot = j;
	return NULL;
}

static void table_remove(struct ec_sessionizer *z, uint32_t idx)
{
	size_t mask = z->cap_slots - 1;
	size_t i = z->keys[idx].hash & mask;
	while (z->slots[i] != idx + 1)
		i = (i + 1) & mask;
	/* Backward shift: move later entries of the run into the hole. */
	size_t j = i;
	for (;;) {
		j = (j + 1) & mask;
		if (!z->slots[j])
			break;
		size_t home = z->keys[z->slots[j] - 1].hash & mask;
		/* The entry at j may move to i if its home is not in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			z->slots[i] = z->slots[j];
			i = j;
		}
	}
	z->slots[i] = 0;
	z->n_open--;
}

static void schedule(struct ec_sessionizer *z, uint32_t idx, int64_t deadline)
{
	struct okey *k = &z->keys[idx];
	if (deadline < k->deadline) {
		k->deadline = deadline;
		due_push(&z->due, (struct heap_ent){deadline, idx});
	}
}

/* ---- segmentation ------------------------------------------------------- */

static int64_t day_of(int64_t t)
{
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

int sz_boundary(const struct ec_sessionizer *z, int64_t start, int64_t prev, int64_t t,
		uint8_t *why)
{
	if (t - prev > z->o.gap)
		return *why = EC_CUT_IDLE, 1;
	if (t - start > z->o.max_session)
		return *why = EC_CUT_MAX, 1;
	if (z->o.split_at_midnight && day_of(t) != day_of(start))
		return *why = EC_CUT_MIDNIGHT, 1;
	return 0;
}

/* The watermark value past which a segment [a, b) of k can no longer change
 * (it is final once W > this), and why it would end. */
static int64_t final_after(const struct ec_sessionizer *z, const struct okey *k, uint32_t a,
			   uint32_t b, uint8_t *why)
{
	int64_t x = k->ev[b - 1].time + z->o.gap;
	*why = EC_CUT_IDLE;
	if (b < k->n && k->ev[b].time < x) {
		x = k->ev[b].time;
		sz_boundary(z, k->ev[a].time, k->ev[b - 1].time, k->ev[b].time, why);
	}
	if (k->ev[a].time + z->o.max_session < x) {
		x = k->ev[a].time + z->o.max_session;
		*why = EC_CUT_MAX;
	}
	if (z->o.split_at_midnight && (day_of(k->ev[a].time) + 1) * 86400 - 1 < x) {
		x = (day_of(k->ev[a].time) + 1) * 86400 - 1;
		*why = EC_CUT_MIDNIGHT;
	}
	return x;
}

static struct ready *ready_push(struct ec_sessionizer *z)
{
	if (z->q_len == z->q_cap) {
		size_t cap = z->q_cap ? z->q_cap * 2 : 64;
		struct ready *q = ec_xcalloc(cap, sizeof(*q));
		for (size_t i = 0; i < z->q_len; i++)
			q[i] = z->q[(z->q_head + i) % z->q_cap];
		free(z->q);
		z->q = q;
		z->q_head = 0;
		z->q_cap = cap;
	}
	return &z->q[(z->q_head + z->q_len++) % z->q_cap];
}

static void emit(struct ec_sessionizer *z, struct okey *k, uint32_t a, uint32_t b, uint8_t why,
		 int64_t closed_at)
{
	struct ready *r = ready_push(z);
	uint32_t n = b - a;
	if (r->cap < n) {
		r->cap = n < 16 ? 16 : n;
		r->ev = ec_xrealloc(r->ev, r->cap * sizeof(*r->ev));
	}
	memcpy(r->ev, k->ev + a, n * sizeof(*r->ev));
	k->parts++;
	if (k->by_gap)
		snprintf(r->id, sizeof(r->id), "%llu-%lld", (unsigned long long)k->user_id,
			 (long long)k->ev[a].time);
	else if (k->parts == 1) {
		memcpy(r->id, k->sess, k->sess_len); /* sess_len <= EC_SESSION_MAX */
		r->id[k->sess_len] = '\0';
	} else
		snprintf(r->id, sizeof(r->id), "%.*s/%u", (int)k->sess_len, k->sess, k->parts);
	r->s = (struct ec_session){
	    .id = r->id,
	    .user_id = k->user_id,
	    .start = k->ev[a].time,
	    .end = k->ev[b - 1].time,
	    .closed_at = closed_at,
	    .ev = r->ev,
	    .n = n,
	    .part = k->parts,
	    .cut = z->ended && b == k->n ? EC_CUT_END : why,
	    .by_gap = k->by_gap,
	};
	z->st.sessions++;
	z->st.events_out += n;
	z->st.by_cut[r->s.cut]++;
	if (k->parts > 1)
		z->st.split++;
}

/* Emits the sessions of key idx that the watermark made final (they form a
 * prefix of its events), then frees the key or schedules its next check. */
static void check_key(struct ec_sessionizer *z, uint32_t idx)
{
	struct okey *k = &z->keys[idx];
	uint32_t a = 0, b;
	uint8_t why, bwhy;
	int64_t next = INT64_MAX;

	k->deadline = INT64_MAX;
	while (a < k->n) {
		for (b = a + 1; b < k->n; b++)
			if (sz_boundary(z, k->ev[a].time, k->ev[b - 1].time, k->ev[b].time, &bwhy))
				break;
		int64_t x = final_after(z, k, a, b, &why);
		if (!(x < z->w)) {
			next = x;
			break;
		}
		emit(z, k, a, b, why, x);
		a = b;
	}
	if (a > 0) {
		memmove(k->ev, k->ev + a, (k->n - a) * sizeof(*k->ev));
		k->n -= a;
	}
	if (k->n > 0) {
		schedule(z, idx, next);
		return;
	}
	/* Quiet: remember how many sessions its id has had for as long as an
	 * event of it could come, then let it go. */
	if (!k->by_gap)
		sr_put(&z->recent, k->hash, k->parts, k->last + z->o.max_session);
	table_remove(z, idx);
	k->live = 0;
	EC_GROW(z->free_keys, z->cap_free, z->n_free + 1);
	z->free_keys[z->n_free++] = idx;
}

/* Checks the keys whose deadline the watermark passed, in deadline order;
 * with `one`, stops as soon as a session is ready (at the end of the input,
 * so that the open sessions are handed out one key at a time rather than
 * all copied into the queue at once). */
static void drain(struct ec_sessionizer *z, int one)
{
	sr_expire(&z->recent, z->w);
	const struct heap_ent *top;
	while ((top = due_top(&z->due)) && top->deadline < z->w) {
		if (one && z->q_len > 0)
			return;
		struct heap_ent e = *top;
		due_pop(&z->due, top);
		struct okey *k = &z->keys[e.key];
		if (!k->live || k->deadline != e.deadline)
			continue; /* stale: the key was checked or freed since */
		check_key(z, e.key);
	}
	/* Ask for the key due next, then (at the next call, when it is here)
	 * for its events: it is checked an event or more from now. */
	if ((top = due_top(&z->due))) {
		uint32_t next = top->key;
		const struct okey *k = &z->keys[next];
		if (next == z->pf_key && k->ev) {
			const char *e = (const char *)k->ev;
			size_t bytes = k->n * sizeof(*k->ev);
			for (size_t at = 0; at < bytes && at < 256; at += 64)
				__builtin_prefetch(e + at);
		} else {
			__builtin_prefetch(k);
			__builtin_prefetch((const char *)k + 64);
			z->pf_key = next;
		}
	}
}

/* Whether ev's key is its user alone (--session-key gap, or no user_session). */
static int by_gap_of(const struct ec_sessionizer *z, const struct ec_event *ev)
{
	return z->o.key == EC_KEY_GAP || ev->session.n == 0;
}

/* The hash of ev's user_session (the parser's, when it made one); 0 by gap. */
static uint64_t session_hash(const struct ec_event *ev, int by_gap)
{
	if (by_gap)
		return 0;
	return ev->hashed ? ev->session_hash
			  : ec_hash64(ev->session.p, ev->session.n, EC_SESSION_HASH_SEED);
}

void ec_sessionizer_prefetch(const struct ec_sessionizer *z, const struct ec_event *ev)
{
	if (z->o.events_only || !z->cap_slots)
		return;
	int by_gap = by_gap_of(z, ev);
	if (!by_gap && !ev->hashed)
		return; /* hashing here would cost what it saves */
	uint64_t h = key_hash(ev->user_id, by_gap, session_hash(ev, by_gap));
	__builtin_prefetch(&z->slots[h & (z->cap_slots - 1)]);
	if (!by_gap)
		sr_prefetch(&z->recent, h);
}

static uint32_t key_open(struct ec_sessionizer *z, const struct ec_event *ev, int by_gap)
{
	const char *s = by_gap ? "" : ev->session.p;
	size_t n = by_gap ? 0 : ev->session.n;
	uint64_t h = key_hash(ev->user_id, by_gap, session_hash(ev, by_gap));
	size_t slot;

	if ((z->n_open + 1) * 2 > z->cap_slots)
		table_grow(z);
	struct okey *k = key_find(z, h, ev->user_id, by_gap, s, n, &slot);
	if (k)
		return (uint32_t)(k - z->keys);
	uint32_t idx;
	if (z->n_free) {
		idx = z->free_keys[--z->n_free];
	} else {
		EC_GROW(z->keys, z->cap_keys, z->n_keys + 1);
		idx = (uint32_t)z->n_keys++;
		memset(&z->keys[idx], 0, sizeof(z->keys[idx]));
	}
	k = &z->keys[idx];
	k->hash = h;
	k->user_id = ev->user_id;
	k->by_gap = (uint8_t)by_gap;
	k->sess_len = (uint8_t)n;
	memcpy(k->sess, s, n);
	k->n = 0;
	k->deadline = INT64_MAX;
	k->live = 1;
	k->parts = by_gap ? 0 : sr_take(&z->recent, h);
	k->last = INT64_MIN;
	z->slots[slot] = idx + 1;
	if (++z->n_open > z->st.open_keys_peak)
		z->st.open_keys_peak = z->n_open;
	return idx;
}

/* A code's (brand 0) or brand's id, 0 for "" (hash.h, event.h). */
static uint32_t intern(struct ec_sessionizer *z, const struct ec_event *ev, int brand)
{
	if ((brand ? ev->brand.n : ev->category_code.n) == 0)
		return 0;
	return brand ? ec_event_intern(&z->brands, &z->brand_map, ev, 1)
		     : ec_event_intern(&z->codes, &z->code_map, ev, 0);
}

static void add_event(struct ec_sessionizer *z, const struct ec_event *ev)
{
	z->st.events_in++;
	if (ev->time < z->w) {
		z->st.late++;
		if (z->st.late <= (uint64_t)(z->o.show_late > 0 ? z->o.show_late : 0))
			ec_log_warn("%s:%llu: late event dropped: %lld s before the watermark "
				    "(--lateness %lld s)",
				    z->names ? z->names(z->ctx, ev->file) : "input",
				    (unsigned long long)ev->line, (long long)(z->w - ev->time),
				    (long long)z->o.lateness);
		return;
	}
	if (ev->time > z->max_seen) {
		z->max_seen = ev->time;
		z->w = ev->time - z->o.lateness;
	}
	if (!ec_partition_has(&z->o.part, ev->user_id)) {
		z->st.other_partition++;
		if (!z->o.events_only)
			drain(z, 0); /* the watermark may have moved */
		return;
	}
	if (ev->session.n == 0)
		z->st.empty_session_rows++;
	int by_gap = by_gap_of(z, ev);
	struct ec_sev e = {
	    .time = ev->time,
	    .product_id = ev->product_id,
	    .category_id = ev->category_id,
	    .price = ev->price,
	    .code = intern(z, ev, 0),
	    .brand = intern(z, ev, 1),
	    .type = ev->type,
	    .ord = (uint32_t)z->st.events_in,
	};
	if (z->o.events_only) {
		struct se_event x = {.user = ev->user_id,
				     .shash = session_hash(ev, by_gap),
				     .ev = e,
				     .by_gap = (uint8_t)by_gap};
		z->st.reordered += (uint64_t)se_hold(&z->events, &x);
		return;
	}
	uint32_t idx = key_open(z, ev, by_gap);
	struct okey *k = &z->keys[idx];
	/* Stable insertion: after every event at the same or an earlier time. */
	uint32_t at = k->n;
	while (at > 0 && k->ev[at - 1].time > e.time)
		at--;
	if (!z->o.keep_duplicates) {
		for (uint32_t i = at; i > 0 && k->ev[i - 1].time == e.time; i--) {
			if (sz_same_event(&k->ev[i - 1], &e)) {
				z->st.duplicates++;
				return;
			}
		}
	}
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 2; /* most sessions are short */
		k->ev = ec_xrealloc(k->ev, k->cap * sizeof(*k->ev));
	}
	memmove(k->ev + at + 1, k->ev + at, (k->n - at) * sizeof(*k->ev));
	k->ev[at] = e;
	k->n++;
	if (e.time > k->last)
		k->last = e.time;
	uint8_t why;
	if (at < k->n - 1) {
		z->st.reordered++;
		schedule(z, idx, e.time); /* it may have made or unmade a boundary */
	} else if (k->n == 1) {
		uint8_t w;
		schedule(z, idx, final_after(z, k, 0, 1, &w));
	} else if (sz_boundary(z, k->ev[0].time, k->ev[at - 1].time, e.time, &why) ||
		   e.time - k->ev[0].time > z->o.max_session) {
		/* What came before it is final once the watermark passes it. */
		schedule(z, idx, e.time);
	}
	drain(z, 0);
	if (z->on_added) {
		z->added_key = idx;
		z->added_ord = e.ord;
		z->on_added(z->on_added_arg, z, &e);
	}
}

/* The source's next event into the sessionizer; 0 at the end of the input
 * (then W is past everything), or the source's error. */
static int pull(struct ec_sessionizer *z, struct ec_err *err)
{
	struct ec_event own;
	const struct ec_event *ev = &own;
	int rc = z->src_ref ? z->src_ref(z->ctx, &ev, err) : z->src(z->ctx, &own, err);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		if ((rc = sz_check_late(z, err)) < 0)
			return rc;
		z->ended = 1;
		z->w = INT64_MAX;
		return 0;
	}
	add_event(z, ev);
	return 1;
}

void ec_sessionizer_set_source_ref(struct ec_sessionizer *z, ec_event_source_ref src)
{
	z->src_ref = src;
}

int ec_sessionizer_next(struct ec_sessionizer *z, struct ec_session *s, struct ec_err *err)
{
	int rc;

	if (z->lent) {
		z->q_head = (z->q_head + 1) % z->q_cap;
		z->q_len--;
		z->lent = 0;
	}
	while (z->q_len == 0) {
		if (z->ended) {
			size_t before = due_count(&z->due);
			drain(z, 1);
			if (z->q_len == 0 && due_count(&z->due) == before)
				return 0; /* nothing left that the end can close */
			continue;
		}
		int64_t w0 = z->w;
		if ((rc = pull(z, err)) < 0)
			return rc;
		if (rc > 0 && z->o.yield_on_move && z->q_len == 0 && z->w != w0)
			return 2;
	}
	/* The ring may have moved since the session was queued: point into it now. */
	struct ready *r = &z->q[z->q_head];
	*s = r->s;
	s->id = r->id;
	s->ev = r->ev;
	z->lent = 1;
	return 1;
}

int ec_sessionizer_next_event(struct ec_sessionizer *z, uint64_t *user, const struct ec_sev **e,
			      struct ec_err *err)
{
	int rc;
	while (!se_next(&z->events, z->w, !z->o.keep_duplicates, &z->st.duplicates)) {
		if (z->ended)
			return 0;
		if ((rc = pull(z, err)) < 0)
			return rc;
	}
	z->st.events_out++;
	*user = z->events.out.user;
	*e = &z->events.out.ev;
	return 1;
}

int64_t ec_sessionizer_watermark(const struct ec_sessionizer *z)
{
	return z->w;
}
