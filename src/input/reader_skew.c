/*
 * Events too far ahead of the others (time_out_of_range). One far-future row
 * would otherwise move the sessionizer's watermark and make every later
 * event "late". The rule, per input file, against a reference time `ref`:
 *
 *   - ref starts as the median time of the file's first SKEW_WINDOW events
 *     (held back until they are read), so the very first row may be the
 *     outlier; afterwards ref is the latest time accepted;
 *   - an event at most max_skew after ref is accepted;
 *   - an event more than max_skew after ref is a suspect, held back: if an
 *     accepted event follows before SKEW_CONFIRM suspects are held, the data
 *     came back and the suspects are out of range; if SKEW_CONFIRM suspects
 *     in a row are held, time really jumped (a day missing from an export):
 *     ref becomes their median, and they are judged again against it in
 *     order; at the end of a file, two or more suspects are such a jump and
 *     a lone one is out of range.
 *
 * So up to SKEW_CONFIRM - 1 outliers in a row are caught (but one at the end
 * of a file), and a genuine jump loses nothing. Events behind the others are never out of range
 * here: lateness is the sessionizer's affair.
 */
#include <stdlib.h>
#include <string.h>

#include "reader_int.h"

enum { HELD_COLLECTING, HELD_SUSPECT, HELD_REJUDGE, HELD_GOOD, HELD_BAD };

/* The lower median of the times of held[from, to) in the given state. */
static int64_t held_median(const struct ec_reader *r, int from, int to, int state)
{
	int64_t t[SKEW_HELD_MAX];
	int n = 0;
	for (int i = from; i < to; i++)
		if (r->held[i].state == state) {
			int j = n++;
			for (; j > 0 && t[j - 1] > r->held[i].ev.time; j--)
				t[j] = t[j - 1];
			t[j] = r->held[i].ev.time;
		}
	return n > 0 ? t[(n - 1) / 2] : 0;
}

static int ahead_of(const struct ec_reader *r, int64_t t, int64_t ref)
{
	return t > ref && t - ref > r->opts.max_skew;
}

static void copy_str(char **p, struct ec_str *s)
{
	if (s->n)
		memcpy(*p, s->p, s->n);
	s->p = *p;
	*p += s->n;
}

/* Keeps a copy of ev: its strings are borrowed only until the next row. */
static struct held *hold(struct ec_reader *r, const struct ec_event *ev, int state)
{
	struct held *h = &r->held[r->n_held++];
	size_t need = ev->raw.n + ev->category_code.n + ev->brand.n + ev->session.n + 1;
	EC_GROW(h->buf, h->cap, need);
	h->ev = *ev;
	h->state = state;
	char *p = h->buf;
	copy_str(&p, &h->ev.raw);
	copy_str(&p, &h->ev.category_code);
	copy_str(&p, &h->ev.brand);
	copy_str(&p, &h->ev.session);
	return h;
}

static void accept_time(struct ec_reader *r, int64_t t)
{
	if (t > r->ref)
		r->ref = t;
}

static void judge_held(struct ec_reader *r, struct held *h);

/* SKEW_CONFIRM suspects in a row: time jumped. Their median is the new
 * reference, and they are judged again in order against it: those at or
 * below it are accepted, so fewer suspects remain than before (an outlier
 * among them stays one). */
static void confirm_suspects(struct ec_reader *r)
{
	r->ref = held_median(r, 0, r->n_held, HELD_SUSPECT);
	for (int i = 0; i < r->n_held; i++)
		if (r->held[i].state == HELD_SUSPECT)
			r->held[i].state = HELD_REJUDGE;
	r->n_suspects = 0;
	for (int i = 0; i < r->n_held; i++)
		if (r->held[i].state == HELD_REJUDGE)
			judge_held(r, &r->held[i]);
}

/* The suspects are out of range (an accepted event came, or the file ended). */
static void reject_suspects(struct ec_reader *r)
{
	for (int i = 0; i < r->n_held; i++)
		if (r->held[i].state == HELD_SUSPECT)
			r->held[i].state = HELD_BAD;
	r->n_suspects = 0;
}

/* Judges held event h against ref. */
static void judge_held(struct ec_reader *r, struct held *h)
{
	if (!ahead_of(r, h->ev.time, r->ref)) {
		h->state = HELD_GOOD; /* before reject_suspects(): h may be one */
		reject_suspects(r);
		accept_time(r, h->ev.time);
	} else {
		h->state = HELD_SUSPECT;
		if (++r->n_suspects == SKEW_CONFIRM)
			confirm_suspects(r);
	}
}

/* The file's first events are all read: ref from their median, then each
 * judged in order. */
static void end_collecting(struct ec_reader *r)
{
	r->ref = held_median(r, 0, r->n_held, HELD_COLLECTING);
	r->collecting = 0;
	r->n_collected = 0;
	for (int i = 0; i < r->n_held; i++)
		if (r->held[i].state == HELD_COLLECTING)
			judge_held(r, &r->held[i]);
}

/* At the end of a file, two or more suspects are a jump in time at its
 * end; a lone one is out of range. */
static void end_file(struct ec_reader *r)
{
	if (r->collecting)
		end_collecting(r);
	while (r->n_suspects >= 2)
		confirm_suspects(r);
	reject_suspects(r);
}

/* Hands out the held events judged so far, in input order: 1 (a good one,
 * in *ev), 0 (none ready), or an error from rejecting one. */
static int hand_out(struct ec_reader *r, const struct ec_event **ev, struct ec_err *err)
{
	int rc = 0;
	while (rc == 0 && r->held_out < r->n_held) {
		struct held *h = &r->held[r->held_out];
		if (h->state == HELD_GOOD) {
			/* a copy: the slots move below */
			r->held_ev = h->ev;
			*ev = &r->held_ev;
			ec_reader_count_good(r, *ev);
			rc = 1;
		} else if (h->state == HELD_BAD) {
			rc = ec_reader_reject(r, h->ev.file, EC_BAD_TIME_RANGE, h->ev.raw.p,
					      h->ev.raw.n, h->ev.line, err);
			if (rc < 0)
				return rc;
		} else {
			break;
		}
		r->held_out++;
	}
	/* Move what is left to the front, swapping slots so that each keeps its
	 * buffer (the event just handed out points into one). */
	if (r->held_out > 0 && (r->held_out == r->n_held || rc == 0)) {
		int k = r->held_out;
		for (int i = k; i < r->n_held; i++) {
			struct held t = r->held[i - k];
			r->held[i - k] = r->held[i];
			r->held[i] = t;
		}
		r->n_held -= k;
		r->held_out = 0;
	}
	return rc;
}

/* Takes a parsed event (file and line set): 1 when it is to be handed out
 * now (counted), 0 when it was held back, or an error. */
static int judge(struct ec_reader *r, struct ec_event *ev)
{
	if (ev->file != r->skew_file) {
		end_file(r);
		r->skew_file = ev->file;
		r->collecting = 1;
	}
	if (r->collecting) {
		hold(r, ev, HELD_COLLECTING);
		if (++r->n_collected == SKEW_WINDOW)
			end_collecting(r);
		return 0;
	}
	if (r->n_held == 0 && !ahead_of(r, ev->time, r->ref)) {
		accept_time(r, ev->time); /* the common case: nothing held, no copy */
		ec_reader_count_good(r, ev);
		return 1;
	}
	judge_held(r, hold(r, ev, HELD_SUSPECT));
	return 0;
}

int ec_reader_next_judged(struct ec_reader *r, const struct ec_event **out, struct ec_err *err)
{
	int rc;
	struct ec_event *ev;
	for (;;) {
		if ((rc = hand_out(r, out, err)) != 0)
			return rc;
		if (r->rows_done) {
			if (r->n_held == 0)
				return 0;
			end_file(r);
			continue;
		}
		if ((rc = ec_reader_next_row(r, &ev, err)) < 0)
			return rc;
		if (rc == 0) {
			r->rows_done = 1;
			continue;
		}
		*out = ev;
		if (r->opts.max_skew <= 0) {
			ec_reader_count_good(r, ev);
			return 1;
		}
		if ((rc = judge(r, ev)) != 0)
			return rc;
	}
}

void ec_reader_skew_release(struct ec_reader *r)
{
	for (int i = 0; i < SKEW_HELD_MAX; i++)
		free(r->held[i].buf);
}
