/* The part counts of recently closed session ids. See session_int.h. */
#include "session_int.h"

#include <stdlib.h>
#include <string.h>

#include "ecomctl/common.h"

#define MIN_CAP 1024

void sr_init(struct session_recent *r)
{
	memset(r, 0, sizeof(*r));
	r->max_until = INT64_MIN;
}

void sr_release(struct session_recent *r)
{
	ec_table_free(r->t, r->cap, sizeof(*r->t));
	ec_table_free(r->home, r->cap, 1);
	free(r->fifo);
	sr_init(r);
}

static void rehash(struct session_recent *r, size_t cap)
{
	struct sr_ent *t = ec_table_alloc(cap, sizeof(*t));
	uint8_t *home = ec_table_alloc(cap, 1);
	for (size_t i = 0; i < r->cap; i++) {
		if (!r->t[i].parts)
			continue;
		size_t j = r->t[i].hash & (cap - 1);
		if (home[j] < UINT8_MAX)
			home[j]++;
		while (t[j].parts)
			j = (j + 1) & (cap - 1);
		t[j] = r->t[i];
	}
	ec_table_free(r->t, r->cap, sizeof(*r->t));
	ec_table_free(r->home, r->cap, 1);
	r->t = t;
	r->home = home;
	r->cap = cap;
}

/* The slot of hash, or the empty slot where it would go. */
static size_t slot_of(const struct session_recent *r, uint64_t hash)
{
	size_t j = hash & (r->cap - 1);
	while (r->t[j].parts && r->t[j].hash != hash)
		j = (j + 1) & (r->cap - 1);
	return j;
}

static int sr_home(const void *slot, uint64_t *hash)
{
	const struct sr_ent *e = slot;
	*hash = e->hash;
	return e->parts != 0;
}

/* Doubles the table where it stands (ec_table_double): the old table and
 * a new one twice its size are never held at once (the funnel's peak RSS
 * on 10 M rows: 201 MB, against 225 MB with a new table each time). */
static void grow(struct session_recent *r)
{
	size_t cap = r->cap * 2;
	r->t = ec_table_double(r->t, r->cap, sizeof(*r->t), sr_home);
	ec_table_free(r->home, r->cap, 1);
	r->home = ec_table_alloc(cap, 1);
	r->cap = cap;
	for (size_t j = 0; j < cap; j++) {
		size_t h = r->t[j].hash & (cap - 1);
		if (r->t[j].parts && r->home[h] < UINT8_MAX)
			r->home[h]++;
	}
}

static void remove_at(struct session_recent *r, size_t i)
{
	size_t mask = r->cap - 1, gone = r->t[i].hash & mask;
	/* Backward shift: move later entries of the run into the hole. */
	for (size_t j = i;;) {
		j = (j + 1) & mask;
		if (!r->t[j].parts)
			break;
		size_t home = r->t[j].hash & mask;
		/* The entry at j may move to i if its home is not in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			r->t[i] = r->t[j];
			i = j;
		}
	}
	r->t[i].parts = 0;
	r->n--;
	if (r->home[gone] < UINT8_MAX) /* a saturated count stays until a rehash */
		r->home[gone]--;
	if (r->cap > MIN_CAP && r->n * 8 < r->cap)
		rehash(r, r->cap / 2);
}

static void fifo_resize(struct session_recent *r, size_t cap)
{
	struct sr_fifo_ent *f = ec_xcalloc(cap, sizeof(*f));
	for (size_t i = 0; i < r->len; i++)
		f[i] = r->fifo[(r->head + i) & (r->fcap - 1)];
	free(r->fifo);
	r->fifo = f;
	r->head = 0;
	r->fcap = cap;
}

static void fifo_push(struct session_recent *r, uint64_t hash, int64_t until)
{
	if (r->len == r->fcap)
		fifo_resize(r, r->fcap ? r->fcap * 2 : MIN_CAP);
	r->fifo[(r->head + r->len++) & (r->fcap - 1)] = (struct sr_fifo_ent){hash, until};
}

/* A put, in the table. */
static void apply(struct session_recent *r, const struct sr_ent *e)
{
	if (!r->cap)
		rehash(r, MIN_CAP);
	else if ((r->n + 1) * 2 > r->cap)
		grow(r);
	size_t j = slot_of(r, e->hash);
	if (!r->t[j].parts) {
		if (++r->n > r->peak)
			r->peak = r->n;
		size_t h = e->hash & (r->cap - 1);
		if (r->home[h] < UINT8_MAX)
			r->home[h]++;
	}
	r->t[j] = *e;
}

/* The oldest pending put, into the table. */
static void apply_oldest(struct session_recent *r)
{
	apply(r, &r->pend[r->pend_head]);
	r->pend_head = (r->pend_head + 1) % SR_PENDING;
	r->pend_n--;
}

void sr_flush(struct session_recent *r)
{
	while (r->pend_n > 0)
		apply_oldest(r);
}

/* The pending put of hash, or NULL. */
static struct sr_ent *pending(struct session_recent *r, uint64_t hash)
{
	for (unsigned i = 0; i < r->pend_n; i++) {
		struct sr_ent *e = &r->pend[(r->pend_head + i) % SR_PENDING];
		if (e->hash == hash)
			return e;
	}
	return NULL;
}

void sr_put(struct session_recent *r, uint64_t hash, uint32_t parts, int64_t until)
{
	struct sr_ent e = {.hash = hash, .until = until, .parts = parts ? parts : 1};
	struct sr_ent *p = pending(r, hash);
	if (p) {
		*p = e; /* as the table would: the later put replaces it */
	} else {
		if (r->pend_n == SR_PENDING)
			apply_oldest(r);
		r->pend[(r->pend_head + r->pend_n++) % SR_PENDING] = e;
		sr_prefetch(r, hash);
	}
	fifo_push(r, hash, until);
	if (until > r->max_until)
		r->max_until = until;
}

uint32_t sr_take(struct session_recent *r, uint64_t hash)
{
	if (pending(r, hash))
		sr_flush(r); /* rare: the id came back within SR_PENDING puts */
	if (!r->n || !r->home[hash & (r->cap - 1)])
		return 0; /* nothing lives from its slot on: the usual case */
	size_t j = slot_of(r, hash);
	uint32_t parts = r->t[j].parts;
	if (parts)
		remove_at(r, j);
	return parts;
}

void sr_prefetch(const struct session_recent *r, uint64_t hash)
{
	if (!r->cap)
		return;
	size_t j = hash & (r->cap - 1);
	__builtin_prefetch(&r->home[j]);
	__builtin_prefetch(&r->t[j]);
}

void sr_expire(struct session_recent *r, int64_t w)
{
	if (r->len > MIN_CAP && w > r->max_until) {
		/* every record is due (the end of the input): forgetting them all
		 * at once spares a lookup each */
		uint64_t peak = r->peak;
		sr_release(r);
		r->peak = peak;
		return;
	}
	if (r->len > 0 && r->fifo[r->head].until < w) {
		/* A pending put that is due goes in first, so that it is forgotten
		 * as the table forgets. (One that is not due may wait: the record
		 * it replaces may go, it comes in after.) */
		for (unsigned i = 0; i < r->pend_n; i++)
			if (r->pend[(r->pend_head + i) % SR_PENDING].until < w) {
				sr_flush(r);
				break;
			}
	}
	while (r->len > 0 && r->fifo[r->head].until < w) {
		struct sr_fifo_ent e = r->fifo[r->head];
		r->head = (r->head + 1) & (r->fcap - 1);
		r->len--;
		if (!r->n || !r->home[e.hash & (r->cap - 1)])
			continue;
		size_t j = slot_of(r, e.hash);
		/* A record taken since, or made again later, is not this one. */
		if (r->t[j].parts && r->t[j].until == e.until)
			remove_at(r, j);
	}
	size_t cap = r->fcap;
	while (cap > MIN_CAP && r->len * 8 < cap)
		cap /= 2;
	if (cap != r->fcap)
		fifo_resize(r, cap);
}
