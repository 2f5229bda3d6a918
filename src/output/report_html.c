/* The model report for people: one self-contained HTML page (inline CSS and
 * SVG, no scripts, no external files) drawn from model-report.json. Every
 * string from the document goes through esc(). See report.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/json.h"
#include "ecomctl/report.h"
#include "ecomctl/utf8.h"

#define W 360 /* plot size in pixels, inside the margins */
#define H 240
#define ML 48 /* margins: left, bottom, top, right */
#define MB 36
#define MT 12
#define MR 16
#define TOP_FEATURES 20

static void esc(FILE *f, const char *text)
{
	const char *fixed = ec_utf8_fix(text); /* the page says charset utf-8 */
	for (const char *s = fixed; *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
	if (fixed != text)
		free((char *)fixed);
}

static double num(const struct ec_json *o, const char *key)
{
	return ec_json_num(ec_json_get(o, key), NAN);
}

static const char *str(const struct ec_json *o, const char *key)
{
	return ec_json_str(ec_json_get(o, key), "");
}

/* A number as text, "–" when missing. */
static void put_num(FILE *f, double v, const char *fmt)
{
	if (isnan(v))
		fputs("&#8211;", f);
	else
		fprintf(f, fmt, v);
}

/* A string as text, "not available" when empty or missing. */
static void put_str(FILE *f, const char *s)
{
	if (*s)
		esc(f, s);
	else
		fputs("not available", f);
}

/* A JSON value of any type, briefly (lineage and trial parameters). */
static void put_value(FILE *f, const struct ec_json *v)
{
	switch (ec_json_type(v)) {
	case EC_JSON_NUMBER: {
		double x = ec_json_num(v, NAN);
		if (x == floor(x) && fabs(x) < 1e15)
			fprintf(f, "%.0f", x);
		else
			fprintf(f, "%.6g", x);
		break;
	}
	case EC_JSON_STRING:
		esc(f, ec_json_str(v, ""));
		break;
	case EC_JSON_BOOL:
		fputs(ec_json_bool(v, 0) ? "true" : "false", f);
		break;
	case EC_JSON_NULL:
		fputs("&#8211;", f);
		break;
	default: {
		char *t = ec_json_print(v, 0);
		esc(f, t);
		free(t);
	}
	}
}

/* The smallest of 1, 2, 2.5, 5 x 10^k at or above v (an axis' end). */
static double nice_ceil(double v)
{
	if (!(v > 0))
		return 1;
	double p = pow(10, floor(log10(v)));
	static const double steps[] = {1, 2, 2.5, 5, 10};
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * p >= v * (1 - 1e-12))
			return steps[i] * p;
	return 10 * p;
}

struct plot {
	double x1, y1; /* axis ends (from 0) */
	const char *xlabel, *ylabel;
};

static double px(const struct plot *p, double x)
{
	return ML + W * (x / p->x1);
}

static double py(const struct plot *p, double y)
{
	return MT + H - H * (y / p->y1);
}

/* The frame: axes with five round ticks each, labels. */
static void plot_open(FILE *f, const struct plot *p, const char *title)
{
	fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
		ML + W + MR, MT + H + MB, ML + W + MR, MT + H + MB);
	fputs("<title>", f);
	esc(f, title);
	fputs("</title>", f);
	for (int i = 0; i <= 5; i++) {
		double tx = p->x1 * i / 5, ty = p->y1 * i / 5;
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>"
			"<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%g</text>",
			px(p, tx), MT, px(p, tx), MT + H, px(p, tx), MT + H + 14, tx);
		fprintf(f,
			"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
			"<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%g</text>",
			ML, py(p, ty), ML + W, py(p, ty), ML - 4, py(p, ty) + 4, ty);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"middle\">", ML + W / 2,
		MT + H + 32);
	esc(f, p->xlabel);
	fprintf(f,
		"</text><text x=\"12\" y=\"%d\" class=\"label\" text-anchor=\"middle\" "
		"transform=\"rotate(-90 12 %d)\">",
		MT + H / 2, MT + H / 2);
	esc(f, p->ylabel);
	fputs("</text>", f);
}

static void plot_line(FILE *f, const struct plot *p, double xa, double ya, double xb, double yb,
		      const char *cls)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"%s\"/>",
		px(p, xa), py(p, ya), px(p, xb), py(p, yb), cls);
}

/* A curve through the array's points (keys kx, ky), in order. */
static void plot_curve(FILE *f, const struct plot *p, const struct ec_json *pts, const char *kx,
		       const char *ky, const char *title)
{
	fputs("<polyline class=\"curve\" points=\"", f);
	for (size_t i = 0; i < ec_json_size(pts); i++) {
		double x = num(ec_json_at(pts, i), kx), y = num(ec_json_at(pts, i), ky);
		if (!isnan(x) && !isnan(y))
			fprintf(f, "%.1f,%.1f ", px(p, x), py(p, y));
	}
	fputs("\"><title>", f);
	esc(f, title);
	fputs("</title></polyline>", f);
}

static void section(FILE *f, const char *id, const char *title)
{
	fprintf(f, "<section id=\"%s\"><h2>", id);
	esc(f, title);
	fputs("</h2>\n", f);
}

static void summary(FILE *f, const struct ec_json *r)
{
	const struct ec_json *on = ec_json_get(r, "evaluated_on");
	section(f, "summary", "Summary");
	fputs("<table class=\"kv\"><tr><th>model</th><td>", f);
	esc(f, str(r, "model"));
	if (*str(r, "aliases")) {
		fputs(" (", f);
		esc(f, str(r, "aliases"));
		fputs(")", f);
	}
	fputs("</td></tr><tr><th>task</th><td>", f);
	esc(f, str(r, "task"));
	fputs("</td></tr><tr><th>created</th><td>", f);
	put_str(f, str(r, "created_at"));
	fputs("</td></tr><tr><th>evaluated on</th><td>", f);
	if (strcmp(str(on, "kind"), "files") == 0) {
		const struct ec_json *fl = ec_json_get(on, "files");
		if (ec_json_size(fl) == 0)
			fputs("files (not named)", f);
		for (size_t i = 0; i < ec_json_size(fl); i++) {
			fputs(i ? ", " : "", f);
			esc(f, ec_json_str(ec_json_at(fl, i), ""));
		}
	} else if (on) {
		fputs("its validation sessions", f);
	} else {
		fputs("not available", f);
	}
	if (on) {
		fputs(", ", f);
		put_num(f, num(on, "sessions"), "%.0f");
		fputs(" sessions", f);
		if (*str(on, "from")) {
			fputs(" from ", f);
			esc(f, str(on, "from"));
		}
	}
	fputs("</td></tr></table></section>\n", f);
}

/* The model beside every baseline, one row per metric; the best of each
 * row in bold (lowest for losses). */
static void metrics(FILE *f, const struct ec_json *r)
{
	const struct ec_json *m = ec_json_get(r, "metrics"), *b = ec_json_get(r, "baselines");
	section(f, "metrics", "Metrics against the baselines");
	if (!m) {
		fputs("<p>Not available.</p></section>\n", f);
		return;
	}
	fputs("<table><tr><th>metric</th><th>model</th>", f);
	for (size_t j = 0; j < ec_json_size(b); j++) {
		fputs("<th>", f);
		esc(f, ec_json_key(ec_json_at(b, j)));
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t i = 0; i < ec_json_size(m); i++) {
		const struct ec_json *v = ec_json_at(m, i);
		const char *k = ec_json_key(v);
		int lower = strcmp(k, "log_loss") == 0 || strcmp(k, "brier") == 0;
		/* a threshold or a count is not better for being larger */
		int ranked = strstr(k, "threshold") == NULL;
		double best = ec_json_num(v, NAN);
		int in_baselines = 0;
		for (size_t j = 0; j < ec_json_size(b); j++) {
			double x = num(ec_json_at(b, j), k);
			in_baselines |= ec_json_get(ec_json_at(b, j), k) != NULL;
			if (!isnan(x) && (isnan(best) || (lower ? x < best : x > best)))
				best = x;
		}
		if (ec_json_type(v) != EC_JSON_NUMBER && ec_json_type(v) != EC_JSON_NULL)
			continue;
		fputs("<tr><th>", f);
		esc(f, k);
		fputs("</th>", f);
		double x = ec_json_num(v, NAN);
		fputs(ranked && in_baselines && x == best ? "<td class=\"best\">" : "<td>", f);
		put_num(f, x, x == floor(x) && !in_baselines ? "%.0f" : "%.4f");
		fputs("</td>", f);
		for (size_t j = 0; j < ec_json_size(b); j++) {
			double y = num(ec_json_at(b, j), k);
			fputs(ranked && in_baselines && y == best ? "<td class=\"best\">" : "<td>",
			      f);
			if (in_baselines)
				put_num(f, y, "%.4f");
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table><p class=\"note\">Bold: the best of a row (lowest for log_loss and "
	      "brier).</p></section>\n",
	      f);
}

static void curves(FILE *f, const struct ec_json *r)
{
	const struct ec_json *c = ec_json_get(r, "curves");
	if (strcmp(str(r, "task"), "intent") != 0)
		return;
	section(f, "curves", "ROC and precision-recall curves");
	if (!c) {
		fputs("<p>Not available.</p></section>\n", f);
		return;
	}
	struct plot roc = {1, 1, "false positive rate", "true positive rate"};
	plot_open(f, &roc, "ROC curve");
	plot_line(f, &roc, 0, 0, 1, 1, "diag");
	plot_curve(f, &roc, ec_json_get(c, "roc"), "fpr", "tpr", "ROC curve of the model");
	fputs("</svg>\n", f);
	struct plot pr = {1, 1, "recall", "precision"};
	plot_open(f, &pr, "Precision-recall curve");
	double base = num(ec_json_get(ec_json_get(r, "baselines"), "base_rate"), "pr_auc");
	if (!isnan(base))
		plot_line(f, &pr, 0, base, 1, base, "diag");
	plot_curve(f, &pr, ec_json_get(c, "pr"), "recall", "precision",
		   "precision-recall curve of the model");
	fputs("</svg>\n<p class=\"note\">Dashed: chance (the diagonal; the base rate).</p>"
	      "</section>\n",
	      f);
}

static void deciles_table(FILE *f, const struct ec_json *d)
{
	fputs("<table><tr><th>decile</th><th>sessions</th><th>mean predicted</th>"
	      "<th>observed</th></tr>\n",
	      f);
	for (size_t i = 0; i < ec_json_size(d); i++) {
		const struct ec_json *o = ec_json_at(d, i);
		fprintf(f, "<tr><td>%zu</td><td>", i + 1);
		put_num(f, num(o, "n"), "%.0f");
		fputs("</td><td>", f);
		put_num(f, num(o, "predicted"), "%.4f");
		fputs("</td><td>", f);
		put_num(f, num(o, "observed"), "%.4f");
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Observed against predicted by decile, on the diagonal's scale, and the table. */
static void calibration_plot(FILE *f, const struct ec_json *d)
{
	double top = 0;
	for (size_t i = 0; i < ec_json_size(d); i++) {
		double a = num(ec_json_at(d, i), "predicted"),
		       b = num(ec_json_at(d, i), "observed");
		top = fmax(top, fmax(isnan(a) ? 0 : a, isnan(b) ? 0 : b));
	}
	top = nice_ceil(top);
	struct plot p = {top, top, "mean predicted (by decile)", "observed rate"};
	plot_open(f, &p, "Calibration by deciles");
	plot_line(f, &p, 0, 0, top, top, "diag");
	plot_curve(f, &p, d, "predicted", "observed", "observed against predicted");
	for (size_t i = 0; i < ec_json_size(d); i++) {
		const struct ec_json *o = ec_json_at(d, i);
		double a = num(o, "predicted"), b = num(o, "observed");
		if (isnan(a) || isnan(b))
			continue;
		fprintf(f,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" class=\"dot\"><title>decile "
			"%zu: predicted %.4f, observed %.4f, ",
			px(&p, a), py(&p, b), i + 1, a, b);
		put_num(f, num(o, "n"), "%.0f");
		fputs(" sessions</title></circle>", f);
	}
	fputs("</svg>\n", f);
	deciles_table(f, d);
}

static void calibration(FILE *f, const struct ec_json *r)
{
	const struct ec_json *d = ec_json_get(r, "calibration");
	const struct ec_json *byrank = ec_json_get(r, "calibration_by_rank");
	int intent = strcmp(str(r, "task"), "intent") == 0;
	section(f, "calibration",
		intent ? "Calibration of p_purchase" : "Calibration of p_category_1");
	if (ec_json_size(d) == 0)
		fputs("<p>Not available.</p>\n", f);
	else
		calibration_plot(f, d);
	for (size_t i = 0; i < ec_json_size(byrank); i++) {
		const struct ec_json *o = ec_json_at(byrank, i);
		double k = num(o, "k");
		fprintf(f, "<h3>p_category_%.0f: mean ", isnan(k) ? (double)(i + 1) : k);
		put_num(f, num(o, "mean_p"), "%.4f");
		fputs(", observed ", f);
		put_num(f, num(o, "observed"), "%.4f");
		fputs(" over ", f);
		put_num(f, num(o, "sessions"), "%.0f");
		fputs(" sessions</h3>\n", f);
		/* the first rank's deciles are the calibration drawn above */
		if (i > 0 || ec_json_size(d) == 0)
			deciles_table(f, ec_json_get(o, "deciles"));
	}
	fputs("</section>\n", f);
}

static void gains(FILE *f, const struct ec_json *r)
{
	const struct ec_json *g = ec_json_get(r, "gains");
	if (strcmp(str(r, "task"), "intent") != 0)
		return;
	section(f, "gains", "Gains: purchases found in the top sessions");
	if (ec_json_size(g) == 0) {
		fputs("<p>Not available.</p></section>\n", f);
		return;
	}
	struct plot p = {1, 1, "share of sessions, by p_purchase", "share of purchases found"};
	plot_open(f, &p, "Cumulative gains");
	plot_line(f, &p, 0, 0, 1, 1, "diag");
	fprintf(f, "<polyline class=\"curve\" points=\"%.1f,%.1f ", px(&p, 0), py(&p, 0));
	for (size_t i = 0; i < ec_json_size(g); i++) {
		double x = num(ec_json_at(g, i), "top"), y = num(ec_json_at(g, i), "captured");
		if (!isnan(x) && !isnan(y))
			fprintf(f, "%.1f,%.1f ", px(&p, x), py(&p, y));
	}
	fprintf(f, "%.1f,%.1f\"><title>cumulative gains</title></polyline></svg>\n", px(&p, 1),
		py(&p, 1));
	fputs("<table><tr><th>top</th><th>purchases found</th><th>lift</th></tr>\n", f);
	for (size_t i = 0; i < ec_json_size(g); i++) {
		const struct ec_json *o = ec_json_at(g, i);
		fputs("<tr><td>", f);
		put_num(f, 100 * num(o, "top"), "%g%%");
		fputs("</td><td>", f);
		put_num(f, 100 * num(o, "captured"), "%.1f%%");
		fputs("</td><td>", f);
		put_num(f, num(o, "lift"), "%.2f");
		fputs("</td></tr>\n", f);
	}
	fputs("</table></section>\n", f);
}

static void confusion(FILE *f, const struct ec_json *r)
{
	const struct ec_json *c = ec_json_get(r, "confusion");
	if (strcmp(str(r, "task"), "intent") != 0)
		return;
	section(f, "confusion", "Confusion matrix at the decision threshold");
	if (!c) {
		fputs("<p>Not available.</p></section>\n", f);
		return;
	}
	double tp = num(c, "tp"), fp = num(c, "fp"), fn = num(c, "fn"), tn = num(c, "tn");
	fputs("<p>Threshold ", f);
	put_num(f, num(c, "threshold"), "%.4f");
	fputs(" (p_purchase at or above it: predicted buyer).</p>\n", f);
	fputs("<table><tr><th></th><th>predicted buyer</th><th>predicted not</th></tr>"
	      "<tr><th>bought</th><td>",
	      f);
	put_num(f, tp, "%.0f");
	fputs("</td><td>", f);
	put_num(f, fn, "%.0f");
	fputs("</td></tr><tr><th>did not</th><td>", f);
	put_num(f, fp, "%.0f");
	fputs("</td><td>", f);
	put_num(f, tn, "%.0f");
	fputs("</td></tr></table>\n", f);
	fputs("<p>Precision ", f);
	put_num(f, tp + fp > 0 ? tp / (tp + fp) : NAN, "%.4f");
	fputs(", recall ", f);
	put_num(f, tp + fn > 0 ? tp / (tp + fn) : NAN, "%.4f");
	fputs(".</p></section>\n", f);
}

static void importance(FILE *f, const struct ec_json *r)
{
	const struct ec_json *imp = ec_json_get(r, "importance");
	size_t n = ec_json_size(imp) < TOP_FEATURES ? ec_json_size(imp) : TOP_FEATURES;
	section(f, "importance", "Feature importance by gain");
	if (n == 0) {
		fputs("<p>Not available.</p></section>\n", f);
		return;
	}
	double top = 0;
	for (size_t i = 0; i < n; i++)
		top = fmax(top, num(ec_json_at(imp, i), "gain"));
	int rowh = 18, lw = 200, bw = 300;
	fprintf(f, "<svg width=\"%d\" height=\"%zu\" role=\"img\"><title>importance</title>",
		lw + bw + 80, n * (size_t)rowh + 8);
	for (size_t i = 0; i < n; i++) {
		const struct ec_json *o = ec_json_at(imp, i);
		double g = num(o, "gain"), w = top > 0 && !isnan(g) ? bw * g / top : 0;
		fprintf(f, "<text x=\"%d\" y=\"%zu\" class=\"tick\" text-anchor=\"end\">", lw - 6,
			i * (size_t)rowh + 14);
		esc(f, str(o, "feature"));
		fprintf(
		    f,
		    "</text><rect x=\"%d\" y=\"%zu\" width=\"%.1f\" height=\"%d\" class=\"bar\">",
		    lw, i * (size_t)rowh + 3, w, rowh - 5);
		fputs("<title>", f);
		esc(f, str(o, "feature"));
		fputs(": gain ", f);
		put_num(f, g, "%.4g");
		fputs(" over ", f);
		put_num(f, num(o, "splits"), "%.0f");
		fprintf(f, " splits</title></rect><text x=\"%.1f\" y=\"%zu\" class=\"tick\">",
			lw + w + 4, i * (size_t)rowh + 14);
		put_num(f, g, "%.3g");
		fputs("</text>", f);
	}
	fprintf(f,
		"</svg>\n<p class=\"note\">XGBoost's gain: the mean loss reduction of the "
		"splits on a feature (the top %d of %zu features split on).</p></section>\n",
		TOP_FEATURES, ec_json_size(imp));
}

static void candidates(FILE *f, const struct ec_json *r)
{
	const struct ec_json *m = ec_json_get(r, "metrics");
	if (strcmp(str(r, "task"), "category") != 0)
		return;
	section(f, "candidates", "Candidate categories");
	if (isnan(num(m, "candidate_recall")) && isnan(num(m, "ceiling"))) {
		fputs("<p>Not available.</p></section>\n", f);
		return;
	}
	fputs("<p>Candidate recall ", f);
	put_num(f, num(m, "candidate_recall"), "%.4f");
	fputs(": the share of the categories sessions carted or bought that were among their "
	      "candidates (",
	      f);
	put_num(f, num(m, "truth_not_candidate"), "%.0f");
	fputs(" of ", f);
	put_num(f, num(m, "truth_keys"), "%.0f");
	fputs(" were not). Best reachable hit@k ", f);
	put_num(f, num(m, "ceiling"), "%.4f");
	fputs(": the share of sessions with at least one true category among the candidates, "
	      "the most any ranking of them can hit.</p></section>\n",
	      f);
}

static void kv_rows(FILE *f, const struct ec_json *o)
{
	for (size_t i = 0; i < ec_json_size(o); i++) {
		const struct ec_json *v = ec_json_at(o, i);
		fputs("<tr><th>", f);
		esc(f, ec_json_key(v));
		fputs("</th><td>", f);
		put_value(f, v);
		fputs("</td></tr>\n", f);
	}
}

static void lineage(FILE *f, const struct ec_json *r)
{
	const struct ec_json *l = ec_json_get(r, "lineage");
	section(f, "lineage", "Lineage");
	if (!l) {
		fputs("<p>Not available.</p></section>\n", f);
		return;
	}
	const struct ec_json *in = ec_json_get(l, "inputs");
	if (ec_json_size(in)) {
		fputs("<table><tr><th>input</th><th>bytes</th><th>sha256</th></tr>\n", f);
		for (size_t i = 0; i < ec_json_size(in); i++) {
			const struct ec_json *o = ec_json_at(in, i);
			fputs("<tr><td>", f);
			esc(f, str(o, "path"));
			fputs("</td><td>", f);
			put_num(f, num(o, "size"), "%.0f");
			fputs("</td><td class=\"mono\">", f);
			esc(f, str(o, "sha256"));
			fputs("</td></tr>\n", f);
		}
		fputs("</table>\n", f);
	}
	fputs("<table class=\"kv\">", f);
	for (size_t i = 0; i < ec_json_size(l); i++) {
		const struct ec_json *v = ec_json_at(l, i);
		const char *k = ec_json_key(v);
		if (strcmp(k, "inputs") == 0 || strcmp(k, "features") == 0)
			continue;
		if (ec_json_type(v) == EC_JSON_OBJECT) {
			fputs("<tr><th colspan=\"2\" class=\"group\">", f);
			esc(f, k);
			fputs("</th></tr>\n", f);
			kv_rows(f, v);
		} else {
			fputs("<tr><th>", f);
			esc(f, k);
			fputs("</th><td>", f);
			put_value(f, v);
			fputs("</td></tr>\n", f);
		}
	}
	fputs("</table></section>\n", f);
}

static void trials(FILE *f, const struct ec_json *r)
{
	const struct ec_json *t = ec_json_get(r, "trials");
	section(f, "trials", "Grid trials");
	if (ec_json_size(t) == 0) {
		fputs("<p>Not available.</p></section>\n", f);
		return;
	}
	fputs("<table><tr><th>#</th><th>parameters</th><th>metric</th><th>rounds kept</th>"
	      "<th>rounds run</th></tr>\n",
	      f);
	for (size_t i = 0; i < ec_json_size(t); i++) {
		const struct ec_json *o = ec_json_at(t, i);
		const struct ec_json *p = ec_json_get(o, "params");
		fprintf(f, "<tr%s><td>%zu</td><td>",
			ec_json_bool(ec_json_get(o, "selected"), 0) ? " class=\"best\"" : "",
			i + 1);
		for (size_t k = 0; k < ec_json_size(p); k++) {
			const struct ec_json *v = ec_json_at(p, k);
			fputs(k ? ", " : "", f);
			esc(f, ec_json_key(v));
			fputs("=", f);
			put_value(f, v);
		}
		fputs("</td><td>", f);
		esc(f, str(o, "metric_name"));
		fputs(" ", f);
		put_num(f, num(o, "metric"), "%.4f");
		fputs("</td><td>", f);
		put_num(f, num(o, "best_rounds"), "%.0f");
		fputs("</td><td>", f);
		put_num(f, num(o, "rounds_run"), "%.0f");
		fputs("</td></tr>\n", f);
	}
	fputs("</table><p class=\"note\">Bold: the trial kept.</p></section>\n", f);
}

static void drift(FILE *f, const struct ec_json *r)
{
	const struct ec_json *d = ec_json_get(r, "drift");
	if (!d || ec_json_type(d) != EC_JSON_OBJECT)
		return;
	const struct ec_json *psi = ec_json_get(d, "psi");
	section(f, "drift", "Drift against training");
	fputs("<p>Score run ", f);
	esc(f, str(d, "run_id"));
	fputs(": population stability index of each distribution; above ", f);
	put_num(f, num(d, "warn_above"), "%.2f");
	fputs(" the population has moved.</p>\n<table><tr><th>distribution</th><th>PSI</th>"
	      "<th>sessions or rows</th><th>expected and actual share by bin</th></tr>\n",
	      f);
	for (size_t i = 0; i < ec_json_size(psi); i++) {
		const struct ec_json *o = ec_json_at(psi, i), *bins = ec_json_get(o, "bins");
		int warn = ec_json_bool(ec_json_get(o, "warn"), 0);
		fputs(warn ? "<tr class=\"warn\"><td>" : "<tr><td>", f);
		esc(f, str(o, "name"));
		fputs("</td><td>", f);
		put_num(f, num(o, "psi"), "%.3f");
		fputs("</td><td>", f);
		put_num(f, num(o, "n"), "%.0f");
		size_t nb = ec_json_size(bins);
		fprintf(f, "</td><td><svg width=\"%zu\" height=\"40\" role=\"img\"><title>",
			nb * 16);
		esc(f, str(o, "name"));
		fputs(": expected (light) and actual (dark) shares</title>", f);
		for (size_t k = 0; k < nb; k++) {
			const struct ec_json *b = ec_json_at(bins, k);
			double e = num(b, "expected"), a = num(b, "actual");
			e = isnan(e) ? 0 : e;
			a = isnan(a) ? 0 : a;
			fprintf(
			    f,
			    "<rect x=\"%zu\" y=\"%.1f\" width=\"6\" height=\"%.1f\" "
			    "class=\"bar light\"><title>bin %zu expected %.3f</title></rect>"
			    "<rect x=\"%zu\" y=\"%.1f\" width=\"6\" height=\"%.1f\" class=\"bar\">"
			    "<title>bin %zu actual %.3f</title></rect>",
			    k * 16, 38 - 36 * e, 36 * e, k + 1, e, k * 16 + 7, 38 - 36 * a, 36 * a,
			    k + 1, a);
		}
		fputs("</svg></td></tr>\n", f);
	}
	fputs("</table></section>\n", f);
}

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}"
    "h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #ddd}"
    "h3{font-size:14px}table{border-collapse:collapse;margin:8px 0}"
    "th,td{padding:3px 8px;border:1px solid #ddd;text-align:right}"
    "th{background:#f6f6f6}table.kv th{text-align:left}table.kv td{text-align:left}"
    "td.best,tr.best td{font-weight:bold}tr.warn td{background:#fde2e0}"
    "th.group{text-align:left;background:#eee}.mono{font-family:monospace}"
    ".note{color:#666;font-size:12px}svg{margin:4px 16px 4px 0;vertical-align:top}"
    ".grid{stroke:#e5e5e5}.tick{font-size:10px;fill:#555}.label{font-size:11px;fill:#333}"
    ".diag{stroke:#999;stroke-dasharray:4 3}.curve{fill:none;stroke:#2f6fb3;stroke-width:2}"
    ".dot{fill:#e07b28}.bar{fill:#2f6fb3}.light{fill:#a9c4e4}";

int ec_model_report_html(FILE *f, const struct ec_json *report, struct ec_err *err)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<title>Model report: ",
	      f);
	esc(f, str(report, "model"));
	fprintf(f, "</title><style>%s</style></head><body>\n<h1>Model report: ", css);
	esc(f, str(report, "model"));
	fputs("</h1>\n", f);
	summary(f, report);
	metrics(f, report);
	curves(f, report);
	calibration(f, report);
	gains(f, report);
	confusion(f, report);
	importance(f, report);
	candidates(f, report);
	lineage(f, report);
	trials(f, report);
	drift(f, report);
	fputs("</body></html>\n", f);
	if (ferror(f))
		return ec_fail(err, EC_EIO, "model report: cannot write the page");
	return 0;
}
