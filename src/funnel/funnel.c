/* Funnel step matching: units' events in, reported chains out (to the tally).
 * The rules are in funnel.h; the README's "Funnel" section says them again. */
#include "funnel_int.h"

#include <stdlib.h>
#include <string.h>

int ec_funnel_new(struct ec_funnel **out, const struct ec_funnel_opts *o, struct ec_err *err)
{
	*out = NULL;
	if (o->n_steps < 1 || o->n_steps > EC_FUNNEL_MAX_STEPS)
		return ec_fail(err, EC_EUSAGE, "a funnel needs 1 to %d steps", EC_FUNNEL_MAX_STEPS);
	if (o->top < 0)
		return ec_fail(err, EC_EUSAGE, "--top must be >= 0");
	if (o->max_session <= 0)
		return ec_fail(err, EC_EUSAGE, "--max-session must be > 0");
	if (o->window > UINT32_MAX)
		return ec_fail(err, EC_EUSAGE, "--window: at most %u seconds", UINT32_MAX);
	if (o->attr_step < 0 || o->attr_step > o->n_steps)
		return ec_fail(err, EC_EUSAGE, "--attribution: the funnel has %d steps",
			       o->n_steps);
	struct ec_funnel *f = ec_xcalloc(1, sizeof(*f));
	f->o = *o;
	size_t s = offsetof(struct fn_chain, dt) + sizeof(uint32_t) * (size_t)o->n_steps;
	s = (s + 7) & ~(size_t)7;
	if (o->attr_step != 1) {
		f->attr_off = s;
		s += sizeof(struct fn_attr) * (size_t)o->n_steps;
	}
	f->stride = s;
	for (int k = 0; k < o->n_steps; k++) {
		f->need[o->steps[k]]++;
		f->occ[k] = f->need[o->steps[k]];
	}
	for (int x = 0; x < o->n_exclude; x++)
		f->excl[o->exclude[x].type] = 1;
	ec_u64map_init(&f->users);
	f->sec_time = INT64_MIN;
	f->first = INT64_MAX;
	f->last = INT64_MIN;
	fn_tally_init(f);
	*out = f;
	return 0;
}

/* ---- chains ------------------------------------------------------------- */

static struct fn_chain *chain_new(struct ec_funnel *f, struct fn_unit *u, int64_t t,
				  uint64_t product)
{
	if (u->n == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 1;
		u->buf = ec_xrealloc(u->buf, (size_t)u->cap * f->stride);
	}
	struct fn_chain *c = fn_chain_at(f, u, u->n++);
	memset(c, 0, f->stride);
	c->start = t;
	c->product = product;
	c->seq = u->next_seq++;
	return c;
}

/* Whether chain a is reported rather than b: deeper, then earlier. */
static int better(const struct fn_chain *a, const struct fn_chain *b)
{
	if (a->level != b->level)
		return a->level > b->level;
	if (a->start != b->start)
		return a->start < b->start;
	return a->seq < b->seq;
}

static void set_first(struct fn_chain *c, const struct ec_sev *e)
{
	c->category_id = e->category_id;
	c->code = e->code;
	c->brand = e->brand;
	c->band = (uint8_t)ec_funnel_price_band(e->price);
}

/* Keeps the attributes of the event of group g that matched step k of c:
 * the j-th (0-based) event of the step's type (and c's product with
 * same_product) in the group, as the steps take the earliest events
 * allowed; with fewer, the group's first such event (any order: a step
 * completed by an event of an earlier second). No-op unless attributes
 * are kept. */
static void set_step(const struct ec_funnel *f, struct fn_chain *c, int k, const struct ec_sev *g,
		     size_t n, uint32_t j)
{
	if (!f->attr_off)
		return;
	const struct ec_sev *e = NULL, *any = NULL;
	for (size_t i = 0; i < n && !e; i++) {
		if (f->o.same_product && g[i].product_id != c->product)
			continue;
		if (!any && f->need[g[i].type])
			any = &g[i];
		if (g[i].type == f->o.steps[k] && j-- == 0)
			e = &g[i];
	}
	if (!e)
		e = any ? any : g;
	*fn_chain_attr(f, c, k) = (struct fn_attr){
	    .category_id = e->category_id,
	    .code = e->code,
	    .brand = e->brand,
	    .band = (uint8_t)ec_funnel_price_band(e->price),
	};
}

/* Takes the next step of c from group g, at time t: used[] counts the
 * events of each type the chain took from the group so far. */
static void take_step(const struct ec_funnel *f, struct fn_chain *c, const struct ec_sev *g,
		      size_t n, int64_t t, uint32_t used[EC_EV_N])
{
	int ty = f->o.steps[c->level];
	set_step(f, c, c->level, g, n, used[ty]++);
	c->dt[c->level++] = (uint32_t)(t - c->start);
}

/* Removes the chains marked dead but the best of them; when that one is
 * complete, also the live chains that started after it (they can at most
 * tie on depth, and lose on start). */
void fn_settle(struct ec_funnel *f, struct fn_unit *u)
{
	struct fn_chain *best = NULL;
	for (uint32_t i = 0; i < u->n; i++) {
		struct fn_chain *c = fn_chain_at(f, u, i);
		if (c->dead && (!best || better(c, best)))
			best = c;
	}
	if (!best)
		return;
	int complete = best->level == f->o.n_steps;
	uint32_t w = 0;
	for (uint32_t i = 0; i < u->n; i++) {
		struct fn_chain *c = fn_chain_at(f, u, i);
		if (c->dead ? c != best
			    : complete && (c->start > best->start ||
					   (c->start == best->start && c->seq > best->seq)))
			continue;
		if (w != i)
			memcpy(fn_chain_at(f, u, w), c, f->stride);
		w++;
	}
	u->n = w;
	if (complete && w == 1)
		u->done = 1;
}

/* Matches steps from a multiset of group g's events (counts by type),
 * consuming them: each step takes the earliest event allowed. */
static void advance(const struct ec_funnel *f, struct fn_chain *c, uint32_t cnt[EC_EV_N],
		    const struct ec_sev *g, size_t n)
{
	uint32_t used[EC_EV_N] = {0};
	while (c->level < f->o.n_steps && cnt[f->o.steps[c->level]] > 0) {
		cnt[f->o.steps[c->level]]--;
		take_step(f, c, g, n, g[0].time, used);
	}
}

static void counts(const struct ec_funnel *f, const struct ec_sev *g, size_t n, uint64_t product,
		   uint32_t cnt[EC_EV_N])
{
	memset(cnt, 0, EC_EV_N * sizeof(*cnt));
	for (size_t i = 0; i < n; i++)
		if (!f->o.same_product || g[i].product_id == product)
			cnt[g[i].type]++;
}

/* Strict order: whether the whole group is exactly the next steps (in some
 * order), so that the chain takes all of it and may go on. */
static int full_match(const struct ec_funnel *f, const struct fn_chain *c, const struct ec_sev *g,
		      size_t n)
{
	uint32_t need[EC_EV_N] = {0};
	if (c->level + n > (size_t)f->o.n_steps)
		return 0;
	for (size_t k = c->level; k < c->level + n; k++)
		need[f->o.steps[k]]++;
	for (size_t i = 0; i < n; i++) {
		if (f->o.same_product && g[i].product_id != c->product)
			return 0;
		if (need[g[i].type]-- == 0)
			return 0;
	}
	return 1;
}

/* Any order: adds the group's events to the chain's collection, then
 * advances over every step whose events are all collected. */
static void collect(const struct ec_funnel *f, struct fn_chain *c, const struct ec_sev *g, size_t n,
		    int64_t t)
{
	const struct ec_sev *first = NULL;
	for (size_t i = 0; i < n; i++) {
		if (f->o.same_product && g[i].product_id != c->product)
			continue;
		int ty = g[i].type;
		if (c->cnt[ty] < f->need[ty])
			c->cnt[ty]++;
		if (ty == f->o.steps[0] && !first)
			first = &g[i];
	}
	uint32_t used[EC_EV_N] = {0};
	while (c->level < f->o.n_steps && c->cnt[f->o.steps[c->level]] >= f->occ[c->level]) {
		if (c->level == 0)
			set_first(c, first);
		take_step(f, c, g, n, t, used);
	}
}

static int has_live_chain(const struct ec_funnel *f, const struct fn_unit *u, uint64_t product,
			  int level)
{
	for (uint32_t i = 0; i < u->n; i++) {
		const struct fn_chain *c = fn_chain_at(f, u, i);
		if (!c->dead && (!f->o.same_product || c->product == product) &&
		    (level < 0 || c->level == level))
			return 1;
	}
	return 0;
}

/* Starts the chains whose first event is in the group, for product p (any
 * product without same_product); e is the group's first event of p that
 * can start a chain. */
static void start_chains(struct ec_funnel *f, struct fn_unit *u, const struct ec_sev *g, size_t n,
			 const struct ec_sev *e)
{
	int64_t t = g[0].time;
	uint64_t p = e->product_id;
	uint32_t cnt[EC_EV_N], c2[EC_EV_N];
	struct fn_chain *c = NULL;

	counts(f, g, n, p, cnt);
	switch (f->o.order) {
	case EC_FUNNEL_ORDERED:
		if (f->o.window < 0 && !f->o.n_exclude && has_live_chain(f, u, p, -1))
			return; /* an earlier chain will always be at least as deep */
		c = chain_new(f, u, t, p);
		set_first(c, e);
		advance(f, c, cnt, g, n);
		break;
	case EC_FUNNEL_STRICT: {
		/* The chain may take any prefix of the steps that the group holds
		 * (its events placed last in the second): deepest first, so that
		 * ties go to the chain that matched each step earliest. */
		memcpy(c2, cnt, sizeof(c2));
		int max = 0;
		while (max < f->o.n_steps && c2[f->o.steps[max]] > 0)
			c2[f->o.steps[max++]]--;
		for (int m = max; m >= 1; m--) {
			if (f->o.window < 0 && !f->o.n_exclude && has_live_chain(f, u, p, m))
				continue;
			c = chain_new(f, u, t, p);
			set_first(c, e);
			uint32_t used[EC_EV_N] = {0};
			while (c->level < m)
				take_step(f, c, g, n, t, used);
			if (c->level == f->o.n_steps)
				c->dead = 1;
		}
		return;
	}
	case EC_FUNNEL_ANY:
		if (f->o.window < 0 && !f->o.n_exclude && has_live_chain(f, u, p, -1))
			return;
		c = chain_new(f, u, t, p);
		collect(f, c, g, n, t);
		break;
	}
	if (c && c->level == f->o.n_steps)
		c->dead = 1;
}

/* Whether a group of events (one second) holds an excluded event for a
 * chain at step `before` before the group and `after` after it. */
static int excluded(const struct ec_funnel *f, const struct ec_sev *g, size_t n, int before,
		    int after)
{
	for (int x = 0; x < f->o.n_exclude; x++) {
		if (before < f->o.exclude[x].from || after >= f->o.exclude[x].to)
			continue;
		for (size_t i = 0; i < n; i++)
			if (g[i].type == f->o.exclude[x].type)
				return 1;
	}
	return 0;
}

/* Feeds one second of a unit's events (in input order) to its chains. */
void fn_feed_group(struct ec_funnel *f, struct fn_unit *u, const struct ec_sev *g, size_t n)
{
	int64_t t = g[0].time;
	uint32_t cnt[EC_EV_N];
	int K = f->o.n_steps;

	if (u->done)
		return;
	for (uint32_t i = 0; i < u->n; i++) {
		struct fn_chain *c = fn_chain_at(f, u, i);
		if (c->dead)
			continue;
		if (f->o.window >= 0 && t - c->start > f->o.window) {
			c->dead = 1;
			continue;
		}
		int before = c->level;
		switch (f->o.order) {
		case EC_FUNNEL_ORDERED:
			counts(f, g, n, c->product, cnt);
			advance(f, c, cnt, g, n);
			break;
		case EC_FUNNEL_STRICT:
			/* Live strict chains are open: the group goes on with them
			 * only when it is exactly the next steps. */
			if (full_match(f, c, g, n)) {
				uint32_t used[EC_EV_N] = {0};
				for (size_t k = 0; k < n; k++)
					take_step(f, c, g, n, t, used);
			} else {
				counts(f, g, n, c->product, cnt);
				advance(f, c, cnt, g, n);
				c->dead = 1;
			}
			break;
		case EC_FUNNEL_ANY:
			collect(f, c, g, n, t);
			break;
		}
		if (c->level == K)
			c->dead = 1;
		if (f->o.n_exclude && excluded(f, g, n, before, c->level)) {
			/* discarded: dead, and no deeper than a unit without a chain */
			c->dead = 1;
			c->level = 0;
			u->excluded = 1;
		}
	}
	/* New chains: one per product whose first step is in the group (any
	 * order: whose events include a step). */
	for (size_t i = 0; i < n; i++) {
		const struct ec_sev *e = &g[i];
		int starts =
		    f->o.order == EC_FUNNEL_ANY ? f->need[e->type] > 0 : e->type == f->o.steps[0];
		if (!starts)
			continue;
		int dup = 0;
		for (size_t j = 0; j < i && !dup; j++) {
			int sj = f->o.order == EC_FUNNEL_ANY ? f->need[g[j].type] > 0
							     : g[j].type == f->o.steps[0];
			dup = sj && (!f->o.same_product || g[j].product_id == e->product_id);
		}
		if (!dup)
			start_chains(f, u, g, n, e);
	}
	fn_settle(f, u);
}

/* Feeds a unit's events (time order; ties in input order) second by second. */
static void feed(struct ec_funnel *f, struct fn_unit *u, const struct ec_sev *ev, size_t n)
{
	for (size_t a = 0, b; a < n; a = b) {
		for (b = a + 1; b < n && ev[b].time == ev[a].time; b++)
			;
		fn_feed_group(f, u, ev + a, b - a);
	}
}

/* Counts a unit by its reported chain, and empties it. */
static void unit_finish(struct ec_funnel *f, struct fn_unit *u)
{
	struct fn_chain *best = NULL;
	for (uint32_t i = 0; i < u->n; i++) {
		struct fn_chain *c = fn_chain_at(f, u, i);
		if (!best || better(c, best))
			best = c;
	}
	if (best && best->level > 0)
		fn_tally_unit(f, best);
	else if (u->excluded)
		f->res.excluded_units++;
	u->n = 0;
	u->next_seq = 0;
	u->done = 0;
	u->excluded = 0;
}

void ec_funnel_add_session(struct ec_funnel *f, const struct ec_session *s,
			   const struct ec_sessionizer *z)
{
	f->z = z;
	f->events += s->n;
	if (s->n > 0) {
		if (s->start < f->first)
			f->first = s->start;
		if (s->end > f->last)
			f->last = s->end;
	}
	fn_tally_carts(f, s);
	f->units_seen++;
	feed(f, &f->scratch, s->ev, s->n);
	unit_finish(f, &f->scratch);
}

void ec_funnel_session_opts(const struct ec_funnel_opts *o, struct ec_session_opts *so)
{
	so->events_only = o->unit == EC_FUNNEL_UNIT_USER;
}

int ec_funnel_feed(struct ec_funnel *f, struct ec_sessionizer *z, struct ec_err *err)
{
	int rc;
	struct ec_session s;
	if (f->o.unit == EC_FUNNEL_UNIT_USER)
		return fn_feed_users(f, z, err);
	while ((rc = ec_sessionizer_next(z, &s, err)) > 0)
		ec_funnel_add_session(f, &s, z);
	return rc;
}

void ec_funnel_finish(struct ec_funnel *f)
{
	if (f->finished)
		return;
	f->finished = 1;
	fn_user_flush(f);
	for (size_t i = 0; i < f->n_units; i++) {
		unit_finish(f, &f->units[i]);
		free(f->units[i].buf);
		f->units[i].buf = NULL;
	}
	fn_tally_build(f);
}

const struct ec_funnel_result *ec_funnel_result(const struct ec_funnel *f)
{
	return &f->res;
}

void ec_funnel_set_baseline(struct ec_funnel *f, const struct ec_funnel_baseline *b)
{
	f->res.baseline = b;
}

void ec_funnel_free(struct ec_funnel *f)
{
	if (!f)
		return;
	free(f->scratch.buf);
	for (size_t i = 0; i < f->n_units; i++) {
		free(f->units[i].buf);
		free(f->units[i].pairs);
	}
	free(f->units);
	free(f->sec);
	free(f->group);
	ec_u64map_release(&f->users);
	fn_tally_release(f);
	free(f);
}
