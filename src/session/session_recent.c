/* The part counts of recently closed session ids. See session_int.h. */
#include "session_int.h"

#include <stdlib.h>
#include <string.h>

#include "ecomctl/common.h"

#define MIN_CAP 1024

void sr_init(struct session_recent *r)
{
	memset(r, 0, sizeof(*r));
}

void sr_release(struct session_recent *r)
{
	free(r->t);
	free(r->home);
	free(r->fifo);
	memset(r, 0, sizeof(*r));
}

static void rehash(struct session_recent *r, size_t cap)
{
	struct sr_ent *t = ec_xcalloc(cap, sizeof(*t));
	uint8_t *home = ec_xcalloc(cap, 1);
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
	free(r->t);
	free(r->home);
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

void sr_put(struct session_recent *r, uint64_t hash, uint32_t parts, int64_t until)
{
	if ((r->n + 1) * 2 > r->cap)
		rehash(r, r->cap ? r->cap * 2 : MIN_CAP);
	size_t j = slot_of(r, hash);
	if (!r->t[j].parts) {
		if (++r->n > r->peak)
			r->peak = r->n;
		size_t h = hash & (r->cap - 1);
		if (r->home[h] < UINT8_MAX)
			r->home[h]++;
	}
	r->t[j] = (struct sr_ent){.hash = hash, .until = until, .parts = parts ? parts : 1};
	fifo_push(r, hash, until);
}

uint32_t sr_take(struct session_recent *r, uint64_t hash)
{
	if (!r->n || !r->home[hash & (r->cap - 1)])
		return 0; /* nothing lives from its slot on: the usual case */
	size_t j = slot_of(r, hash);
	uint32_t parts = r->t[j].parts;
	if (parts)
		remove_at(r, j);
	return parts;
}

void sr_expire(struct session_recent *r, int64_t w)
{
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
