/* Funnel reports for machines: funnel.csv and funnel.json (the HTML page for
 * people is in funnel_html.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ecomctl/tz.h"
#include "ecomctl/event.h"
#include "ecomctl/funnel.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/schema.h"
#include "ecomctl/sink.h"

void ec_funnel_wilson(uint64_t x, uint64_t n, double *lo, double *hi)
{
	const double z = 1.959963984540054; /* the 97.5th percentile of N(0, 1) */
	if (n == 0) {
		*lo = *hi = NAN;
		return;
	}
	double nn = (double)n, p = (double)x / nn, z2 = z * z;
	double den = 1 + z2 / nn, mid = (p + z2 / (2 * nn)) / den;
	double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / den;
	*lo = fmax(0, mid - half);
	*hi = fmin(1, mid + half);
}

int ec_funnel_day_partial(const struct ec_funnel_result *r, const char *day)
{
	char buf[32];
	int64_t t0;
	snprintf(buf, sizeof(buf), "%.10s 00:00:00 UTC", day);
	if (strlen(day) != 10 || ec_time_parse(buf, strlen(buf), &t0) != 0)
		return 0;
	int64_t d = t0 / 86400;
	struct ec_tz *tz = r->opts->tz;
	return r->first > ec_tz_day_start(tz, d) || r->last < ec_tz_day_start(tz, d + 1) - 1;
}

void ec_funnel_rates(const struct ec_funnel_row *row, int k, struct ec_funnel_rates *out)
{
	out->from_first = row->units[0] ? (double)row->units[k] / (double)row->units[0] : NAN;
	ec_funnel_wilson(row->units[k], row->units[0], &out->first_lo, &out->first_hi);
	out->prev_lo = out->prev_hi = NAN;
	out->small = row->units[0] < EC_FUNNEL_SMALL;
	out->from_prev = NAN;
	out->drop_rate = NAN;
	out->drop = 0;
	if (k == 0)
		return;
	ec_funnel_wilson(row->units[k], row->units[k - 1], &out->prev_lo, &out->prev_hi);
	out->drop = row->units[k - 1] - row->units[k];
	if (row->units[k - 1]) {
		out->from_prev = (double)row->units[k] / (double)row->units[k - 1];
		out->drop_rate = (double)out->drop / (double)row->units[k - 1];
	}
}

/* The rows of the funnel schema (schema.c) of one breakdown value. */
static struct ec_value num_or_null(double v)
{
	return isfinite(v) ? ec_val_num(v) : ec_val_null();
}

static void csv_rows(const struct ec_funnel_result *r, struct ec_sink *rows, const char *by,
		     int table, const struct ec_funnel_row *row)
{
	struct ec_value v[EC_FUNNEL_COLS];
	for (int k = 0; k < r->opts->n_steps; k++) {
		struct ec_funnel_rates x;
		ec_funnel_rates(row, k, &x);
		const char *type = ec_event_type_name(r->opts->steps[k]);
		int c = 0;
		v[c++] = ec_val_str(by, strlen(by));
		v[c++] = ec_val_str(row->value, strlen(row->value));
		v[c++] = ec_val_i64(k + 1);
		v[c++] = ec_val_str(type, strlen(type));
		v[c++] = ec_val_u64(row->units[k]);
		v[c++] = isfinite(x.from_first) ? ec_val_num(x.from_first) : ec_val_null();
		v[c++] = isfinite(x.from_prev) ? ec_val_num(x.from_prev) : ec_val_null();
		v[c++] = k > 0 ? ec_val_u64(x.drop) : ec_val_null();
		v[c++] = isfinite(x.drop_rate) ? ec_val_num(x.drop_rate) : ec_val_null();
		v[c++] = row->median_s[k] >= 0 ? ec_val_i64(row->median_s[k]) : ec_val_null();
		v[c++] = row->p90_s[k] >= 0 ? ec_val_i64(row->p90_s[k]) : ec_val_null();
		v[c++] = isfinite(x.first_lo) ? ec_val_num(x.first_lo) : ec_val_null();
		v[c++] = isfinite(x.first_hi) ? ec_val_num(x.first_hi) : ec_val_null();
		v[c++] = isfinite(x.prev_lo) ? ec_val_num(x.prev_lo) : ec_val_null();
		v[c++] = isfinite(x.prev_hi) ? ec_val_num(x.prev_hi) : ec_val_null();
		v[c++] = ec_val_i64(x.small);
		struct ec_funnel_compare b;
		ec_funnel_compare(r->baseline, table, row, k, &b);
		v[c++] = b.have ? ec_val_u64(b.units) : ec_val_null();
		v[c++] = num_or_null(b.from_first);
		v[c++] = num_or_null(b.from_prev);
		v[c++] = num_or_null(b.d_first);
		v[c++] = num_or_null(b.d_prev);
		v[c++] = num_or_null(b.p_first);
		v[c++] = num_or_null(b.p_prev);
		v[c++] = row->label ? ec_val_str(row->label, strlen(row->label)) : ec_val_null();
		ec_sink_row(rows, v, NULL);
	}
}

void ec_funnel_write_csv(const struct ec_funnel_result *r, struct ec_sink *rows)
{
	csv_rows(r, rows, "all", 0, &r->total);
	for (int i = 0; i < r->n_by; i++)
		for (size_t j = 0; j < r->by[i].n; j++)
			csv_rows(r, rows, ec_funnel_by_names[r->by[i].by], 1 + i,
				 &r->by[i].rows[j]);
}

static void json_steps(const struct ec_funnel_result *r, struct ec_json *a, int table,
		       const struct ec_funnel_row *row)
{
	for (int k = 0; k < r->opts->n_steps; k++) {
		struct ec_funnel_rates x;
		ec_funnel_rates(row, k, &x);
		struct ec_json *o = ec_json_add_object(a, NULL);
		ec_json_add_int(o, "step", k + 1);
		ec_json_add_str(o, "event_type", ec_event_type_name(r->opts->steps[k]));
		ec_json_add_u64(o, "units", row->units[k]);
		ec_json_add_num(o, "conversion_from_first", x.from_first);
		ec_json_add_num(o, "conversion_from_previous", x.from_prev);
		if (k > 0)
			ec_json_add_u64(o, "drop_off", x.drop);
		else
			ec_json_add_null(o, "drop_off");
		ec_json_add_num(o, "drop_off_rate", x.drop_rate);
		if (row->median_s[k] >= 0) {
			ec_json_add_int(o, "median_s", row->median_s[k]);
			ec_json_add_int(o, "p90_s", row->p90_s[k]);
		} else {
			ec_json_add_null(o, "median_s");
			ec_json_add_null(o, "p90_s");
		}
		ec_json_add_num(o, "from_first_low", x.first_lo);
		ec_json_add_num(o, "from_first_high", x.first_hi);
		ec_json_add_num(o, "from_previous_low", x.prev_lo);
		ec_json_add_num(o, "from_previous_high", x.prev_hi);
		ec_json_add_bool(o, "small", x.small);
		struct ec_funnel_compare b;
		ec_funnel_compare(r->baseline, table, row, k, &b);
		if (!b.have) {
			ec_json_add_null(o, "baseline");
			continue;
		}
		struct ec_json *bo = ec_json_add_object(o, "baseline");
		ec_json_add_u64(bo, "units", b.units);
		ec_json_add_num(bo, "conversion_from_first", b.from_first);
		ec_json_add_num(bo, "conversion_from_previous", b.from_prev);
		ec_json_add_num(bo, "change_from_first", b.d_first);
		ec_json_add_num(bo, "change_from_previous", b.d_prev);
		ec_json_add_num(bo, "p_from_first", b.p_first);
		ec_json_add_num(bo, "p_from_previous", b.p_prev);
	}
}

void ec_funnel_exclusions_json(const struct ec_funnel_opts *o, struct ec_json *j)
{
	struct ec_json *a = ec_json_add_array(j, "exclusions");
	for (int x = 0; x < o->n_exclude; x++) {
		struct ec_json *e = ec_json_add_object(a, NULL);
		ec_json_add_str(e, "event_type", ec_event_type_name(o->exclude[x].type));
		ec_json_add_int(e, "from_step", o->exclude[x].from);
		ec_json_add_int(e, "to_step", o->exclude[x].to);
	}
}

/* units_seen, events and the period of the events read (null: none). */
static void add_seen(struct ec_json *j, const struct ec_funnel_result *r)
{
	ec_json_add_u64(j, "units_seen", r->units);
	ec_json_add_u64(j, "events", r->events);
	if (r->first <= r->last) {
		ec_json_add_time(j, "first_event", r->first);
		ec_json_add_time(j, "last_event", r->last);
	} else {
		ec_json_add_null(j, "first_event");
		ec_json_add_null(j, "last_event");
	}
}

static void json_breakdowns(const struct ec_funnel_result *r, struct ec_json *j)
{
	struct ec_json *bys = ec_json_add_array(j, "breakdowns");
	for (int i = 0; i < r->n_by; i++) {
		struct ec_json *b = ec_json_add_object(bys, NULL);
		ec_json_add_str(b, "dimension", ec_funnel_by_names[r->by[i].by]);
		struct ec_json *t = ec_json_add_array(b, "rows");
		for (size_t v = 0; v < r->by[i].n; v++) {
			struct ec_json *row = ec_json_add_object(t, NULL);
			ec_json_add_str(row, "value", r->by[i].rows[v].value);
			if (r->by[i].rows[v].label)
				ec_json_add_str(row, "label", r->by[i].rows[v].label);
			else
				ec_json_add_null(row, "label");
			json_steps(r, ec_json_add_array(row, "steps"), 1 + i, &r->by[i].rows[v]);
		}
	}
}

static void json_trend(const struct ec_funnel_result *r, struct ec_json *j)
{
	const struct ec_funnel_opts *o = r->opts;
	struct ec_json *trend = ec_json_add_array(j, "trend");
	for (size_t v = 0; v < r->trend.n; v++) {
		struct ec_json *row = ec_json_add_object(trend, NULL);
		ec_json_add_str(row, "day", r->trend.rows[v].value);
		ec_json_add_bool(row, "partial", ec_funnel_day_partial(r, r->trend.rows[v].value));
		struct ec_json *u = ec_json_add_array(row, "steps");
		for (int k = 0; k < o->n_steps; k++) {
			struct ec_json *st = ec_json_add_object(u, NULL);
			ec_json_add_int(st, "step", k + 1);
			ec_json_add_str(st, "event_type", ec_event_type_name(o->steps[k]));
			ec_json_add_u64(st, "units", r->trend.rows[v].units[k]);
		}
	}
}

static void json_time_to_convert(const struct ec_funnel_result *r, struct ec_json *j)
{
	const struct ec_funnel_opts *o = r->opts;
	struct ec_json *tc = ec_json_add_array(j, "time_to_convert");
	for (int b = 0; o->n_steps > 1 && b < EC_FUNNEL_TTC_BINS; b++) {
		struct ec_json *bin = ec_json_add_object(tc, NULL);
		ec_json_add_str(bin, "bin", ec_funnel_ttc_names[b]);
		ec_json_add_int(bin, "from_s", ec_funnel_ttc_edges[b]);
		if (b + 1 < EC_FUNNEL_TTC_BINS)
			ec_json_add_int(bin, "to_s", ec_funnel_ttc_edges[b + 1]);
		else
			ec_json_add_null(bin, "to_s");
		ec_json_add_u64(bin, "units", r->ttc[b]);
	}
}

static void json_abandoned(const struct ec_funnel_result *r, struct ec_json *j)
{
	struct ec_json *ab = ec_json_add_object(j, "abandoned");
	ec_json_add_u64(ab, "carting_units", r->carting_units);
	ec_json_add_u64(ab, "abandoning_units", r->abandoning_units);
	struct ec_json *top = ec_json_add_array(ab, "top");
	for (size_t i = 0; i < r->n_abandoned; i++) {
		const struct ec_funnel_product *p = &r->abandoned[i];
		char key[256];
		ec_category_key(key, sizeof(key), p->category_code, strlen(p->category_code),
				p->category_id, 0);
		struct ec_json *row = ec_json_add_object(top, NULL);
		ec_json_add_u64(row, "product_id", p->product_id);
		ec_json_add_str(row, "category", key);
		ec_json_add_str(row, "brand", p->brand);
		ec_json_add_num(row, "price", p->price);
		ec_json_add_u64(row, "carted_units", p->carted);
		ec_json_add_u64(row, "abandoned_units", p->abandoned);
	}
}

struct ec_json *ec_funnel_json(const struct ec_funnel_result *r)
{
	const struct ec_funnel_opts *o = r->opts;
	struct ec_json *j = ec_json_object();
	ec_json_add_run_header(j);
	struct ec_json *a = ec_json_add_array(j, "steps");
	for (int k = 0; k < o->n_steps; k++)
		ec_json_add_str(a, NULL, ec_event_type_name(o->steps[k]));
	ec_json_add_str(j, "unit", ec_funnel_unit_names[o->unit]);
	ec_json_add_str(j, "order", ec_funnel_order_names[o->order]);
	ec_json_add_bool(j, "same_product", o->same_product);
	if (o->window >= 0)
		ec_json_add_int(j, "window_s", o->window);
	else
		ec_json_add_null(j, "window_s");
	ec_json_add_int(j, "category_level", o->category_level);
	ec_json_add_int(j, "limit", o->limit);
	char ab[16];
	ec_json_add_str(j, "attribution", ec_funnel_attribution_name(o, ab));
	ec_funnel_exclusions_json(o, j);
	ec_json_add_u64(j, "excluded_units", r->excluded_units);
	ec_json_add_str(j, "time_zone", ec_tz_name(o->tz));
	add_seen(j, r);
	json_steps(r, ec_json_add_array(j, "funnel"), 0, &r->total);
	const struct ec_funnel_result *base = ec_funnel_baseline_result(r->baseline);
	if (base) {
		add_seen(ec_json_add_object(j, "baseline"), base);
	} else {
		ec_json_add_null(j, "baseline");
	}

	json_breakdowns(r, j);
	json_trend(r, j);
	json_time_to_convert(r, j);
	json_abandoned(r, j);
	return j;
}
