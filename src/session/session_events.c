/* Event mode: admitted events held until the watermark passes them, then
 * handed out in (time, input order); see session_int.h. */
#include <stdlib.h>

#include "session_int.h"

void se_init(struct session_events *q)
{
	memset(q, 0, sizeof(*q));
	q->at = INT64_MIN;
}

void se_release(struct session_events *q)
{
	free(q->ring);
	se_heap_release(&q->early);
	free(q->seen);
	memset(q, 0, sizeof(*q));
}

static struct se_event *ring_at(const struct session_events *q, size_t i)
{
	return &q->ring[(q->head + i) & (q->cap - 1)];
}

static void ring_grow(struct session_events *q)
{
	size_t cap = q->cap ? q->cap * 2 : 1024;
	struct se_event *r = ec_xmalloc(cap * sizeof(*r));
	for (size_t i = 0; i < q->len; i++)
		r[i] = *ring_at(q, i);
	free(q->ring);
	q->ring = r;
	q->head = 0;
	q->cap = cap;
}

int se_hold(struct session_events *q, const struct se_event *e)
{
	int early = 0;
	/* Input order only grows: an event goes after the ring's last unless
	 * it is earlier in time. */
	if (q->len > 0 && e->ev.time < ring_at(q, q->len - 1)->ev.time) {
		se_heap_push(&q->early, *e);
		early = 1;
	} else {
		if (q->len == q->cap)
			ring_grow(q);
		*ring_at(q, q->len++) = *e;
	}
	return early;
}

/* Whether e repeats an event of its key already out at its second;
 * records it when not. */
static int repeated(struct session_events *q, const struct se_event *e)
{
	if (e->ev.time != q->at) {
		q->at = e->ev.time;
		q->n_seen = 0;
	}
	for (size_t i = 0; i < q->n_seen; i++) {
		const struct se_event *s = &q->seen[i];
		if (s->user == e->user && s->by_gap == e->by_gap && s->shash == e->shash &&
		    sz_same_event(&s->ev, &e->ev))
			return 1;
	}
	EC_GROW(q->seen, q->cap_seen, q->n_seen + 1);
	q->seen[q->n_seen++] = *e;
	return 0;
}

int se_next(struct session_events *q, int64_t w, int dedup, uint64_t *dups)
{
	for (;;) {
		const struct se_event *r = q->len ? ring_at(q, 0) : NULL;
		const struct se_event *h = q->early.n ? &q->early.a[0] : NULL;
		if (!r && !h)
			return 0;
		int from_heap = !r || (h && se_less(h, r));
		q->out = from_heap ? *h : *r;
		if (!(q->out.ev.time < w))
			return 0;
		if (from_heap) {
			se_heap_pop(&q->early);
		} else {
			q->head = (q->head + 1) & (q->cap - 1);
			q->len--;
		}
		if (dedup && repeated(q, &q->out)) {
			(*dups)++;
			continue;
		}
		return 1;
	}
}
