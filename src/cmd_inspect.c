/* ecomctl inspect: what the reader sees in export files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/hash.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"

struct inspect {
	uint64_t by_type[EC_EV_N];
	uint64_t empty[EC_COL_N];
	uint64_t duplicates;
	uint64_t purchase_sessions;
	struct ec_u64map users, products, categories, rows;
	struct ec_strtab sessions, brands, codes;
	uint8_t *session_bought; /* by session id */
	size_t bought_cap;
};

static void count(struct inspect *s, const struct ec_event *ev)
{
	int added;
	s->by_type[ev->type]++;
	ec_u64map_add(&s->users, ev->user_id);
	ec_u64map_add(&s->products, ev->product_id);
	ec_u64map_add(&s->categories, ev->category_id);
	/* Exact duplicates by a 64-bit hash of the row's bytes. */
	s->duplicates += !ec_u64map_add(&s->rows, ec_hash64(ev->raw.p, ev->raw.n, 0x5eed));
	if (ev->brand.n)
		ec_strtab_intern(&s->brands, ev->brand.p, ev->brand.n, NULL);
	else
		s->empty[EC_COL_BRAND]++;
	if (ev->category_code.n)
		ec_strtab_intern(&s->codes, ev->category_code.p, ev->category_code.n, NULL);
	else
		s->empty[EC_COL_CATEGORY_CODE]++;
	if (ev->session.n) {
		uint32_t id = ec_strtab_intern(&s->sessions, ev->session.p, ev->session.n, &added);
		if (added) {
			size_t old = s->bought_cap;
			EC_GROW(s->session_bought, s->bought_cap, (size_t)id + 1);
			memset(s->session_bought + old, 0, s->bought_cap - old);
		}
		if (ev->type == EC_EV_PURCHASE && !s->session_bought[id]) {
			s->session_bought[id] = 1;
			s->purchase_sessions++;
		}
	} else {
		s->empty[EC_COL_SESSION]++;
	}
}

static void report_json(struct ec_outfile *f, const struct inspect *s,
			const struct ec_reader *r, int n_files, double secs)
{
	const struct ec_reader_stats *st = ec_reader_stats(r);
	struct ec_json *j = ec_json_object();
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
	ec_json_add_u64(o, "users", s->users.n);
	ec_json_add_u64(o, "sessions", s->sessions.n);
	ec_json_add_u64(o, "products", s->products.n);
	ec_json_add_u64(o, "categories", s->categories.n);
	ec_json_add_u64(o, "category_codes", s->codes.n);
	ec_json_add_u64(o, "brands", s->brands.n);
	ec_json_add_u64(j, "sessions_with_purchase", s->purchase_sessions);
	o = ec_json_add_object(j, "empty");
	for (int c = 0; c < EC_COL_N; c++)
		ec_json_add_u64(o, ec_col_names[c], s->empty[c]);
	ec_json_add_u64(j, "duplicate_rows", s->duplicates);
	ec_json_add_u64(j, "blank_lines", st->blank_lines);
	ec_json_add_u64(j, "ids_decimal", st->ids_decimal);
	ec_json_add_u64(j, "ids_exponent", st->ids_exponent);
	ec_json_add_u64(j, "bytes_in", st->bytes_in);
	ec_json_add_u64(j, "bytes_csv", st->bytes_data);
	ec_json_add_int(j, "gzip_inputs", st->n_gzip);
	ec_json_add_num(j, "seconds", secs);
	char *text = ec_json_print(j, 1);
	ec_outfile_puts(f, text);
	ec_outfile_putc(f, '\n');
	free(text);
	ec_json_free(j);
}

static void report_text(struct ec_outfile *f, const struct inspect *s,
			const struct ec_reader *r, double secs)
{
	const struct ec_reader_stats *st = ec_reader_stats(r);
	char t0[24] = "-", t1[24] = "-";
	if (st->good) {
		ec_time_format(st->time_min, t0);
		ec_time_format(st->time_max, t1);
	}
	ec_outfile_printf(f, "rows            %llu (good %llu, bad %llu)\n", (unsigned long long)st->rows,
	       (unsigned long long)st->good, (unsigned long long)st->bad);
	ec_outfile_printf(f, "time range      %s .. %s\n", t0, t1);
	ec_outfile_printf(f, "events         ");
	for (int t = 0; t < EC_EV_N; t++)
		ec_outfile_printf(f, " %s %llu", ec_event_type_name(t), (unsigned long long)s->by_type[t]);
	ec_outfile_printf(f, "\ndistinct        users %zu, sessions %zu, products %zu, categories %zu, "
	       "category codes %zu, brands %zu\n",
	       s->users.n, s->sessions.n, s->products.n, s->categories.n, s->codes.n,
	       s->brands.n);
	ec_outfile_printf(f, "sessions with a purchase  %llu\n", (unsigned long long)s->purchase_sessions);
	ec_outfile_printf(f, "empty fields    category_code %llu, brand %llu, user_session %llu\n",
	       (unsigned long long)s->empty[EC_COL_CATEGORY_CODE],
	       (unsigned long long)s->empty[EC_COL_BRAND],
	       (unsigned long long)s->empty[EC_COL_SESSION]);
	ec_outfile_printf(f, "duplicate rows  %llu\n", (unsigned long long)s->duplicates);
	if (st->ids_decimal || st->ids_exponent)
		ec_outfile_printf(f, "ids written as decimals %llu, in exponent notation %llu\n",
		       (unsigned long long)st->ids_decimal, (unsigned long long)st->ids_exponent);
	ec_outfile_printf(f, "rejects        ");
	if (!st->bad)
		ec_outfile_printf(f, " none");
	for (int i = 1; i < EC_BAD_N; i++)
		if (st->bad_by_reason[i])
			ec_outfile_printf(f, " %s %llu", ec_bad_names[i], (unsigned long long)st->bad_by_reason[i]);
	ec_outfile_printf(f, "\ninput           %.1f MB (%.1f MB of CSV), %d gzip\n", st->bytes_in / 1e6,
	       st->bytes_data / 1e6, st->n_gzip);
	ec_log_info("inspect: %llu rows in %.2f s (%.0f MB/s of CSV)",
		    (unsigned long long)st->rows, secs, secs > 0 ? st->bytes_data / secs / 1e6 : 0);
}

int cmd_inspect(int argc, char **argv)
{
	struct ec_reader_opts ro;
	ec_reader_opts_init(&ro);
	const char *out_path = "-";
	const struct ec_opt opts[] = {
		{ "output", 'o', EC_OPT_STR, &out_path, "FILE",
		  "write the report here (default -: stdout)", NULL, 0 },
		EC_READER_OPTS(ro),
		{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0 },
	};
	const struct ec_cmd_usage usage = {
		"inspect", "[OPTIONS] FILE...",
		"Read export files (CSV or gzip, - for stdin) as one stream and report what\n"
		"the reader sees: rows, time range, events by type, distinct users, sessions,\n"
		"products, categories and brands, empty fields, exact duplicate rows, and\n"
		"bad rows by reason. --json prints the same as one JSON object.",
		opts, NULL,
	};
	struct ec_opts_result res;
	struct ec_reader *r = NULL;
	struct ec_outfile *f = NULL;
	struct ec_err err = { 0 };
	struct ec_event ev;
	struct inspect s;
	int rc;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 1)) >= 0)
		return rc;
	memset(&s, 0, sizeof(s));
	ro.paths = (const char *const *)res.operands;
	ro.n_paths = res.n_operands;
	ro.progress = 1;
	double t0 = ec_now();
	if ((rc = ec_reader_open(&r, &ro, &err)) < 0)
		goto done;
	while ((rc = ec_reader_next(r, &ev, &err)) > 0)
		count(&s, &ev);
	if (rc == 0)
		rc = ec_reader_finish(r, &err);
	double secs = ec_now() - t0;
	/* The report is written even when the run fails: it says what was read. */
	int wrc = ec_outfile_open(&f, out_path, EC_OUT_PLAIN, &err);
	if (wrc == 0) {
		if (ec_opt_json)
			report_json(f, &s, r, res.n_operands, secs);
		else
			report_text(f, &s, r, secs);
		wrc = ec_outfile_commit(f, rc < 0 ? NULL : &err);
		f = NULL;
	}
	if (rc >= 0)
		rc = wrc;
done:
	rc = ec_cli_fail("inspect", rc, &err);
	ec_outfile_free(f);
	ec_reader_free(r);
	ec_u64map_release(&s.users);
	ec_u64map_release(&s.products);
	ec_u64map_release(&s.categories);
	ec_u64map_release(&s.rows);
	ec_strtab_release(&s.sessions);
	ec_strtab_release(&s.brands);
	ec_strtab_release(&s.codes);
	free(s.session_bought);
	ec_opts_release();
	return rc;
}
