/* Funnel counting: units per step and breakdown value, durations between
 * steps, abandoned products, and the results built from them. */
#include "ecomctl/tz.h"
#include "funnel_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ec_funnel_price_band_names[EC_FUNNEL_N_PRICE_BANDS] = {
    "<=0", "0-10", "10-25", "25-50", "50-100", "100-250", "250-500", "500-1000", "1000+",
};
static const double band_lo[EC_FUNNEL_N_PRICE_BANDS] = {0, 0, 10, 25, 50, 100, 250, 500, 1000};

static const char *const weekday_names[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

int ec_funnel_price_band(double price)
{
	if (!(price > 0))
		return 0;
	int b = 1;
	while (b + 1 < EC_FUNNEL_N_PRICE_BANDS && price >= band_lo[b + 1])
		b++;
	return b;
}

static void table_init(struct fn_table *t)
{
	memset(t, 0, sizeof(*t));
	ec_strtab_init(&t->names);
	ec_u64map_init(&t->index);
}

static void fn_row_release(const struct ec_funnel *f, struct fn_row *r)
{
	if (r->brands)
		ec_u64map_release(r->brands);
	free(r->brands);
	free(r->units);
	for (int k = 0; k < f->o.n_steps; k++)
		ec_u64map_release(&r->dur[k]);
	free(r->dur);
}

static void table_release(const struct ec_funnel *f, struct fn_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		fn_row_release(f, &t->rows[i]);
	free(t->rows);
	free(t->keys);
	free(t->memo);
	ec_strtab_release(&t->names);
	ec_u64map_release(&t->index);
}

struct fn_row *fn_table_row(const struct ec_funnel *f, struct fn_table *t, size_t i)
{
	while (t->n <= i) {
		EC_GROW(t->rows, t->cap, t->n + 1);
		struct fn_row *r = &t->rows[t->n++];
		r->units = ec_xcalloc((size_t)f->o.n_steps, sizeof(*r->units));
		r->dur = ec_xcalloc((size_t)f->o.n_steps, sizeof(*r->dur));
		r->brands = NULL;
	}
	return &t->rows[i];
}

size_t fn_day_index(const struct ec_funnel *f, struct fn_table *t, int64_t day)
{
	int added;
	uint32_t *v = ec_u64map_put(&t->index, (uint64_t)day, (uint32_t)t->n, &added);
	if (added) {
		EC_GROW(t->keys, t->keys_cap, t->n + 1);
		t->keys[t->n] = day;
		fn_table_row(f, t, t->n);
	}
	return *v;
}

void fn_tally_init(struct ec_funnel *f)
{
	table_init(&f->total);
	for (int i = 0; i < EC_FUNNEL_BY_N; i++)
		table_init(&f->by[i]);
	ec_u64map_init(&f->prod_index);
}

static void free_row(struct ec_funnel_row *r)
{
	free(r->label);
	free(r->units);
	free(r->median_s);
	free(r->p90_s);
}

void fn_tally_release(struct ec_funnel *f)
{
	table_release(f, &f->total);
	for (int i = 0; i < EC_FUNNEL_BY_N; i++)
		table_release(f, &f->by[i]);
	ec_u64map_release(&f->prod_index);
	free(f->prods);
	free_row(&f->res.total);
	for (int i = 0; i < f->res.n_by; i++) {
		for (size_t j = 0; j < f->res.by[i].n; j++)
			free_row(&f->res.by[i].rows[j]);
		free(f->res.by[i].rows);
	}
	free(f->res.by);
	for (size_t j = 0; j < f->res.trend.n; j++)
		free_row(&f->res.trend.rows[j]);
	free(f->res.trend.rows);
	free(f->res.abandoned);
	free(f->day_labels);
}

static int64_t day_of(int64_t t)
{
	return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

/* The rows past the fixed values of price, hour and weekday: EC_FUNNEL_NONE. */
enum { NONE_PRICE = EC_FUNNEL_N_PRICE_BANDS, NONE_HOUR = 24, NONE_WEEKDAY = 7 };

/* The row of the sessionizer's code or brand id `sid` in t, looked up by
 * name the first time only (a row per unit would otherwise hash its name). */
static uint32_t *memo_slot(struct fn_table *t, uint32_t sid)
{
	if (sid >= t->cap_memo) {
		size_t old = t->cap_memo;
		ec_grow((void **)&t->memo, &t->cap_memo, (size_t)sid + 1, sizeof(*t->memo));
		memset(t->memo + old, 0, (t->cap_memo - old) * sizeof(*t->memo));
	}
	return &t->memo[sid];
}

/* The row index of an event's attributes a, at time t1, in the table of
 * dimension d; a NULL: the unit did not reach the step the breakdown is
 * attributed to (never for the day). */
static size_t value_index(struct ec_funnel *f, int d, const struct fn_attr *a, int64_t t1)
{
	char buf[512];
	const char *code;
	size_t n;
	struct fn_table *t = &f->by[d];

	if (!a) {
		switch (d) {
		case EC_FUNNEL_BY_PRICE:
			return NONE_PRICE;
		case EC_FUNNEL_BY_HOUR:
			return NONE_HOUR;
		case EC_FUNNEL_BY_WEEKDAY:
			return NONE_WEEKDAY;
		default:
			return ec_strtab_intern(&t->names, EC_FUNNEL_NONE, strlen(EC_FUNNEL_NONE),
						NULL);
		}
	}
	switch (d) {
	case EC_FUNNEL_BY_CATEGORY:
	case EC_FUNNEL_BY_TOP: {
		/* code 0 is "": then keyed by the category id */
		uint32_t *m = a->code ? memo_slot(t, a->code)
				      : ec_u64map_put(&t->index, a->category_id, 0, NULL);
		if (*m)
			return *m - 1;
		code = ec_sessionizer_code(f->z, a->code);
		n = ec_category_key(buf, sizeof(buf), code, strlen(code), a->category_id,
				    d == EC_FUNNEL_BY_TOP ? 1 : f->o.category_level);
		*m = ec_strtab_intern(&t->names, buf, n, NULL) + 1;
		return *m - 1;
	}
	case EC_FUNNEL_BY_BRAND: {
		uint32_t *m = memo_slot(t, a->brand);
		if (!*m) {
			code = ec_sessionizer_brand(f->z, a->brand);
			*m = ec_strtab_intern(&t->names, code, strlen(code), NULL) + 1;
		}
		return *m - 1;
	}
	case EC_FUNNEL_BY_PRICE:
		return a->band;
	case EC_FUNNEL_BY_HOUR: {
		int64_t local = t1 + ec_tz_offset(f->o.tz, t1);
		return (size_t)((local - day_of(local) * 86400) / 3600);
	}
	case EC_FUNNEL_BY_WEEKDAY: /* 1970-01-01 was a Thursday */
		return (size_t)(((ec_tz_day(f->o.tz, t1) % 7) + 7 + 3) % 7);
	default:
		return fn_day_index(f, t, ec_tz_day(f->o.tz, t1));
	}
}

static void count_row(struct ec_funnel *f, struct fn_row *r, const struct fn_chain *c)
{
	for (int k = 0; k < c->level; k++) {
		r->units[k]++;
		if (k > 0)
			(*ec_u64map_put(&r->dur[k], (uint64_t)(c->dt[k] - c->dt[k - 1]), 0,
					NULL))++;
	}
}

void fn_tally_unit(struct ec_funnel *f, const struct fn_chain *c)
{
	int64_t t1 = c->start + c->dt[0];
	int K = f->o.n_steps;
	if (K > 1 && c->level == K) {
		int64_t d = (int64_t)c->dt[K - 1] - (int64_t)c->dt[0];
		int b = EC_FUNNEL_TTC_BINS - 1;
		while (b > 0 && d < ec_funnel_ttc_edges[b])
			b--;
		f->res.ttc[b]++;
	}
	count_row(f, fn_table_row(f, &f->total, 0), c);
	/* The breakdown's event: step 1's, the last step's, or step N's. */
	const struct fn_attr first = {c->category_id, c->code, c->brand, c->band};
	const struct fn_attr *a = &first;
	int64_t ta = t1;
	int k = f->o.attr_step == 0 ? c->level - 1 : f->o.attr_step - 1;
	if (k > 0 && k < c->level) {
		a = fn_chain_attr(f, c, k);
		ta = c->start + c->dt[k];
	} else if (k > 0) {
		a = NULL;
	}
	for (int i = 0; i < f->o.n_by; i++) {
		int d = f->o.by[i];
		if (d == EC_FUNNEL_BY_DAY)
			continue; /* the trend table below */
		struct fn_row *row = fn_table_row(f, &f->by[d], value_index(f, d, a, ta));
		count_row(f, row, c);
		if ((d == EC_FUNNEL_BY_CATEGORY || d == EC_FUNNEL_BY_TOP) && a &&
		    !ec_sessionizer_code(f->z, a->code)[0]) {
			if (!row->brands) {
				row->brands = ec_xcalloc(1, sizeof(*row->brands));
				ec_u64map_init(row->brands);
			}
			(*ec_u64map_put(row->brands, (uint64_t)a->brand + 1, 0, NULL))++;
		}
	}
	count_row(
	    f,
	    fn_table_row(f, &f->by[EC_FUNNEL_BY_DAY], value_index(f, EC_FUNNEL_BY_DAY, &first, t1)),
	    c);
}

/* ---- results ------------------------------------------------------------ */

struct dur_count {
	uint64_t d;
	uint32_t n;
};

static int dur_cmp(const void *pa, const void *pb)
{
	const struct dur_count *a = pa, *b = pb;
	return a->d < b->d ? -1 : a->d > b->d;
}

/* Nearest-rank quantiles of a duration histogram: the values at ranks
 * ceil(n/2) and ceil(9n/10). -1 when empty. */
static void quantiles(const struct ec_u64map *m, int64_t *median, int64_t *p90)
{
	struct dur_count *v = ec_xmalloc((m->n + 1) * sizeof(*v));
	size_t n = 0;
	uint64_t total = 0;
	if (m->has_zero)
		v[n++] = (struct dur_count){0, m->zero_val};
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i])
			v[n++] = (struct dur_count){m->keys[i], m->vals[i]};
	if (n > 1)
		qsort(v, n, sizeof(*v), dur_cmp);
	for (size_t i = 0; i < n; i++)
		total += v[i].n;
	*median = *p90 = -1;
	uint64_t r50 = (total + 1) / 2, r90 = (9 * total + 9) / 10, seen = 0;
	for (size_t i = 0; i < n && total > 0; i++) {
		seen += v[i].n;
		if (*median < 0 && seen >= r50)
			*median = (int64_t)v[i].d;
		if (*p90 < 0 && seen >= r90)
			*p90 = (int64_t)v[i].d;
	}
	free(v);
}

/* Whether brand id a (+ 1) sorts before brand id b by name. */
static int brand_before(const struct ec_funnel *f, uint64_t a, uint64_t b)
{
	return strcmp(ec_sessionizer_brand(f->z, (uint32_t)(a - 1)),
		      ec_sessionizer_brand(f->z, (uint32_t)(b - 1))) < 0;
}

/* "brands: a, b, c": the three brands with most units in m (brand id + 1
 * -> units; ties: by name, so that merged partitions say the same), without
 * the empty brand; NULL when none. */
static char *brands_label(const struct ec_funnel *f, const struct ec_u64map *m)
{
	uint64_t best[3] = {0}, n[3] = {0};
	for (size_t i = 0; m && i < m->cap; i++) {
		uint64_t id = m->keys[i];
		if (!id || !ec_sessionizer_brand(f->z, (uint32_t)(id - 1))[0])
			continue;
		for (int j = 0; j < 3; j++)
			if (m->vals[i] > n[j] ||
			    (m->vals[i] == n[j] && best[j] && brand_before(f, id, best[j])) ||
			    !best[j]) {
				for (int s = 2; s > j; s--) {
					best[s] = best[s - 1];
					n[s] = n[s - 1];
				}
				best[j] = id;
				n[j] = m->vals[i];
				break;
			}
	}
	if (!best[0])
		return NULL;
	char buf[512];
	size_t len = (size_t)snprintf(buf, sizeof(buf), "brands:");
	for (int j = 0; j < 3 && best[j] && len < sizeof(buf); j++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s %s", j ? "," : "",
					ec_sessionizer_brand(f->z, (uint32_t)(best[j] - 1)));
	return ec_xstrdup(buf);
}

static void build_row(const struct ec_funnel *f, struct ec_funnel_row *out, const struct fn_row *r,
		      const char *value)
{
	int K = f->o.n_steps;
	out->value = value;
	out->label = r && r->brands ? brands_label(f, r->brands) : NULL;
	out->units = ec_xcalloc((size_t)K, sizeof(*out->units));
	out->median_s = ec_xmalloc((size_t)K * sizeof(*out->median_s));
	out->p90_s = ec_xmalloc((size_t)K * sizeof(*out->p90_s));
	for (int k = 0; k < K; k++) {
		out->median_s[k] = out->p90_s[k] = -1;
		if (!r)
			continue;
		out->units[k] = r->units[k];
		if (k > 0)
			quantiles(&r->dur[k], &out->median_s[k], &out->p90_s[k]);
	}
}

static int row_cmp_value(const void *pa, const void *pb)
{
	const struct ec_funnel_row *a = pa, *b = pb;
	return strcmp(a->value, b->value);
}

static const char *hour_name(size_t h)
{
	static const char names[24][3] = {"00", "01", "02", "03", "04", "05", "06", "07",
					  "08", "09", "10", "11", "12", "13", "14", "15",
					  "16", "17", "18", "19", "20", "21", "22", "23"};
	return names[h];
}

/* The dimensions whose rows are ranked by units (and cut by --limit). */
static int ranked(int d)
{
	return d == EC_FUNNEL_BY_CATEGORY || d == EC_FUNNEL_BY_TOP || d == EC_FUNNEL_BY_BRAND;
}

struct ranked_row {
	const struct fn_row *row;
	const char *value;
};

static int ranked_cmp(const void *pa, const void *pb)
{
	const struct ranked_row *a = pa, *b = pb;
	if (a->row->units[0] != b->row->units[0])
		return a->row->units[0] > b->row->units[0] ? -1 : 1;
	return strcmp(a->value, b->value);
}

/* The sum of n rows: units added, the durations merged (so the median and
 * p90 of the rest are exact). */
static void rest_row(const struct ec_funnel *f, struct fn_row *out, const struct ranked_row *r,
		     size_t n)
{
	int K = f->o.n_steps;
	out->units = ec_xcalloc((size_t)K, sizeof(*out->units));
	out->dur = ec_xcalloc((size_t)K, sizeof(*out->dur));
	out->brands = NULL;
	for (int k = 0; k < K; k++)
		ec_u64map_init(&out->dur[k]);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < K; k++) {
			const struct ec_u64map *m = &r[i].row->dur[k];
			out->units[k] += r[i].row->units[k];
			if (k == 0)
				continue;
			if (m->has_zero)
				*ec_u64map_put(&out->dur[k], 0, 0, NULL) += m->zero_val;
			for (size_t j = 0; j < m->cap; j++)
				if (m->keys[j])
					*ec_u64map_put(&out->dur[k], m->keys[j], 0, NULL) +=
					    m->vals[j];
		}
}

static void build_table(struct ec_funnel *f, struct ec_funnel_table *out, int d)
{
	struct fn_table *t = &f->by[d];
	struct ranked_row *rank = ranked(d) ? ec_xcalloc(t->n + 1, sizeof(*rank)) : NULL;
	size_t n_rank = 0;
	const struct fn_row *none = NULL; /* ranked dimensions: the (none) row, last */
	out->by = d;
	out->rows = ec_xcalloc(t->n + 1, sizeof(*out->rows));
	out->n = 0;
	if (d == EC_FUNNEL_BY_DAY && !f->day_labels)
		f->day_labels = ec_xcalloc(t->n + 1, sizeof(*f->day_labels));
	for (size_t i = 0; i < t->n; i++) {
		const char *value;
		if (t->rows[i].units[0] == 0)
			continue;
		switch (d) {
		case EC_FUNNEL_BY_PRICE:
			value = i == NONE_PRICE ? EC_FUNNEL_NONE : ec_funnel_price_band_names[i];
			break;
		case EC_FUNNEL_BY_HOUR:
			value = i == NONE_HOUR ? EC_FUNNEL_NONE : hour_name(i);
			break;
		case EC_FUNNEL_BY_WEEKDAY:
			value = i == NONE_WEEKDAY ? EC_FUNNEL_NONE : weekday_names[i];
			break;
		case EC_FUNNEL_BY_DAY: {
			int64_t y;
			unsigned m, dd;
			ec_civil_from_days(t->keys[i], &y, &m, &dd);
			snprintf(f->day_labels[i], sizeof(f->day_labels[i]), "%04lld-%02u-%02u",
				 (long long)y, m, dd);
			value = f->day_labels[i];
			break;
		}
		default:
			value = ec_strtab_str(&t->names, (uint32_t)i);
			break;
		}
		if (ranked(d) && strcmp(value, EC_FUNNEL_NONE) == 0)
			none = &t->rows[i];
		else if (ranked(d))
			rank[n_rank++] = (struct ranked_row){&t->rows[i], value};
		else
			build_row(f, &out->rows[out->n++], &t->rows[i], value);
	}
	if (ranked(d)) {
		/* most units first; past --limit, the rest summed as one row */
		qsort(rank, n_rank, sizeof(*rank), ranked_cmp);
		size_t keep =
		    f->o.limit > 0 && n_rank > (size_t)f->o.limit ? (size_t)f->o.limit : n_rank;
		for (size_t i = 0; i < keep; i++)
			build_row(f, &out->rows[out->n++], rank[i].row, rank[i].value);
		if (keep < n_rank) {
			struct fn_row rest;
			rest_row(f, &rest, rank + keep, n_rank - keep);
			build_row(f, &out->rows[out->n++], &rest, EC_FUNNEL_OTHER);
			fn_row_release(f, &rest);
		}
		if (none)
			build_row(f, &out->rows[out->n++], none, EC_FUNNEL_NONE);
	}
	free(rank);
	/* Rows of price, hour and weekday are already in their natural order. */
	if (out->n > 1 && d == EC_FUNNEL_BY_DAY)
		qsort(out->rows, out->n, sizeof(*out->rows), row_cmp_value);
}

void fn_tally_build(struct ec_funnel *f)
{
	struct ec_funnel_result *r = &f->res;
	r->opts = &f->o;
	r->units = f->units_seen;
	r->events = f->events;
	r->first = f->first;
	r->last = f->last;
	build_row(f, &r->total, f->total.n ? &f->total.rows[0] : NULL, "");
	r->by = ec_xcalloc((size_t)f->o.n_by + 1, sizeof(*r->by));
	r->n_by = f->o.n_by;
	for (int i = 0; i < f->o.n_by; i++)
		build_table(f, &r->by[i], f->o.by[i]);
	build_table(f, &r->trend, EC_FUNNEL_BY_DAY);

	fn_carts_build(f);
}
