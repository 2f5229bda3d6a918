/* Partition funnels: a partition's raw tallies as JSON (funnel.part.json),
 * and the merge of such parts into one funnel whose results are those of
 * the run over all users. See funnel.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/json.h"
#include "ecomctl/tz.h"
#include "funnel_int.h"

/* ---- writing ------------------------------------------------------------ */

/* A duration map (seconds -> units) as [[seconds, units], ...]. */
static void map_json(const struct ec_u64map *m, struct ec_json *a)
{
	if (m->has_zero) {
		struct ec_json *p = ec_json_add_array(a, NULL);
		ec_json_add_u64(p, NULL, 0);
		ec_json_add_u64(p, NULL, m->zero_val);
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		struct ec_json *p = ec_json_add_array(a, NULL);
		ec_json_add_u64(p, NULL, m->keys[i]);
		ec_json_add_u64(p, NULL, m->vals[i]);
	}
}

static void row_json(const struct ec_funnel *f, const struct fn_row *r, struct ec_json *o)
{
	struct ec_json *u = ec_json_add_array(o, "units");
	struct ec_json *d = ec_json_add_array(o, "seconds");
	for (int k = 0; k < f->o.n_steps; k++) {
		ec_json_add_u64(u, NULL, r->units[k]);
		map_json(&r->dur[k], ec_json_add_array(d, NULL));
	}
	if (!r->brands)
		return;
	struct ec_json *b = ec_json_add_object(o, "brands");
	for (size_t i = 0; i < r->brands->cap; i++)
		if (r->brands->keys[i])
			ec_json_add_u64(
			    b, ec_sessionizer_brand(f->z, (uint32_t)(r->brands->keys[i] - 1)),
			    r->brands->vals[i]);
}

/* The rows of table t (dimension d; -1: the whole funnel) with units. */
static void table_json(const struct ec_funnel *f, const struct fn_table *t, int d,
		       struct ec_json *a)
{
	for (size_t i = 0; i < t->n; i++) {
		if (!t->rows[i].units[0])
			continue;
		struct ec_json *o = ec_json_add_object(a, NULL);
		if (d == EC_FUNNEL_BY_DAY)
			ec_json_add_int(o, "key", t->keys[i]);
		else if (d < 0 || d == EC_FUNNEL_BY_PRICE || d == EC_FUNNEL_BY_HOUR ||
			 d == EC_FUNNEL_BY_WEEKDAY)
			ec_json_add_int(o, "key", (int64_t)i);
		else
			ec_json_add_str(o, "key", ec_strtab_str(&t->names, (uint32_t)i));
		row_json(f, &t->rows[i], o);
	}
}

static void products_json(const struct ec_funnel *f, struct ec_json *a)
{
	for (size_t i = 0; i < f->n_prods; i++) {
		const struct fn_product *p = &f->prods[i];
		struct ec_json *o = ec_json_add_object(a, NULL);
		ec_json_add_u64(o, "product_id", p->product_id);
		ec_json_add_u64(o, "category_id", p->category_id);
		ec_json_add_str(o, "category_code", ec_sessionizer_code(f->z, p->code));
		ec_json_add_str(o, "brand", ec_sessionizer_brand(f->z, p->brand));
		ec_json_add_num(o, "price", p->price);
		ec_json_add_int(o, "price_time", p->price_time);
		ec_json_add_u64(o, "carted", p->carted);
		ec_json_add_u64(o, "abandoned", p->abandoned);
	}
}

struct ec_json *ec_funnel_part_json(const struct ec_funnel *f)
{
	struct ec_json *j = ec_json_object();
	const struct ec_funnel_result *r = &f->res;
	ec_json_add_u64(j, "units_seen", r->units);
	ec_json_add_u64(j, "events", r->events);
	if (r->first <= r->last) { /* else no events */
		ec_json_add_int(j, "first", r->first);
		ec_json_add_int(j, "last", r->last);
	}
	ec_json_add_u64(j, "excluded_units", r->excluded_units);
	ec_json_add_u64(j, "carting_units", r->carting_units);
	ec_json_add_u64(j, "abandoning_units", r->abandoning_units);
	struct ec_json *t = ec_json_add_array(j, "time_to_convert");
	for (int b = 0; b < EC_FUNNEL_TTC_BINS; b++)
		ec_json_add_u64(t, NULL, r->ttc[b]);
	table_json(f, &f->total, -1, ec_json_add_array(j, "total"));
	struct ec_json *by = ec_json_add_object(j, "tables");
	for (int d = 0; d < EC_FUNNEL_BY_N; d++)
		if (f->by[d].n)
			table_json(f, &f->by[d], d, ec_json_add_array(by, ec_funnel_by_names[d]));
	products_json(f, ec_json_add_array(j, "products"));
	return j;
}

/* ---- merging ------------------------------------------------------------ */

/* A count or id: a number, or a string of digits for one above 2^53. */
static uint64_t get_u64(const struct ec_json *j)
{
	if (ec_json_type(j) == EC_JSON_STRING)
		return strtoull(ec_json_str(j, "0"), NULL, 10);
	double v = ec_json_num(j, 0);
	return v > 0 ? (uint64_t)v : 0;
}

static void map_add(struct ec_u64map *m, const struct ec_json *a)
{
	for (size_t i = 0; i < ec_json_size(a); i++) {
		const struct ec_json *p = ec_json_at(a, i);
		*ec_u64map_put(m, get_u64(ec_json_at(p, 0)), 0, NULL) +=
		    (uint32_t)get_u64(ec_json_at(p, 1));
	}
}

static int row_add(struct ec_funnel *f, struct ec_sessionizer *z, struct fn_row *r,
		   const struct ec_json *o, struct ec_err *err)
{
	const struct ec_json *u = ec_json_get(o, "units"), *d = ec_json_get(o, "seconds");
	if (ec_json_size(u) != (size_t)f->o.n_steps || ec_json_size(d) != (size_t)f->o.n_steps)
		return ec_fail(err, EC_EDATA, "a row has %zu steps, the funnel %d", ec_json_size(u),
			       f->o.n_steps);
	for (int k = 0; k < f->o.n_steps; k++) {
		r->units[k] += get_u64(ec_json_at(u, (size_t)k));
		map_add(&r->dur[k], ec_json_at(d, (size_t)k));
	}
	const struct ec_json *b = ec_json_get(o, "brands");
	if (!b)
		return 0;
	if (!r->brands) {
		r->brands = ec_xcalloc(1, sizeof(*r->brands));
		ec_u64map_init(r->brands);
	}
	for (size_t i = 0; i < ec_json_size(b); i++) {
		const struct ec_json *e = ec_json_at(b, i);
		uint32_t id =
		    ec_sessionizer_intern_brand(z, ec_json_key(e), strlen(ec_json_key(e)));
		*ec_u64map_put(r->brands, (uint64_t)id + 1, 0, NULL) += (uint32_t)get_u64(e);
	}
	return 0;
}

/* The row of table t (dimension d, -1: the whole funnel) for a part's key. */
static struct fn_row *row_for(struct ec_funnel *f, struct fn_table *t, int d,
			      const struct ec_json *key)
{
	size_t i;
	if (d < 0) {
		i = 0;
	} else if (d == EC_FUNNEL_BY_DAY) {
		i = fn_day_index(f, t, (int64_t)ec_json_num(key, 0));
	} else if (ec_json_type(key) == EC_JSON_NUMBER) {
		i = (size_t)ec_json_num(key, 0);
	} else {
		const char *s = ec_json_str(key, "");
		i = ec_strtab_intern(&t->names, s, strlen(s), NULL);
	}
	return fn_table_row(f, t, i);
}

static int table_add(struct ec_funnel *f, struct ec_sessionizer *z, struct fn_table *t, int d,
		     const struct ec_json *a, struct ec_err *err)
{
	int rc;
	for (size_t i = 0; i < ec_json_size(a); i++) {
		const struct ec_json *o = ec_json_at(a, i);
		if ((rc = row_add(f, z, row_for(f, t, d, ec_json_get(o, "key")), o, err)) < 0)
			return rc;
	}
	return 0;
}

/* The product of a part: counts added; the attributes of the latest cart. */
static void product_add(struct ec_funnel *f, struct ec_sessionizer *z, const struct ec_json *o)
{
	struct fn_product *p = fn_product(f, get_u64(ec_json_get(o, "product_id")));
	p->carted += get_u64(ec_json_get(o, "carted"));
	p->abandoned += get_u64(ec_json_get(o, "abandoned"));
	int64_t t = (int64_t)ec_json_num(ec_json_get(o, "price_time"), (double)INT64_MIN);
	if (t < p->price_time)
		return;
	const char *code = ec_json_str(ec_json_get(o, "category_code"), "");
	const char *brand = ec_json_str(ec_json_get(o, "brand"), "");
	p->price_time = t;
	p->price = ec_json_num(ec_json_get(o, "price"), 0);
	p->category_id = get_u64(ec_json_get(o, "category_id"));
	p->code = ec_sessionizer_intern_code(z, code, strlen(code));
	p->brand = ec_sessionizer_intern_brand(z, brand, strlen(brand));
}

int ec_funnel_merge_add(struct ec_funnel *f, struct ec_sessionizer *z, const struct ec_json *part,
			struct ec_err *err)
{
	struct ec_funnel_result *r = &f->res;
	int rc;
	f->z = z;
	f->units_seen += get_u64(ec_json_get(part, "units_seen"));
	f->events += get_u64(ec_json_get(part, "events"));
	const struct ec_json *first = ec_json_get(part, "first"), *last = ec_json_get(part, "last");
	if (first && last) {
		int64_t a = (int64_t)ec_json_num(first, 0), b = (int64_t)ec_json_num(last, 0);
		if (a < f->first)
			f->first = a;
		if (b > f->last)
			f->last = b;
	}
	r->excluded_units += get_u64(ec_json_get(part, "excluded_units"));
	f->carting += get_u64(ec_json_get(part, "carting_units"));
	f->abandoning += get_u64(ec_json_get(part, "abandoning_units"));
	const struct ec_json *t = ec_json_get(part, "time_to_convert");
	for (int b = 0; b < EC_FUNNEL_TTC_BINS && (size_t)b < ec_json_size(t); b++)
		r->ttc[b] += get_u64(ec_json_at(t, (size_t)b));
	if ((rc = table_add(f, z, &f->total, -1, ec_json_get(part, "total"), err)) < 0)
		return rc;
	const struct ec_json *by = ec_json_get(part, "tables");
	for (size_t i = 0; i < ec_json_size(by); i++) {
		const struct ec_json *a = ec_json_at(by, i);
		int d = -1;
		for (int k = 0; k < EC_FUNNEL_BY_N; k++)
			if (strcmp(ec_funnel_by_names[k], ec_json_key(a)) == 0)
				d = k;
		if (d < 0)
			return ec_fail(err, EC_EDATA, "unknown breakdown '%s'", ec_json_key(a));
		if ((rc = table_add(f, z, &f->by[d], d, a, err)) < 0)
			return rc;
	}
	const struct ec_json *pr = ec_json_get(part, "products");
	for (size_t i = 0; i < ec_json_size(pr); i++)
		product_add(f, z, ec_json_at(pr, i));
	return 0;
}
