/* funnel.html's daily trend chart: one SVG panel per step. See
 * funnel_html_int.h. */
#include <math.h>
#include <stdio.h>

#include "ecomctl/event.h"
#include "ecomctl/funnel.h"
#include "ecomctl/outfile.h"
#include "funnel_html_int.h"

/* The value a trend chart plots for step k of a day: units, or (rate) the
 * conversion from step 1 in percent. */
static double trend_value(const struct ec_funnel_row *row, int k, int rate)
{
	if (!rate)
		return (double)row->units[k];
	return row->units[0] ? 100.0 * (double)row->units[k] / (double)row->units[0] : 0;
}

/* Round axis ticks for values up to max: a step of 1, 2, 2.5 or 5 times a
 * power of ten, about four of them, and the top tick (>= max). Whole
 * numbers (units) never get a fractional step. */
static void nice_ticks(double max, int whole, double *step, double *top)
{
	double raw = (max > 0 ? max : 1) / 4, mag = pow(10, floor(log10(raw)));
	double n = raw / mag;
	*step = (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * mag;
	if (whole && *step < 1)
		*step = 1;
	if (whole && *step != floor(*step))
		*step = ceil(*step);
	*top = ceil((max > 0 ? max : 1) / *step - 1e-9) * *step;
}

/* The daily trend: one panel per step, each on its own scale, so that a
 * step with a hundredth of step 1's units is as readable as step 1 (rate:
 * steps 2.. as % of step 1). Points carry their day and value as tooltips;
 * a day the input covers only in part is a hollow point. */
void fn_trend_chart(struct ec_outfile *f, const struct ec_funnel_result *r, int rate)
{
	const struct ec_funnel_opts *o = r->opts;
	const struct ec_funnel_table *t = &r->trend;
	double W = 1000, PH = 150, L = 70, R = 45, TOP = 26, BOT = 24;
	int k0 = rate ? 1 : 0, panels = o->n_steps - k0;
	double H = PH * panels + BOT;
	char a[32], v[32];
	if (panels <= 0 || t->n == 0)
		return;
	ec_outfile_printf(f,
			  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
			  "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
			  "aria-label=\"daily trend%s\" class=\"trend\">\n",
			  W, H, W, H, rate ? ", conversion" : "");
	double span = t->n > 1 ? (double)(t->n - 1) : 1;
	for (int k = k0; k < o->n_steps; k++) {
		const char *col = fn_html_colors[k % FN_HTML_N_COLORS];
		double y0 = PH * (k - k0), T = y0 + TOP, B = y0 + PH - 8, max = 0, step, top;
		for (size_t i = 0; i < t->n; i++)
			if (trend_value(&t->rows[i], k, rate) > max)
				max = trend_value(&t->rows[i], k, rate);
		nice_ticks(max, !rate, &step, &top);
		ec_outfile_printf(
		    f,
		    "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" font-weight=\"600\" "
		    "fill=\"%s\">%d. %s%s</text>\n",
		    L, y0 + 16, col, k + 1, ec_event_type_name(o->steps[k]),
		    rate ? " (% of step 1)" : " (units)");
		for (double g = 0; g <= top + step / 2; g += step) {
			double y = B - (B - T) * g / top;
			if (rate)
				snprintf(a, sizeof(a), "%g%%", g);
			else
				fn_html_thousands((uint64_t)(g + 0.5), a);
			ec_outfile_printf(
			    f,
			    "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" "
			    "stroke=\"#e3e7ec\"/><text x=\"%.0f\" y=\"%.1f\" "
			    "font-size=\"11\" text-anchor=\"end\" fill=\"#55606e\">%s</text>\n",
			    L, y, W - R, y, L - 6, y + 4, a);
		}
		if (t->n > 1) {
			ec_outfile_printf(
			    f,
			    "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
			    "points=\"",
			    col);
			for (size_t i = 0; i < t->n; i++)
				ec_outfile_printf(f, "%s%.1f,%.1f", i ? " " : "",
						  L + (W - R - L) * (double)i / span,
						  B - (B - T) * trend_value(&t->rows[i], k, rate) /
							  top);
			ec_outfile_puts(f, "\"/>\n");
		}
		for (size_t i = 0; i < t->n && t->n <= 62; i++) {
			int part = ec_funnel_day_partial(r, t->rows[i].value);
			double val = trend_value(&t->rows[i], k, rate);
			if (rate)
				snprintf(v, sizeof(v), "%.2f%%", val);
			else
				fn_html_thousands((uint64_t)val, v);
			ec_outfile_printf(
			    f,
			    "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" "
			    "stroke=\"%s\"%s><title>%s: %s%s</title></circle>\n",
			    t->n > 1 ? L + (W - R - L) * (double)i / span : (L + W - R) / 2,
			    B - (B - T) * val / top, part ? "#ffffff" : col, col,
			    part ? " class=\"partial\"" : "", t->rows[i].value, v,
			    part ? " (partial day: the input covers only part of it)" : "");
		}
	}
	size_t every = t->n / 10 + 1;
	for (size_t i = 0; i < t->n; i++) {
		double x = t->n > 1 ? L + (W - R - L) * (double)i / span : (L + W - R) / 2;
		/* Every `every`-th day is labeled, and the last one. */
		if (i + 1 == t->n || (i % every == 0 && t->n - 1 - i >= every))
			ec_outfile_printf(f,
					  "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" "
					  "text-anchor=\"middle\" fill=\"#55606e\">%s</text>\n",
					  x, H - 6, t->rows[i].value);
	}
	ec_outfile_puts(f, "</svg>\n");
}
