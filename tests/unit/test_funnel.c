/* Unit tests of the funnel, fed through the sessionizer from a stub event
 * source. Every expected count and time below was worked out by hand from
 * the rules in funnel.h; the comments show the working. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "ecomctl/funnel.h"
#include "ecomctl/session.h"

#define T0 1569888000 /* 2019-10-01 00:00:00 UTC, a Tuesday */

enum { V = EC_EV_VIEW, C = EC_EV_CART, R = EC_EV_REMOVE, P = EC_EV_PURCHASE };

struct stub_ev {
	int64_t dt; /* seconds after T0 */
	int type;
	uint64_t product;
	uint64_t user;
	const char *sess;
	const char *code;  /* category_code; NULL: "" */
	const char *brand; /* NULL: "" */
	double price;
};

struct stub {
	const struct stub_ev *ev;
	size_t n, i;
};

static size_t len0(const char *s)
{
	return s ? strlen(s) : 0;
}

static int stub_next(void *ctx, struct ec_event *out, struct ec_err *err)
{
	(void)err;
	struct stub *s = ctx;
	if (s->i == s->n)
		return 0;
	const struct stub_ev *e = &s->ev[s->i++];
	memset(out, 0, sizeof(*out));
	out->time = T0 + e->dt;
	out->type = (uint8_t)e->type;
	out->product_id = e->product;
	out->category_id = 100 * e->product;
	out->user_id = e->user;
	out->price = e->price;
	out->session.p = e->sess;
	out->session.n = strlen(e->sess);
	out->category_code.p = e->code;
	out->category_code.n = len0(e->code);
	out->brand.p = e->brand;
	out->brand.n = len0(e->brand);
	out->line = s->i + 1;
	return 1;
}

struct run {
	struct ec_sessionizer *z;
	struct ec_funnel *f;
	const struct ec_funnel_result *r;
};

static void run(struct run *x, const struct stub_ev *ev, size_t n, const struct ec_funnel_opts *fo)
{
	struct ec_session_opts so;
	struct stub st = {ev, n, 0};
	struct ec_err err = {0};

	ec_session_opts_init(&so);
	so.keep_duplicates = 1;
	ec_funnel_session_opts(fo, &so);
	assert_int_equal(ec_sessionizer_new(&x->z, &so, stub_next, &st, NULL, &err), 0);
	assert_int_equal(ec_funnel_new(&x->f, fo, &err), 0);
	assert_int_equal(ec_funnel_feed(x->f, x->z, &err), 0);
	ec_funnel_finish(x->f);
	x->r = ec_funnel_result(x->f);
}

static void done(struct run *x)
{
	ec_funnel_free(x->f);
	ec_sessionizer_free(x->z);
}

static void assert_units(const struct ec_funnel_row *row, uint64_t a, uint64_t b, uint64_t c)
{
	assert_int_equal(row->units[0], a);
	assert_int_equal(row->units[1], b);
	assert_int_equal(row->units[2], c);
}

static const struct ec_funnel_row *row_of(const struct ec_funnel_result *r, int by,
					  const char *value)
{
	for (int i = 0; i < r->n_by; i++) {
		if (r->by[i].by != by)
			continue;
		for (size_t j = 0; j < r->by[i].n; j++)
			if (strcmp(r->by[i].rows[j].value, value) == 0)
				return &r->by[i].rows[j];
	}
	fail_msg("no row %s", value);
	return NULL;
}

/* s1: view 0, remove 5, cart 10, purchase 20 -- ordered 3, strict 1 (the
 *     remove is between view and cart), any 3.
 * s2: cart 0, view 5, purchase 10 -- ordered 1 (no cart after the view),
 *     strict 1, any 3 (steps 1 and 2 both complete at 5, step 3 at 10).
 * s3: view 0, cart 10, purchase 20 -- 3 in every order.
 * s4: purchase 0 -- no view: not in the funnel. */
static const struct stub_ev orders_ev[] = {
    {0, V, 1, 1, "s1", NULL, NULL, 1},	{5, R, 1, 1, "s1", NULL, NULL, 1},
    {10, C, 1, 1, "s1", NULL, NULL, 1}, {20, P, 1, 1, "s1", NULL, NULL, 1},
    {0, C, 1, 2, "s2", NULL, NULL, 1},	{5, V, 1, 2, "s2", NULL, NULL, 1},
    {10, P, 1, 2, "s2", NULL, NULL, 1}, {0, V, 1, 3, "s3", NULL, NULL, 1},
    {10, C, 1, 3, "s3", NULL, NULL, 1}, {20, P, 1, 3, "s3", NULL, NULL, 1},
    {0, P, 1, 4, "s4", NULL, NULL, 1},
};

static void test_funnel__ordered_strict_any(void **state)
{
	(void)state;
	struct ec_funnel_opts fo;
	struct run x;
	ec_funnel_opts_init(&fo);
	run(&x, orders_ev, 11, &fo);
	assert_int_equal(x.r->units, 4);
	assert_units(&x.r->total, 3, 2, 2);
	/* s1 and s3: cart 10 s after the view, purchase 10 s after the cart. */
	assert_int_equal(x.r->total.median_s[1], 10);
	assert_int_equal(x.r->total.p90_s[2], 10);
	assert_int_equal(x.r->total.median_s[0], -1);
	done(&x);

	fo.order = EC_FUNNEL_STRICT;
	run(&x, orders_ev, 11, &fo);
	assert_units(&x.r->total, 3, 1, 1);
	done(&x);

	fo.order = EC_FUNNEL_ANY;
	run(&x, orders_ev, 11, &fo);
	assert_units(&x.r->total, 3, 3, 3);
	/* Step 2 times 10, 0, 10 -> sorted 0 10 10: median (rank 2) 10, p90
	 * (rank 3) 10. Step 3 times 10, 5, 10 -> 5 10 10: median 10. */
	assert_int_equal(x.r->total.median_s[1], 10);
	assert_int_equal(x.r->total.median_s[2], 10);
	done(&x);
}

/* w1: view 0, cart 60, purchase 61. w2: view 0, view 30, cart 70. */
static const struct stub_ev window_ev[] = {
    {0, V, 1, 1, "w1", NULL, NULL, 1},	{60, C, 1, 1, "w1", NULL, NULL, 1},
    {61, P, 1, 1, "w1", NULL, NULL, 1}, {0, V, 1, 2, "w2", NULL, NULL, 1},
    {30, V, 2, 2, "w2", NULL, NULL, 1}, {70, C, 2, 2, "w2", NULL, NULL, 1},
};

static void test_funnel__window_edge(void **state)
{
	(void)state;
	struct ec_funnel_opts fo;
	struct run x;
	ec_funnel_opts_init(&fo);

	/* 60 s: w1's cart at exactly 60 s counts, its purchase at 61 s does not;
	 * w2 reaches the cart from its second view (70 - 30 = 40 s). Step 2
	 * times 60, 40 -> median (rank 1) 40, p90 (rank 2) 60. */
	fo.window = 60;
	run(&x, window_ev, 6, &fo);
	assert_units(&x.r->total, 2, 2, 0);
	assert_int_equal(x.r->total.median_s[1], 40);
	assert_int_equal(x.r->total.p90_s[1], 60);
	done(&x);

	fo.window = 61;
	run(&x, window_ev, 6, &fo);
	assert_units(&x.r->total, 2, 2, 1);
	done(&x);

	/* No window: w2's sequence starts at its first view: 70 s to the cart. */
	fo.window = -1;
	run(&x, window_ev, 6, &fo);
	assert_units(&x.r->total, 2, 2, 1);
	assert_int_equal(x.r->total.median_s[1], 60);
	assert_int_equal(x.r->total.p90_s[1], 70);
	done(&x);

	/* Any order, 60 s: a purchase at 0 and a view at 100, cart 130: the
	 * purchase is too early for the view's window. */
	const struct stub_ev any_ev[] = {
	    {0, P, 1, 1, "a", NULL, NULL, 1},
	    {100, V, 1, 1, "a", NULL, NULL, 1},
	    {130, C, 1, 1, "a", NULL, NULL, 1},
	};
	fo.window = 60;
	fo.order = EC_FUNNEL_ANY;
	run(&x, any_ev, 3, &fo);
	assert_units(&x.r->total, 1, 1, 0);
	done(&x);
	fo.window = 130;
	run(&x, any_ev, 3, &fo);
	assert_units(&x.r->total, 1, 1, 1);
	done(&x);
}

/* p: view p1 (brand a), view p2 (brand b), cart p2, purchase p1.
 * q: view p1, cart p1, view p2, purchase p1. */
static const struct stub_ev product_ev[] = {
    {0, V, 1, 1, "p", NULL, "a", 1},  {10, V, 2, 1, "p", NULL, "b", 1},
    {20, C, 2, 1, "p", NULL, "b", 1}, {30, P, 1, 1, "p", NULL, "a", 1},
    {0, V, 1, 2, "q", NULL, "a", 1},  {5, C, 1, 2, "q", NULL, "a", 1},
    {6, V, 2, 2, "q", NULL, "b", 1},  {10, P, 1, 2, "q", NULL, "a", 1},
};

static void test_funnel__same_product(void **state)
{
	(void)state;
	struct ec_funnel_opts fo;
	struct run x;
	ec_funnel_opts_init(&fo);
	assert_int_equal(ec_funnel_parse_by(&fo, "brand", NULL), 0);

	/* Any product: both reach 3, from the view of p1 (brand a). */
	run(&x, product_ev, 8, &fo);
	assert_units(&x.r->total, 2, 2, 2);
	assert_units(row_of(x.r, EC_FUNNEL_BY_BRAND, "a"), 2, 2, 2);
	done(&x);

	/* Same product: p reaches 2 with p2 (p1 has no cart), attributed to
	 * brand b; q reaches 3 with p1. */
	fo.same_product = 1;
	run(&x, product_ev, 8, &fo);
	assert_units(&x.r->total, 2, 2, 1);
	assert_units(row_of(x.r, EC_FUNNEL_BY_BRAND, "b"), 1, 1, 0);
	assert_units(row_of(x.r, EC_FUNNEL_BY_BRAND, "a"), 1, 1, 1);
	done(&x);

	/* Same product, both complete: p1 started first, so its sequence is
	 * the one reported though p2 completed first: brand a, cart 40 s after
	 * the view, purchase 10 s after the cart. */
	const struct stub_ev both_ev[] = {
	    {0, V, 1, 1, "r", NULL, "a", 1},  {10, V, 2, 1, "r", NULL, "b", 1},
	    {20, C, 2, 1, "r", NULL, "b", 1}, {30, P, 2, 1, "r", NULL, "b", 1},
	    {40, C, 1, 1, "r", NULL, "a", 1}, {50, P, 1, 1, "r", NULL, "a", 1},
	};
	run(&x, both_ev, 6, &fo);
	assert_units(row_of(x.r, EC_FUNNEL_BY_BRAND, "a"), 1, 1, 1);
	assert_int_equal(x.r->total.median_s[1], 40);
	assert_int_equal(x.r->total.median_s[2], 10);
	done(&x);

	/* Strict, same product: in q the view of p2 is between p1's cart and
	 * purchase: 2. In p, p1's view is followed by p2's: p1 stops at 1, p2
	 * goes view, cart then stops: 2. */
	fo.order = EC_FUNNEL_STRICT;
	run(&x, product_ev, 8, &fo);
	assert_units(&x.r->total, 2, 2, 0);
	done(&x);
}

/* User 1: session a: view 0; session b: cart 100, purchase 200.
 * User 2, two tabs: session c: view 0, purchase 50; session d: cart 20. */
static const struct stub_ev user_ev[] = {
    {0, V, 1, 1, "a", NULL, NULL, 1},	{0, V, 1, 2, "c", NULL, NULL, 1},
    {20, C, 1, 2, "d", NULL, NULL, 1},	{50, P, 1, 2, "c", NULL, NULL, 1},
    {100, C, 1, 1, "b", NULL, NULL, 1}, {200, P, 1, 1, "b", NULL, NULL, 1},
};

static void test_funnel__user_vs_session(void **state)
{
	(void)state;
	struct ec_funnel_opts fo;
	struct run x;
	ec_funnel_opts_init(&fo);

	/* Sessions: a 1, b 0 (no view), c 1 (no cart), d 0. */
	run(&x, user_ev, 6, &fo);
	assert_int_equal(x.r->units, 4);
	assert_units(&x.r->total, 2, 0, 0);
	done(&x);

	/* Users: 1 goes view 0, cart 100, purchase 200; 2 goes view 0, cart 20
	 * (the other tab), purchase 50. Step 2 times 100, 20: median 20; step 3
	 * times 100, 30: median 30, p90 100. */
	fo.unit = EC_FUNNEL_UNIT_USER;
	run(&x, user_ev, 6, &fo);
	assert_int_equal(x.r->units, 2);
	assert_units(&x.r->total, 2, 2, 2);
	assert_int_equal(x.r->total.median_s[1], 20);
	assert_int_equal(x.r->total.median_s[2], 30);
	assert_int_equal(x.r->total.p90_s[2], 100);
	done(&x);
}

static void test_funnel__same_second(void **state)
{
	(void)state;
	struct ec_funnel_opts fo;
	struct run x;
	ec_funnel_opts_init(&fo);
	/* a: cart then view in one second (file order), purchase next second:
	 *    the cart may come after the view: 3.
	 * b: cart at 9, view at 10: the cart is a second too early: 1. */
	const struct stub_ev ev[] = {
	    {10, C, 1, 1, "a", NULL, NULL, 1}, {10, V, 1, 1, "a", NULL, NULL, 1},
	    {11, P, 1, 1, "a", NULL, NULL, 1}, {9, C, 1, 2, "b", NULL, NULL, 1},
	    {10, V, 1, 2, "b", NULL, NULL, 1},
	};
	run(&x, ev, 5, &fo);
	assert_units(&x.r->total, 2, 1, 1);
	assert_int_equal(x.r->total.median_s[1], 0);
	assert_int_equal(x.r->total.median_s[2], 1);
	done(&x);

	/* Strict. c: view, remove, cart in one second, purchase next: the
	 * remove can go first, so 3. d: view 10; cart and remove at 11;
	 * purchase 12: the remove is between view and cart or between cart and
	 * purchase: 2. */
	const struct stub_ev strict_ev[] = {
	    {10, V, 1, 1, "c", NULL, NULL, 1}, {10, R, 1, 1, "c", NULL, NULL, 1},
	    {10, C, 1, 1, "c", NULL, NULL, 1}, {11, P, 1, 1, "c", NULL, NULL, 1},
	    {10, V, 1, 2, "d", NULL, NULL, 1}, {11, C, 1, 2, "d", NULL, NULL, 1},
	    {11, R, 1, 2, "d", NULL, NULL, 1}, {12, P, 1, 2, "d", NULL, NULL, 1},
	};
	fo.order = EC_FUNNEL_STRICT;
	run(&x, strict_ev, 8, &fo);
	assert_units(&x.r->total, 2, 2, 1);
	done(&x);

	/* Repeated steps view,view: one event serves one step only. e has one
	 * view, f two in the same second. */
	const struct stub_ev rep_ev[] = {
	    {0, V, 1, 1, "e", NULL, NULL, 1},
	    {0, V, 1, 2, "f", NULL, NULL, 1},
	    {0, V, 2, 2, "f", NULL, NULL, 1},
	};
	ec_funnel_opts_init(&fo);
	assert_int_equal(ec_funnel_parse_steps(&fo, "view,view", NULL), 0);
	run(&x, rep_ev, 3, &fo);
	assert_int_equal(x.r->total.units[0], 2);
	assert_int_equal(x.r->total.units[1], 1);
	done(&x);
}

/* The breakdowns use the event that matched step 1: the first view (p1:
 * electronics.smartphone, price 5, at 10:00) though p2 is the one bought. */
static void test_funnel__breakdown_attribution(void **state)
{
	(void)state;
	struct ec_funnel_opts fo;
	struct run x;
	ec_funnel_opts_init(&fo);
	assert_int_equal(ec_funnel_parse_by(&fo, "top,category,price,hour,weekday,day", NULL), 0);
	const struct stub_ev ev[] = {
	    {36000, V, 1, 1, "s", "electronics.smartphone.x", "a", 5},
	    {36010, V, 2, 1, "s", "appliances.kitchen", "b", 300},
	    {36020, C, 2, 1, "s", "appliances.kitchen", "b", 300},
	    {36030, P, 2, 1, "s", "appliances.kitchen", "b", 300},
	    {36000, V, 3, 2, "t", NULL, NULL, 10},
	};
	run(&x, ev, 5, &fo);
	assert_units(row_of(x.r, EC_FUNNEL_BY_TOP, "electronics"), 1, 1, 1);
	assert_units(row_of(x.r, EC_FUNNEL_BY_TOP, "id:300"), 1, 0, 0);
	assert_units(row_of(x.r, EC_FUNNEL_BY_CATEGORY, "electronics.smartphone"), 1, 1, 1);
	assert_units(row_of(x.r, EC_FUNNEL_BY_PRICE, "0-10"), 1, 1, 1);
	assert_units(row_of(x.r, EC_FUNNEL_BY_PRICE, "10-25"), 1, 0, 0);
	assert_units(row_of(x.r, EC_FUNNEL_BY_HOUR, "10"), 2, 1, 1);
	assert_units(row_of(x.r, EC_FUNNEL_BY_WEEKDAY, "Tue"), 2, 1, 1);
	assert_units(row_of(x.r, EC_FUNNEL_BY_DAY, "2019-10-01"), 2, 1, 1);
	assert_int_equal(x.r->trend.n, 1);
	assert_string_equal(x.r->trend.rows[0].value, "2019-10-01");
	/* Top rows: most units at step 1, then by value. */
	assert_string_equal(x.r->by[0].rows[0].value, "electronics");
	done(&x);
}

/* s1: carts p1 and p2, buys p1; s2: carts p2; s3: carts p3 twice.
 * Abandoned: p2 in 2 sessions, p3 in 1; p1 carted once, bought. */
static void test_funnel__abandoned(void **state)
{
	(void)state;
	struct ec_funnel_opts fo;
	struct run x;
	ec_funnel_opts_init(&fo);
	const struct stub_ev ev[] = {
	    {0, C, 1, 1, "s1", NULL, "a", 3},  {1, C, 2, 1, "s1", NULL, "b", 4},
	    {2, P, 1, 1, "s1", NULL, "a", 3},  {0, C, 2, 2, "s2", NULL, "b", 4.5},
	    {0, C, 3, 3, "s3", NULL, NULL, 5}, {1, C, 3, 3, "s3", NULL, NULL, 5},
	};
	run(&x, ev, 6, &fo);
	assert_int_equal(x.r->n_abandoned, 2);
	assert_int_equal(x.r->abandoned[0].product_id, 2);
	assert_int_equal(x.r->abandoned[0].abandoned, 2);
	assert_int_equal(x.r->abandoned[0].carted, 2);
	assert_string_equal(x.r->abandoned[0].brand, "b");
	assert_int_equal(x.r->abandoned[1].product_id, 3);
	assert_int_equal(x.r->abandoned[1].abandoned, 1);
	assert_int_equal(x.r->carting_units, 3);
	assert_int_equal(x.r->abandoning_units, 3);
	done(&x);

	/* One user: p2's cart in s2 is still not bought; --top 1 keeps p2. */
	fo.unit = EC_FUNNEL_UNIT_USER;
	fo.top = 1;
	const struct stub_ev uev[] = {
	    {0, C, 1, 1, "s1", NULL, "a", 3},
	    {1, C, 2, 1, "s1", NULL, "b", 4},
	    {5000, P, 1, 1, "s2", NULL, "a", 3},
	};
	run(&x, uev, 3, &fo);
	assert_int_equal(x.r->n_abandoned, 1);
	assert_int_equal(x.r->abandoned[0].product_id, 2);
	assert_int_equal(x.r->carting_units, 1);
	assert_int_equal(x.r->abandoning_units, 1);
	done(&x);
}

static void test_funnel__options(void **state)
{
	(void)state;
	struct ec_funnel_opts fo;
	struct ec_err err = {0};
	ec_funnel_opts_init(&fo);
	assert_int_equal(ec_funnel_parse_steps(&fo, "view,buy", &err), EC_EUSAGE);
	assert_non_null(strstr(err.msg, "'buy'"));
	assert_int_equal(ec_funnel_parse_steps(&fo, "", &err), EC_EUSAGE);
	assert_int_equal(ec_funnel_parse_steps(&fo, "cart,remove_from_cart", &err), 0);
	assert_int_equal(fo.n_steps, 2);
	assert_int_equal(fo.steps[1], EC_EV_REMOVE);
	assert_int_equal(ec_funnel_parse_by(&fo, "top,top,brand", &err), 0);
	assert_int_equal(fo.n_by, 2);
	assert_int_equal(ec_funnel_parse_by(&fo, "colour", &err), EC_EUSAGE);
	assert_int_equal(ec_funnel_price_band(0), 0);
	assert_int_equal(ec_funnel_price_band(-1), 0);
	assert_int_equal(ec_funnel_price_band(9.99), 1);
	assert_int_equal(ec_funnel_price_band(10), 2);
	assert_int_equal(ec_funnel_price_band(999.99), 7);
	assert_int_equal(ec_funnel_price_band(1000), 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_funnel__ordered_strict_any),
	    cmocka_unit_test(test_funnel__window_edge),
	    cmocka_unit_test(test_funnel__same_product),
	    cmocka_unit_test(test_funnel__user_vs_session),
	    cmocka_unit_test(test_funnel__same_second),
	    cmocka_unit_test(test_funnel__breakdown_attribution),
	    cmocka_unit_test(test_funnel__abandoned),
	    cmocka_unit_test(test_funnel__options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
