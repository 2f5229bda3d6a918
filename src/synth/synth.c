#include "ecomctl/synth.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/outfile.h"
#include "ecomctl/heap.h"
#include "synth_model.h"

#define LINE_MAX_LEN 512
#define N_PENDING 16

/* Relative traffic by hour of day (UTC; the stores' customers are mostly
 * three hours ahead, so the trough is 00-03 UTC) and by weekday (Sunday
 * first). Linear between the hours. */
static const double hour_w[25] = {0.24, 0.15, 0.14, 0.22, 0.45, 0.75, 0.95, 1.05, 1.12,
				  1.16, 1.18, 1.18, 1.2,  1.24, 1.3,  1.36, 1.4,  1.4,
				  1.3,	1.12, 0.9,  0.68, 0.5,	0.36, 0.24};
static const double dow_w[7] = {1.04, 1.0, 1.0, 0.98, 0.97, 0.93, 0.95};
#define W_MAX (1.4 * 1.04)

static const char *const profile_names[EC_SYNTH_N_PROFILES] = {"multicat", "cosmetics"};

static const char header[] = "event_time,event_type,product_id,category_id,category_code,"
			     "brand,price,user_id,user_session\n";

void ec_synth_opts_init(struct ec_synth_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->rows = 1000000;
	o->days = 30;
	o->start = ec_days_from_civil(2019, 10, 1) * 86400;
	o->profile = EC_SYNTH_MULTICAT;
	o->seed = 1;
}

int ec_synth_profile_parse(const char *s, enum ec_synth_profile *out)
{
	for (int i = 0; i < EC_SYNTH_N_PROFILES; i++)
		if (strcmp(s, profile_names[i]) == 0) {
			*out = (enum ec_synth_profile)i;
			return 0;
		}
	return -1;
}

const char *ec_synth_profile_name(enum ec_synth_profile p)
{
	return (unsigned)p < EC_SYNTH_N_PROFILES ? profile_names[p] : "?";
}

static double weight_at(int64_t t, double frac)
{
	int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t sec = t - day * 86400;
	int h = (int)(sec / 3600);
	double f = ((double)(sec % 3600) + frac) / 3600.0;
	int dow = (int)(((day % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
	return (hour_w[h] + (hour_w[h + 1] - hour_w[h]) * f) * dow_w[dow];
}

/* ---- heap of open sessions, by (time of next event, creation order) ---- */

struct hent {
	int64_t t;
	uint64_t seq;
	uint32_t slot;
};

static int hless(const struct hent *x, const struct hent *y)
{
	return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

EC_HEAP_DEFINE(heap, struct hent, hless)

/* ---- the run ---- */

struct pending {
	uint64_t due; /* written-row count after which it goes out */
	int type;
	size_t len;
	char line[LINE_MAX_LEN];
};

struct run {
	const struct ec_synth_opts *o;
	struct ec_synth_model m;
	struct ec_outfile *out;
	struct ec_synth_stats st;
	struct ec_rng rng, dirt;

	struct ec_synth_sess *sess;
	size_t n_sess, cap_sess;
	uint32_t *free_slots;
	size_t n_free, cap_free;
	struct heap heap;
	uint64_t seq;

	/* arrivals */
	int64_t end;
	double lam, lam0, mean_len, open_frac;
	double next_ctrl;
	double *w_suffix; /* integral of the weight from hour i of the span to its end */
	int n_hours;
	uint64_t clean_target, clean_written;

	/* output */
	char line[LINE_MAX_LEN];
	size_t len;
	uint16_t fs[9], fe[9]; /* field spans in line */
	int64_t tcache;
	char tstr[24];
	struct pending pend[N_PENDING];
	int n_pend;
};

static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_price(char *p, int64_t cents, int trim)
{
	if (cents < 0) {
		*p++ = '-';
		cents = -cents;
	}
	p = put_u64(p, (uint64_t)cents / 100);
	*p++ = '.';
	unsigned c = (unsigned)(cents % 100);
	*p++ = (char)('0' + c / 10);
	if (!trim || c % 10)
		*p++ = (char)('0' + c % 10);
	return p;
}

static const char *const type_names[EC_EV_N] = {"view", "cart", "remove_from_cart", "purchase"};
static const uint8_t type_lens[EC_EV_N] = {4, 4, 16, 8};

/* Formats the event into r->line, noting where each field is. */
static void format_row(struct run *r, const struct ec_synth_sess *s, const struct ec_synth_ev *ev,
		       int64_t cents)
{
	const struct ec_synth_item *it = ev->item;
	const struct ec_synth_cat *c = &r->m.cats[it->cat];
	char *b = r->line, *p = b;
	int f = 0;

	if (ev->t != r->tcache) {
		ec_time_format(ev->t, r->tstr);
		r->tcache = ev->t;
	}
#define FIELD_START() (r->fs[f] = (uint16_t)(p - b))
#define FIELD_END() (r->fe[f] = (uint16_t)(p - b), f++, *p++ = ',')
	FIELD_START();
	memcpy(p, r->tstr, 23);
	p += 23;
	FIELD_END();
	FIELD_START();
	memcpy(p, type_names[ev->type], type_lens[ev->type]);
	p += type_lens[ev->type];
	FIELD_END();
	FIELD_START();
	p = put_u64(p, it->pid);
	FIELD_END();
	/* c->text is "<id>,<code>," */
	FIELD_START();
	memcpy(p, c->text, c->text_len);
	p = memchr(p, ',', c->text_len);
	FIELD_END();
	FIELD_START();
	p = b + r->fs[f - 1] + c->text_len - 1;
	FIELD_END();
	FIELD_START();
	if (it->brand != UINT32_MAX) {
		memcpy(p, r->m.brands[it->brand], r->m.brand_len[it->brand]);
		p += r->m.brand_len[it->brand];
	}
	FIELD_END();
	FIELD_START();
	p = put_price(p, cents, r->m.cents_trim);
	FIELD_END();
	FIELD_START();
	p = put_u64(p, s->user_id);
	FIELD_END();
	FIELD_START();
	memcpy(p, s->uuid, 36);
	p += 36;
	r->fe[f] = (uint16_t)(p - b);
	*p++ = '\n';
	r->len = (size_t)(p - b);
#undef FIELD_START
#undef FIELD_END
}

/* Writes line with field i replaced by rep (rep NULL: field i dropped). */
static size_t with_field(const struct run *r, int i, const char *rep, size_t rn, char *out)
{
	size_t n = 0;
	for (int j = 0; j < 9; j++) {
		if (j == i && !rep)
			continue;
		if (n)
			out[n++] = ',';
		if (j == i) {
			memcpy(out + n, rep, rn);
			n += rn;
		} else {
			memcpy(out + n, r->line + r->fs[j], (size_t)(r->fe[j] - r->fs[j]));
			n += (size_t)(r->fe[j] - r->fs[j]);
		}
	}
	out[n++] = '\n';
	return n;
}

static void emit(struct run *r, const char *line, size_t n, int type)
{
	ec_outfile_write(r->out, line, n);
	r->st.rows++;
	if (type >= 0)
		r->st.by_type[type]++;
	else
		r->st.dirty_malformed++;
}

/* Sends the duplicates that are due; each counts toward rows. */
static void flush_pending(struct run *r)
{
	for (int i = 0; i < r->n_pend && r->st.rows < r->o->rows;) {
		if (r->pend[i].due <= r->st.rows) {
			emit(r, r->pend[i].line, r->pend[i].len, r->pend[i].type);
			r->st.dirty_duplicates++;
			r->pend[i] = r->pend[--r->n_pend];
			i = 0;
		} else {
			i++;
		}
	}
}

/* An odd but valid variant of the row: a .0 id, an exponent category id, a
 * quoted field, a negative price. */
static void odd_valid(struct run *r, int64_t cents)
{
	char tmp[LINE_MAX_LEN], rep[64];
	size_t n = 0, rn;
	const char *f = NULL;
	int kind = (int)ec_rng_below(&r->dirt, 5);

	switch (kind) {
	case 0:
	case 1: {
		int i = kind == 0 ? EC_COL_PRODUCT : EC_COL_USER;
		rn = (size_t)(r->fe[i] - r->fs[i]);
		memcpy(rep, r->line + r->fs[i], rn);
		memcpy(rep + rn, ".0", 2);
		n = with_field(r, i, rep, rn + 2, tmp);
		break;
	}
	case 2: {
		uint64_t id = strtoull(r->line + r->fs[EC_COL_CATEGORY_ID], NULL, 10);
		rn = (size_t)snprintf(rep, sizeof(rep), "%.16e", (double)id);
		n = with_field(r, EC_COL_CATEGORY_ID, rep, rn, tmp);
		break;
	}
	case 3:
		f = r->line + r->fs[EC_COL_BRAND];
		rn = (size_t)(r->fe[EC_COL_BRAND] - r->fs[EC_COL_BRAND]);
		rep[0] = '"';
		memcpy(rep + 1, f, rn);
		rep[rn + 1] = '"';
		n = with_field(r, EC_COL_BRAND, rep, rn + 2, tmp);
		break;
	default:
		if (cents <= 0)
			return;
		rn = (size_t)(put_price(rep, -cents, r->m.cents_trim) - rep);
		n = with_field(r, EC_COL_PRICE, rep, rn, tmp);
		break;
	}
	memcpy(r->line, tmp, n);
	r->len = n;
	r->st.dirty_odd_valid++;
}

/* A row the reader must reject, made from the current one. */
static size_t malformed(struct run *r, char *out)
{
	static const char *const bad_types[] = {"click", "add_to_cart", "View", "purchased",
						"remove"};
	static const char *const bad_dates[] = {"-02-30", "-02-29", "-04-31",
						"-13-01", "-00-10", "-11-31"};
	struct ec_rng *d = &r->dirt;
	const char *ln = r->line;
	char rep[96];
	size_t n, rn;

	switch (ec_rng_below(d, 12)) {
	case 0: /* no such day: 2019 is not a leap year */
		memcpy(rep, ln, 23);
		memcpy(rep + 4, bad_dates[ec_rng_below(d, 6)], 6);
		return with_field(r, EC_COL_TIME, rep, 23, out);
	case 1:
		memcpy(rep, ln, 23);
		memcpy(rep + 11, "24", 2);
		return with_field(r, EC_COL_TIME, rep, 23, out);
	case 2:
		return with_field(r, EC_COL_TIME, ln, 19, out);
	case 3: {
		const char *t = bad_types[ec_rng_below(d, 5)];
		return with_field(r, EC_COL_TYPE, t, strlen(t), out);
	}
	case 4: { /* a letter in an id */
		int i = ec_rng_below(d, 2) ? EC_COL_PRODUCT : EC_COL_USER;
		rn = (size_t)(r->fe[i] - r->fs[i]);
		memcpy(rep, ln + r->fs[i], rn);
		rep[1 + ec_rng_below(d, rn - 1)] = ec_rng_below(d, 2) ? 'O' : 'x';
		return with_field(r, i, rep, rn, out);
	}
	case 5:
		return with_field(r, EC_COL_CATEGORY_ID, "99999999999999999999", 20, out);
	case 6:
		return with_field(r, EC_COL_BRAND, NULL, 0, out);
	case 7:
		n = with_field(r, -1, NULL, 0, out);
		memcpy(out + n - 1, ",1\n", 3);
		return n + 2;
	case 8:
		return with_field(r, EC_COL_PRICE, "", 0, out);
	case 9:
		return with_field(r, EC_COL_PRICE, "N/A", 3, out);
	case 10: /* a misplaced pair of quotes: "ab"cd */
		rn = (size_t)(r->fe[EC_COL_BRAND] - r->fs[EC_COL_BRAND]);
		if (rn < 2)
			return with_field(r, EC_COL_BRAND, "\"no\"name", 8, out);
		rep[0] = '"';
		memcpy(rep + 1, ln + r->fs[EC_COL_BRAND], rn);
		memmove(rep + 3, rep + 2, rn - 1);
		rep[2] = '"';
		return with_field(r, EC_COL_BRAND, rep, rn + 2, out);
	default: /* cut before the last field */
		n = 1 + ec_rng_below(d, r->fs[EC_COL_SESSION] - 2);
		memcpy(out, ln, n);
		out[n++] = '\n';
		return n;
	}
}

/* Writes the current row, with dirt around it when asked. */
static void write_row(struct run *r, int type, int64_t cents)
{
	if (!r->o->dirty) {
		emit(r, r->line, r->len, type);
		return;
	}
	struct ec_rng *d = &r->dirt;
	char bad[LINE_MAX_LEN];
	size_t n_bad = 0;
	double u = ec_rng_unif(d);
	/* Made first: the field spans describe the clean row. */
	if (ec_rng_unif(d) < 0.001)
		n_bad = malformed(r, bad);
	if (u < 0.0002) {
		r->len = r->fs[EC_COL_SESSION];
		r->line[r->len++] = '\n';
		r->st.dirty_empty_session++;
	} else if (u < 0.0007) {
		odd_valid(r, cents);
	}
	emit(r, r->line, r->len, type);
	if (ec_rng_unif(d) < 0.05 && r->n_pend < N_PENDING) {
		struct pending *p = &r->pend[r->n_pend++];
		p->due = r->st.rows + (ec_rng_unif(d) < 0.7 ? 0 : 1 + ec_rng_below(d, 4));
		p->type = type;
		p->len = r->len;
		memcpy(p->line, r->line, r->len);
	}
	if (n_bad && r->st.rows < r->o->rows)
		emit(r, bad, n_bad, -1);
	flush_pending(r);
}

static void hour_integrals(struct run *r)
{
	r->n_hours = r->o->days * 24;
	r->w_suffix = ec_xmalloc(((size_t)r->n_hours + 1) * sizeof(double));
	r->w_suffix[r->n_hours] = 0;
	for (int i = r->n_hours - 1; i >= 0; i--) {
		double s = 0;
		for (int j = 0; j < 60; j++)
			s += weight_at(r->o->start + (int64_t)i * 3600 + j * 60, 30.0) * 60;
		r->w_suffix[i] = r->w_suffix[i + 1] + s;
	}
}

/*
 * Sets the arrival rate at an hour boundary so that the rows still wanted
 * (less what the open sessions will still write) spread over the rest of the
 * span, which makes the last rows land near its end whatever the randomness.
 */
static void control(struct run *r, double t)
{
	int hour = (int)((t - (double)r->o->start) / 3600.0 + 0.5);
	if (hour >= r->n_hours)
		return;
	double open = (double)r->heap.n * r->mean_len * r->open_frac;
	double need = (double)r->clean_target - (double)r->clean_written - open;
	double lam = need / (r->mean_len * r->w_suffix[hour]);
	double lo = r->lam0 * 0.25, hi = r->lam0 * 4;
	r->lam = lam < lo ? lo : lam > hi ? hi : lam;
}

/* Next arrival after t: a Poisson process thinned by the seasonal weight. */
static double next_arrival(struct run *r, double t)
{
	for (;;) {
		t += -log(1.0 - ec_rng_unif(&r->rng)) / (r->lam * W_MAX);
		if (t >= r->next_ctrl) {
			t = r->next_ctrl;
			control(r, t);
			r->next_ctrl += 3600;
			continue;
		}
		int64_t sec = (int64_t)floor(t);
		if (ec_rng_unif(&r->rng) * W_MAX < weight_at(sec, t - (double)sec))
			return t;
	}
}

static uint32_t new_slot(struct run *r)
{
	if (r->n_free)
		return r->free_slots[--r->n_free];
	EC_GROW(r->sess, r->cap_sess, r->n_sess + 1);
	return (uint32_t)r->n_sess++;
}

static void free_slot(struct run *r, uint32_t slot)
{
	EC_GROW(r->free_slots, r->cap_free, r->n_free + 1);
	r->free_slots[r->n_free++] = slot;
}

static int check_opts(const struct ec_synth_opts *o, struct ec_err *err)
{
	int64_t lo = ec_days_from_civil(1970, 1, 1) * 86400;
	int64_t hi = ec_days_from_civil(9900, 1, 1) * 86400;
	if ((unsigned)o->profile >= EC_SYNTH_N_PROFILES)
		return ec_fail(err, EC_EUSAGE, "synth: unknown profile %d", (int)o->profile);
	if (o->days < 1 || o->days > 36600)
		return ec_fail(err, EC_EUSAGE, "synth: days must be 1..36600, not %d", o->days);
	if (o->start < lo || o->start > hi)
		return ec_fail(err, EC_EUSAGE, "synth: start must be in 1970..9899");
	uint64_t max_users = ec_synth_max_users(o->profile);
	if (o->users > max_users)
		return ec_fail(err, EC_EUSAGE, "synth: at most %llu users in the %s profile",
			       (unsigned long long)max_users, ec_synth_profile_name(o->profile));
	return 0;
}

static void run_loop(struct run *r)
{
	double arr = next_arrival(r, (double)r->o->start);

	while (r->st.rows < r->o->rows) {
		int64_t at = (int64_t)floor(arr);
		if (r->heap.n == 0 || r->heap.a[0].t > at) {
			uint32_t slot = new_slot(r);
			ec_synth_sess_start(&r->m, &r->sess[slot], at, r->seq, &r->rng);
			heap_push(&r->heap, (struct hent){at, r->seq++, slot});
			arr = next_arrival(r, arr);
			continue;
		}
		uint32_t slot = r->heap.a[0].slot;
		struct ec_synth_sess *s = &r->sess[slot];
		struct ec_synth_ev ev;
		int more = ec_synth_sess_step(&r->m, s, &r->rng, &ev);
		if (more == 2) {
			struct hent e = {s->t, r->heap.a[0].seq, slot};
			heap_replace_top(&r->heap, e);
			continue;
		}
		int64_t cents = ec_synth_price_on(&r->m, ev.item, (ev.t - r->o->start) / 86400);

		format_row(r, s, &ev, cents);
		if (!s->written++) {
			r->st.sessions++;
			if (!r->m.users[s->user].seen) {
				r->m.users[s->user].seen = 1;
				r->st.users++;
			}
		}
		if (ev.type == EC_EV_PURCHASE && !s->purchased++)
			r->st.purchases_sessions++;
		if (r->st.rows == 0 || r->st.time_min > ev.t)
			r->st.time_min = ev.t;
		r->st.time_max = ev.t;
		r->clean_written++;
		write_row(r, ev.type, cents);
		if (more) {
			struct hent e = {s->t, r->heap.a[0].seq, slot};
			heap_replace_top(&r->heap, e);
		} else {
			ec_synth_sess_end(&r->m, s);
			heap_pop(&r->heap);
			free_slot(r, slot);
		}
	}
}

int ec_synth_write(const struct ec_synth_opts *o, struct ec_outfile *out, struct ec_synth_stats *st,
		   struct ec_err *err)
{
	struct run *r;
	int rc;

	if ((rc = check_opts(o, err)) < 0)
		return rc;
	r = ec_xcalloc(1, sizeof(*r));
	r->o = o;
	r->out = out;
	r->tcache = INT64_MIN;
	ec_synth_model_init(&r->m, o->profile, o->seed, o->start,
			    o->users ? o->users : ec_synth_pool_size(o->profile, o->rows));
	ec_rng_seed(&r->rng, o->seed);
	ec_rng_seed(&r->dirt, o->seed ^ 0x6469727479ULL);
	r->end = o->start + (int64_t)o->days * 86400;
	r->clean_target = o->dirty ? (uint64_t)((double)o->rows / 1.051) : o->rows;
	if (r->clean_target == 0)
		r->clean_target = 1;
	r->mean_len = ec_synth_mean_len(&r->m);
	r->open_frac = 0.5;
	hour_integrals(r);
	r->lam0 = (double)r->clean_target / r->mean_len / r->w_suffix[0];
	r->lam = r->lam0;
	r->next_ctrl = (double)o->start + 3600;

	ec_outfile_write(out, header, sizeof(header) - 1);
	if (o->rows > 0)
		run_loop(r);
	if (st)
		*st = r->st;

	free(r->w_suffix);
	heap_release(&r->heap);
	free(r->sess);
	free(r->free_slots);
	ec_synth_model_release(&r->m);
	free(r);
	return 0;
}
