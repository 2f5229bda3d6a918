/*
 * session_int.h -- the sessionizer's structures, shared by session.c,
 * session_snap.c (a copy of an open session, for --emit-on cart) and
 * session_summary.c (the end-of-input check of late events, the accessors),
 * and what session.c takes from session_recent.c (the closed session ids
 * whose part count a later event could still need) and from
 * session_events.c (event mode).
 *
 * When every session of a user_session has been emitted and none of its
 * events is held, session.c lets the key go, and keeps only its hash and
 * how many sessions it has had, so that an event of the same id coming
 * back is numbered on (<id>/2, <id>/3...). Once the watermark has passed
 * the key's last event plus --max-session, no event that is not late can
 * belong to a session of it any more: the record is forgotten, so memory
 * holds the ids of the last max_session of the stream, not all ids ever
 * seen. An id that comes back after that starts over as a new session
 * (the README's "Sessions" section says so).
 *
 * Open addressing on the 64-bit key hash (parts 0 marks an empty slot;
 * linear probing, backward-shift deletion, grown at 50% and shrunk at
 * 1/8 load; a byte per slot counts the records whose home slot it is, so
 * that the usual lookup, of an id never seen, reads one byte), and a FIFO
 * of the records in the order they were made, whose head is forgotten
 * when its time is past. Ownership: the caller's
 * storage (_init/_release).
 */
#ifndef ECOMCTL_SESSION_INT_H
#define ECOMCTL_SESSION_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ecomctl/hash.h"
#include "ecomctl/heap.h"
#include "ecomctl/session.h"

struct sr_ent {
	uint64_t hash;
	int64_t until; /* forgotten once the watermark is past this */
	uint32_t parts;
};

#define SR_PENDING 16

struct sr_fifo_ent {
	uint64_t hash;
	int64_t until;
};

struct session_recent {
	struct sr_ent *t;
	size_t cap, n; /* cap: 0 or a power of two */
	/* per slot, the records whose home it is (saturating): a lookup of a
	 * hash whose home counts none misses without touching the table */
	uint8_t *home;
	struct sr_fifo_ent *fifo;
	size_t head, len, fcap; /* a ring */
	uint64_t peak;		/* the most records held at once */
	/* the latest puts, not yet in the table: a put waits here until
	 * SR_PENDING more came, so that the memory it needs is fetched meanwhile
	 * (they are in the FIFO already) */
	struct sr_ent pend[SR_PENDING];
	unsigned pend_head, pend_n; /* a ring */
	int64_t max_until;	    /* the latest time put, INT64_MIN before any */
};

void sr_init(struct session_recent *r);
void sr_release(struct session_recent *r);
/* Records that the key `hash` has had `parts` (>= 1) sessions, until the
 * watermark passes `until`. Replaces an earlier record of the same hash. */
void sr_put(struct session_recent *r, uint64_t hash, uint32_t parts, int64_t until);
/* The parts recorded for `hash`, removing the record; 0 when none. */
uint32_t sr_take(struct session_recent *r, uint64_t hash);
/* Forgets the records whose time the watermark w has passed (the FIFO's
 * head first: a record made later with an earlier time waits for those
 * before it, so a record may outlive its time by the spread of the
 * max_session ends of keys going quiet together). */
void sr_expire(struct session_recent *r, int64_t w);
/* Asks for the memory a later sr_take() or sr_put() of hash will touch. */
void sr_prefetch(const struct session_recent *r, uint64_t hash);
/* Puts the pending records in the table (then n counts every record). */
void sr_flush(struct session_recent *r);

/* ---- event mode (session_events.c): opts.events_only ----------------------
 *
 * No sessions: every admitted event is held until the watermark passes its
 * time (no event that is not late can come before it any more), then handed
 * out in (time, input order). Events come mostly in time order, so they are
 * appended to a ring; the few that come earlier than the ring's last go to
 * a heap, and the next event out is the earlier of the two heads. Memory:
 * the events of the last --lateness of the stream.
 *
 * Exact duplicates (unless keep_duplicates) are those of one key, as in
 * session mode: same user, same user_session (by its 64-bit hash; or both
 * without one, or gap mode), same time and the same fields. All the events
 * of one second go out together (a later one would be late), so the check
 * looks only at the events already out at the current second. */
struct se_event {
	uint64_t user;
	uint64_t shash; /* key: the user_session's hash; 0 with by_gap */
	struct ec_sev ev;
	uint8_t by_gap;
};

static inline int se_less(const struct se_event *a, const struct se_event *b)
{
	if (a->ev.time != b->ev.time)
		return a->ev.time < b->ev.time;
	return ec_sev_ord_cmp(&a->ev, &b->ev) < 0;
}

EC_HEAP_DEFINE(se_heap, struct se_event, se_less)

struct session_events {
	struct se_event *ring; /* in (time, input order) */
	size_t head, len, cap; /* cap: 0 or a power of two */
	struct se_heap early;  /* came before the ring's last one */
	struct se_event *seen; /* out at time `at` */
	size_t n_seen, cap_seen;
	int64_t at;
	struct se_event out; /* the last one handed out */
};

void se_init(struct session_events *q);
void se_release(struct session_events *q);
/* Holds e; 1 when it came earlier than one held before it (reordered). */
int se_hold(struct session_events *q, const struct se_event *e);
/* The next event before w into q->out: 1, or 0 when none can go yet. With
 * dedup, duplicates are skipped and counted in *dups. */
int se_next(struct session_events *q, int64_t w, int dedup, uint64_t *dups);

/* Whether two events are the same (all fields but the input order). */
static inline int sz_same_event(const struct ec_sev *a, const struct ec_sev *b)
{
	return a->time == b->time && a->type == b->type && a->product_id == b->product_id &&
	       a->category_id == b->category_id && a->code == b->code && a->brand == b->brand &&
	       memcmp(&a->price, &b->price, sizeof(a->price)) == 0;
}

/* ---- the sessionizer's state (session.c; read by session_summary.c) ---- */

/* An open key: one user_session of one user (or one user, by gap), with the
 * events not yet emitted, sorted by time. */
struct okey {
	uint64_t hash;
	uint64_t user_id;
	struct ec_sev *ev;
	uint32_t n, cap;
	int64_t deadline; /* its heap entry's deadline (in watermark terms), or INT64_MAX */
	int64_t last;	  /* the latest time of its events, emitted or not */
	uint32_t parts;	  /* sessions emitted (plus those of earlier open periods) */
	uint8_t by_gap;
	uint8_t sess_len;
	uint8_t live;
	char sess[EC_SESSION_MAX];
};

struct heap_ent {
	int64_t deadline;
	uint32_t key;
};

static inline int heap_less(const struct heap_ent *a, const struct heap_ent *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->key < b->key);
}

/* The deadline heap: keys by the watermark at which to check them. */
EC_HEAP_DEFINE(deadlines, struct heap_ent, heap_less)

/* ---- deadlines (session_due.c) -----------------------------------------
 *
 * When each key is to be checked, in (deadline, key) order: a ring of the
 * entries that came in that order (most: a new key's deadline is its
 * event's time plus the gap), and a heap of the others. All zero is empty. */
struct session_due {
	struct heap_ent *ring;
	size_t head, len, cap; /* cap: 0 or a power of two */
	struct deadlines heap;
};

void due_release(struct session_due *d);
/* Doubles the ring (its entries kept in order). */
void due_grow(struct session_due *d);

/* Called for every event: inline. */
static inline void due_push(struct session_due *d, struct heap_ent e)
{
	if (d->len > 0 && heap_less(&e, &d->ring[(d->head + d->len - 1) & (d->cap - 1)])) {
		deadlines_push(&d->heap, e);
		return;
	}
	if (d->len == d->cap)
		due_grow(d);
	d->ring[(d->head + d->len++) & (d->cap - 1)] = e;
}

/* The first deadline of all, or NULL. */
static inline const struct heap_ent *due_top(const struct session_due *d)
{
	const struct heap_ent *r = d->len ? &d->ring[d->head] : NULL;
	const struct heap_ent *h = d->heap.n ? &d->heap.a[0] : NULL;
	if (!r || !h)
		return r ? r : h;
	return heap_less(h, r) ? h : r;
}

/* Takes out `top`, as due_top() gave it. */
static inline void due_pop(struct session_due *d, const struct heap_ent *top)
{
	if (d->len && top == &d->ring[d->head]) {
		d->head = (d->head + 1) & (d->cap - 1);
		d->len--;
	} else {
		deadlines_pop(&d->heap);
	}
}

static inline size_t due_count(const struct session_due *d)
{
	return d->len + d->heap.n;
}

struct ready {
	struct ec_session s;
	struct ec_sev *ev;
	uint32_t cap;
	char id[EC_SESSION_MAX + 32];
};

struct ec_sessionizer {
	struct ec_session_opts o;
	ec_event_source src;
	ec_event_source_ref src_ref; /* used instead of src when set */
	void *ctx;
	const char *(*names)(void *ctx, uint32_t file);

	struct okey *keys;
	size_t n_keys, cap_keys;
	uint32_t *free_keys;
	size_t n_free, cap_free;
	uint32_t *slots; /* open-key table: key index + 1, 0 when empty */
	size_t cap_slots, n_open;

	struct session_due due; /* when each key is to be checked */
	uint32_t pf_key;	/* the key due next, as drain() last asked for it */

	struct ready *q; /* ring of sessions ready to be returned */
	size_t q_head, q_len, q_cap;
	int lent; /* the head was returned and is borrowed */

	struct session_recent recent; /* part counts of keys let go (session_int.h) */
	struct session_events events; /* opts.events_only (session_int.h) */
	struct ec_strtab codes, brands;
	struct ec_strmap code_map, brand_map; /* the parse workers' local ids to those */

	/* ec_sessionizer_on_added(): the hook, and the event just added */
	ec_session_added_fn on_added;
	void *on_added_arg;
	uint32_t added_key, added_ord;
	struct ready snap; /* ec_sessionizer_open_session()'s copy */

	int64_t max_seen;
	int64_t w; /* watermark */
	int ended;
	struct ec_session_stats st;
};

/* Whether event t starts a new session after a segment that began at `start`
 * and whose latest event is `prev`; the reason goes to *why (session.c). */
int sz_boundary(const struct ec_sessionizer *z, int64_t start, int64_t prev, int64_t t,
		uint8_t *why);

/* At the end of the input (session_summary.c): EC_EDATA when more than
 * max_late_fraction of the events were late. */
struct ec_sessionizer;
struct ec_err;
int sz_check_late(const struct ec_sessionizer *z, struct ec_err *err);

#endif
