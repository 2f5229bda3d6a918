/* Unit tests of the sessionizer, fed from a stub event source. Every boundary
 * below was worked out by hand from the rules in session.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ecomctl/session.h"

#define T0 1569888000 /* 2019-10-01 00:00:00 UTC */

struct stub_ev {
	int64_t t;
	int type;
	uint64_t product;
	uint64_t user;
	const char *sess;
	uint32_t file;
	double price;
};

struct stub {
	const struct stub_ev *ev;
	size_t n, i;
};

static int stub_next(void *ctx, struct ec_event *out, struct ec_err *err)
{
	(void)err;
	struct stub *s = ctx;
	if (s->i == s->n)
		return 0;
	const struct stub_ev *e = &s->ev[s->i++];
	memset(out, 0, sizeof(*out));
	out->time = e->t;
	out->type = (uint8_t)e->type;
	out->product_id = e->product;
	out->category_id = 7;
	out->user_id = e->user;
	out->price = e->price;
	out->session.p = e->sess;
	out->session.n = strlen(e->sess);
	out->brand.p = "acme";
	out->brand.n = 4;
	out->file = e->file;
	out->line = s->i + 1;
	return 1;
}

struct got {
	int n;
	char id[32][64];
	int64_t start[32], end[32];
	uint32_t n_ev[32];
	uint8_t cut[32];
	size_t consumed[32]; /* events the stub had given when the session came out */
	struct ec_session_stats st;
};

static void run(struct got *g, const struct stub_ev *ev, size_t n, const struct ec_session_opts *o)
{
	struct stub s = {ev, n, 0};
	struct ec_sessionizer *z;
	struct ec_session ses;
	struct ec_err err = {0};
	int rc;

	memset(g, 0, sizeof(*g));
	assert_int_equal(ec_sessionizer_new(&z, o, stub_next, &s, NULL, &err), 0);
	while ((rc = ec_sessionizer_next(z, &ses, &err)) > 0) {
		assert_true(g->n < 32);
		snprintf(g->id[g->n], 64, "%s", ses.id);
		g->start[g->n] = ses.start;
		g->end[g->n] = ses.end;
		g->n_ev[g->n] = ses.n;
		g->cut[g->n] = ses.cut;
		g->consumed[g->n] = s.i;
		for (uint32_t i = 1; i < ses.n; i++)
			assert_true(ses.ev[i - 1].time <= ses.ev[i].time);
		g->n++;
	}
	assert_int_equal(rc, 0);
	g->st = *ec_sessionizer_stats(z);
	ec_sessionizer_free(z);
}

static int find(const struct got *g, const char *id)
{
	for (int i = 0; i < g->n; i++)
		if (strcmp(g->id[i], id) == 0)
			return i;
	fail_msg("no session %s", id);
	return -1;
}

static void test_session__gap_at_limit_and_one_over(void **state)
{
	(void)state;
	struct ec_session_opts o;
	ec_session_opts_init(&o);
	/* a: 1800 s apart, exactly the gap: one session of 2.
	 * b: 1801 s apart: two sessions, the second "b/2". */
	const struct stub_ev ev[] = {
	    {T0, EC_EV_VIEW, 1, 10, "a", 0, 1},
	    {T0 + 1, EC_EV_VIEW, 1, 11, "b", 0, 1},
	    {T0 + 1800, EC_EV_VIEW, 2, 10, "a", 0, 1},
	    {T0 + 1802, EC_EV_VIEW, 2, 11, "b", 0, 1},
	};
	struct got g;
	run(&g, ev, 4, &o);
	assert_int_equal(g.n, 3);
	int a = find(&g, "a"), b1 = find(&g, "b"), b2 = find(&g, "b/2");
	assert_int_equal(g.n_ev[a], 2);
	assert_int_equal(g.end[a] - g.start[a], 1800);
	assert_int_equal(g.n_ev[b1], 1);
	assert_int_equal(g.cut[b1], EC_CUT_IDLE);
	assert_int_equal(g.n_ev[b2], 1);
	assert_int_equal(g.start[b2], T0 + 1802);
	assert_int_equal(g.st.split, 1);
}

static void test_session__across_files(void **state)
{
	(void)state;
	struct ec_session_opts o;
	ec_session_opts_init(&o);
	const struct stub_ev ev[] = {
	    {T0 + 86400 - 60, EC_EV_VIEW, 1, 10, "s", 0, 1},
	    {T0 + 86400 + 60, EC_EV_CART, 1, 10, "s", 1, 1},
	};
	struct got g;
	run(&g, ev, 2, &o);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.n_ev[0], 2);
	assert_int_equal(g.cut[0], EC_CUT_END);
}

static void test_session__midnight(void **state)
{
	(void)state;
	struct ec_session_opts o;
	ec_session_opts_init(&o);
	/* 23:50 and 00:10 next day: 20 minutes apart. */
	const struct stub_ev ev[] = {
	    {T0 + 86400 - 600, EC_EV_VIEW, 1, 10, "s", 0, 1},
	    {T0 + 86400 + 600, EC_EV_VIEW, 2, 10, "s", 0, 1},
	};
	struct got g;
	run(&g, ev, 2, &o);
	assert_int_equal(g.n, 1);
	o.split_at_midnight = 1;
	run(&g, ev, 2, &o);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.id[0], "s");
	assert_int_equal(g.cut[0], EC_CUT_MIDNIGHT);
	assert_string_equal(g.id[1], "s/2");
	assert_int_equal(g.start[1], T0 + 86400 + 600);
}

static void test_session__max_session_cap(void **state)
{
	(void)state;
	struct ec_session_opts o;
	ec_session_opts_init(&o);
	/* An event every 20 minutes for 25 hours: k = 0..75 at T0 + 1200 k.
	 * The first session takes k <= 72 (72 * 1200 = 86400, exactly 24h, not
	 * more), so 73 events; the rest (k = 73, 74, 75) is "s/2". */
	struct stub_ev ev[76];
	for (int k = 0; k < 76; k++)
		ev[k] = (struct stub_ev){T0 + 1200 * k, EC_EV_VIEW, (uint64_t)k, 10, "s", 0, 1};
	struct got g;
	run(&g, ev, 76, &o);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.id[0], "s");
	assert_int_equal(g.n_ev[0], 73);
	assert_int_equal(g.end[0] - g.start[0], 86400);
	assert_int_equal(g.cut[0], EC_CUT_MAX);
	assert_int_equal(g.n_ev[1], 3);
	/* The first came out while the input was still being read. */
	assert_true(g.consumed[0] < 76);
}

static void test_session__max_session_one_second_over(void **state)
{
	(void)state;
	struct ec_session_opts o;
	ec_session_opts_init(&o);
	o.gap = 2 * 86400; /* so that only --max-session can cut */
	/* Two events exactly 24h apart: one session; 24h + 1 s apart: two, the
	 * first cut by max-session. */
	const struct stub_ev at[] = {
	    {T0, EC_EV_VIEW, 1, 10, "s", 0, 1},
	    {T0 + 86400, EC_EV_VIEW, 2, 10, "s", 0, 1},
	};
	const struct stub_ev over[] = {
	    {T0, EC_EV_VIEW, 1, 10, "s", 0, 1},
	    {T0 + 86401, EC_EV_VIEW, 2, 10, "s", 0, 1},
	};
	struct got g;
	run(&g, at, 2, &o);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.n_ev[0], 2);
	run(&g, over, 2, &o);
	assert_int_equal(g.n, 2);
	assert_string_equal(g.id[0], "s");
	assert_int_equal(g.cut[0], EC_CUT_MAX);
	assert_string_equal(g.id[1], "s/2");
	assert_int_equal(g.start[1], T0 + 86401);
}

static void test_session__empty_user_session_uses_gap(void **state)
{
	(void)state;
	struct ec_session_opts o;
	ec_session_opts_init(&o);
	/* User 42 has no user_session: two runs 2 hours apart; ids by user and start. */
	const struct stub_ev ev[] = {
	    {T0, EC_EV_VIEW, 1, 42, "", 0, 1},
	    {T0 + 60, EC_EV_VIEW, 2, 42, "", 0, 1},
	    {T0 + 7200, EC_EV_VIEW, 3, 42, "", 0, 1},
	};
	struct got g;
	char want[64];
	run(&g, ev, 3, &o);
	assert_int_equal(g.n, 2);
	snprintf(want, sizeof(want), "42-%d", T0);
	assert_int_equal(g.n_ev[find(&g, want)], 2);
	snprintf(want, sizeof(want), "42-%d", T0 + 7200);
	assert_int_equal(g.n_ev[find(&g, want)], 1);
	assert_int_equal(g.st.empty_session_rows, 3);
}

static void test_session__duplicates(void **state)
{
	(void)state;
	struct ec_session_opts o;
	ec_session_opts_init(&o);
	/* The second row repeats the first exactly; the third differs in price. */
	const struct stub_ev ev[] = {
	    {T0, EC_EV_CART, 1, 10, "s", 0, 2.5},
	    {T0, EC_EV_CART, 1, 10, "s", 0, 2.5},
	    {T0, EC_EV_CART, 1, 10, "s", 0, 2.6},
	};
	struct got g;
	run(&g, ev, 3, &o);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.n_ev[0], 2);
	assert_int_equal(g.st.duplicates, 1);
	o.keep_duplicates = 1;
	run(&g, ev, 3, &o);
	assert_int_equal(g.n_ev[0], 3);
	assert_int_equal(g.st.duplicates, 0);
}

static void test_session__out_of_order(void **state)
{
	(void)state;
	struct ec_session_opts o;
	ec_session_opts_init(&o);
	o.max_late_fraction = 0.2; /* 1 late event of 5 is allowed */
	/* Lateness 600 s. The event at +200 comes after +300: put in order.
	 * Then another user's event at +2000 moves the watermark to +1400, so the
	 * event at +1000 for "s" is late: dropped and counted. */
	const struct stub_ev ev[] = {
	    {T0 + 100, EC_EV_VIEW, 1, 10, "s", 0, 1},  {T0 + 300, EC_EV_VIEW, 3, 10, "s", 0, 1},
	    {T0 + 200, EC_EV_VIEW, 2, 10, "s", 0, 1},  {T0 + 2000, EC_EV_VIEW, 9, 11, "t", 0, 1},
	    {T0 + 1000, EC_EV_VIEW, 4, 10, "s", 0, 1},
	};
	struct got g;
	run(&g, ev, 5, &o);
	assert_int_equal(g.n, 2);
	int s = find(&g, "s");
	assert_int_equal(g.n_ev[s], 3);
	assert_int_equal(g.start[s], T0 + 100);
	assert_int_equal(g.end[s], T0 + 300);
	assert_int_equal(g.st.reordered, 1);
	assert_int_equal(g.st.late, 1);
	assert_int_equal(g.st.events_out, 4);
}

static void test_session__out_of_order_fills_a_gap(void **state)
{
	(void)state;
	struct ec_session_opts o;
	ec_session_opts_init(&o);
	o.gap = 100;
	o.lateness = 500;
	/* +0 and +150 are 150 apart (> gap 100); +80 arrives late but within the
	 * lateness and bridges them: one session of three. */
	const struct stub_ev ev[] = {
	    {T0, EC_EV_VIEW, 1, 10, "s", 0, 1},
	    {T0 + 150, EC_EV_VIEW, 2, 10, "s", 0, 1},
	    {T0 + 80, EC_EV_VIEW, 3, 10, "s", 0, 1},
	};
	struct got g;
	run(&g, ev, 3, &o);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.n_ev[0], 3);
}

static void test_session__gap_key_ignores_user_session(void **state)
{
	(void)state;
	struct ec_session_opts o;
	ec_session_opts_init(&o);
	o.key = EC_KEY_GAP;
	/* Two user_session values of one user, interleaved: one session by gap. */
	const struct stub_ev ev[] = {
	    {T0, EC_EV_VIEW, 1, 10, "x", 0, 1},
	    {T0 + 10, EC_EV_VIEW, 2, 10, "y", 0, 1},
	    {T0 + 20, EC_EV_VIEW, 3, 10, "x", 0, 1},
	    {T0 + 4000, EC_EV_VIEW, 4, 10, "x", 0, 1},
	};
	struct got g;
	char want[64];
	run(&g, ev, 4, &o);
	assert_int_equal(g.n, 2);
	snprintf(want, sizeof(want), "10-%d", T0);
	assert_int_equal(g.n_ev[find(&g, want)], 3);
}

static void test_session__same_id_two_users(void **state)
{
	(void)state;
	struct ec_session_opts o;
	ec_session_opts_init(&o);
	/* One user_session value used by two users: never one session. */
	const struct stub_ev ev[] = {
	    {T0, EC_EV_VIEW, 1, 10, "s", 0, 1},
	    {T0 + 5, EC_EV_VIEW, 1, 11, "s", 0, 1},
	};
	struct got g;
	run(&g, ev, 2, &o);
	assert_int_equal(g.n, 2);
}

static void test_session__reopened_id_keeps_counting(void **state)
{
	(void)state;
	struct ec_session_opts o;
	ec_session_opts_init(&o);
	/* "s" goes quiet for hours (its key is let go while other traffic moves
	 * the watermark), then comes back: the new session is "s/2", not "s". */
	const struct stub_ev ev[] = {
	    {T0, EC_EV_VIEW, 1, 10, "s", 0, 1},
	    {T0 + 5000, EC_EV_VIEW, 1, 11, "t", 0, 1},
	    {T0 + 9000, EC_EV_VIEW, 1, 12, "u", 0, 1},
	    {T0 + 9001, EC_EV_VIEW, 2, 10, "s", 0, 1},
	};
	struct got g;
	run(&g, ev, 4, &o);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.start[find(&g, "s")], T0);
	assert_int_equal(g.start[find(&g, "s/2")], T0 + 9001);
}

/* The record of a quiet id lasts until the watermark passes its last event
 * plus max_session: an event at that watermark still numbers on ("s/2");
 * one second later the id is forgotten, and comes back as "s". */
static void test_session__quiet_id_forgotten_after_max_session(void **state)
{
	(void)state;
	struct ec_session_opts o;
	ec_session_opts_init(&o); /* gap 1800, max_session 86400, lateness 600 */
	for (int over = 0; over <= 1; over++) {
		int64_t back = T0 + 86400 + 600 + over; /* watermark: T0 + 86400 + over */
		const struct stub_ev ev[] = {
		    {T0, EC_EV_VIEW, 1, 10, "s", 0, 1},
		    {T0 + 5000, EC_EV_VIEW, 1, 11, "t", 0, 1}, /* "s" goes quiet */
		    {back, EC_EV_VIEW, 1, 12, "u", 0, 1},
		    {back, EC_EV_VIEW, 2, 10, "s", 0, 1},
		};
		struct got g;
		run(&g, ev, 4, &o);
		assert_int_equal(g.n, 4);
		int n_s = 0, n_s2 = 0;
		for (int i = 0; i < g.n; i++) {
			n_s += strcmp(g.id[i], "s") == 0;
			n_s2 += strcmp(g.id[i], "s/2") == 0;
		}
		assert_int_equal(n_s, 1 + over);
		assert_int_equal(n_s2, 1 - over);
		assert_int_equal(g.start[find(&g, over ? "u" : "s/2")], back);
	}
}

static void test_session__late_fraction(void **state)
{
	(void)state;
	const struct stub_ev ev[] = {
	    {T0 + 100, EC_EV_VIEW, 1, 10, "s", 0, 1},  {T0 + 2000, EC_EV_VIEW, 9, 11, "t", 0, 1},
	    {T0 + 1000, EC_EV_VIEW, 4, 10, "s", 0, 1}, {T0 + 2001, EC_EV_VIEW, 2, 12, "u", 0, 1},
	    {T0 + 2002, EC_EV_VIEW, 3, 12, "u", 0, 1},
	};
	const double fractions[] = {0.01, 0.19, 0.2, 1, -0.5, 1.5};
	const int want[] = {EC_EDATA, EC_EDATA, 0, 0, EC_EUSAGE, EC_EUSAGE};
	for (int i = 0; i < 6; i++) {
		struct ec_session_opts o;
		struct stub s = {ev, 5, 0};
		struct ec_sessionizer *z;
		struct ec_session ses;
		struct ec_err err = {0};
		int rc;
		ec_session_opts_init(&o);
		o.show_late = 0;
		o.max_late_fraction = fractions[i];
		rc = ec_sessionizer_new(&z, &o, stub_next, &s, NULL, &err);
		if (rc == 0) {
			while ((rc = ec_sessionizer_next(z, &ses, &err)) > 0)
				;
			assert_int_equal(ec_sessionizer_stats(z)->late, 1);
			ec_sessionizer_free(z);
		}
		assert_int_equal(rc, want[i]);
		if (want[i] == EC_EDATA)
			assert_non_null(strstr(err.msg, "1 of 5 events were late (20.00%"));
		if (want[i] == EC_EUSAGE)
			assert_non_null(strstr(err.msg, "--max-late-fraction"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_session__late_fraction),
	    cmocka_unit_test(test_session__gap_at_limit_and_one_over),
	    cmocka_unit_test(test_session__across_files),
	    cmocka_unit_test(test_session__midnight),
	    cmocka_unit_test(test_session__max_session_cap),
	    cmocka_unit_test(test_session__max_session_one_second_over),
	    cmocka_unit_test(test_session__empty_user_session_uses_gap),
	    cmocka_unit_test(test_session__duplicates),
	    cmocka_unit_test(test_session__out_of_order),
	    cmocka_unit_test(test_session__out_of_order_fills_a_gap),
	    cmocka_unit_test(test_session__gap_key_ignores_user_session),
	    cmocka_unit_test(test_session__same_id_two_users),
	    cmocka_unit_test(test_session__reopened_id_keeps_counting),
	    cmocka_unit_test(test_session__quiet_id_forgotten_after_max_session),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
