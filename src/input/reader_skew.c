/*
 * Events too far ahead of the others (time_out_of_range). One far-future row
 * would otherwise move the sessionizer's watermark and make every later
 * event "late". The rule, per input file:
 *
 *   - its first SKEW_WINDOW events are held back and judged together: an
 *     event more than max_skew after their median time is out of range (so
 *     the file's very first row may be the outlier);
 *   - every later event is judged against the median of the SKEW_WINDOW
 *     events before it (out-of-range ones included, so that a genuine jump
 *     in time, such as a day missing from an export, is accepted after
 *     SKEW_WINDOW / 2 + 1 rows; those rows are rejected and counted).
 *
 * Up to SKEW_WINDOW / 2 outliers in a row are caught. Events behind the
 * others are never out of range here: lateness is the sessionizer's affair.
 */
#include <stdlib.h>
#include <string.h>

#include "reader_int.h"

static int64_t win_median(const struct ec_reader *r)
{
	return r->win_sorted[(r->n_win - 1) / 2];
}

static void win_push(struct ec_reader *r, int64_t t)
{
	int n = r->n_win;
	if (n == SKEW_WINDOW) {
		int64_t old = r->win[r->win_at];
		int i = 0;
		while (r->win_sorted[i] != old)
			i++;
		memmove(&r->win_sorted[i], &r->win_sorted[i + 1],
			(size_t)(n - 1 - i) * sizeof(int64_t));
		n--;
	}
	int j = n;
	while (j > 0 && r->win_sorted[j - 1] > t) {
		r->win_sorted[j] = r->win_sorted[j - 1];
		j--;
	}
	r->win_sorted[j] = t;
	r->win[r->win_at] = t;
	r->win_at = (r->win_at + 1) % SKEW_WINDOW;
	r->n_win = n + 1;
}

static int ahead(const struct ec_reader *r, int64_t t)
{
	return t > win_median(r) && t - win_median(r) > r->opts.max_skew;
}

static void copy_str(char **p, struct ec_str *s)
{
	if (s->n)
		memcpy(*p, s->p, s->n);
	s->p = *p;
	*p += s->n;
}

/* Keeps a copy of ev: its strings are borrowed only until the next row. */
static void hold(struct ec_reader *r, const struct ec_event *ev)
{
	struct held *h = &r->held[r->n_held++];
	size_t need = ev->raw.n + ev->category_code.n + ev->brand.n + ev->session.n + 1;
	EC_GROW(h->buf, h->cap, need);
	h->ev = *ev;
	char *p = h->buf;
	copy_str(&p, &h->ev.raw);
	copy_str(&p, &h->ev.category_code);
	copy_str(&p, &h->ev.brand);
	copy_str(&p, &h->ev.session);
}

/* Judges the held events not yet judged against their own median, which
 * then starts the window of their file. */
static void judge_group(struct ec_reader *r)
{
	r->n_win = 0;
	r->win_at = 0;
	for (int i = r->n_judged; i < r->n_held; i++)
		win_push(r, r->held[i].ev.time);
	for (int i = r->n_judged; i < r->n_held; i++)
		r->held[i].out_of_range = ahead(r, r->held[i].ev.time);
	r->n_judged = r->n_held;
	r->holding = 0;
}

/* Hands out the next judged held event: 1 (good, in *ev), 0 (none left),
 * or an error from rejecting one. */
static int hand_out(struct ec_reader *r, struct ec_event *ev, struct ec_err *err)
{
	while (r->held_out < r->n_judged) {
		struct held *h = &r->held[r->held_out++];
		if (!h->out_of_range) {
			*ev = h->ev;
			ec_reader_count_good(r, ev);
			return 1;
		}
		int rc = ec_reader_reject(r, h->ev.file, EC_BAD_TIME_RANGE, h->ev.raw.p,
					  h->ev.raw.n, h->ev.line, err);
		if (rc < 0)
			return rc;
	}
	/* All handed out: what is left (a new file's first event) moves to the
	 * front. Slots are swapped, not copied, so their strings stay put. */
	for (int i = r->n_judged; i < r->n_held; i++) {
		struct held t = r->held[i - r->n_judged];
		r->held[i - r->n_judged] = r->held[i];
		r->held[i] = t;
	}
	r->n_held -= r->n_judged;
	r->n_judged = r->held_out = 0;
	return 0;
}

/* Takes a parsed event (file and line set): 1 when it is to be handed out
 * now (counted), 0 when it was held back or rejected, or an error. */
static int judge(struct ec_reader *r, struct ec_event *ev, struct ec_err *err)
{
	if (ev->file != r->skew_file) {
		if (r->holding)
			judge_group(r);
		r->skew_file = ev->file;
		r->holding = 1;
	}
	if (r->holding) {
		hold(r, ev);
		if (r->n_held - r->n_judged == SKEW_WINDOW)
			judge_group(r);
		return 0;
	}
	int out = ahead(r, ev->time);
	win_push(r, ev->time);
	if (out)
		return ec_reader_reject(r, ev->file, EC_BAD_TIME_RANGE, ev->raw.p, ev->raw.n,
					ev->line, err);
	ec_reader_count_good(r, ev);
	return 1;
}

int ec_reader_next_judged(struct ec_reader *r, struct ec_event *ev, struct ec_err *err)
{
	int rc;
	for (;;) {
		if ((rc = hand_out(r, ev, err)) != 0)
			return rc;
		if (r->rows_done) {
			if (!r->holding)
				return 0;
			judge_group(r);
			continue;
		}
		if ((rc = ec_reader_next_row(r, ev, err)) < 0)
			return rc;
		if (rc == 0) {
			r->rows_done = 1;
			continue;
		}
		if (r->opts.max_skew <= 0) {
			ec_reader_count_good(r, ev);
			return 1;
		}
		if ((rc = judge(r, ev, err)) != 0)
			return rc;
	}
}

void ec_reader_skew_release(struct ec_reader *r)
{
	for (int i = 0; i <= SKEW_WINDOW; i++)
		free(r->held[i].buf);
}
