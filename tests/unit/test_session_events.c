/* Unit tests of the sessionizer's event mode (opts.events_only): on random
 * streams, out of order within and beyond the lateness and with repeated
 * events, it must hand out exactly the events that session mode puts in its
 * sessions (same late events dropped, same duplicates dropped), in time
 * order with ties in input order. Session mode is the oracle (test_session.c
 * checks it by hand). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/session.h"

#define T0 1569888000 /* 2019-10-01 00:00:00 UTC */
#define N 4000

struct rev {
	int64_t t;
	uint64_t user, product;
	int type;
	double price;
	char sess[8];
};

struct stub {
	const struct rev *ev;
	size_t n, i;
};

static int stub_next(void *ctx, struct ec_event *out, struct ec_err *err)
{
	(void)err;
	struct stub *s = ctx;
	if (s->i == s->n)
		return 0;
	const struct rev *e = &s->ev[s->i++];
	memset(out, 0, sizeof(*out));
	out->time = e->t;
	out->type = (uint8_t)e->type;
	out->product_id = e->product;
	out->category_id = 7;
	out->user_id = e->user;
	out->price = e->price;
	out->session.p = e->sess;
	out->session.n = strlen(e->sess);
	out->line = s->i + 1;
	return 1;
}

/* What identifies an event handed out: its user and its input order. */
struct got {
	uint64_t user;
	int64_t t;
	uint32_t ord;
	uint64_t product;
};

static int got_cmp(const void *pa, const void *pb)
{
	const struct got *a = pa, *b = pb;
	if (a->ord != b->ord)
		return a->ord < b->ord ? -1 : 1;
	return 0;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A stream about 3 s an event apart, some events moved back by up to
 * `back` seconds, some repeated soon after. */
static void make(struct rev *ev, uint64_t seed, int64_t back)
{
	uint64_t s = seed * 2654435761u + 1;
	for (size_t i = 0; i < N; i++) {
		struct rev *e = &ev[i];
		if (i > 0 && rnd(&s) % 10 == 0) {
			*e = ev[i - 1 - rnd(&s) % (i < 5 ? i : 5)]; /* a repeat */
			continue;
		}
		e->t = T0 + (int64_t)i * 3;
		if (rnd(&s) % 8 == 0)
			e->t -= (int64_t)(rnd(&s) % (uint64_t)(back + 1));
		e->user = 1 + rnd(&s) % 25;
		e->product = 1 + rnd(&s) % 3;
		e->type = (int)(rnd(&s) % 3);
		e->price = rnd(&s) % 2 ? 1.5 : 2.0;
		int k = (int)(rnd(&s) % 5);
		if (k == 0)
			e->sess[0] = '\0';
		else
			snprintf(e->sess, sizeof(e->sess), "s%d", k);
	}
}

static size_t by_sessions(struct got *g, const struct rev *ev, struct ec_session_opts *o,
			  struct ec_session_stats *st)
{
	struct stub s = {ev, N, 0};
	struct ec_sessionizer *z;
	struct ec_session ses;
	struct ec_err err = {0};
	size_t n = 0;
	int rc;
	o->events_only = 0;
	assert_int_equal(ec_sessionizer_new(&z, o, stub_next, &s, NULL, &err), 0);
	while ((rc = ec_sessionizer_next(z, &ses, &err)) > 0)
		for (uint32_t i = 0; i < ses.n; i++)
			g[n++] = (struct got){ses.user_id, ses.ev[i].time, ses.ev[i].ord,
					      ses.ev[i].product_id};
	assert_true(rc >= 0);
	*st = *ec_sessionizer_stats(z);
	ec_sessionizer_free(z);
	return n;
}

static size_t by_events(struct got *g, const struct rev *ev, struct ec_session_opts *o,
			struct ec_session_stats *st)
{
	struct stub s = {ev, N, 0};
	struct ec_sessionizer *z;
	struct ec_err err = {0};
	const struct ec_sev *e;
	uint64_t user;
	size_t n = 0;
	int rc;
	o->events_only = 1;
	assert_int_equal(ec_sessionizer_new(&z, o, stub_next, &s, NULL, &err), 0);
	while ((rc = ec_sessionizer_next_event(z, &user, &e, &err)) > 0) {
		if (n > 0) /* time order, ties in input order */
			assert_true(g[n - 1].t < e->time ||
				    (g[n - 1].t == e->time && g[n - 1].ord < e->ord));
		g[n++] = (struct got){user, e->time, e->ord, e->product_id};
	}
	assert_true(rc >= 0);
	*st = *ec_sessionizer_stats(z);
	ec_sessionizer_free(z);
	return n;
}

static void check(uint64_t seed, int64_t back, int key, int keep_duplicates)
{
	struct rev *ev = calloc(N, sizeof(*ev));
	struct got *a = calloc(N, sizeof(*a)), *b = calloc(N, sizeof(*b));
	struct ec_session_opts o;
	struct ec_session_stats sa, sb;
	make(ev, seed, back);
	ec_session_opts_init(&o);
	o.key = key;
	o.lateness = 60;
	o.gap = 40;
	o.max_late_fraction = 1;
	o.keep_duplicates = keep_duplicates;
	size_t na = by_sessions(a, ev, &o, &sa);
	size_t nb = by_events(b, ev, &o, &sb);
	assert_int_equal(na, nb);
	assert_int_equal(sa.late, sb.late);
	assert_int_equal(sa.duplicates, sb.duplicates);
	assert_int_equal(sb.events_out, nb);
	assert_true(sa.late > 0);
	assert_true(keep_duplicates || sa.duplicates > 0);
	qsort(a, na, sizeof(*a), got_cmp);
	qsort(b, nb, sizeof(*b), got_cmp);
	for (size_t i = 0; i < na; i++) {
		assert_int_equal(a[i].ord, b[i].ord);
		assert_int_equal(a[i].user, b[i].user);
		assert_int_equal(a[i].t, b[i].t);
		assert_int_equal(a[i].product, b[i].product);
	}
	free(ev);
	free(a);
	free(b);
}

static void test_session_events__same_events_as_sessions(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 12; seed++) {
		check(seed, 90, EC_KEY_SESSION, 0); /* some beyond the lateness */
		check(seed, 90, EC_KEY_SESSION, 1);
		check(seed, 200, EC_KEY_GAP, 0);
	}
}

/* Everything at the end of the input goes out, in order, even when the
 * whole stream is within the lateness. */
static void test_session_events__short_stream(void **state)
{
	(void)state;
	static const struct rev ev[] = {
	    {T0 + 5, 1, 1, 0, 1.0, "a"}, {T0 + 1, 2, 1, 0, 1.0, "b"},
	    {T0 + 5, 1, 2, 0, 1.0, "a"}, {T0 + 1, 2, 1, 0, 1.0, "b"}, /* a duplicate */
	    {T0 + 3, 1, 3, 0, 1.0, "a"},
	};
	struct stub s = {ev, 5, 0};
	struct ec_session_opts o;
	struct ec_sessionizer *z;
	struct ec_err err = {0};
	const struct ec_sev *e;
	uint64_t user;
	static const uint64_t want_product[] = {1, 3, 1, 2};
	static const int64_t want_t[] = {T0 + 1, T0 + 3, T0 + 5, T0 + 5};
	ec_session_opts_init(&o);
	o.events_only = 1;
	assert_int_equal(ec_sessionizer_new(&z, &o, stub_next, &s, NULL, &err), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(ec_sessionizer_next_event(z, &user, &e, &err), 1);
		assert_int_equal(e->time, want_t[i]);
		assert_int_equal(e->product_id, want_product[i]);
	}
	assert_int_equal(ec_sessionizer_next_event(z, &user, &e, &err), 0);
	assert_int_equal(ec_sessionizer_stats(z)->duplicates, 1);
	assert_int_equal(ec_sessionizer_stats(z)->reordered, 3);
	ec_sessionizer_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_session_events__same_events_as_sessions),
	    cmocka_unit_test(test_session_events__short_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
