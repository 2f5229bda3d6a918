/* ecomctl inspect: what the reader sees in export files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cleanup.h"
#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/distinct.h"
#include "ecomctl/hash.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"

/* Keys of the big sets are gathered per batch of rows and added together,
 * so that the hash tables' cache misses overlap (ec_u64set_add_many). */
#define BATCH 1024
enum { SET_USERS, SET_PRODUCTS, SET_CATEGORIES, SET_N };
/* A user's, a session's, a product's or a category's rows come close
 * together: each set's keys go through a direct-mapped table of the key
 * added last per slot (LATELY slots, 128 KB), and a key found there is
 * already in the set. Most rows add no key to any set then. */
#define LATELY_BITS 14
#define LATELY (1u << LATELY_BITS)

/* Exact duplicates share their event_time, and exports come in time order,
 * so a row is looked for among recent rows only, compared byte for byte:
 * two generations, the current one closed (and the older one dropped) once
 * it holds DUP_ROWS rows and event time has entered a new DUP_SECONDS
 * epoch, or once it holds DUP_ROWS_MAX rows. A row whose time is after the
 * horizon (the latest time seen before the older generation began) finds
 * any earlier copy, since that copy came when the latest time was already
 * at least its own; a row at or before the horizon is counted as late (its
 * copies may go uncounted). */
#define DUP_ROWS 16384
#define DUP_ROWS_MAX (8 * DUP_ROWS)
#define DUP_SECONDS 60

struct dupgen {
	uint32_t *slot; /* entry + 1, 0 when empty */
	size_t cap;	/* a power of two */
	struct dupent {
		uint64_t key;
		size_t off;
		uint32_t len;
	} * ent;
	size_t n, cap_ent;
	char *bytes; /* the rows, one after another */
	size_t len, cap_bytes;
};

struct dupwin {
	struct dupgen gen[2];
	int64_t floor[2]; /* the latest time before each generation began */
	int cur, started;
	int64_t epoch; /* of the current generation's start */
	int64_t latest, horizon;
	uint64_t late;
};

struct inspect {
	uint64_t by_type[EC_EV_N];
	uint64_t empty[EC_COL_N];
	uint64_t duplicates;
	/* distinct users, products, category ids, session ids and session ids
	 * with a purchase; sessions by 64-bit hashes of their bytes (hash.h) */
	struct ec_u64set set[SET_N];
	/* session ids, and those with a purchase: nearly one key per session,
	 * so sorted (distinct.h) rather than hashed, at a third of the memory */
	struct ec_distinct sessions, bought;
	size_t n_sessions, n_bought; /* their counts, at the end */
	struct ec_strtab brands, codes;
	struct ec_strmap brand_map, code_map; /* the parse workers' ids to those */
	struct dupwin dups;
	uint64_t keys[SET_N][BATCH];
	size_t n_keys[SET_N];
	/* the keys added lately to each set (users, products, categories,
	 * sessions), for repeats to be known without going to the set */
	uint64_t lately[SET_N + 1][LATELY];
};

static int gen_find(const struct dupgen *g, uint64_t key, const struct ec_str *row)
{
	if (!g->n)
		return 0;
	for (size_t j = key & (g->cap - 1); g->slot[j]; j = (j + 1) & (g->cap - 1)) {
		const struct dupent *e = &g->ent[g->slot[j] - 1];
		if (e->key == key && e->len == row->n &&
		    memcmp(g->bytes + e->off, row->p, row->n) == 0)
			return 1;
	}
	return 0;
}

static void gen_place(struct dupgen *g, uint32_t id)
{
	size_t j = g->ent[id].key & (g->cap - 1);
	while (g->slot[j])
		j = (j + 1) & (g->cap - 1);
	g->slot[j] = id + 1;
}

static void gen_add(struct dupgen *g, uint64_t key, const struct ec_str *row)
{
	if ((g->n + 1) * 2 > g->cap) {
		free(g->slot);
		g->cap = g->cap ? g->cap * 2 : 1024;
		g->slot = ec_xcalloc(g->cap, sizeof(*g->slot));
		for (size_t i = 0; i < g->n; i++)
			gen_place(g, (uint32_t)i);
	}
	EC_GROW(g->ent, g->cap_ent, g->n + 1);
	EC_GROW(g->bytes, g->cap_bytes, g->len + row->n);
	memcpy(g->bytes + g->len, row->p, row->n);
	g->ent[g->n] = (struct dupent){key, g->len, (uint32_t)row->n};
	g->len += row->n;
	gen_place(g, (uint32_t)g->n++);
}

static void gen_clear(struct dupgen *g)
{
	if (g->n)
		memset(g->slot, 0, g->cap * sizeof(*g->slot));
	g->n = g->len = 0;
}

static void gen_release(struct dupgen *g)
{
	free(g->slot);
	free(g->ent);
	free(g->bytes);
}

static int64_t epoch_of(int64_t t)
{
	return t / DUP_SECONDS - (t % DUP_SECONDS < 0);
}

/* Copies agree on every parsed value: a cheap key from a few of them
 * finds the candidates, the bytes decide. */
static uint64_t dup_key(const struct ec_event *ev)
{
	return ec_mix64((uint64_t)ev->time * 0x9e3779b97f4a7c15ULL ^
			ev->user_id * 0xc2b2ae3d27d4eb4fULL ^ ev->product_id ^
			(uint64_t)ev->type << 56);
}

/* Whether ev's row is a copy of one in the window; adds it when not. */
static int dup_seen(struct dupwin *w, const struct ec_event *ev)
{
	const struct dupgen *g = &w->gen[w->cur];
	if (!w->started) {
		w->started = 1;
		w->floor[w->cur] = w->horizon = INT64_MIN;
		w->latest = ev->time;
		w->epoch = epoch_of(ev->time);
	} else if (g->n >= DUP_ROWS_MAX ||
		   (g->n >= DUP_ROWS && ev->time > w->latest && epoch_of(ev->time) > w->epoch)) {
		w->horizon = w->floor[w->cur];
		w->cur ^= 1;
		gen_clear(&w->gen[w->cur]);
		w->floor[w->cur] = w->latest;
		w->epoch = epoch_of(ev->time > w->latest ? ev->time : w->latest);
	}
	if (ev->time > w->latest)
		w->latest = ev->time;
	w->late += ev->time <= w->horizon;
	uint64_t key = dup_key(ev);
	if (gen_find(&w->gen[w->cur], key, &ev->raw) ||
	    gen_find(&w->gen[w->cur ^ 1], key, &ev->raw))
		return 1;
	gen_add(&w->gen[w->cur], key, &ev->raw);
	return 0;
}

static void flush(struct inspect *s)
{
	for (int i = 0; i < SET_N; i++) {
		ec_u64set_add_many(&s->set[i], s->keys[i], s->n_keys[i]);
		s->n_keys[i] = 0;
	}
}

/* Key's slot in the table of keys added lately to set i. */
static uint64_t *lately_slot(struct inspect *s, int i, uint64_t key)
{
	return &s->lately[i][ec_mix64(key) >> (64 - LATELY_BITS)];
}

/* Whether key was added lately to set i (the table then remembers it);
 * key 0, which an empty slot holds, never is. */
static int lately(struct inspect *s, int i, uint64_t key)
{
	uint64_t *slot = lately_slot(s, i, key);
	if (*slot == key && key)
		return 1;
	*slot = key;
	return 0;
}

/* The reader's lookahead (reader.h): asks for the slots a row some rows
 * ahead will read in the tables of recent keys and of duplicates. */
static void prefetch(void *arg, const struct ec_event *ev)
{
	struct inspect *s = arg;
	__builtin_prefetch(lately_slot(s, SET_USERS, ev->user_id));
	__builtin_prefetch(lately_slot(s, SET_PRODUCTS, ev->product_id));
	if (ev->hashed)
		__builtin_prefetch(lately_slot(s, SET_N, ev->session_hash));
	uint64_t key = dup_key(ev);
	for (int i = 0; i < 2; i++) {
		const struct dupgen *g = &s->dups.gen[i];
		if (g->cap)
			__builtin_prefetch(&g->slot[key & (g->cap - 1)]);
	}
}

/* Adds key to set i (in the next batch) unless it was added lately. */
static void add_key(struct inspect *s, int i, uint64_t key)
{
	if (!lately(s, i, key))
		s->keys[i][s->n_keys[i]++] = key;
}

static void count(struct inspect *s, const struct ec_event *ev)
{
	s->by_type[ev->type]++;
	add_key(s, SET_USERS, ev->user_id);
	add_key(s, SET_PRODUCTS, ev->product_id);
	add_key(s, SET_CATEGORIES, ev->category_id);
	s->duplicates += (uint64_t)dup_seen(&s->dups, ev);
	if (ev->brand.n)
		ec_event_intern(&s->brands, &s->brand_map, ev, 1);
	else
		s->empty[EC_COL_BRAND]++;
	if (ev->category_code.n)
		ec_event_intern(&s->codes, &s->code_map, ev, 0);
	else
		s->empty[EC_COL_CATEGORY_CODE]++;
	if (ev->session.n) {
		/* the parser's hash of it (ec_event.session_hash), not a second one */
		uint64_t h = ev->hashed
				 ? ev->session_hash
				 : ec_hash64(ev->session.p, ev->session.n, EC_SESSION_HASH_SEED);
		if (!lately(s, SET_N, h))
			ec_distinct_add(&s->sessions, h);
		if (ev->type == EC_EV_PURCHASE)
			ec_distinct_add(&s->bought, h);
	} else {
		s->empty[EC_COL_SESSION]++;
	}
	if (s->n_keys[SET_USERS] == BATCH || s->n_keys[SET_PRODUCTS] == BATCH ||
	    s->n_keys[SET_CATEGORIES] == BATCH)
		flush(s);
}

static void report_json(struct ec_outfile *f, const struct inspect *s, const struct ec_reader *r,
			int n_files, double secs, int rc, const struct ec_err *err, int to_stdout)
{
	const struct ec_reader_stats *st = ec_reader_stats(r);
	struct ec_json *j = ec_json_object();
	ec_json_add_str(j, "command", "inspect");
	struct ec_json *a = ec_json_add_array(j, "inputs");
	for (int i = 0; i < n_files; i++)
		ec_json_add_str(a, NULL, ec_reader_path(r, (uint32_t)i));
	ec_json_add_u64(j, "rows", st->rows);
	ec_json_add_u64(j, "good_rows", st->good);
	ec_json_add_u64(j, "bad_rows", st->bad);
	struct ec_json *o = ec_json_add_object(j, "rejects");
	for (int i = 1; i < EC_BAD_N; i++)
		ec_json_add_u64(o, ec_bad_names[i], st->bad_by_reason[i]);
	if (st->good) {
		ec_json_add_time(j, "time_min", st->time_min);
		ec_json_add_time(j, "time_max", st->time_max);
	} else {
		ec_json_add_null(j, "time_min");
		ec_json_add_null(j, "time_max");
	}
	o = ec_json_add_object(j, "events");
	for (int t = 0; t < EC_EV_N; t++)
		ec_json_add_u64(o, ec_event_type_name(t), s->by_type[t]);
	o = ec_json_add_object(j, "distinct");
	ec_json_add_u64(o, "users", s->set[SET_USERS].n);
	ec_json_add_u64(o, "sessions", s->n_sessions);
	ec_json_add_u64(o, "products", s->set[SET_PRODUCTS].n);
	ec_json_add_u64(o, "categories", s->set[SET_CATEGORIES].n);
	ec_json_add_u64(o, "category_codes", s->codes.n);
	ec_json_add_u64(o, "brands", s->brands.n);
	ec_json_add_u64(j, "sessions_with_purchase", s->n_bought);
	o = ec_json_add_object(j, "empty");
	for (int c = 0; c < EC_COL_N; c++)
		ec_json_add_u64(o, ec_col_names[c], s->empty[c]);
	ec_json_add_u64(j, "duplicate_rows", s->duplicates);
	ec_json_add_u64(j, "late_rows", s->dups.late);
	ec_json_add_u64(j, "blank_lines", st->blank_lines);
	ec_json_add_u64(j, "ids_decimal", st->ids_decimal);
	ec_json_add_u64(j, "ids_exponent", st->ids_exponent);
	ec_json_add_u64(j, "bytes_in", st->bytes_in);
	ec_json_add_u64(j, "bytes_csv", st->bytes_data);
	ec_json_add_int(j, "gzip_inputs", st->n_gzip);
	ec_json_add_num(j, "seconds", secs);
	ec_cli_json_envelope(j, rc, err->msg, to_stdout);
	char *text = ec_json_print(j, 1);
	ec_outfile_puts(f, text);
	ec_outfile_putc(f, '\n');
	free(text);
	ec_json_free(j);
}

static void report_text(struct ec_outfile *f, const struct inspect *s, const struct ec_reader *r,
			double secs)
{
	const struct ec_reader_stats *st = ec_reader_stats(r);
	char t0[24] = "-", t1[24] = "-";
	if (st->good) {
		ec_time_format_iso(st->time_min, t0);
		ec_time_format_iso(st->time_max, t1);
	}
	ec_outfile_printf(f, "rows            %llu (good %llu, bad %llu)\n",
			  (unsigned long long)st->rows, (unsigned long long)st->good,
			  (unsigned long long)st->bad);
	ec_outfile_printf(f, "time range      %s .. %s\n", t0, t1);
	ec_outfile_printf(f, "events         ");
	for (int t = 0; t < EC_EV_N; t++)
		ec_outfile_printf(f, " %s %llu", ec_event_type_name(t),
				  (unsigned long long)s->by_type[t]);
	ec_outfile_printf(
	    f,
	    "\ndistinct        users %zu, sessions %zu, products %zu, categories %zu, "
	    "category codes %zu, brands %zu\n",
	    s->set[SET_USERS].n, s->n_sessions, s->set[SET_PRODUCTS].n, s->set[SET_CATEGORIES].n,
	    s->codes.n, s->brands.n);
	ec_outfile_printf(f, "sessions with a purchase  %llu\n", (unsigned long long)s->n_bought);
	ec_outfile_printf(f, "empty fields    category_code %llu, brand %llu, user_session %llu\n",
			  (unsigned long long)s->empty[EC_COL_CATEGORY_CODE],
			  (unsigned long long)s->empty[EC_COL_BRAND],
			  (unsigned long long)s->empty[EC_COL_SESSION]);
	ec_outfile_printf(f, "duplicate rows  %llu\n", (unsigned long long)s->duplicates);
	if (s->dups.late)
		ec_outfile_printf(f,
				  "late rows       %llu (out of time order: their copies may go "
				  "uncounted)\n",
				  (unsigned long long)s->dups.late);
	if (st->ids_decimal || st->ids_exponent)
		ec_outfile_printf(f, "ids written as decimals %llu, in exponent notation %llu\n",
				  (unsigned long long)st->ids_decimal,
				  (unsigned long long)st->ids_exponent);
	ec_outfile_printf(f, "rejects        ");
	if (!st->bad)
		ec_outfile_printf(f, " none");
	for (int i = 1; i < EC_BAD_N; i++)
		if (st->bad_by_reason[i])
			ec_outfile_printf(f, " %s %llu", ec_bad_names[i],
					  (unsigned long long)st->bad_by_reason[i]);
	ec_outfile_printf(f, "\ninput           %.1f MB (%.1f MB of CSV), %d gzip\n",
			  st->bytes_in / 1e6, st->bytes_data / 1e6, st->n_gzip);
	ec_log_info("inspect: %llu rows in %.2f s (%.0f MB/s of CSV)", (unsigned long long)st->rows,
		    secs, secs > 0 ? st->bytes_data / secs / 1e6 : 0);
}

int ec_inspect_run(struct ec_reader_opts *ro, const char *out_path, char **inputs, int n_inputs)
{
	struct ec_reader *r = NULL;
	struct ec_outfile *f = NULL;
	struct ec_err err = {0};
	const struct ec_event *ev;
	struct inspect *sp;
	int rc;

	sp = ec_xcalloc(1, sizeof(*sp));
	ro->paths = (const char *const *)inputs;
	ro->n_paths = n_inputs;
	ro->progress = 1;
	double t0 = ec_now();
	if ((rc = ec_reader_open(&r, ro, &err)) < 0)
		goto done;
	ec_reader_set_lookahead(r, prefetch, sp);
	while ((rc = ec_reader_next_ref(r, &ev, &err)) > 0) {
		count(sp, ev);
		if (ec_interrupted()) {
			rc = ec_interrupt_check(&err);
			goto done;
		}
	}
	flush(sp);
	sp->n_sessions = ec_distinct_count(&sp->sessions);
	sp->n_bought = ec_distinct_count(&sp->bought);
	if (rc == 0)
		rc = ec_reader_finish(r, &err);
	double secs = ec_now() - t0;
	/* The report is written even when the run fails: it says what was read. */
	int wrc = ec_outfile_open(&f, out_path, EC_OUT_PLAIN, &err);
	if (wrc == 0) {
		if (ec_opt_json)
			report_json(f, sp, r, n_inputs, secs, rc, &err, strcmp(out_path, "-") == 0);
		else
			report_text(f, sp, r, secs);
		wrc = ec_outfile_commit(f, rc < 0 ? NULL : &err);
		f = NULL;
	}
	if (rc >= 0)
		rc = wrc;
done:
	rc = ec_cli_fail("inspect", rc, &err);
	ec_outfile_free(f);
	ec_reader_free(r);
	for (int i = 0; i < SET_N; i++)
		ec_u64set_release(&sp->set[i]);
	ec_distinct_release(&sp->sessions);
	ec_distinct_release(&sp->bought);
	gen_release(&sp->dups.gen[0]);
	gen_release(&sp->dups.gen[1]);
	ec_strtab_release(&sp->brands);
	ec_strtab_release(&sp->codes);
	ec_strmap_release(&sp->brand_map);
	ec_strmap_release(&sp->code_map);
	free(sp);
	return rc;
}

int cmd_inspect(int argc, char **argv)
{
	struct ec_reader_opts ro;
	ec_reader_opts_init(&ro);
	const char *out_path = "-";
	const struct ec_opt opts[] = {
	    {"output", 'o', EC_OPT_STR, &out_path, "FILE",
	     "write the report here (default -: stdout)", NULL, 0},
	    EC_READER_OPTS(ro),
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "inspect",
	    "[OPTIONS] FILE...",
	    "Read export files (CSV or gzip, - for stdin) as one stream and report what\n"
	    "the reader sees: rows, time range, events by type, distinct users, sessions,\n"
	    "products, categories and brands, empty fields, exact duplicate rows, and\n"
	    "bad rows by reason. --json prints the same as one JSON object.\n"
	    "Sessions are counted by 64-bit hashes of their ids (a wrong count needs a\n"
	    "collision: odds about n^2/2^65 for n sessions). Duplicates are looked for\n"
	    "among the last 16,384 or more rows and at least the last minute of event\n"
	    "time; rows that come after later times than that (a file given twice,\n"
	    "months out of order) are counted as late rows, whose copies may be missed.",
	    opts,
	    NULL,
	};
	struct ec_opts_result res;
	int rc;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 1)) >= 0)
		return rc;
	rc = ec_inspect_run(&ro, out_path, res.operands, res.n_operands);
	return rc;
}
