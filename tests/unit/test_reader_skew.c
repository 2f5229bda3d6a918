/* Unit tests of the reader's time_out_of_range rule (src/input/reader_skew.c)
 * and of reading from memory without a thread, in chunks of any size. The
 * expected rejects follow from the rule in reader.h, worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/reader.h"

#define HEADER                                                                                     \
	"event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_"     \
	"session\n"
#define T0 1569888000 /* 2019-10-01 00:00:00 UTC */
#define DAY 86400

/* A CSV text of one row per time, product i on row i. */
static char *csv_of(const int64_t *t, int n, size_t *len)
{
	char *s = malloc(64 + (size_t)n * 96), tb[24];
	size_t k = (size_t)sprintf(s, HEADER);
	for (int i = 0; i < n; i++) {
		ec_time_format(t[i], tb);
		k += (size_t)sprintf(s + k, "%s,view,%d,2,,brand%d,1.50,3,s%d\n", tb, i, i, i % 3);
	}
	*len = k;
	return s;
}

struct got {
	int rc, n;
	uint64_t lines[128];
	struct ec_reader_stats st;
	struct ec_err err;
	uint64_t digest;
};

static void read_mem(struct got *g, const struct ec_str *bufs, int n_bufs, int64_t max_skew,
		     int sync, size_t chunk)
{
	const char *names[4] = {"a.csv", "b.csv", "c.csv", "d.csv"};
	struct ec_reader_opts o;
	struct ec_reader *r;
	struct ec_event ev;

	memset(g, 0, sizeof(*g));
	ec_reader_opts_init(&o);
	o.paths = names;
	o.n_paths = n_bufs;
	o.buffers = bufs;
	o.show_bad = 0;
	o.max_bad_fraction = -1;
	o.max_skew = max_skew;
	o.sync = sync;
	o.chunk_size = chunk;
	assert_int_equal(ec_reader_open(&r, &o, &g->err), 0);
	g->digest = 14695981039346656037ULL;
	while ((g->rc = ec_reader_next(r, &ev, &g->err)) > 0) {
		if (g->n < 128)
			g->lines[g->n] = ev.line;
		g->n++;
		const unsigned char *p = (const unsigned char *)ev.raw.p;
		for (size_t i = 0; i < ev.raw.n; i++)
			g->digest = (g->digest ^ p[i]) * 0x100000001b3ULL;
		g->digest = (g->digest ^ ev.line ^ ((uint64_t)ev.file << 40)) * 0x100000001b3ULL;
		for (size_t i = 0; i < ev.brand.n; i++)
			g->digest = (g->digest ^ (unsigned char)ev.brand.p[i]) * 0x100000001b3ULL;
	}
	g->st = *ec_reader_stats(r);
	ec_reader_free(r);
}

static void read_times(struct got *g, const int64_t *t, int n, int64_t max_skew)
{
	size_t len;
	char *s = csv_of(t, n, &len);
	struct ec_str b = {s, len};
	read_mem(g, &b, 1, max_skew, 1, 0);
	free(s);
}

/* The file's very first row is the outlier: held back, it is judged with
 * the 14 after it against their median. */
static void test_reader_skew__first_row_far_future(void **state)
{
	(void)state;
	int64_t t[40];
	t[0] = 1893456000; /* 2030-01-01 */
	for (int i = 1; i < 40; i++)
		t[i] = T0 + i;
	struct got g;
	read_times(&g, t, 40, DAY);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.n, 39);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_TIME_RANGE], 1);
	assert_int_equal(g.st.time_max, T0 + 39);
	assert_int_equal(g.lines[0], 3); /* line 2 was the outlier; order kept */
	assert_int_equal(g.lines[38], 41);
	/* Without the check every row is good, 2030 included. */
	read_times(&g, t, 40, 0);
	assert_int_equal(g.n, 40);
	assert_int_equal(g.st.time_max, 1893456000);
}

/* Later rows: a lone outlier, a run of seven, an event exactly max_skew
 * ahead of the latest accepted time (allowed) and one a second more (not). */
static void test_reader_skew__outliers_later(void **state)
{
	(void)state;
	int64_t t[100];
	for (int i = 0; i < 100; i++)
		t[i] = T0 + i;
	t[30] = T0 + 30 + 40 * DAY;
	for (int i = 50; i < 57; i++)
		t[i] = T0 + 365 * DAY;
	t[80] = T0 + 79 + DAY;	       /* the latest accepted before it: T0 + 79 */
	t[90] = T0 + 79 + 2 * DAY + 1; /* ... and before this one: t[80] */
	struct got g;
	read_times(&g, t, 100, DAY);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_TIME_RANGE], 1 + 7 + 1);
	assert_int_equal(g.n, 91);
	assert_int_equal(g.st.time_max, T0 + 79 + DAY);
}

/* Time genuinely jumps by more than max_skew: eight rows in a row ahead
 * confirm the jump and nothing is lost; the same inside the first rows of
 * a file, and between files. Eight far-future rows in a row are taken for a
 * jump too (what follows is then late, for the sessionizer to count). */
static void test_reader_skew__genuine_jump(void **state)
{
	(void)state;
	int64_t t[60];
	for (int i = 0; i < 60; i++)
		t[i] = T0 + i + (i >= 30 ? 3 * DAY : 0);
	struct got g;
	read_times(&g, t, 60, DAY);
	assert_int_equal(g.st.bad, 0);
	assert_int_equal(g.n, 60);
	read_times(&g, t + 24, 36, DAY); /* the jump after 6 rows */
	assert_int_equal(g.st.bad, 0);
	assert_int_equal(g.n, 36);

	size_t la, lb;
	char *a = csv_of(t, 30, &la), *b = csv_of(t + 30, 30, &lb);
	struct ec_str bufs[2] = {{a, la}, {b, lb}};
	read_mem(&g, bufs, 2, DAY, 1, 0);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.st.bad, 0);
	assert_int_equal(g.n, 60);
	free(a);
	free(b);

	for (int i = 40; i < 48; i++)
		t[i] = T0 + 365 * DAY;
	read_times(&g, t, 48, DAY);
	assert_int_equal(g.st.bad, 0);
	/* At the end of a file two or more rows ahead are a jump; one alone is
	 * out of range. */
	read_times(&g, t, 42, DAY);
	assert_int_equal(g.st.bad, 0);
	read_times(&g, t, 41, DAY);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_TIME_RANGE], 1);
}

/* Sessions of three rows three days apart in sparse data: every session's
 * rows are more than a day ahead of the latest accepted one; when eight
 * suspects span several sessions, those up to their median are accepted and
 * the rest judged again, so nothing is lost (the last session, of three
 * rows, is a jump at the end of the file). */
static void test_reader_skew__sparse_sessions(void **state)
{
	(void)state;
	int64_t t[63];
	for (int i = 0; i < 63; i++)
		t[i] = T0 + (i / 3) * 3 * DAY + (i % 3) * 60;
	struct got g;
	read_times(&g, t, 63, DAY);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.st.bad, 0);
	assert_int_equal(g.n, 63);
	t[40] = T0 + 2000 * DAY;
	read_times(&g, t, 63, DAY);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_TIME_RANGE], 1);
}

/* Sparse data (a row every 20 hours, 12 days in the first 15 rows) is in
 * range: each row is within a day of the one before. After an outlier the
 * next rows are 40, 60... hours ahead of the latest accepted one: suspects,
 * until eight of them confirm that time went on; only the outlier is lost. */
static void test_reader_skew__sparse_rows(void **state)
{
	(void)state;
	int64_t t[80];
	for (int i = 0; i < 80; i++)
		t[i] = T0 + i * 20 * 3600;
	t[50] += 300 * DAY;
	struct got g;
	read_times(&g, t, 80, DAY);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.n, 79);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_TIME_RANGE], 1);
}

/* Files shorter than the hold-back: each is judged on its own; a file of
 * two rows, one far ahead of the other, loses the later one. */
static void test_reader_skew__short_files(void **state)
{
	(void)state;
	int64_t t1[3] = {T0, T0 + 5, T0 + 7}, t2[2] = {T0 + 60 * DAY, T0 + 10}, t3[1] = {T0};
	size_t l1, l2, l3;
	char *a = csv_of(t1, 3, &l1), *b = csv_of(t2, 2, &l2), *c = csv_of(t3, 1, &l3);
	struct ec_str bufs[3] = {{a, l1}, {b, l2}, {c, l3}};
	struct got g;
	read_mem(&g, bufs, 3, DAY, 0, 0);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.n, 5);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_TIME_RANGE], 1);
	assert_int_equal(g.lines[3], 3);
	free(a);
	free(b);
	free(c);
}

/* Memory input, with or without the thread, and chunks of 1 byte to 1 MiB:
 * the same events, bytes and counts (what the fuzzer relies on). */
static void test_reader_skew__chunk_sizes_and_sync(void **state)
{
	(void)state;
	int64_t t[300];
	for (int i = 0; i < 300; i++)
		t[i] = T0 + i * 13;
	t[100] = T0 + 900 * DAY;
	size_t len;
	char *s = csv_of(t, 300, &len);
	/* a quoted record over two lines, a CRLF row and a blank line */
	const char *extra = "2019-10-01 01:00:00 UTC,view,1,2,\"a\nb\",x,1.00,3,s\r\n\n";
	s = realloc(s, len + strlen(extra) + 1);
	strcpy(s + len, extra);
	len += strlen(extra);
	struct ec_str b = {s, len};
	struct got want, g;
	read_mem(&want, &b, 1, DAY, 0, 0);
	assert_int_equal(want.rc, 0);
	assert_int_equal(want.n, 300);
	const size_t sizes[] = {1, 2, 3, 7, 64, 100, 333, 4096, 1u << 20};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (int sync = 0; sync <= 1; sync++) {
			read_mem(&g, &b, 1, DAY, sync, sizes[i]);
			assert_int_equal(g.rc, 0);
			assert_int_equal(g.n, want.n);
			assert_true(g.digest == want.digest);
			assert_true(g.st.bytes_data == len && g.st.bytes_in == len);
			assert_int_equal(g.st.blank_lines, 1);
		}
	}
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reader_skew__first_row_far_future),
	    cmocka_unit_test(test_reader_skew__outliers_later),
	    cmocka_unit_test(test_reader_skew__genuine_jump),
	    cmocka_unit_test(test_reader_skew__sparse_rows),
	    cmocka_unit_test(test_reader_skew__sparse_sessions),
	    cmocka_unit_test(test_reader_skew__short_files),
	    cmocka_unit_test(test_reader_skew__chunk_sizes_and_sync),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
