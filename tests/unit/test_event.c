/*
 * test_event.c -- unit tests of event.h's event types, header mapping and rows
 * (timestamps: test_event_time.c; numbers: test_event_number.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/event.h"
#include "ecomctl/reader.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int tyof(const char *s)
{
	return ec_event_type_parse(s, strlen(s));
}

static void test_event__type_parse(void **state)
{
	static const char *const bad[] = {
	    "View",	 "VIEW",  "Cart",  "Purchase", "REMOVE_FROM_CART",
	    "vie",	 "views", "",	   "remove",   "remove_from",
	    "purchases", " view", "view ", "click",
	};
	(void)state;
	assert_int_equal(tyof("view"), EC_EV_VIEW);
	assert_int_equal(tyof("cart"), EC_EV_CART);
	assert_int_equal(tyof("remove_from_cart"), EC_EV_REMOVE);
	assert_int_equal(tyof("purchase"), EC_EV_PURCHASE);
	for (size_t i = 0; i < N(bad); i++) {
		if (tyof(bad[i]) != -1)
			fail_msg("accepted type \"%s\"", bad[i]);
	}
	assert_int_equal(ec_event_type_parse("view", 3), -1);
	assert_int_equal(ec_event_type_parse("view\0", 5), -1);
	assert_int_equal(ec_event_type_parse("viewing", 4), EC_EV_VIEW);
	for (int t = 0; t < EC_EV_N; t++)
		assert_int_equal(tyof(ec_event_type_name(t)), t);
	assert_string_equal(ec_event_type_name(-1), "?");
	assert_string_equal(ec_event_type_name(EC_EV_N), "?");
}

/* ---- header ------------------------------------------------------------- */

static int strs(struct ec_str *f, const char *const *s, int n)
{
	for (int i = 0; i < n; i++) {
		f[i].p = s[i];
		f[i].n = strlen(s[i]);
	}
	return n;
}

static const char *const std_header[9] = {
    "event_time", "event_type", "product_id", "category_id",  "category_code",
    "brand",	  "price",	"user_id",    "user_session",
};

static void std_columns(struct ec_columns *cols)
{
	struct ec_str f[9];
	const char *missing = NULL;
	assert_int_equal(ec_columns_from_header(cols, f, strs(f, std_header, 9), &missing), 0);
}

static void test_event__header_standard(void **state)
{
	struct ec_columns cols;
	(void)state;
	std_columns(&cols);
	assert_int_equal(cols.n_fields, 9);
	for (int c = 0; c < EC_COL_N; c++)
		assert_int_equal(cols.idx[c], c);
	for (int c = 0; c < EC_COL_N; c++)
		assert_string_equal(ec_col_names[c], std_header[c]);
}

static void test_event__header_permuted_extra(void **state)
{
	static const char *const h[] = {
	    "user_session", "price",	     "extra",	"event_type",  "brand",
	    "event_time",   "category_code", "user_id", "category_id", "product_id",
	};
	struct ec_str f[10];
	struct ec_columns cols;
	const char *missing = NULL;
	(void)state;
	assert_int_equal(ec_columns_from_header(&cols, f, strs(f, h, 10), &missing), 0);
	assert_int_equal(cols.n_fields, 10);
	assert_int_equal(cols.idx[EC_COL_SESSION], 0);
	assert_int_equal(cols.idx[EC_COL_PRICE], 1);
	assert_int_equal(cols.idx[EC_COL_TYPE], 3);
	assert_int_equal(cols.idx[EC_COL_BRAND], 4);
	assert_int_equal(cols.idx[EC_COL_TIME], 5);
	assert_int_equal(cols.idx[EC_COL_CATEGORY_CODE], 6);
	assert_int_equal(cols.idx[EC_COL_USER], 7);
	assert_int_equal(cols.idx[EC_COL_CATEGORY_ID], 8);
	assert_int_equal(cols.idx[EC_COL_PRODUCT], 9);
}

static void test_event__header_bom(void **state)
{
	const char *h[9];
	struct ec_str f[9];
	struct ec_columns cols;
	const char *missing = NULL;
	(void)state;
	memcpy(h, std_header, sizeof(h));
	h[0] = "\xEF\xBB\xBF"
	       "event_time";
	assert_int_equal(ec_columns_from_header(&cols, f, strs(f, h, 9), &missing), 0);
	assert_int_equal(cols.idx[EC_COL_TIME], 0);
	/* Only the first field may carry one. */
	memcpy(h, std_header, sizeof(h));
	h[5] = "\xEF\xBB\xBF"
	       "brand";
	assert_int_equal(ec_columns_from_header(&cols, f, strs(f, h, 9), &missing), -1);
	assert_string_equal(missing, "brand");
}

static void test_event__header_missing(void **state)
{
	struct ec_str f[10];
	struct ec_columns cols;
	const char *missing = NULL;
	const char *h[9];
	(void)state;
	/* The standard header without its last column. */
	assert_int_equal(ec_columns_from_header(&cols, f, strs(f, std_header, 8), &missing), -1);
	assert_string_equal(missing, "user_session");
	/* Names are case-sensitive. */
	memcpy(h, std_header, sizeof(h));
	h[0] = "Event_Time";
	missing = NULL;
	assert_int_equal(ec_columns_from_header(&cols, f, strs(f, h, 9), &missing), -1);
	assert_string_equal(missing, "event_time");
	/* Two missing (event_type, price): the first in column order is named. */
	memcpy(h, std_header, sizeof(h));
	h[1] = "type";
	h[6] = "cost";
	assert_int_equal(ec_columns_from_header(&cols, f, strs(f, h, 9), &missing), -1);
	assert_string_equal(missing, "event_type");
	assert_int_equal(ec_columns_from_header(&cols, f, 0, &missing), -1);
	assert_string_equal(missing, "event_time");
}

static void test_event__header_duplicate_first_wins(void **state)
{
	static const char *const h[] = {
	    "event_time", "event_type", "product_id",	"category_id", "category_code", "brand",
	    "price",	  "user_id",	"user_session", "event_time",  "brand",
	};
	struct ec_str f[11];
	struct ec_columns cols;
	const char *missing = NULL;
	(void)state;
	assert_int_equal(ec_columns_from_header(&cols, f, strs(f, h, 11), &missing), 0);
	assert_int_equal(cols.n_fields, 11);
	assert_int_equal(cols.idx[EC_COL_TIME], 0);
	assert_int_equal(cols.idx[EC_COL_BRAND], 5);
}

/* ---- rows --------------------------------------------------------------- */

/* The example row of DESIGN §1. */
static const char *const good_row[9] = {
    "2019-10-01 00:00:00 UTC",
    "view",
    "44600062",
    "2103807459595387724",
    "",
    "shiseido",
    "35.79",
    "541312140",
    "72d76fde-8bb3-4e00-8c23-a032dfed738c",
};

static enum ec_bad row_with(const struct ec_columns *cols, int col, const char *value,
			    struct ec_event *ev)
{
	const char *r[9];
	struct ec_str f[9];
	memcpy(r, good_row, sizeof(r));
	if (col >= 0)
		r[col] = value;
	return ec_event_from_fields(ev, cols, f, strs(f, r, 9));
}

static void test_event__row_good(void **state)
{
	struct ec_columns cols;
	struct ec_event ev;
	(void)state;
	std_columns(&cols);
	memset(&ev, 0xAB, sizeof(ev));
	ev.file = 7;
	ev.line = 42;
	ev.raw.p = "raw";
	ev.raw.n = 3;
	assert_int_equal(row_with(&cols, -1, NULL, &ev), EC_BAD_NONE);
	assert_int_equal(ev.time, 1569888000);
	assert_int_equal(ev.type, EC_EV_VIEW);
	assert_int_equal(ev.product_id, 44600062);
	assert_int_equal(ev.category_id, 2103807459595387724ULL);
	assert_int_equal(ev.user_id, 541312140);
	assert_true(ev.price == 35.79);
	assert_int_equal(ev.flags, 0);
	assert_int_equal(ev.category_code.n, 0);
	assert_int_equal(ev.brand.n, 8);
	assert_memory_equal(ev.brand.p, "shiseido", 8);
	assert_int_equal(ev.session.n, 36);
	assert_ptr_equal(ev.session.p, good_row[8]); /* borrowed, not copied */
	/* file, line and raw are the reader's to fill. */
	assert_int_equal(ev.file, 7);
	assert_int_equal(ev.line, 42);
	assert_int_equal(ev.raw.n, 3);

	/* Empty category_code, brand and user_session are all fine. */
	const char *r[9];
	struct ec_str f[9];
	memcpy(r, good_row, sizeof(r));
	r[EC_COL_BRAND] = "";
	r[EC_COL_SESSION] = "";
	r[EC_COL_TYPE] = "remove_from_cart";
	r[EC_COL_PRODUCT] = "5802432.0";
	r[EC_COL_CATEGORY_ID] = "1.4875800092865987e+18";
	r[EC_COL_PRICE] = "-0.5";
	assert_int_equal(ec_event_from_fields(&ev, &cols, f, strs(f, r, 9)), EC_BAD_NONE);
	assert_int_equal(ev.brand.n, 0);
	assert_int_equal(ev.session.n, 0);
	assert_int_equal(ev.category_code.n, 0);
	assert_int_equal(ev.type, EC_EV_REMOVE);
	assert_int_equal(ev.product_id, 5802432);
	assert_int_equal(ev.category_id, 1487580009286598700ULL);
	assert_true(ev.price == -0.5);
	assert_int_equal(ev.flags, EC_EVF_ID_DECIMAL | EC_EVF_ID_EXPONENT);
	/* ...and the flags start from zero on every row. */
	assert_int_equal(row_with(&cols, -1, NULL, &ev), EC_BAD_NONE);
	assert_int_equal(ev.flags, 0);
}

static void test_event__row_bad_fields(void **state)
{
	static const struct {
		int col;
		const char *value;
		enum ec_bad why;
	} cases[] = {
	    {EC_COL_TIME, "2019-10-01 00:00:00", EC_BAD_TIME},
	    {EC_COL_TIME, "2019-02-30 00:00:00 UTC", EC_BAD_TIME},
	    {EC_COL_TIME, "", EC_BAD_TIME},
	    {EC_COL_TYPE, "View", EC_BAD_TYPE},
	    {EC_COL_TYPE, "", EC_BAD_TYPE},
	    {EC_COL_PRODUCT, "4460006x", EC_BAD_PRODUCT},
	    {EC_COL_PRODUCT, "", EC_BAD_PRODUCT},
	    {EC_COL_CATEGORY_ID, "2103807459595387724.5", EC_BAD_CATEGORY_ID},
	    {EC_COL_CATEGORY_ID, "-1", EC_BAD_CATEGORY_ID},
	    {EC_COL_PRICE, "35,79", EC_BAD_PRICE},
	    {EC_COL_PRICE, "", EC_BAD_PRICE},
	    {EC_COL_USER, "", EC_BAD_USER},
	    {EC_COL_USER, "18446744073709551616", EC_BAD_USER},
	};
	struct ec_columns cols;
	struct ec_event ev;
	char session[EC_SESSION_MAX + 2];
	(void)state;
	std_columns(&cols);
	for (size_t i = 0; i < N(cases); i++) {
		enum ec_bad why = row_with(&cols, cases[i].col, cases[i].value, &ev);
		if (why != cases[i].why)
			fail_msg("%s = \"%s\": got %s, expected %s", ec_col_names[cases[i].col],
				 cases[i].value, ec_bad_names[why], ec_bad_names[cases[i].why]);
	}
	memset(session, 's', sizeof(session));
	session[EC_SESSION_MAX] = '\0'; /* 128 bytes: the longest allowed */
	assert_int_equal(row_with(&cols, EC_COL_SESSION, session, &ev), EC_BAD_NONE);
	assert_int_equal(ev.session.n, 128);
	session[EC_SESSION_MAX] = 's';
	session[EC_SESSION_MAX + 1] = '\0'; /* 129 bytes */
	assert_int_equal(row_with(&cols, EC_COL_SESSION, session, &ev), EC_BAD_SESSION);
	assert_string_equal(ec_bad_names[EC_BAD_SESSION], "user_session");
	assert_string_equal(ec_bad_names[EC_BAD_TIME], "event_time");
}

static void test_event__row_field_count(void **state)
{
	const char *r[10];
	struct ec_str f[10];
	struct ec_columns cols;
	struct ec_event ev;
	(void)state;
	std_columns(&cols);
	memcpy(r, good_row, sizeof(good_row));
	r[9] = "extra";
	assert_int_equal(ec_event_from_fields(&ev, &cols, f, strs(f, r, 8)), EC_BAD_FIELD_COUNT);
	assert_int_equal(ec_event_from_fields(&ev, &cols, f, strs(f, r, 10)), EC_BAD_FIELD_COUNT);
	assert_int_equal(ec_event_from_fields(&ev, &cols, f, 0), EC_BAD_FIELD_COUNT);
	assert_int_equal(ec_event_from_fields(&ev, &cols, f, strs(f, r, 9)), EC_BAD_NONE);
}

/* A header in another order: every value is taken from its named column. */
static void test_event__row_permuted_columns(void **state)
{
	static const char *const h[] = {
	    "user_id",	  "extra", "price",	    "user_session", "event_type",
	    "event_time", "brand", "category_code", "category_id",  "product_id",
	};
	static const char *const r[] = {
	    "541312140",
	    "ignored",
	    "2574.07",
	    "s1",
	    "purchase",
	    "2020-02-29 12:34:56 UTC",
	    "apple",
	    "electronics.smartphone",
	    "2053013555631882655",
	    "1004856",
	};
	struct ec_str hf[10], f[10];
	struct ec_columns cols;
	struct ec_event ev;
	const char *missing;
	(void)state;
	assert_int_equal(ec_columns_from_header(&cols, hf, strs(hf, h, 10), &missing), 0);
	assert_int_equal(ec_event_from_fields(&ev, &cols, f, strs(f, r, 10)), EC_BAD_NONE);
	assert_int_equal(ev.user_id, 541312140);
	assert_true(ev.price == 2574.07);
	assert_int_equal(ev.type, EC_EV_PURCHASE);
	assert_int_equal(ev.time, 1582979696);
	assert_int_equal(ev.product_id, 1004856);
	assert_int_equal(ev.category_id, 2053013555631882655ULL);
	assert_memory_equal(ev.brand.p, "apple", 5);
	assert_int_equal(ev.category_code.n, strlen("electronics.smartphone"));
	assert_memory_equal(ev.session.p, "s1", 2);
	assert_int_equal(ec_event_from_fields(&ev, &cols, f, strs(f, r, 9)), EC_BAD_FIELD_COUNT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_event__type_parse),
	    cmocka_unit_test(test_event__header_standard),
	    cmocka_unit_test(test_event__header_permuted_extra),
	    cmocka_unit_test(test_event__header_bom),
	    cmocka_unit_test(test_event__header_missing),
	    cmocka_unit_test(test_event__header_duplicate_first_wins),
	    cmocka_unit_test(test_event__row_good),
	    cmocka_unit_test(test_event__row_bad_fields),
	    cmocka_unit_test(test_event__row_field_count),
	    cmocka_unit_test(test_event__row_permuted_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
