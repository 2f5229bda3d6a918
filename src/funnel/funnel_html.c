/* The funnel report for people: one self-contained HTML page (inline CSS and
 * SVG, no scripts, no external files). Every string that comes from the data
 * or the command line goes through ec_funnel_html_escape(). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/tz.h"
#include "ecomctl/event.h"
#include "ecomctl/funnel.h"
#include "ecomctl/opts.h"
#include "ecomctl/outfile.h"
#include "ecomctl/utf8.h"
#include "funnel_html_int.h"

#define BREAKDOWN_ROWS 25 /* values shown per breakdown table (all are in the CSV) */

const char *const fn_html_colors[FN_HTML_N_COLORS] = {"#2f6fb3", "#e07b28", "#3a9a4a", "#b8403a",
						      "#7d5aa6", "#8c6b4f", "#d163a8", "#6f6f6f"};

void ec_funnel_html_escape(struct ec_outfile *f, const char *text)
{
	const char *fixed = ec_utf8_fix(text); /* the page says charset utf-8 */
	for (const char *s = fixed; *s; s++) {
		switch (*s) {
		case '&':
			ec_outfile_puts(f, "&amp;");
			break;
		case '<':
			ec_outfile_puts(f, "&lt;");
			break;
		case '>':
			ec_outfile_puts(f, "&gt;");
			break;
		case '"':
			ec_outfile_puts(f, "&quot;");
			break;
		case '\'':
			ec_outfile_puts(f, "&#39;");
			break;
		default:
			ec_outfile_putc(f, *s);
		}
	}
	if (fixed != text)
		free((char *)fixed);
}

/* 1234567 -> "1,234,567" */
const char *fn_html_thousands(uint64_t v, char *buf)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v), o = 0;
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return buf;
}

static const char *percent(double v, char *buf)
{
	if (v != v)
		snprintf(buf, 16, "&#8211;");
	else if (v >= 0.1)
		snprintf(buf, 16, "%.1f%%", 100 * v);
	else
		snprintf(buf, 16, "%.2f%%", 100 * v);
	return buf;
}

/* A 95% interval as "(12.3%-15.0%)"; "" when undefined. */
static const char *interval(double lo, double hi, char *buf)
{
	char a[16], b[16];
	if (lo != lo || hi != hi)
		buf[0] = '\0';
	else
		snprintf(buf, 48, "(%s&#8211;%s)", percent(lo, a), percent(hi, b));
	return buf;
}

/* Seconds as "45s", "3m 20s", "2h 5m", "3d 4h"; "&#8211;" for none. */
static const char *duration(int64_t s, char *buf)
{
	if (s < 0)
		snprintf(buf, 32, "&#8211;");
	else if (s < 60)
		snprintf(buf, 32, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, 32, "%lldm %llds", (long long)(s / 60), (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, 32, "%lldh %lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else
		snprintf(buf, 32, "%lldd %lldh", (long long)(s / 86400),
			 (long long)(s % 86400 / 3600));
	return buf;
}

static const char *step_name(const struct ec_funnel_opts *o, int k)
{
	return ec_event_type_name(o->steps[k]);
}

static void head(struct ec_outfile *f, const struct ec_funnel_result *r)
{
	const struct ec_funnel_opts *o = r->opts;
	ec_outfile_puts(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			   "<title>Funnel: ");
	for (int k = 0; k < o->n_steps; k++)
		ec_outfile_printf(f, "%s%s", k ? " &#8594; " : "", step_name(o, k));
	ec_outfile_puts(
	    f, "</title>\n<style>\n"
	       "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
	       "color:#1d2733;background:#f6f7f9;margin:0}\n"
	       "main{max-width:1100px;margin:0 auto;padding:24px 28px 48px}\n"
	       ".ci{color:#6b7785;font-size:11px}tr.small td{color:#9aa4ae}\n"
	       "h1{font-size:26px;margin:8px 0 4px}h2{font-size:19px;margin:34px 0 10px;"
	       "border-bottom:1px solid #d5dae1;padding-bottom:6px}\n"
	       ".meta{color:#55606e;font-size:14px;margin:2px 0}\n"
	       ".cards{display:flex;flex-wrap:wrap;gap:12px;margin:18px 0}\n"
	       ".card{background:#fff;border:1px solid #d5dae1;border-radius:8px;padding:10px 16px;"
	       "min-width:150px}\n.card b{display:block;font-size:22px}.card span{color:#55606e;"
	       "font-size:13px}\n"
	       "svg{background:#fff;border:1px solid #d5dae1;border-radius:8px;max-width:100%;"
	       "height:auto}\n"
	       "table{border-collapse:collapse;background:#fff;font-size:14px;margin:8px 0;"
	       "min-width:60%}\n"
	       "th,td{border:1px solid #d5dae1;padding:5px 9px;text-align:right}\n"
	       "th{background:#eef1f5}td.l,th.l{text-align:left}\n"
	       "tr:nth-child(even) td{background:#fafbfc}\n"
	       "svg.bar{border:none;border-radius:0;background:none;vertical-align:middle}\n"
	       ".note{color:#55606e;font-size:13px;max-width:900px}\n"
	       "</style>\n</head>\n<body>\n<main>\n");
}

static void intro(struct ec_outfile *f, const struct ec_funnel_result *r, char *const *inputs,
		  int n)
{
	const struct ec_funnel_opts *o = r->opts;
	char a[32], b[32], t0[24], t1[24];
	ec_outfile_puts(f, "<h1>Funnel: ");
	for (int k = 0; k < o->n_steps; k++)
		ec_outfile_printf(f, "%s%s", k ? " &#8594; " : "", step_name(o, k));
	ec_outfile_puts(f, "</h1>\n<p class=\"meta\">Input: ");
	for (int i = 0; i < n; i++) {
		if (i)
			ec_outfile_puts(f, ", ");
		ec_funnel_html_escape(f, inputs[i]);
	}
	if (r->first <= r->last) {
		ec_time_format_iso(r->first, t0);
		ec_time_format_iso(r->last, t1);
		ec_outfile_printf(f, " &#183; events from %s to %s", t0, t1);
	}
	ec_outfile_printf(f, "</p>\n<p class=\"meta\">Unit: %s &#183; order: %s &#183; %s",
			  ec_funnel_unit_names[o->unit], ec_funnel_order_names[o->order],
			  o->same_product ? "same product through the steps"
					  : "any product at each step");
	if (o->window >= 0) {
		ec_format_duration(o->window, a);
		ec_outfile_printf(f, " &#183; window %s from the first step", a);
	} else {
		ec_outfile_puts(f, " &#183; no time window");
	}
	ec_outfile_puts(f, "</p>\n<div class=\"cards\">\n");
	const struct ec_funnel_row *t = &r->total;
	int K = o->n_steps;
	struct ec_funnel_rates x;
	ec_funnel_rates(t, K - 1, &x);
	ec_outfile_printf(f, "<div class=\"card\"><b>%s</b><span>%ss seen</span></div>\n",
			  fn_html_thousands(r->units, a), ec_funnel_unit_names[o->unit]);
	ec_outfile_printf(f,
			  "<div class=\"card\"><b>%s</b><span>reached step 1 (%s)</span></div>\n",
			  fn_html_thousands(t->units[0], a), step_name(o, 0));
	ec_outfile_printf(f,
			  "<div class=\"card\"><b>%s</b><span>reached step %d (%s)</span></div>\n",
			  fn_html_thousands(t->units[K - 1], a), K, step_name(o, K - 1));
	ec_outfile_printf(f, "<div class=\"card\"><b>%s</b><span>overall conversion</span></div>\n",
			  percent(x.from_first, b));
	ec_outfile_printf(f, "<div class=\"card\"><b>%s</b><span>events read</span></div>\n",
			  fn_html_thousands(r->events, a));
	ec_outfile_puts(f, "</div>\n");
}

/* The steps as bars: the part of the previous step that dropped off is a
 * pale bar behind each one. With many steps (narrow slots) the labels are
 * shorter: the table below the chart has the rest. */
static void step_chart(struct ec_outfile *f, const struct ec_funnel_result *r)
{
	const struct ec_funnel_opts *o = r->opts;
	const struct ec_funnel_row *t = &r->total;
	int K = o->n_steps;
	double W = 1000, H = 380, top = 60, base = 310, left = 30;
	double slot = (W - 2 * left) / K, bw = slot * 0.62;
	double max = t->units[0] ? (double)t->units[0] : 1;
	int wide = slot >= 240, mid = slot >= 120, fs = mid ? 12 : 10;
	char a[32], b[32], c[32];

	ec_outfile_printf(
	    f,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
	    "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"units reaching each "
	    "step\">\n",
	    W, H, W, H);
	ec_outfile_printf(f,
			  "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" "
			  "stroke=\"#9aa4b1\"/>\n",
			  left, base, W - left, base);
	for (int k = 0; k < K; k++) {
		struct ec_funnel_rates x;
		ec_funnel_rates(t, k, &x);
		double cx = left + slot * k + slot / 2, x0 = cx - bw / 2;
		double h = (double)t->units[k] / max * (base - top);
		double yc = base - h - 8;
		if (k > 0) {
			double hp = (double)t->units[k - 1] / max * (base - top);
			double yd = base - hp - 8 < yc - fs - 6 ? base - hp - 8 : yc - fs - 6;
			ec_outfile_printf(
			    f,
			    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			    "fill=\"#f3c9c4\"/>\n",
			    x0, base - hp, bw, hp - h);
			ec_outfile_printf(f,
					  "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" "
					  "fill=\"#a13a30\" text-anchor=\"middle\">",
					  cx, yd, fs);
			if (mid)
				ec_outfile_printf(f, "%s%s (%s)", wide ? "drop-off " : "&#8722;",
						  fn_html_thousands(x.drop, a),
						  percent(x.drop_rate, b));
			else
				ec_outfile_printf(f, "&#8722;%s", percent(x.drop_rate, b));
			ec_outfile_puts(f, "</text>\n");
		}
		ec_outfile_printf(f,
				  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				  "fill=\"%s\"/>\n",
				  x0, base - h, bw, h, fn_html_colors[0]);
		ec_outfile_printf(
		    f,
		    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" font-weight=\"bold\" "
		    "text-anchor=\"middle\" fill=\"#1d2733\">%s</text>\n",
		    cx, yc, fs + 3, fn_html_thousands(t->units[k], a));
		ec_outfile_printf(
		    f,
		    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"middle\" "
		    "fill=\"#1d2733\">%d. %s</text>\n",
		    cx, base + 22, fs + 2, k + 1, step_name(o, k));
		ec_outfile_printf(
		    f,
		    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"middle\" "
		    "fill=\"#55606e\">%s%s",
		    cx, base + 40, fs, percent(x.from_first, b), mid ? " of step 1" : "");
		if (k > 1 && wide)
			ec_outfile_printf(f, ", %s of step %d", percent(x.from_prev, c), k);
		ec_outfile_puts(f, "</text>\n");
		if (k > 0 && wide)
			ec_outfile_printf(
			    f,
			    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
			    "text-anchor=\"middle\" fill=\"#55606e\">median %s, p90 %s "
			    "after step %d</text>\n",
			    cx, base + 56, duration(t->median_s[k], a), duration(t->p90_s[k], b),
			    k);
		else if (k > 0 && mid)
			ec_outfile_printf(
			    f,
			    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
			    "text-anchor=\"middle\" fill=\"#55606e\">median %s</text>\n",
			    cx, base + 56, duration(t->median_s[k], a));
	}
	ec_outfile_puts(f, "</svg>\n");
}

static void step_table(struct ec_outfile *f, const struct ec_funnel_result *r)
{
	const struct ec_funnel_opts *o = r->opts;
	char a[32], b[32], c[32], d[32], e[32], g[32], h[32], i1[48], i2[48];
	ec_outfile_puts(f, "<table>\n<tr><th>step</th><th class=\"l\">event</th><th>units</th>"
			   "<th>of step 1</th><th>95% interval</th><th>of previous</th><th>95% "
			   "interval</th><th>drop-off</th>"
			   "<th>drop-off rate</th><th>median time from previous</th>"
			   "<th>p90 time from previous</th></tr>\n");
	for (int k = 0; k < o->n_steps; k++) {
		struct ec_funnel_rates x;
		ec_funnel_rates(&r->total, k, &x);
		ec_outfile_printf(
		    f,
		    "<tr><td>%d</td><td class=\"l\">%s</td><td>%s</td><td>%s</td>"
		    "<td class=\"ci\">%s</td><td>%s</td><td class=\"ci\">%s</td><td>%s</td>"
		    "<td>%s</td><td>%s</td><td>%s</td></tr>\n",
		    k + 1, step_name(o, k), fn_html_thousands(r->total.units[k], a),
		    percent(x.from_first, b), interval(x.first_lo, x.first_hi, i1),
		    percent(x.from_prev, c), interval(x.prev_lo, x.prev_hi, i2),
		    k ? fn_html_thousands(x.drop, d) : "&#8211;", percent(x.drop_rate, e),
		    duration(r->total.median_s[k], g), duration(r->total.p90_s[k], h));
	}
	ec_outfile_puts(f, "</table>\n");
}

/* A conversion's change against the baseline, in points, with its p-value;
 * bold when p < 0.05. */
static const char *change(double d, double p, char *buf)
{
	if (!isfinite(d)) {
		snprintf(buf, 96, "&#8211;");
		return buf;
	}
	snprintf(buf, 96, "%s%s%.2f pt <span class=\"ci\">p %s%.2g</span>%s", p < 0.05 ? "<b>" : "",
		 d < 0 ? "&#8722;" : "+", fabs(100 * d), p < 0.001 ? "&lt; " : "",
		 p < 0.001 ? 0.001 : p, p < 0.05 ? "</b>" : "");
	return buf;
}

/* --baseline: both periods, step by step, for the whole funnel. */
static void compare_table(struct ec_outfile *f, const struct ec_funnel_result *r)
{
	const struct ec_funnel_opts *o = r->opts;
	const struct ec_funnel_result *b = ec_funnel_baseline_result(r->baseline);
	char a[32], c[32], d[32], e[32], g[96], h[96];
	ec_outfile_printf(f,
			  "<h2>Compared with the baseline</h2>\n<p class=\"note\">The same funnel "
			  "on the baseline period (%s %ss",
			  fn_html_thousands(b->units, a), ec_funnel_unit_names[o->unit]);
	if (b->first <= b->last) {
		char t0[24], t1[24];
		ec_time_format_iso(b->first, t0);
		ec_time_format_iso(b->last, t1);
		ec_outfile_printf(f, ", %s to %s", t0, t1);
	}
	ec_outfile_puts(f, "). Changes in percentage points, with the p-value of a two-proportion "
			   "z-test; bold: p &lt; 0.05.</p>\n<table id=\"baseline\">\n<tr><th>step"
			   "</th><th class=\"l\">event</th><th>units</th><th>baseline units</th>"
			   "<th>of step 1</th><th>baseline</th><th>change</th><th>of previous</th>"
			   "<th>baseline</th><th>change</th></tr>\n");
	for (int k = 0; k < o->n_steps; k++) {
		struct ec_funnel_rates x;
		struct ec_funnel_compare y;
		ec_funnel_rates(&r->total, k, &x);
		ec_funnel_compare(r->baseline, 0, &r->total, k, &y);
		ec_outfile_printf(f, "<tr><td>%d</td><td class=\"l\">%s</td><td>%s</td><td>%s</td>",
				  k + 1, step_name(o, k), fn_html_thousands(r->total.units[k], a),
				  fn_html_thousands(y.units, c));
		ec_outfile_printf(f, "<td>%s</td><td>%s</td><td>%s</td>", percent(x.from_first, d),
				  percent(y.from_first, e), change(y.d_first, y.p_first, g));
		ec_outfile_printf(f, "<td>%s</td><td>%s</td><td>%s</td></tr>\n",
				  percent(x.from_prev, d), percent(y.from_prev, e),
				  change(y.d_prev, y.p_prev, h));
	}
	ec_outfile_puts(f, "</table>\n");
}

/* A breakdown (or the trend) as a table: units at each step, conversion
 * from step 1 to the last step with a bar. */
static void value_table(struct ec_outfile *f, const struct ec_funnel_result *r,
			const struct ec_funnel_table *t, int table, const char *what, size_t limit)
{
	const struct ec_funnel_opts *o = r->opts;
	int K = o->n_steps;
	char a[32], b[32], ci[48];
	ec_outfile_puts(f, "<table>\n<tr><th class=\"l\">");
	ec_funnel_html_escape(f, what);
	ec_outfile_puts(f, "</th>");
	for (int k = 0; k < K; k++)
		ec_outfile_printf(f, "<th>%d. %s</th>", k + 1, step_name(o, k));
	ec_outfile_puts(f, "<th>conversion</th><th class=\"l\">vs. the best row</th>");
	if (K > 1)
		ec_outfile_printf(f, "<th>median to step %d</th>", K);
	int cmp = r->baseline && table >= 0;
	if (cmp)
		ec_outfile_puts(f, "<th>conversion vs. baseline</th>");
	ec_outfile_puts(f, "</tr>\n");
	double best = 0;
	for (size_t i = 0; i < t->n && i < limit; i++) {
		struct ec_funnel_rates x;
		ec_funnel_rates(&t->rows[i], K - 1, &x);
		if (x.from_first > best)
			best = x.from_first;
	}
	for (size_t i = 0; i < t->n && i < limit; i++) {
		const struct ec_funnel_row *row = &t->rows[i];
		struct ec_funnel_rates x;
		ec_funnel_rates(row, K - 1, &x);
		ec_outfile_puts(f, x.small ? "<tr class=\"small\" title=\"fewer than 30 units at "
					     "step 1: the rates are unreliable\"><td class=\"l\">"
					   : "<tr><td class=\"l\">");
		if (row->value[0])
			ec_funnel_html_escape(f, row->value);
		if (row->label) {
			ec_outfile_puts(f, " <span class=\"ci\">(");
			ec_funnel_html_escape(f, row->label);
			ec_outfile_puts(f, ")</span>");
		} else
			ec_outfile_puts(f, "<i>(none)</i>");
		ec_outfile_puts(f, "</td>");
		for (int k = 0; k < K; k++)
			ec_outfile_printf(f, "<td>%s</td>", fn_html_thousands(row->units[k], a));
		double w = best > 0 && x.from_first == x.from_first ? 120 * x.from_first / best : 0;
		ec_outfile_printf(
		    f,
		    "<td>%s <span class=\"ci\">%s</span></td><td class=\"l\"><svg class=\"bar\" "
		    "xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"12\">"
		    "<rect x=\"0\" y=\"1\" width=\"120\" height=\"10\" fill=\"#e8ecf1\"/>"
		    "<rect x=\"0\" y=\"1\" width=\"%.1f\" height=\"10\" fill=\"%s\"/>"
		    "</svg></td>",
		    percent(x.from_first, b), interval(x.first_lo, x.first_hi, ci),
		    w < 1 && w > 0 ? 1 : w, fn_html_colors[0]);
		if (K > 1)
			ec_outfile_printf(f, "<td>%s</td>", duration(row->median_s[K - 1], a));
		if (cmp) {
			struct ec_funnel_compare y;
			char g[96];
			ec_funnel_compare(r->baseline, table, row, K - 1, &y);
			ec_outfile_printf(f, "<td>%s</td>",
					  y.have ? change(y.d_first, y.p_first, g)
						 : "not in the baseline");
		}
		ec_outfile_puts(f, "</tr>\n");
	}
	ec_outfile_puts(f, "</table>\n");
	if (t->n > limit)
		ec_outfile_printf(f,
				  "<p class=\"note\">The %zu values with most units at step 1 are "
				  "shown; all %zu are in funnel.csv.</p>\n",
				  limit, t->n);
}

static void abandoned(struct ec_outfile *f, const struct ec_funnel_result *r)
{
	char a[32], b[32], c[32], key[256];
	const char *unit = ec_funnel_unit_names[r->opts->unit];
	ec_outfile_printf(f,
			  "<p class=\"note\">A %s abandons a product when it has a cart event of "
			  "that product and no purchase of it. %s of %s %ss with a cart abandoned "
			  "at least one product.</p>\n",
			  unit, fn_html_thousands(r->abandoning_units, a),
			  fn_html_thousands(r->carting_units, b), unit);
	if (r->n_abandoned == 0) {
		ec_outfile_puts(f, "<p class=\"note\">No product was abandoned.</p>\n");
		return;
	}
	ec_outfile_printf(f,
			  "<table>\n<tr><th>#</th><th>product</th><th class=\"l\">category</th>"
			  "<th class=\"l\">brand</th><th>price</th><th>%ss carting it</th>"
			  "<th>%ss abandoning it</th><th>abandonment</th></tr>\n",
			  unit, unit);
	for (size_t i = 0; i < r->n_abandoned; i++) {
		const struct ec_funnel_product *p = &r->abandoned[i];
		ec_category_key(key, sizeof(key), p->category_code, strlen(p->category_code),
				p->category_id, 0);
		ec_outfile_printf(f, "<tr><td>%zu</td><td>%llu</td><td class=\"l\">", i + 1,
				  (unsigned long long)p->product_id);
		ec_funnel_html_escape(f, key);
		ec_outfile_puts(f, "</td><td class=\"l\">");
		if (p->brand[0])
			ec_funnel_html_escape(f, p->brand);
		else
			ec_outfile_puts(f, "<i>(none)</i>");
		ec_outfile_printf(f, "</td><td>%.2f</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
				  p->price, fn_html_thousands(p->carted, a),
				  fn_html_thousands(p->abandoned, b),
				  percent((double)p->abandoned / (double)p->carted, c));
	}
	ec_outfile_puts(f, "</table>\n");
}

/* The time-to-convert histogram: one bar per bin, its units and share. */
static void time_to_convert(struct ec_outfile *f, const struct ec_funnel_result *r)
{
	const struct ec_funnel_opts *o = r->opts;
	char a[32], b[32];
	uint64_t n = 0, most = 0;
	for (int i = 0; i < EC_FUNNEL_TTC_BINS; i++) {
		n += r->ttc[i];
		most = r->ttc[i] > most ? r->ttc[i] : most;
	}
	ec_outfile_printf(f,
			  "<h2>Time to convert</h2>\n<p class=\"note\">Seconds from step 1 (%s) "
			  "to step %d (%s), for the %s %ss that got there.</p>\n",
			  ec_event_type_name(o->steps[0]), o->n_steps,
			  ec_event_type_name(o->steps[o->n_steps - 1]), fn_html_thousands(n, a),
			  ec_funnel_unit_names[o->unit]);
	if (!n)
		return;
	ec_outfile_puts(f, "<table id=\"time-to-convert\">\n<tr><th class=\"l\">time</th>"
			   "<th>units</th><th>share</th><th class=\"l\"></th></tr>\n");
	for (int i = 0; i < EC_FUNNEL_TTC_BINS; i++) {
		double w = most ? 240.0 * (double)r->ttc[i] / (double)most : 0;
		ec_outfile_puts(f, "<tr><td class=\"l\">");
		ec_funnel_html_escape(f, ec_funnel_ttc_names[i]); /* "<1m" */
		ec_outfile_printf(
		    f,
		    "</td><td>%s</td><td>%s</td><td class=\"l\">"
		    "<svg class=\"bar\" xmlns=\"http://www.w3.org/2000/svg\" width=\"240\" "
		    "height=\"12\"><rect x=\"0\" y=\"1\" width=\"%.1f\" "
		    "height=\"10\" fill=\"%s\"/></svg></td></tr>\n",
		    fn_html_thousands(r->ttc[i], a), percent((double)r->ttc[i] / (double)n, b),
		    w < 1 && w > 0 ? 1 : w,
		    fn_html_colors[o->n_steps - 1 < 6 ? o->n_steps - 1 : 5]);
	}
	ec_outfile_puts(f, "</table>\n");
}

/* Under a breakdown's heading: which step's event gave its values, when
 * it is not the first step's (--attribution). */
static void attribution_note(struct ec_outfile *f, const struct ec_funnel_result *r)
{
	const struct ec_funnel_opts *o = r->opts;
	if (o->attr_step == 1)
		return;
	if (o->attr_step == 0) {
		ec_outfile_puts(f, "<p class=\"note\">Values from the event of the last step each "
				   "unit reached: where it stopped, for the units that dropped "
				   "off.</p>\n");
		return;
	}
	ec_outfile_printf(f,
			  "<p class=\"note\">Values from the event of step %d (%s); units that "
			  "did not reach it are in the row " EC_FUNNEL_NONE ".</p>\n",
			  o->attr_step, ec_event_type_name(o->steps[o->attr_step - 1]));
}

void ec_funnel_write_html(const struct ec_funnel_result *r, struct ec_outfile *f,
			  char *const *inputs, int n)
{
	head(f, r);
	intro(f, r, inputs, n);
	ec_outfile_puts(f, "<h2>Steps</h2>\n");
	step_chart(f, r);
	step_table(f, r);
	if (r->baseline)
		compare_table(f, r);
	ec_outfile_puts(f, "<h2>Daily trend</h2>\n<p class=\"note\">Units reaching each step, "
			   "by the day (");
	ec_funnel_html_escape(f, ec_tz_name(r->opts->tz));
	ec_outfile_puts(f, ") of their first step.</p>\n");
	fn_trend_chart(f, r, 0);
	if (r->opts->n_steps > 1) {
		ec_outfile_puts(f,
				"<p class=\"note\">Conversion from step 1, by the same day.</p>\n");
		fn_trend_chart(f, r, 1);
	}
	value_table(f, r, &r->trend, -1, "day", (size_t)-1);
	for (int i = 0; i < r->n_by; i++) {
		/* "hour of the first step (UTC)": the zone of the report instead */
		char title[160];
		const char *t = ec_funnel_by_titles[r->by[i].by], *utc = strstr(t, "(UTC)");
		if (utc)
			snprintf(title, sizeof(title), "%.*s(%s)", (int)(utc - t), t,
				 ec_tz_name(r->opts->tz));
		else
			snprintf(title, sizeof(title), "%s", t);
		ec_outfile_puts(f, "<h2>By ");
		ec_funnel_html_escape(f, title);
		ec_outfile_puts(f, "</h2>\n");
		if (r->by[i].by != EC_FUNNEL_BY_DAY)
			attribution_note(f, r);
		value_table(f, r, &r->by[i], 1 + i, title, BREAKDOWN_ROWS);
	}
	if (r->opts->n_steps > 1)
		time_to_convert(f, r);
	ec_outfile_puts(f, "<h2>Most abandoned products</h2>\n");
	abandoned(f, r);
	ec_outfile_puts(
	    f, "<h2>How to read this</h2>\n<p class=\"note\">A unit reaches step k when some of "
	       "its events match steps 1 to k (ordered: in order, other events allowed between; "
	       "strict: with no other event between; any: in any order). Events of the same "
	       "second may be taken in either order. Times are those of the earliest matching "
	       "sequence; medians and p90 are nearest-rank. Breakdowns use the event that "
	       "matched step 1 unless said otherwise; days always do. Conversion is units at the "
	       "last step over units at step 1.</p>\n"
	       "</main>\n</body>\n</html>\n");
}
