/* Funnel matching for user units: every event of a user, in time order,
 * straight from the sessionizer's event mode (funnel.h). */
#include "funnel_int.h"

#include <stdlib.h>
#include <string.h>

enum { EC_FUNNEL_BATCH = 32 }; /* user events taken at once (add_batch) */

/* No event before `now` can come any more: chains whose window ends before
 * it are final. Keeps the memory of users gone quiet small. */
static void expire(struct ec_funnel *f, struct fn_unit *u, int64_t now)
{
	int any = 0;
	for (uint32_t i = 0; i < u->n; i++) {
		struct fn_chain *c = fn_chain_at(f, u, i);
		if (!c->dead && now - c->start > f->o.window)
			c->dead = any = 1;
	}
	if (!any)
		return;
	fn_settle(f, u);
	if (u->cap > 2 * u->n + 1) {
		u->cap = u->n ? u->n : 1;
		u->buf = ec_xrealloc(u->buf, (size_t)u->cap * f->stride);
	}
}

static uint32_t user_unit(struct ec_funnel *f, uint64_t user)
{
	int added = 0;
	uint32_t *idx = ec_u64map_home(&f->users, user);
	if (idx)
		return *idx; /* most lookups: a user seen before, in its home slot */
	idx = ec_u64map_put(&f->users, user, (uint32_t)f->n_units, &added);
	if (added) {
		EC_GROW(f->units, f->cap_units, f->n_units + 1);
		memset(&f->units[f->n_units++], 0, sizeof(*f->units));
		f->units_seen++;
	}
	return *idx;
}

static int second_cmp(const void *pa, const void *pb)
{
	const struct fn_uev *a = pa, *b = pb;
	if (a->unit != b->unit)
		return a->unit < b->unit ? -1 : 1;
	return ec_sev_ord_cmp(&a->ev, &b->ev); /* input order */
}

/* Feeds the events of the current second, each unit's as one group. */
void fn_user_flush(struct ec_funnel *f)
{
	size_t n = f->n_sec;
	if (n == 0)
		return;
	if (n > 16) {
		qsort(f->sec, n, sizeof(*f->sec), second_cmp);
	} else { /* usually one or two: insertion */
		for (size_t i = 1; i < n; i++) {
			struct fn_uev x = f->sec[i];
			size_t j = i;
			for (; j > 0 && second_cmp(&f->sec[j - 1], &x) > 0; j--)
				f->sec[j] = f->sec[j - 1];
			f->sec[j] = x;
		}
	}
	for (size_t a = 0, b; a < n; a = b) {
		for (b = a; b < n && f->sec[b].unit == f->sec[a].unit; b++) {
			EC_GROW(f->group, f->cap_group, b - a + 1);
			f->group[b - a] = f->sec[b].ev;
		}
		fn_feed_group(f, &f->units[f->sec[a].unit], f->group, b - a);
	}
	f->n_sec = 0;
	/* Now and then, final chains of the quiet users go: as often as
	 * there are users, so that it costs O(1) an event. */
	if (f->o.window >= 0 && ++f->since_expire > f->n_units) {
		for (size_t i = 0; i < f->n_units; i++)
			expire(f, &f->units[i], f->sec_time);
		f->since_expire = 0;
	}
}

/* An event of user unit u. */
static void add_event(struct ec_funnel *f, uint32_t u, const struct ec_sev *e)
{
	f->events++;
	if (e->time < f->first)
		f->first = e->time;
	if (e->time > f->last)
		f->last = e->time;
	fn_tally_cart_event(f, &f->units[u], e);
	if (f->o.order != EC_FUNNEL_STRICT && !f->need[e->type] && !f->excl[e->type])
		return; /* only strict order and exclusions look at other events */
	if (e->time != f->sec_time) {
		fn_user_flush(f);
		f->sec_time = e->time;
	}
	EC_GROW(f->sec, f->cap_sec, f->n_sec + 1);
	f->sec[f->n_sec++] = (struct fn_uev){u, *e};
}

/* Events of a batch in order; each step of the way asks for what the next
 * one needs ahead (the users of consecutive events are scattered over the
 * map, the units and their chains). */
static void add_batch(struct ec_funnel *f, const uint64_t *user, const struct ec_sev *ev, size_t n)
{
	uint32_t u[EC_FUNNEL_BATCH];
	for (size_t i = 0; i < n; i++)
		ec_u64map_prefetch(&f->users, user[i]);
	for (size_t i = 0; i < n; i++) {
		u[i] = user_unit(f, user[i]);
		__builtin_prefetch(&f->units[u[i]]);
	}
	for (size_t i = 0; i < n; i++) {
		if (f->units[u[i]].buf)
			__builtin_prefetch(f->units[u[i]].buf);
		fn_carts_prefetch(f, &f->units[u[i]], &ev[i]);
	}
	for (size_t i = 0; i < n; i++)
		add_event(f, u[i], &ev[i]);
}

int fn_feed_users(struct ec_funnel *f, struct ec_sessionizer *z, struct ec_err *err)
{
	int rc;
	uint64_t user[EC_FUNNEL_BATCH];
	struct ec_sev ev[EC_FUNNEL_BATCH];
	const struct ec_sev *e;
	f->z = z;
	do {
		size_t n = 0;
		while (n < EC_FUNNEL_BATCH &&
		       (rc = ec_sessionizer_next_event(z, &user[n], &e, err)) > 0)
			ev[n++] = *e;
		add_batch(f, user, ev, n);
	} while (rc > 0);
	return rc;
}
