/* Unit tests of the reader: files written here, read back event by event. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ecomctl/reader.h"

#define HEADER                                                                                     \
	"event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_"     \
	"session\n"
#define ROW1                                                                                       \
	"2019-10-01 00:00:00 "                                                                     \
	"UTC,view,44600062,2103807459595387724,,shiseido,35.79,541312140,72d76fde-8bb3-4e00-8c23-" \
	"a032dfed738c"
#define ROW2                                                                                       \
	"2019-10-01 00:00:01 "                                                                     \
	"UTC,cart,3900821,2053013552326770905,appliances.environment.water_heater,aqua,33.20,"     \
	"554748717,9333dfbd-b87a-4708-9857-6336556b0fcc"
#define ROW3                                                                                       \
	"2019-10-01 00:00:02 "                                                                     \
	"UTC,purchase,17200506,2053013559792632471,furniture.living_room.sofa,,543.10,519107250,"  \
	"566511c2-e2e3-422b-b695-cf8e6e792ca8"

#define SCRATCH_NAME "reader"
#include "scratch_dir.h"

static const char *write_file(const char *name, const char *data, size_t n)
{
	const char *p = path_of(name);
	FILE *f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	return p;
}

static const char *write_gz(const char *name, const char *data, size_t n)
{
	const char *p = path_of(name);
	gzFile g = gzopen(p, "wb");
	assert_non_null(g);
	assert_int_equal(gzwrite(g, data, (unsigned)n), (int)n);
	assert_int_equal(gzclose(g), Z_OK);
	return p;
}

/* Reads all of the given files; returns the last status (0 or an error),
 * the number of events in *n_events, and copies of a few fields. */
struct got {
	int n;
	int64_t times[64];
	uint64_t lines[64];
	uint32_t files[64];
	char brands[64][64];
	char codes[64][64];
	struct ec_reader_stats st;
	struct ec_err err;
	int finish_rc;
};

static void no_fraction(struct ec_reader_opts *o)
{
	o->max_bad_fraction = -1;
}

static int read_all(struct got *g, const char *const *paths, int n_paths,
		    void (*tweak)(struct ec_reader_opts *))
{
	struct ec_reader_opts o;
	struct ec_reader *r;
	struct ec_event ev;
	int rc;

	memset(g, 0, sizeof(*g));
	ec_reader_opts_init(&o);
	o.paths = paths;
	o.n_paths = n_paths;
	o.show_bad = 0;
	if (tweak)
		tweak(&o);
	if ((rc = ec_reader_open(&r, &o, &g->err)) < 0)
		return rc;
	while ((rc = ec_reader_next(r, &ev, &g->err)) > 0) {
		if (g->n < 64) {
			g->times[g->n] = ev.time;
			g->lines[g->n] = ev.line;
			g->files[g->n] = ev.file;
			snprintf(g->brands[g->n], 64, "%.*s", (int)ev.brand.n, ev.brand.p);
			snprintf(g->codes[g->n], 64, "%.*s", (int)ev.category_code.n,
				 ev.category_code.p);
		}
		g->n++;
	}
	g->finish_rc = rc == 0 ? ec_reader_finish(r, &g->err) : rc;
	g->st = *ec_reader_stats(r);
	ec_reader_free(r);
	return rc;
}

static void test_reader__plain_rows(void **state)
{
	(void)state;
	const char *data = HEADER ROW1 "\n" ROW2 "\n" ROW3 "\n";
	const char *p = write_file("a.csv", data, strlen(data));
	struct got g;
	assert_int_equal(read_all(&g, &p, 1, NULL), 0);
	assert_int_equal(g.finish_rc, 0);
	assert_int_equal(g.n, 3);
	/* 2019-10-01 00:00:00 UTC = 1569888000 (18170 days * 86400). */
	assert_int_equal(g.times[0], 1569888000);
	assert_int_equal(g.times[2], 1569888002);
	assert_int_equal(g.lines[0], 2);
	assert_int_equal(g.lines[2], 4);
	assert_string_equal(g.brands[0], "shiseido");
	assert_string_equal(g.codes[1], "appliances.environment.water_heater");
	assert_string_equal(g.brands[2], "");
	assert_int_equal(g.st.rows, 3);
	assert_int_equal(g.st.bad, 0);
	assert_int_equal(g.st.n_gzip, 0);
	assert_int_equal(g.st.bytes_data, strlen(data));
}

static void test_reader__gzip_same_as_plain(void **state)
{
	(void)state;
	const char *data = HEADER ROW1 "\n" ROW2 "\n" ROW3 "\n";
	/* The name says .csv: gzip is told from the bytes. */
	const char *p = write_gz("b.csv", data, strlen(data));
	struct got g;
	assert_int_equal(read_all(&g, &p, 1, NULL), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.st.n_gzip, 1);
	assert_int_equal(g.times[1], 1569888001);
	assert_string_equal(g.brands[1], "aqua");
}

static void test_reader__files_form_one_stream(void **state)
{
	(void)state;
	const char *a = HEADER ROW1 "\n";
	/* The second file has its columns in another order and an extra one. */
	const char *b = "user_session,extra,event_type,event_time,product_id,category_id,"
			"category_code,brand,price,user_id\n"
			"s-2,zzz,purchase,2019-11-01 00:00:00 UTC,5,6,a.b,acme,1.50,7\n";
	const char *paths[2] = {write_file("s1.csv", a, strlen(a)),
				write_gz("s2.csv.gz", b, strlen(b))};
	struct got g;
	assert_int_equal(read_all(&g, paths, 2, NULL), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.files[0], 0);
	assert_int_equal(g.files[1], 1);
	assert_int_equal(g.lines[1], 2);
	/* 2019-11-01 = 2019-10-01 + 31 days. */
	assert_int_equal(g.times[1], 1569888000 + 31 * 86400);
	assert_string_equal(g.brands[1], "acme");
	assert_string_equal(g.codes[1], "a.b");
}

static void test_reader__crlf_no_final_newline_blank_lines(void **state)
{
	(void)state;
	const char *data = "event_time,event_type,product_id,category_id,category_code,brand,"
			   "price,user_id,user_session\r\n" ROW1 "\r\n\r\n" ROW2 "\r\n" ROW3;
	const char *p = write_file("crlf.csv", data, strlen(data));
	struct got g;
	assert_int_equal(read_all(&g, &p, 1, NULL), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.st.blank_lines, 1);
	assert_int_equal(g.lines[1], 4);
	assert_int_equal(g.lines[2], 5);
	assert_int_equal(g.st.bad, 0);
}

static void test_reader__quoted_fields(void **state)
{
	(void)state;
	const char *data =
	    HEADER "2019-10-01 00:00:00 UTC,view,1,2,\"a,b\",\"say \"\"hi\"\"\",1.00,3,s\n"
		   "2019-10-01 00:00:01 UTC,view,1,2,\"two\nlines\",x,1.00,3,s\n" ROW1 "\n";
	const char *p = write_file("q.csv", data, strlen(data));
	struct got g;
	assert_int_equal(read_all(&g, &p, 1, NULL), 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.codes[0], "a,b");
	assert_string_equal(g.brands[0], "say \"hi\"");
	assert_string_equal(g.codes[1], "two\nlines");
	/* The quoted record starts on line 3 and takes line 4 too. */
	assert_int_equal(g.lines[1], 3);
	assert_int_equal(g.lines[2], 5);
}

/* An unbalanced quote must not swallow the good rows after it. */
static void test_reader__open_quote_spares_next_rows(void **state)
{
	(void)state;
	const char *data =
	    HEADER ROW1 "\n"
			"2019-10-01 00:00:00 UTC,view,1,2,,\"acme,1.00,3,s\n" ROW2 "\n" ROW3 "\n";
	const char *p = write_file("openq.csv", data, strlen(data));
	struct got g;
	assert_int_equal(read_all(&g, &p, 1, no_fraction), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_QUOTING], 1);
	assert_int_equal(g.lines[1], 4);
	assert_int_equal(g.lines[2], 5);
}

static void with_rejects(struct ec_reader_opts *o)
{
	o->rejects_path = path_of("rejects.csv");
}

static void test_reader__bad_rows_counted_by_reason(void **state)
{
	(void)state;
	const char *data =
	    HEADER ROW1 "\n"
			"2019-02-30 00:00:00 UTC,view,1,2,,,1.00,3,s\n"	      /* no Feb 30 */
			"2019-10-01 24:00:00 UTC,view,1,2,,,1.00,3,s\n"	      /* no hour 24 */
			"2019-10-01 00:00:00,view,1,2,,,1.00,3,s\n"	      /* no UTC */
			"2019-10-01 00:00:00 UTC,click,1,2,,,1.00,3,s\n"      /* event type */
			"2019-10-01 00:00:00 UTC,view,x1,2,,,1.00,3,s\n"      /* product */
			"2019-10-01 00:00:00 UTC,view,1,-2,,,1.00,3,s\n"      /* category id */
			"2019-10-01 00:00:00 UTC,view,1,2,,,abc,3,s\n"	      /* price */
			"2019-10-01 00:00:00 UTC,view,1,2,,,1.00,,s\n"	      /* user */
			"2019-10-01 00:00:00 UTC,view,1,2,,,1.00,3\n"	      /* 8 fields */
			"2019-10-01 00:00:00 UTC,view,1,2,,\"x\"y,1.00,3,s\n" /* quoting */
	    ROW2 "\n";
	const char *p = write_file("bad.csv", data, strlen(data));
	const char *rej = path_of("rejects.csv");
	struct got g;
	assert_int_equal(read_all(&g, &p, 1, with_rejects), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.lines[1], 13);
	assert_int_equal(g.st.rows, 12);
	assert_int_equal(g.st.bad, 10);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_TIME], 3);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_TYPE], 1);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_PRODUCT], 1);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_CATEGORY_ID], 1);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_PRICE], 1);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_USER], 1);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_FIELD_COUNT], 1);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_QUOTING], 1);
	/* 10 of 12 bad is far over the default 5%. */
	assert_int_equal(g.finish_rc, EC_EDATA);
	/* The rejects file holds a header and all ten, with their lines. */
	FILE *f = fopen(rej, "r");
	assert_non_null(f);
	char line[512];
	int n = 0;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	assert_int_equal(n, 11);
}

static void limit_rows(struct ec_reader_opts *o)
{
	o->max_bad_rows = 1;
	o->max_skew = 0; /* no holding back: ROW1 is handed out before the failure */
}

static void test_reader__max_bad_rows(void **state)
{
	(void)state;
	const char *data = HEADER ROW1 "\nbad\nbad\n" ROW2 "\n";
	const char *p = write_file("mbr.csv", data, strlen(data));
	struct got g;
	assert_int_equal(read_all(&g, &p, 1, limit_rows), EC_EDATA);
	assert_non_null(strstr(g.err.msg, ":4:"));
	assert_int_equal(g.n, 1);
}

static void test_reader__fraction_limit_off(void **state)
{
	(void)state;
	const char *data = HEADER ROW1 "\nbad\nbad\n";
	const char *p = write_file("frac.csv", data, strlen(data));
	struct got g;
	assert_int_equal(read_all(&g, &p, 1, no_fraction), 0);
	assert_int_equal(g.finish_rc, 0);
	assert_int_equal(g.st.bad, 2);
}

static void test_reader__truncated_gzip(void **state)
{
	(void)state;
	/* 3000 rows, compressed, then cut in the middle. */
	size_t cap = 3000 * 200, n = 0;
	char *data = malloc(cap);
	n += (size_t)sprintf(data, HEADER);
	for (int i = 0; i < 3000; i++)
		n += (size_t)sprintf(data + n, "2019-10-01 00:00:%02d UTC,view,%d,2,,,1.00,3,s%d\n",
				     i % 60, i, i);
	const char *p = write_gz("t.csv.gz", data, n);
	FILE *f = fopen(p, "rb");
	char *gz = malloc(cap);
	size_t gn = fread(gz, 1, cap, f);
	fclose(f);
	p = write_file("t.csv.gz", gz, gn / 2);
	struct got g;
	assert_int_equal(read_all(&g, &p, 1, NULL), EC_EDATA);
	assert_non_null(strstr(g.err.msg, "truncated"));
	assert_true(g.n < 3000);
	free(data);
	free(gz);
}

static void test_reader__missing_file_and_column(void **state)
{
	(void)state;
	struct got g;
	const char *p = path_of("nope.csv");
	assert_int_equal(read_all(&g, &p, 1, NULL), EC_ENOINPUT);
	const char *data = "event_time,event_type,product_id,category_id,category_code,brand,"
			   "price,user_id\n";
	p = write_file("nocol.csv", data, strlen(data));
	assert_int_equal(read_all(&g, &p, 1, NULL), EC_EDATA);
	assert_non_null(strstr(g.err.msg, "user_session"));
	p = write_file("empty.csv", "", 0);
	assert_int_equal(read_all(&g, &p, 1, NULL), EC_EDATA);
	assert_non_null(strstr(g.err.msg, "no header"));
	p = write_file("hdr.csv", HEADER, strlen(HEADER));
	assert_int_equal(read_all(&g, &p, 1, NULL), 0);
	assert_int_equal(g.n, 0);
}

/* Rows far past one 1 MiB chunk: every line crossing a chunk boundary must
 * come through whole, and an over-long row is rejected on its own. */
static void test_reader__rows_across_chunks(void **state)
{
	(void)state;
	size_t cap = 64u << 20, n = 0;
	char *data = malloc(cap);
	int rows = 0;
	n += (size_t)sprintf(data, HEADER);
	for (int i = 0; i < 40000; i++, rows++) {
		/* a brand of varying length moves the boundaries around */
		n += (size_t)sprintf(
		    data + n, "2019-10-01 00:00:00 UTC,view,%d,2,,b%.*s,1.00,%d,s\n", i, i % 97,
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxx",
		    i);
		if (i == 20000) {
			memset(data + n, 'z', 70000);
			n += 70000;
			data[n++] = '\n';
		}
	}
	const char *p = write_file("big.csv", data, n);
	struct got g;
	assert_int_equal(read_all(&g, &p, 1, NULL), 0);
	assert_int_equal(g.n, rows);
	assert_int_equal(g.st.bad_by_reason[EC_BAD_ROW_TOO_LONG], 1);
	assert_int_equal(g.st.bytes_data, n);
	p = write_gz("big.csv.gz", data, n);
	assert_int_equal(read_all(&g, &p, 1, NULL), 0);
	assert_int_equal(g.n, rows);
	free(data);
}

/* A row after an unbalanced quote is a row of its own wherever the chunk
 * ends in it: the reader judges the whole line, not the piece after the
 * chunk boundary (a fuzzer finding). */
static void test_reader__open_quote_then_row_across_chunks(void **state)
{
	(void)state;
	const char *openq = "2019-10-01 00:00:00 UTC,view,1,2,,\"acme,1.00,3,s\n";
	const size_t chunk = 1u << 20, cuts[] = {1, 5, 23, 24, 25, 60, strlen(ROW2)};
	char *data = malloc(2 * chunk);
	assert_non_null(data);
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		/* blank lines after the header put ROW2's start `cuts[i]` bytes
		 * before the end of the first chunk */
		size_t at = chunk - cuts[i] - strlen(openq), n = strlen(HEADER);
		memcpy(data, HEADER, n);
		memset(data + n, '\n', at - n);
		n = at + (size_t)sprintf(data + at, "%s%s\n%s\n", openq, ROW2, ROW3);
		const char *p = write_file("openq-chunk.csv", data, n);
		struct got g;
		assert_int_equal(read_all(&g, &p, 1, no_fraction), 0);
		assert_int_equal(g.n, 2);
		assert_int_equal(g.st.bad_by_reason[EC_BAD_QUOTING], 1);
		assert_string_equal(g.brands[0], "aqua");
		assert_int_equal(g.lines[1], g.lines[0] + 1);
	}
	free(data);
}

/* A sum over every event's line, file, time and strings, and the stats. */
static uint64_t read_sum(const char *const *paths, int n_paths, int sync, int threads,
			 struct ec_reader_stats *st)
{
	struct ec_reader_opts o;
	struct ec_reader *r;
	struct ec_event ev;
	struct ec_err err = {0};
	uint64_t sum = 0;
	int rc;
	ec_reader_opts_init(&o);
	o.paths = paths;
	o.n_paths = n_paths;
	o.show_bad = 0;
	o.max_bad_fraction = -1;
	o.chunk_size = 4096;
	o.sync = sync;
	o.parse_threads = threads;
	assert_int_equal(ec_reader_open(&r, &o, &err), 0);
	while ((rc = ec_reader_next(r, &ev, &err)) > 0) {
		uint64_t h = ev.line * 1000003u + ev.file * 7919u + (uint64_t)ev.time;
		for (size_t i = 0; i < ev.brand.n; i++)
			h = h * 31 + (unsigned char)ev.brand.p[i];
		for (size_t i = 0; i < ev.category_code.n; i++)
			h = h * 37 + (unsigned char)ev.category_code.p[i];
		sum = sum * 1099511628211u + h;
	}
	assert_int_equal(rc, 0);
	*st = *ec_reader_stats(r);
	ec_reader_free(r);
	return sum;
}

/* Small chunks parsed by more workers than chunks in flight finish out of
 * order; the events, their lines and the bad rows are those read inline. */
static void test_reader__workers_same_as_inline(void **state)
{
	(void)state;
	size_t cap = 4u << 20, n = 0;
	char *data = malloc(cap);
	assert_non_null(data);
	n += (size_t)sprintf(data, HEADER);
	for (int i = 0; i < 20000; i++) {
		if (i % 37 == 5) /* a quoted code over two lines, with a comma */
			n += (size_t)sprintf(
			    data + n,
			    "2019-10-01 00:00:%02d UTC,cart,%d,2,\"a,\n%d\",b%d,1.00,"
			    "%d,s\n",
			    i % 60, i, i, i % 13, i);
		else if (i % 101 == 7) /* bad: a field short */
			n += (size_t)sprintf(data + n,
					     "2019-10-01 00:00:00 UTC,view,%d,2,,b,%d,s\n", i, i);
		else
			n += (size_t)sprintf(
			    data + n, "2019-10-01 00:00:%02d UTC,view,%d,2,c.d,b%.*s,1.00,%d,s\n",
			    i % 60, i, i % 41, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", i);
	}
	const char *paths[2];
	paths[0] = write_file("workers-a.csv", data, n);
	paths[1] = write_gz("workers-b.csv.gz", data, n);
	struct ec_reader_stats a, b;
	uint64_t want = read_sum(paths, 2, 1, 0, &a);
	for (int threads = 1; threads <= 4; threads++) {
		assert_int_equal(read_sum(paths, 2, 0, threads, &b), want);
		assert_int_equal(a.rows, b.rows);
		assert_int_equal(a.bad, b.bad);
		assert_int_equal(a.blank_lines, b.blank_lines);
		assert_int_equal(a.bytes_data, b.bytes_data);
		assert_memory_equal(a.bad_by_reason, b.bad_by_reason, sizeof(a.bad_by_reason));
	}
	assert_true(a.bad > 0 && a.good > 30000);
	free(data);
}

/* Rows of every length around the parse workers' 16-byte steps (empty
 * fields, CRLF, a quoted field, a NUL, a field too many) read with workers
 * and small chunks equal what a plain split of each line says. */
static void test_reader__rows_as_split_by_hand(void **state)
{
	enum { N_ROWS = 6000 };
	struct want {
		int good;
		char code[48], brand[48], sess[48];
		uint64_t product, user;
		double price;
	} *w = calloc(N_ROWS, sizeof(*w));
	size_t cap = 2u << 20, n = 0;
	char *data = malloc(cap);
	uint64_t seed = 7;
	(void)state;
	assert_non_null(w);
	assert_non_null(data);
	n += (size_t)sprintf(data, HEADER);
	for (int i = 0; i < N_ROWS; i++) {
		seed = seed * 6364136223846793005u + 1442695040888963407u;
		unsigned r = (unsigned)(seed >> 33);
		struct want *x = &w[i];
		int lc = (int)(r % 40), lb = (int)(r / 40 % 23), ls = (int)(r / 920 % 37);
		for (int k = 0; k < lc; k++)
			x->code[k] = "abc.defgh"[(k + i) % 9];
		for (int k = 0; k < lb; k++)
			x->brand[k] = "xyz q-9"[(k * 3 + i) % 7];
		for (int k = 0; k < ls; k++)
			x->sess[k] = "0123456789abcdef-"[(k + 5 * i) % 17];
		x->product = r % 100000u;
		x->user = (uint64_t)i * 977u;
		x->price = (double)(r % 100000u) / 100.0;
		int kind = (int)(r / 34040 % 11);
		x->good = kind != 8 && kind != 9;
		const char *eol = kind == 3 || kind == 4 ? "\r\n" : "\n";
		if (kind == 5) /* quoted: the consumer parses it */
			n += (size_t)sprintf(
			    data + n,
			    "2019-10-01 00:00:00 UTC,view,%llu,2,%s,\"%s\",%.2f,%llu,%s%s",
			    (unsigned long long)x->product, x->code, x->brand, x->price,
			    (unsigned long long)x->user, x->sess, eol);
		else if (kind == 8) /* a field too many */
			n += (size_t)sprintf(
			    data + n, "2019-10-01 00:00:00 UTC,view,%llu,2,%s,%s,%.2f,%llu,%s,%s",
			    (unsigned long long)x->product, x->code, x->brand, x->price,
			    (unsigned long long)x->user, x->sess, eol);
		else
			n += (size_t)sprintf(
			    data + n, "2019-10-01 00:00:00 UTC,view,%llu,2,%s,%s,%.2f,%llu,%s%s",
			    (unsigned long long)x->product, x->code, x->brand, x->price,
			    (unsigned long long)x->user, x->sess, eol);
		if (kind == 9) /* a NUL in the session */
			data[n - 2] = '\0';
	}
	const char *paths[] = {write_file("by-hand.csv", data, n)};
	size_t chunks[] = {4096, 1000, 777};
	for (int threads = 1; threads <= 3; threads++) {
		struct ec_reader_opts o;
		struct ec_reader *r;
		const struct ec_event *ev;
		struct ec_err err = {0};
		int rc, i = 0;
		ec_reader_opts_init(&o);
		o.paths = paths;
		o.n_paths = 1;
		o.show_bad = 0;
		o.max_bad_fraction = -1;
		o.chunk_size = chunks[threads - 1];
		o.parse_threads = threads;
		assert_int_equal(ec_reader_open(&r, &o, &err), 0);
		while ((rc = ec_reader_next_ref(r, &ev, &err)) > 0) {
			while (i < N_ROWS && !w[i].good)
				i++;
			assert_true(i < N_ROWS);
			const struct want *x = &w[i++];
			assert_int_equal(ev->line, (uint64_t)i + 1);
			assert_int_equal(ev->category_code.n, strlen(x->code));
			assert_memory_equal(ev->category_code.p, x->code, ev->category_code.n);
			assert_int_equal(ev->brand.n, strlen(x->brand));
			assert_memory_equal(ev->brand.p, x->brand, ev->brand.n);
			assert_int_equal(ev->session.n, strlen(x->sess));
			assert_memory_equal(ev->session.p, x->sess, ev->session.n);
			assert_int_equal(ev->product_id, x->product);
			assert_int_equal(ev->user_id, x->user);
			assert_true(ev->price == x->price);
		}
		assert_int_equal(rc, 0);
		while (i < N_ROWS && !w[i].good)
			i++;
		assert_int_equal(i, N_ROWS);
		const struct ec_reader_stats *st = ec_reader_stats(r);
		assert_true(st->bad > 0 && st->bad_by_reason[EC_BAD_NUL] > 0 &&
			    st->bad_by_reason[EC_BAD_FIELD_COUNT] > 0);
		ec_reader_free(r);
	}
	free(data);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reader__plain_rows),
	    cmocka_unit_test(test_reader__gzip_same_as_plain),
	    cmocka_unit_test(test_reader__files_form_one_stream),
	    cmocka_unit_test(test_reader__crlf_no_final_newline_blank_lines),
	    cmocka_unit_test(test_reader__quoted_fields),
	    cmocka_unit_test(test_reader__bad_rows_counted_by_reason),
	    cmocka_unit_test(test_reader__max_bad_rows),
	    cmocka_unit_test(test_reader__open_quote_spares_next_rows),
	    cmocka_unit_test(test_reader__fraction_limit_off),
	    cmocka_unit_test(test_reader__truncated_gzip),
	    cmocka_unit_test(test_reader__missing_file_and_column),
	    cmocka_unit_test(test_reader__rows_across_chunks),
	    cmocka_unit_test(test_reader__open_quote_then_row_across_chunks),
	    cmocka_unit_test(test_reader__workers_same_as_inline),
	    cmocka_unit_test(test_reader__rows_as_split_by_hand),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
