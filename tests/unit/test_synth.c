/* Unit tests of the synthetic generator: files generated into a scratch
 * directory, read back and checked row by row and session by session. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecomctl/event.h"
#include "ecomctl/hash.h"
#include "ecomctl/outfile.h"
#include "ecomctl/reader.h"
#include "ecomctl/synth.h"

#define HEADER                                                                                     \
	"event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_"     \
	"session\n"

#define SCRATCH_NAME "synth"
#include "scratch_dir.h"

/* Generates into a file and returns its bytes (NUL-terminated, malloc'd). */
static char *generate(const struct ec_synth_opts *o, struct ec_synth_stats *st, size_t *len)
{
	const char *path = path_of("synth.csv");
	struct ec_outfile *f = NULL;
	struct ec_err err = {0};

	assert_int_equal(ec_outfile_open(&f, path, EC_OUT_PLAIN, &err), 0);
	assert_int_equal(ec_synth_write(o, f, st, &err), 0);
	assert_int_equal(ec_outfile_commit(f, &err), 0);

	FILE *in = fopen(path, "rb");
	assert_non_null(in);
	fseek(in, 0, SEEK_END);
	long n = ftell(in);
	fseek(in, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, in), (size_t)n);
	buf[n] = '\0';
	fclose(in);
	unlink(path);
	*len = (size_t)n;
	return buf;
}

/* A key of (user, product) for a set of views. */
static uint64_t view_key(const struct ec_event *e)
{
	return ec_mix64(e->user_id * 0x9e3779b97f4a7c15ULL ^ e->product_id);
}

static size_t count_lines(const char *p, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += p[i] == '\n';
	return k;
}

/* Every row, parsed. */
struct row {
	struct ec_event ev;
	enum ec_bad bad;
	uint32_t sess; /* interned user_session */
	const char *line;
	size_t len;
};

struct parsed {
	struct row *rows;
	size_t n;
	struct ec_strtab sessions;
	struct ec_columns cols;
};

static void parse(char *buf, size_t len, struct parsed *p)
{
	struct ec_splitter *sp = ec_splitter_new();
	struct ec_str f[16];
	const char *missing = NULL;
	char *line = buf, *end = buf + len;

	assert_non_null(sp);
	memset(p, 0, sizeof(*p));
	ec_strtab_init(&p->sessions);
	p->rows = calloc(count_lines(buf, len), sizeof(*p->rows));
	assert_non_null(p->rows);

	char *nl = memchr(line, '\n', (size_t)(end - line));
	assert_non_null(nl);
	int k = ec_splitter_split(sp, line, (size_t)(nl - line), f, 16);
	assert_int_equal(k, 9);
	assert_int_equal(ec_columns_from_header(&p->cols, f, k, &missing), 0);
	for (line = nl + 1; line < end; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(end - line));
		assert_non_null(nl);
		struct row *r = &p->rows[p->n++];
		r->line = line;
		r->len = (size_t)(nl - line);
		k = ec_splitter_split(sp, line, r->len, f, 16);
		r->bad = k < 0 ? EC_BAD_QUOTING : ec_event_from_fields(&r->ev, &p->cols, f, k);
		if (r->bad == EC_BAD_NONE) {
			/* the splitter's buffer is reused: intern the session now */
			r->sess =
			    ec_strtab_intern(&p->sessions, r->ev.session.p, r->ev.session.n, NULL);
			r->ev.category_code.p = NULL;
			r->ev.brand.p = NULL;
			r->ev.session.p = NULL;
		}
	}
	ec_splitter_free(sp);
}

static void parsed_release(struct parsed *p)
{
	free(p->rows);
	ec_strtab_release(&p->sessions);
}

static int is_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/* The fields of a plain (quote-free) row. */
static int fields_of(const char *line, size_t len, struct ec_str *f)
{
	int k = 0;
	const char *p = line, *end = line + len;
	for (;;) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const char *e = c ? c : end;
		if (k < 12) {
			f[k].p = p;
			f[k].n = (size_t)(e - p);
		}
		k++;
		if (!c)
			return k;
		p = c + 1;
	}
}

static int is_uuid4(const char *s, size_t n)
{
	if (n != 36 || s[14] != '4' || !strchr("89ab", s[19]))
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
			return 0;
		}
	}
	return 1;
}

static void test_synth__opts(void **state)
{
	struct ec_synth_opts o;
	struct ec_err err = {0};
	enum ec_synth_profile p;
	(void)state;

	ec_synth_opts_init(&o);
	assert_int_equal(o.days, 30);
	assert_int_equal(o.start, 1569888000); /* 2019-10-01 00:00:00 UTC */
	assert_int_equal(o.profile, EC_SYNTH_MULTICAT);
	assert_int_equal(o.dirty, 0);
	assert_int_equal(ec_synth_profile_parse("cosmetics", &p), 0);
	assert_int_equal(p, EC_SYNTH_COSMETICS);
	assert_int_equal(ec_synth_profile_parse("multicat", &p), 0);
	assert_int_equal(p, EC_SYNTH_MULTICAT);
	assert_int_equal(ec_synth_profile_parse("Cosmetics", &p), -1);
	assert_string_equal(ec_synth_profile_name(EC_SYNTH_COSMETICS), "cosmetics");

	o.days = 0;
	assert_int_equal(ec_synth_write(&o, NULL, NULL, &err), EC_EUSAGE);
	assert_non_null(strstr(err.msg, "days"));
	ec_synth_opts_init(&o);
	o.users = 1000000000;
	assert_int_equal(ec_synth_write(&o, NULL, NULL, &err), EC_EUSAGE);
	ec_synth_opts_init(&o);
	o.profile = (enum ec_synth_profile)7;
	assert_int_equal(ec_synth_write(&o, NULL, NULL, &err), EC_EUSAGE);
}

static void test_synth__exact_rows_and_header(void **state)
{
	static const uint64_t counts[] = {0, 1, 2, 17, 12345};
	struct ec_synth_opts o;
	struct ec_synth_stats st;
	size_t len;
	(void)state;

	for (int dirty = 0; dirty < 2; dirty++)
		for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
			ec_synth_opts_init(&o);
			o.rows = counts[i];
			o.dirty = dirty;
			o.profile = i % 2 ? EC_SYNTH_COSMETICS : EC_SYNTH_MULTICAT;
			char *buf = generate(&o, &st, &len);
			assert_true(len >= sizeof(HEADER) - 1);
			assert_memory_equal(buf, HEADER, sizeof(HEADER) - 1);
			assert_int_equal(count_lines(buf, len), counts[i] + 1);
			assert_int_equal(buf[len - 1], '\n');
			assert_int_equal(st.rows, counts[i]);
			uint64_t sum = st.dirty_malformed;
			for (int t = 0; t < EC_EV_N; t++)
				sum += st.by_type[t];
			assert_int_equal(sum, counts[i]);
			free(buf);
		}
}

static uint64_t hash_of(const struct ec_synth_opts *o)
{
	struct ec_synth_stats st;
	size_t len;
	char *buf = generate(o, &st, &len);
	uint64_t h = ec_hash64(buf, len, 0);
	free(buf);
	return h;
}

static void test_synth__deterministic(void **state)
{
	struct ec_synth_opts o;
	(void)state;

	for (int profile = 0; profile < EC_SYNTH_N_PROFILES; profile++)
		for (int dirty = 0; dirty < 2; dirty++) {
			ec_synth_opts_init(&o);
			o.rows = 30000;
			o.profile = (enum ec_synth_profile)profile;
			o.dirty = dirty;
			o.seed = 42;
			uint64_t a = hash_of(&o), b = hash_of(&o);
			assert_true(a == b);
			o.seed = 43;
			assert_true(hash_of(&o) != a);
		}
}

/* Format of every field, order of the rows, shares of the event types. */
static void check_rows(enum ec_synth_profile profile, uint64_t n_rows)
{
	struct ec_synth_opts o;
	struct ec_synth_stats st;
	struct parsed p;
	size_t len;
	uint64_t by_type[EC_EV_N] = {0}, empty_code = 0;
	int64_t prev = INT64_MIN;

	ec_synth_opts_init(&o);
	o.rows = n_rows;
	o.profile = profile;
	o.seed = 7;
	char *buf = generate(&o, &st, &len);
	parse(buf, len, &p);
	assert_int_equal(p.n, n_rows);
	for (size_t i = 0; i < p.n; i++) {
		const struct row *r = &p.rows[i];
		struct ec_str f[12];
		if (r->bad != EC_BAD_NONE)
			fail_msg("row %zu rejected (%s): %.*s", i + 1, ec_bad_names[r->bad],
				 (int)r->len, r->line);
		assert_true(r->ev.time >= prev);
		prev = r->ev.time;
		assert_true(r->ev.time >= o.start);
		assert_true(r->ev.time < o.start + (int64_t)(o.days + 1) * 86400);
		by_type[r->ev.type]++;
		assert_int_equal(fields_of(r->line, r->len, f), 9);
		assert_true(f[2].n == 7 || f[2].n == 8);
		assert_true(is_digits(f[2].p, f[2].n));
		assert_int_equal(f[3].n, 19);
		assert_true(is_digits(f[3].p, f[3].n));
		assert_int_equal(f[7].n, 9);
		assert_true(is_digits(f[7].p, f[7].n));
		assert_true(is_uuid4(f[8].p, f[8].n));
		assert_int_equal(r->ev.flags, 0);
		if (f[4].n == 0) {
			empty_code++;
		} else {
			int dots = 0;
			for (size_t j = 0; j < f[4].n; j++) {
				char c = f[4].p[j];
				dots += c == '.';
				assert_true((c >= 'a' && c <= 'z') || c == '_' || c == '.');
			}
			assert_in_range(dots, 1, 3);
		}
		for (size_t j = 0; j < f[5].n; j++)
			assert_true(f[5].p[j] >= 'a' && f[5].p[j] <= 'z');
		const char *dot = memchr(f[6].p, '.', f[6].n);
		assert_non_null(dot);
		size_t decimals = (size_t)(f[6].p + f[6].n - dot - 1);
		if (profile == EC_SYNTH_MULTICAT)
			assert_int_equal(decimals, 2);
		else
			assert_in_range(decimals, 1, 2);
		assert_true(r->ev.price >= 0);
	}
	for (int t = 0; t < EC_EV_N; t++)
		assert_int_equal(by_type[t], st.by_type[t]);
	assert_int_equal(p.sessions.n, st.sessions);

	/* without --dirty, no row is written twice */
	struct ec_u64map seen;
	ec_u64map_init(&seen);
	for (size_t i = 0; i < p.n; i++) {
		int added = 0;
		ec_u64map_put(&seen, ec_hash64(p.rows[i].line, p.rows[i].len, 3), 0, &added);
		assert_true(added);
	}
	ec_u64map_release(&seen);

	double n = (double)n_rows, code_empty = (double)empty_code / n;
	double view = by_type[EC_EV_VIEW] / n, cart = by_type[EC_EV_CART] / n;
	double rm = by_type[EC_EV_REMOVE] / n, buy = by_type[EC_EV_PURCHASE] / n;
	if (profile == EC_SYNTH_MULTICAT) {
		assert_true(view > 0.90 && view < 0.975);
		assert_true(cart > 0.015 && cart < 0.06);
		assert_true(buy > 0.01 && buy < 0.025);
		assert_int_equal(by_type[EC_EV_REMOVE], 0);
		assert_true(code_empty > 0.20 && code_empty < 0.45);
	} else {
		assert_true(view > 0.40 && view < 0.65);
		assert_true(cart > 0.20 && cart < 0.38);
		assert_true(rm > 0.06 && rm < 0.22);
		assert_true(buy > 0.03 && buy < 0.10);
		assert_true(code_empty > 0.90);
	}
	parsed_release(&p);
	free(buf);
}

static void test_synth__rows_multicat(void **state)
{
	(void)state;
	check_rows(EC_SYNTH_MULTICAT, 80000);
}

static void test_synth__rows_cosmetics(void **state)
{
	(void)state;
	check_rows(EC_SYNTH_COSMETICS, 80000);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Sessions: causal order of carts, removes and purchases; sizes; users. */
static void check_sessions(enum ec_synth_profile profile)
{
	struct ec_synth_opts o;
	struct ec_synth_stats st;
	struct parsed p;
	size_t len;

	ec_synth_opts_init(&o);
	o.rows = 150000;
	o.profile = profile;
	o.seed = 11;
	char *buf = generate(&o, &st, &len);
	parse(buf, len, &p);

	/* Rows grouped by session, in file order within each (counting sort). */
	size_t n_sess = p.sessions.n;
	size_t *start = calloc(n_sess + 1, sizeof(*start));
	size_t *order = malloc(p.n * sizeof(*order));
	uint32_t *sizes = malloc(n_sess * sizeof(*sizes));
	assert_true(start && order && sizes);
	for (size_t i = 0; i < p.n; i++)
		start[p.rows[i].sess + 1]++;
	for (size_t s = 0; s < n_sess; s++)
		start[s + 1] += start[s];
	size_t *fill = malloc(n_sess * sizeof(*fill));
	assert_non_null(fill);
	memcpy(fill, start, n_sess * sizeof(*fill));
	for (size_t i = 0; i < p.n; i++)
		order[fill[p.rows[i].sess]++] = i;

	/* the first view of each (user, product), in seconds from the first row */
	struct ec_u64map first_view;
	ec_u64map_init(&first_view);
	int64_t base = INT64_MAX;
	for (size_t i = 0; i < p.n; i++)
		base = p.rows[i].ev.time < base ? p.rows[i].ev.time : base;
	for (size_t i = 0; i < p.n; i++) {
		const struct ec_event *e = &p.rows[i].ev;
		if (e->type != EC_EV_VIEW)
			continue;
		uint32_t t = (uint32_t)(e->time - base);
		int added;
		uint32_t *v = ec_u64map_put(&first_view, view_key(e), t, &added);
		if (t < *v)
			*v = t;
	}
	size_t with_purchase = 0, after_purchase = 0, multi_user_sessions = 0;
	struct ec_u64map users, user_sessions;
	ec_u64map_init(&users);
	ec_u64map_init(&user_sessions);
	for (size_t s = 0; s < n_sess; s++) {
		size_t a = start[s], b = start[s + 1];
		int bought = 0;
		sizes[s] = (uint32_t)(b - a);
		const struct ec_event *first = &p.rows[order[a]].ev;
		int added = 0;
		uint32_t *k = ec_u64map_put(&user_sessions, first->user_id, 0, &added);
		(*k)++;
		for (size_t i = a; i < b; i++) {
			const struct ec_event *e = &p.rows[order[i]].ev;
			multi_user_sessions += e->user_id != first->user_id;
			ec_u64map_put(&users, e->user_id, 0, NULL);
			if (bought && e->type != EC_EV_PURCHASE)
				after_purchase++, bought = 2;
			if (e->type == EC_EV_VIEW)
				continue;
			/* what must come before, in the same session */
			int need = e->type == EC_EV_CART ? EC_EV_VIEW : EC_EV_CART;
			int found = 0;
			for (size_t j = a; j < i && !found; j++) {
				const struct ec_event *x = &p.rows[order[j]].ev;
				found = x->type == need && x->product_id == e->product_id;
			}
			/* a cart may also follow the user's view of the product in an
			 * earlier session (the generator's wish list) */
			if (!found && e->type == EC_EV_CART) {
				uint32_t *v = ec_u64map_get(&first_view, view_key(e));
				found = v && (int64_t)*v <= e->time - base;
			}
			if (!found)
				fail_msg("session %zu: %s of %llu without an earlier %s", s,
					 ec_event_type_name(e->type),
					 (unsigned long long)e->product_id,
					 ec_event_type_name(need));
			if (e->type == EC_EV_PURCHASE && !bought) {
				bought = 1;
				with_purchase++;
			}
		}
	}
	assert_int_equal(multi_user_sessions, 0);
	assert_int_equal(with_purchase, st.purchases_sessions);
	assert_int_equal(users.n, st.users);

	double share = (double)with_purchase / (double)n_sess;
	assert_true(share > 0.03 && share < 0.10);
	assert_true(after_purchase > 0); /* purchases happen mid-session too */
	qsort(sizes, n_sess, sizeof(*sizes), cmp_u32);
	double mean = (double)p.n / (double)n_sess;
	uint32_t median = sizes[n_sess / 2];
	assert_in_range(median, 1, 3);
	assert_true(mean > 3.5 && mean < 6.5);
	assert_true(sizes[n_sess - 1] >= 50); /* a long tail */

	/* Users come back: several sessions each on average, some many. */
	double per_user = (double)n_sess / (double)users.n;
	assert_true(per_user > 2.0 && per_user < 5.0);
	uint32_t most = 0;
	for (size_t i = 0; i < user_sessions.cap; i++)
		if (user_sessions.keys[i] && user_sessions.vals[i] > most)
			most = user_sessions.vals[i];
	assert_true(most >= 10);

	ec_u64map_release(&users);
	ec_u64map_release(&first_view);
	ec_u64map_release(&user_sessions);
	free(fill);
	free(sizes);
	free(order);
	free(start);
	parsed_release(&p);
	free(buf);
}

static void test_synth__sessions_multicat(void **state)
{
	(void)state;
	check_sessions(EC_SYNTH_MULTICAT);
}

static void test_synth__sessions_cosmetics(void **state)
{
	(void)state;
	check_sessions(EC_SYNTH_COSMETICS);
}

/* The span is filled to its end, with fewer events at night (UTC). */
static void test_synth__time_span_and_seasonality(void **state)
{
	struct ec_synth_opts o;
	struct ec_synth_stats st;
	struct parsed p;
	size_t len;
	uint64_t night = 0, afternoon = 0;
	(void)state;

	ec_synth_opts_init(&o);
	o.rows = 200000;
	o.days = 7;
	o.start = 1575158400; /* 2019-12-01 */
	char *buf = generate(&o, &st, &len);
	parse(buf, len, &p);
	int64_t end = o.start + 7 * 86400;
	assert_true(st.time_min >= o.start && st.time_min < o.start + 3600);
	assert_true(st.time_max > end - 6 * 3600 && st.time_max < end + 6 * 3600);
	assert_int_equal(p.rows[0].ev.time, st.time_min);
	assert_int_equal(p.rows[p.n - 1].ev.time, st.time_max);
	for (size_t i = 0; i < p.n; i++) {
		int h = (int)((p.rows[i].ev.time % 86400) / 3600);
		night += h < 3;
		afternoon += h >= 14 && h < 17;
	}
	assert_true(night * 3 < afternoon);
	parsed_release(&p);
	free(buf);
}

/* Dirt: duplicates, empty sessions, malformed rows, all counted. */
static void test_synth__dirty(void **state)
{
	struct ec_synth_opts o;
	struct ec_synth_stats st;
	struct parsed p;
	size_t len;
	uint64_t bad = 0, empty_session = 0, odd_ids = 0, by_reason[EC_BAD_N] = {0};
	(void)state;

	ec_synth_opts_init(&o);
	o.rows = 200000;
	o.dirty = 1;
	o.profile = EC_SYNTH_COSMETICS;
	char *buf = generate(&o, &st, &len);
	parse(buf, len, &p);
	assert_int_equal(p.n, o.rows);

	/* exact duplicates: lines seen before */
	struct ec_u64map seen;
	uint64_t dups = 0;
	ec_u64map_init(&seen);
	for (size_t i = 0; i < p.n; i++) {
		const struct row *r = &p.rows[i];
		int added = 0;
		ec_u64map_put(&seen, ec_hash64(r->line, r->len, 1), 0, &added);
		dups += !added;
		if (r->bad != EC_BAD_NONE) {
			bad++;
			by_reason[r->bad]++;
			continue;
		}
		empty_session += r->ev.session.n == 0;
		odd_ids += r->ev.flags != 0;
	}
	ec_u64map_release(&seen);

	assert_int_equal(bad, st.dirty_malformed);
	assert_true(bad > 50 && bad < 600); /* ~0.1% */
	int kinds = 0;
	for (int k = 1; k < EC_BAD_N; k++)
		kinds += by_reason[k] > 0;
	assert_true(kinds >= 7);
	assert_true(by_reason[EC_BAD_QUOTING] > 0);
	assert_true(by_reason[EC_BAD_TIME] > 0);
	assert_true(by_reason[EC_BAD_FIELD_COUNT] > 0);
	assert_true(st.dirty_duplicates > o.rows * 3 / 100 &&
		    st.dirty_duplicates < o.rows * 7 / 100);
	assert_int_equal(dups, st.dirty_duplicates); /* clean rows are never repeated */
	assert_true(st.dirty_empty_session > 0);
	assert_true(empty_session >= st.dirty_empty_session);
	assert_true(odd_ids > 0);
	assert_true(st.dirty_odd_valid > 0);
	parsed_release(&p);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_synth__opts),
	    cmocka_unit_test(test_synth__exact_rows_and_header),
	    cmocka_unit_test(test_synth__deterministic),
	    cmocka_unit_test(test_synth__rows_multicat),
	    cmocka_unit_test(test_synth__rows_cosmetics),
	    cmocka_unit_test(test_synth__sessions_multicat),
	    cmocka_unit_test(test_synth__sessions_cosmetics),
	    cmocka_unit_test(test_synth__time_span_and_seasonality),
	    cmocka_unit_test(test_synth__dirty),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
