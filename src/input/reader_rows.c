#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader_int.h"

static void write_csv_field(FILE *f, const char *p, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			fputc('"', f);
		fputc(p[i], f);
	}
	fputc('"', f);
}

/* Shows a row in a message: at most 80 bytes, control bytes as '?'. */
static void excerpt(char *out, size_t cap, const char *p, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 4 < cap && i < 80; i++)
		out[k++] = ((unsigned char)p[i] < 0x20) ? '?' : p[i];
	if (n > 80 && k + 4 < cap) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
}

int ec_reader_reject(struct ec_reader *r, uint32_t file, enum ec_bad why, const char *rec, size_t n,
		     uint64_t line, struct ec_err *err)
{
	const char *path = ec_reader_path(r, file);
	r->stats.rows++;
	r->stats.bad++;
	r->stats.bad_by_reason[why]++;
	if (file < (uint32_t)r->opts.n_paths)
		r->file_bad[file]++;
	if (r->shown < (uint64_t)(r->opts.show_bad > 0 ? r->opts.show_bad : 0)) {
		char ex[100];
		excerpt(ex, sizeof(ex), rec, n);
		ec_progress_release(&r->progress);
		ec_log_warn("%s:%llu: bad row (%s): %s", path, (unsigned long long)line,
			    ec_bad_names[why], ex);
		r->shown++;
	}
	if (r->rejects) {
		write_csv_field(r->rejects, path, strlen(path));
		fprintf(r->rejects, ",%llu,%s,", (unsigned long long)line, ec_bad_names[why]);
		write_csv_field(r->rejects, rec, n);
		fputc('\n', r->rejects);
	}
	if (r->opts.max_bad_rows >= 0 && r->stats.bad > (uint64_t)r->opts.max_bad_rows)
		return ec_fail(err, EC_EDATA, "%s:%llu: more than --max-bad-rows %lld bad rows",
			       path, (unsigned long long)line, (long long)r->opts.max_bad_rows);
	return 0;
}

static int header(struct ec_reader *r, const char *rec, size_t n, struct ec_err *err)
{
	const char *path = ec_reader_path(r, r->file);
	const char *missing = NULL;
	int k = ec_splitter_split(r->split, rec, n, r->fields, MAX_FIELDS);
	if (k < 0)
		return ec_fail(err, EC_EDATA, "%s:1: malformed header row", path);
	if (k > MAX_FIELDS)
		return ec_fail(err, EC_EDATA, "%s:1: header has %d columns, more than %d", path, k,
			       MAX_FIELDS);
	if (ec_columns_from_header(&r->cols, r->fields, k, &missing) < 0)
		return ec_fail(err, EC_EDATA, "%s:1: header has no column '%s'", path, missing);
	r->need_header = 0;
	return 0;
}

/* Sets where a row that parsed into ev came from. */
static int parsed_row(struct ec_reader *r, struct ec_event *ev, uint64_t line)
{
	ev->file = r->file;
	ev->line = line;
	return 1;
}

/* Counts a good row, once it is certain to be handed out. */
void ec_reader_count_good(struct ec_reader *r, const struct ec_event *ev)
{
	r->stats.rows++;
	r->stats.good++;
	if (ev->file < (uint32_t)r->opts.n_paths)
		r->file_good[ev->file]++;
	if (ev->flags & EC_EVF_ID_DECIMAL)
		r->stats.ids_decimal++;
	if (ev->flags & EC_EVF_ID_EXPONENT)
		r->stats.ids_exponent++;
	if (ev->time < r->stats.time_min)
		r->stats.time_min = ev->time;
	if (ev->time > r->stats.time_max)
		r->stats.time_max = ev->time;
	if ((r->stats.rows & 0xffff) == 0 && r->progress.enabled)
		ec_progress_update(&r->progress, r->stats.rows,
				   r->cur ? r->cur->in_bytes : r->stats.bytes_in, r->total_size);
}

/* Turns one complete record into an event. Returns 1 (event), 0 (skipped) or
 * an error. */
static int record(struct ec_reader *r, const char *rec, size_t n, uint64_t line,
		  struct ec_event *ev, struct ec_err *err)
{
	if (n > 0 && rec[n - 1] == '\r')
		n--;
	if (r->need_header) {
		int rc = header(r, rec, n, err);
		return rc < 0 ? rc : 0;
	}
	if (n == 0) {
		r->stats.blank_lines++;
		return 0;
	}
	if (memchr(rec, '\0', n))
		return ec_reader_reject(r, r->file, EC_BAD_NUL, rec, n, line, err);
	int k = ec_splitter_split(r->split, rec, n, r->fields, MAX_FIELDS);
	if (k < 0)
		return ec_reader_reject(r, r->file, EC_BAD_QUOTING, rec, n, line, err);
	enum ec_bad why = ec_event_from_fields(ev, &r->cols, r->fields, k);
	if (why != EC_BAD_NONE)
		return ec_reader_reject(r, r->file, why, rec, n, line, err);
	ev->raw.p = rec;
	ev->raw.n = n;
	return parsed_row(r, ev, line);
}

static int odd_quotes(const char *p, size_t n)
{
	int odd = 0;
	const char *end = p + n;
	while ((p = memchr(p, '"', (size_t)(end - p)))) {
		odd ^= 1;
		p++;
	}
	return odd;
}

/* Adds bytes to the carried record, keeping at most EC_ROW_MAX + 1 of them. */
static void carry_append(struct ec_reader *r, const char *p, size_t n, uint64_t line)
{
	if (r->carry_line == 0)
		r->carry_line = line;
	r->carry_odd ^= odd_quotes(p, n);
	if (r->carry_len + n > EC_ROW_MAX) {
		r->carry_long = 1;
		n = r->carry_len > EC_ROW_MAX ? 0 : EC_ROW_MAX + 1 - r->carry_len;
	}
	EC_GROW(r->carry, r->carry_cap, r->carry_len + n + 1);
	memcpy(r->carry + r->carry_len, p, n);
	r->carry_len += n;
}

/* Whether a line begins with a valid event_time and a comma, when that is
 * the first column: such a line is a new row, not a quoted continuation. */
static int starts_row(const struct ec_reader *r, const char *p, size_t n)
{
	int64_t t;
	return !r->need_header && r->cols.idx[EC_COL_TIME] == 0 && n > 23 && p[23] == ',' &&
	       ec_time_parse(p, 23, &t) == 0;
}

/* Hands the carried record to record() and empties the carry. */
static int carried_record(struct ec_reader *r, struct ec_event *ev, struct ec_err *err)
{
	uint64_t line = r->carry_line;
	size_t n = r->carry_len;
	int too_long = r->carry_long, odd = r->carry_odd;
	r->carry_len = 0;
	r->carry_line = 0;
	r->carry_odd = 0;
	r->carry_long = 0;
	if (too_long)
		return ec_reader_reject(r, r->file, EC_BAD_ROW_TOO_LONG, r->carry, n, line, err);
	if (odd) {
		/* drop the newline added when the quote seemed to go on */
		if (n > 0 && r->carry[n - 1] == '\n')
			n--;
		return ec_reader_reject(r, r->file, EC_BAD_QUOTING, r->carry, n, line, err);
	}
	return record(r, r->carry, n, line, ev, err);
}

/* Moves to the next chunk; returns 1 with r->cur set, 0 at the end of all
 * input, or an error. A file change starts a new header and line count. */
static int next_chunk(struct ec_reader *r, struct ec_err *err)
{
	struct chunk *c = ec_reader_consume(r);
	if (c->error) {
		r->done = 1;
		return ec_fail(err, c->error, "%s", c->errmsg);
	}
	if (c->file != r->file) {
		if (r->file != UINT32_MAX && r->need_header) {
			r->done = 1;
			return ec_fail(err, EC_EDATA, "%s: empty input, no header row",
				       ec_reader_path(r, r->file));
		}
		r->file = c->file;
		r->need_header = 1;
		r->line = 0;
	}
	if (c->file == (uint32_t)r->opts.n_paths) {
		ec_reader_release(r);
		r->done = 1;
		return 0;
	}
	r->cur = c;
	r->pos = 0;
	c->pre_i = 0;
	return 1;
}

/* Keeps the start of a line that goes on in the next chunk (at most
 * EC_ROW_MAX + 1 bytes of it: a longer line is rejected as too long). */
static void part_append(struct ec_reader *r, const char *p, size_t n)
{
	if (r->part_len + n > EC_ROW_MAX)
		n = r->part_len > EC_ROW_MAX ? 0 : EC_ROW_MAX + 1 - r->part_len;
	EC_GROW(r->part, r->part_cap, r->part_len + n + 1);
	memcpy(r->part + r->part_len, p, n);
	r->part_len += n;
}

/* One whole line, number r->line: a row of its own, or part of a quoted
 * record that spans lines. Returns 1 with an event, 0 for none yet, or an
 * error. An open quote never swallows a line that starts a row of its own:
 * the broken record is rejected and the line read as itself. */
static int take_line(struct ec_reader *r, const char *p, size_t n, struct ec_event *ev,
		     struct ec_err *err)
{
	int rc;
	if (r->carry_line == 0 && !memchr(p, '"', n)) {
		if (n > EC_ROW_MAX)
			return ec_reader_reject(r, r->file, EC_BAD_ROW_TOO_LONG, p, n, r->line,
						err);
		return record(r, p, n, r->line, ev, err);
	}
	if (r->carry_odd && starts_row(r, p, n)) {
		if ((rc = carried_record(r, ev, err)) != 0)
			return rc;
		if (!memchr(p, '"', n))
			return take_line(r, p, n, ev, err);
	}
	carry_append(r, p, n, r->line);
	if (r->carry_odd && !r->carry_long) {
		carry_append(r, "\n", 1, r->line);
		return 0;
	}
	return carried_record(r, ev, err);
}

/* How far ahead of the row handed out a worker's row is prefetched, and
 * (once that has arrived) shown to the lookahead hook. */
#define LOOK_FAR 16
#define LOOK_NEAR 8

void ec_reader_set_lookahead(struct ec_reader *r, ec_reader_lookahead_fn fn, void *arg)
{
	r->lookahead = fn;
	r->lookahead_arg = arg;
}

/*
 * A record is normally one line, parsed in place. A line with an odd number
 * of quotes opens a quoted field that goes on past the newline, so the
 * following lines join it in the carry buffer until the quotes balance (a
 * record past EC_ROW_MAX ends at the next newline whatever its quotes). A
 * line that crosses chunks is first put together whole in the part buffer,
 * so that where a chunk ends never changes how a line is read.
 */
int ec_reader_next_row(struct ec_reader *r, struct ec_event **out, struct ec_err *err)
{
	int rc;
	struct ec_event *ev = &r->row_ev; /* where a row the consumer parses goes */
	*out = ev;

	if (r->done)
		return 0;
	for (;;) {
		if (!r->cur && (rc = next_chunk(r, err)) <= 0)
			return rc;
		struct chunk *c = r->cur;
		if (r->part_len == 0 && r->carry_line == 0 && !r->need_header) {
			while (c->pre_i < c->n_pre && c->pre[c->pre_i].off < r->pos)
				c->pre_i++;
			if (c->pre_i < c->n_pre && c->pre[c->pre_i].off == r->pos) {
				struct pre *e = &c->pre[c->pre_i++];
				if (c->pre_i + LOOK_FAR < c->n_pre) {
					/* parsed on another core: ask for a later row
					 * ahead, and the text its strings point into */
					const struct pre *a = &c->pre[c->pre_i + LOOK_FAR];
					__builtin_prefetch(a);
					__builtin_prefetch((const char *)a + 64);
					__builtin_prefetch((const char *)a + 128);
					__builtin_prefetch(c->data + a->off + a->len / 2);
				}
				if (r->lookahead && c->pre_i + LOOK_NEAR < c->n_pre &&
				    c->pre[c->pre_i + LOOK_NEAR].why == EC_BAD_NONE)
					r->lookahead(r->lookahead_arg,
						     &c->pre[c->pre_i + LOOK_NEAR].ev);
				r->pos += e->len + 1;
				r->stats.bytes_data += e->len + 1;
				r->line++;
				if (e->why != EC_BAD_NONE) {
					if ((rc = ec_reader_reject(r, r->file, e->why, e->ev.raw.p,
								   e->ev.raw.n, r->line, err)) != 0)
						return rc;
					continue;
				}
				*out = &e->ev; /* no copy: valid until the next call */
				return parsed_row(r, &e->ev, r->line);
			}
		}
		const char *p = c->data + r->pos;
		size_t avail = c->len - r->pos;
		const char *nl = memchr(p, '\n', avail);

		if (!nl) {
			r->stats.bytes_data += avail;
			r->stats.bytes_in = c->in_bytes;
			if (avail)
				part_append(r, p, avail);
			int last = c->last;
			ec_reader_release(r);
			if (!last)
				continue;
			/* A file that ends without a final newline ends its line, and
			 * the end of a file ends a quoted record left open. */
			if (r->part_len > 0) {
				r->line++;
				size_t n = r->part_len;
				r->part_len = 0;
				if ((rc = take_line(r, r->part, n, ev, err)) != 0)
					return rc;
			}
			if (r->carry_len + r->carry_line > 0 &&
			    (rc = carried_record(r, ev, err)) != 0)
				return rc;
			continue;
		}
		size_t n = (size_t)(nl - p);
		r->pos += n + 1;
		r->stats.bytes_data += n + 1;
		r->line++;
		if (r->part_len > 0) {
			part_append(r, p, n);
			n = r->part_len;
			r->part_len = 0;
			rc = take_line(r, r->part, n, ev, err);
		} else {
			rc = take_line(r, p, n, ev, err);
		}
		if (rc != 0)
			return rc;
	}
}
