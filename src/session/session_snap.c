/* A copy of an open session as it stands (session.h: on_added). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_int.h"

void ec_sessionizer_on_added(struct ec_sessionizer *z, ec_session_added_fn fn, void *arg)
{
	z->on_added = fn;
	z->on_added_arg = arg;
}

/* The key's held events are its sessions not yet emitted, one after the
 * other, cut where session.c cuts them; the one holding the event just
 * added gets the part number and id emit() will give it. */
void ec_sessionizer_open_session(struct ec_sessionizer *z, struct ec_session *s)
{
	const struct okey *k = &z->keys[z->added_key];
	uint32_t at = 0, a = 0, b, seg = 0;
	uint8_t why;

	while (at < k->n && k->ev[at].ord != z->added_ord)
		at++;
	for (;;) {
		for (b = a + 1; b < k->n; b++)
			if (sz_boundary(z, k->ev[a].time, k->ev[b - 1].time, k->ev[b].time, &why))
				break;
		if (at < b || b >= k->n)
			break;
		a = b;
		seg++;
	}
	struct ready *r = &z->snap;
	uint32_t n = b - a, part = k->parts + seg + 1;
	if (r->cap < n) {
		r->cap = n < 16 ? 16 : n;
		r->ev = ec_xrealloc(r->ev, r->cap * sizeof(*r->ev));
	}
	memcpy(r->ev, k->ev + a, n * sizeof(*r->ev));
	if (k->by_gap)
		snprintf(r->id, sizeof(r->id), "%llu-%lld", (unsigned long long)k->user_id,
			 (long long)k->ev[a].time);
	else if (part == 1) {
		memcpy(r->id, k->sess, k->sess_len);
		r->id[k->sess_len] = '\0';
	} else
		snprintf(r->id, sizeof(r->id), "%.*s/%u", (int)k->sess_len, k->sess, part);
	*s = (struct ec_session){
	    .id = r->id,
	    .user_id = k->user_id,
	    .start = k->ev[a].time,
	    .end = k->ev[b - 1].time,
	    .closed_at = k->ev[a].time + z->o.max_session, /* at the latest */
	    .ev = r->ev,
	    .n = n,
	    .part = part,
	    .cut = EC_CUT_END,
	    .by_gap = k->by_gap,
	};
}
