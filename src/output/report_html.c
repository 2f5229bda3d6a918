/* The model report for people: one self-contained HTML page (inline CSS and
 * SVG, no scripts, no external files) drawn from model-report.json. Every
 * string from the document goes through rh_esc(). See report.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/json.h"
#include "ecomctl/report.h"
#include "ecomctl/utf8.h"
#include "report_html_int.h"

#define TOP_FEATURES 20

static void summary(FILE *f, const struct ec_json *r)
{
	const struct ec_json *on = ec_json_get(r, "evaluated_on");
	rh_section(f, "summary", "Summary");
	fputs("<table class=\"kv\"><tr><th>model</th><td>", f);
	rh_esc(f, rh_str(r, "model"));
	if (*rh_str(r, "aliases")) {
		fputs(" (", f);
		rh_esc(f, rh_str(r, "aliases"));
		fputs(")", f);
	}
	fputs("</td></tr><tr><th>task</th><td>", f);
	rh_esc(f, rh_str(r, "task"));
	fputs("</td></tr><tr><th>created</th><td>", f);
	rh_put_str(f, rh_str(r, "created_at"));
	fputs("</td></tr><tr><th>evaluated on</th><td>", f);
	if (strcmp(rh_str(on, "kind"), "files") == 0) {
		const struct ec_json *fl = ec_json_get(on, "files");
		if (ec_json_size(fl) == 0)
			fputs("files (not named)", f);
		for (size_t i = 0; i < ec_json_size(fl); i++) {
			fputs(i ? ", " : "", f);
			rh_esc(f, ec_json_str(ec_json_at(fl, i), ""));
		}
	} else if (on) {
		fputs("its validation sessions", f);
	} else {
		fputs("not available", f);
	}
	if (on) {
		fputs(", ", f);
		rh_put_num(f, rh_num(on, "sessions"), "%.0f");
		fputs(" sessions", f);
		if (*rh_str(on, "from")) {
			fputs(" from ", f);
			rh_esc(f, rh_str(on, "from"));
		}
	}
	fputs("</td></tr></table></section>\n", f);
}

/* The model beside every baseline, one row per metric; the best of each
 * row in bold (lowest for losses). */
static void metrics(FILE *f, const struct ec_json *r)
{
	const struct ec_json *m = ec_json_get(r, "metrics"), *b = ec_json_get(r, "baselines");
	rh_section(f, "metrics", "Metrics against the baselines");
	if (!m) {
		fputs("<p>Not available.</p></section>\n", f);
		return;
	}
	fputs("<table><tr><th>metric</th><th>model</th>", f);
	for (size_t j = 0; j < ec_json_size(b); j++) {
		fputs("<th>", f);
		rh_esc(f, ec_json_key(ec_json_at(b, j)));
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
			double x = rh_num(ec_json_at(b, j), k);
			in_baselines |= ec_json_get(ec_json_at(b, j), k) != NULL;
			if (!isnan(x) && (isnan(best) || (lower ? x < best : x > best)))
				best = x;
		}
		if (ec_json_type(v) != EC_JSON_NUMBER && ec_json_type(v) != EC_JSON_NULL)
			continue;
		fputs("<tr><th>", f);
		rh_esc(f, k);
		fputs("</th>", f);
		double x = ec_json_num(v, NAN);
		fputs(ranked && in_baselines && x == best ? "<td class=\"best\">" : "<td>", f);
		rh_put_num(f, x, x == floor(x) && !in_baselines ? "%.0f" : "%.4f");
		fputs("</td>", f);
		for (size_t j = 0; j < ec_json_size(b); j++) {
			double y = rh_num(ec_json_at(b, j), k);
			fputs(ranked && in_baselines && y == best ? "<td class=\"best\">" : "<td>",
			      f);
			if (in_baselines)
				rh_put_num(f, y, "%.4f");
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
	if (strcmp(rh_str(r, "task"), "intent") != 0)
		return;
	rh_section(f, "curves", "ROC and precision-recall curves");
	if (!c) {
		fputs("<p>Not available.</p></section>\n", f);
		return;
	}
	struct plot roc = {1, 1, "false positive rate", "true positive rate"};
	rh_plot_open(f, &roc, "ROC curve");
	rh_plot_line(f, &roc, 0, 0, 1, 1, "diag");
	rh_plot_curve(f, &roc, ec_json_get(c, "roc"), "fpr", "tpr", "ROC curve of the model");
	fputs("</svg>\n", f);
	struct plot pr = {1, 1, "recall", "precision"};
	rh_plot_open(f, &pr, "Precision-recall curve");
	double base = rh_num(ec_json_get(ec_json_get(r, "baselines"), "base_rate"), "pr_auc");
	if (!isnan(base))
		rh_plot_line(f, &pr, 0, base, 1, base, "diag");
	rh_plot_curve(f, &pr, ec_json_get(c, "pr"), "recall", "precision",
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
		rh_put_num(f, rh_num(o, "n"), "%.0f");
		fputs("</td><td>", f);
		rh_put_num(f, rh_num(o, "predicted"), "%.4f");
		fputs("</td><td>", f);
		rh_put_num(f, rh_num(o, "observed"), "%.4f");
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Observed against predicted by decile, on the diagonal's scale, and the table. */
static void calibration_plot(FILE *f, const struct ec_json *d)
{
	double top = 0;
	for (size_t i = 0; i < ec_json_size(d); i++) {
		double a = rh_num(ec_json_at(d, i), "predicted"),
		       b = rh_num(ec_json_at(d, i), "observed");
		top = fmax(top, fmax(isnan(a) ? 0 : a, isnan(b) ? 0 : b));
	}
	top = rh_nice_ceil(top);
	struct plot p = {top, top, "mean predicted (by decile)", "observed rate"};
	rh_plot_open(f, &p, "Calibration by deciles");
	rh_plot_line(f, &p, 0, 0, top, top, "diag");
	rh_plot_curve(f, &p, d, "predicted", "observed", "observed against predicted");
	for (size_t i = 0; i < ec_json_size(d); i++) {
		const struct ec_json *o = ec_json_at(d, i);
		double a = rh_num(o, "predicted"), b = rh_num(o, "observed");
		if (isnan(a) || isnan(b))
			continue;
		fprintf(f,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" class=\"dot\"><title>decile "
			"%zu: predicted %.4f, observed %.4f, ",
			rh_px(&p, a), rh_py(&p, b), i + 1, a, b);
		rh_put_num(f, rh_num(o, "n"), "%.0f");
		fputs(" sessions</title></circle>", f);
	}
	fputs("</svg>\n", f);
	deciles_table(f, d);
}

static void calibration(FILE *f, const struct ec_json *r)
{
	const struct ec_json *d = ec_json_get(r, "calibration");
	const struct ec_json *byrank = ec_json_get(r, "calibration_by_rank");
	int intent = strcmp(rh_str(r, "task"), "intent") == 0;
	rh_section(f, "calibration",
		   intent ? "Calibration of p_purchase" : "Calibration of p_category_1");
	if (ec_json_size(d) == 0)
		fputs("<p>Not available.</p>\n", f);
	else
		calibration_plot(f, d);
	for (size_t i = 0; i < ec_json_size(byrank); i++) {
		const struct ec_json *o = ec_json_at(byrank, i);
		double k = rh_num(o, "k");
		fprintf(f, "<h3>p_category_%.0f: mean ", isnan(k) ? (double)(i + 1) : k);
		rh_put_num(f, rh_num(o, "mean_p"), "%.4f");
		fputs(", observed ", f);
		rh_put_num(f, rh_num(o, "observed"), "%.4f");
		fputs(" over ", f);
		rh_put_num(f, rh_num(o, "sessions"), "%.0f");
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
	if (strcmp(rh_str(r, "task"), "intent") != 0)
		return;
	rh_section(f, "gains", "Gains: purchases found in the top sessions");
	if (ec_json_size(g) == 0) {
		fputs("<p>Not available.</p></section>\n", f);
		return;
	}
	struct plot p = {1, 1, "share of sessions, by p_purchase", "share of purchases found"};
	rh_plot_open(f, &p, "Cumulative gains");
	rh_plot_line(f, &p, 0, 0, 1, 1, "diag");
	fprintf(f, "<polyline class=\"curve\" points=\"%.1f,%.1f ", rh_px(&p, 0), rh_py(&p, 0));
	for (size_t i = 0; i < ec_json_size(g); i++) {
		double x = rh_num(ec_json_at(g, i), "top"),
		       y = rh_num(ec_json_at(g, i), "captured");
		if (!isnan(x) && !isnan(y))
			fprintf(f, "%.1f,%.1f ", rh_px(&p, x), rh_py(&p, y));
	}
	fprintf(f, "%.1f,%.1f\"><title>cumulative gains</title></polyline></svg>\n", rh_px(&p, 1),
		rh_py(&p, 1));
	fputs("<table><tr><th>top</th><th>purchases found</th><th>lift</th></tr>\n", f);
	for (size_t i = 0; i < ec_json_size(g); i++) {
		const struct ec_json *o = ec_json_at(g, i);
		fputs("<tr><td>", f);
		rh_put_num(f, 100 * rh_num(o, "top"), "%g%%");
		fputs("</td><td>", f);
		rh_put_num(f, 100 * rh_num(o, "captured"), "%.1f%%");
		fputs("</td><td>", f);
		rh_put_num(f, rh_num(o, "lift"), "%.2f");
		fputs("</td></tr>\n", f);
	}
	fputs("</table></section>\n", f);
}

static void confusion(FILE *f, const struct ec_json *r)
{
	const struct ec_json *c = ec_json_get(r, "confusion");
	if (strcmp(rh_str(r, "task"), "intent") != 0)
		return;
	rh_section(f, "confusion", "Confusion matrix at the decision threshold");
	if (!c) {
		fputs("<p>Not available.</p></section>\n", f);
		return;
	}
	double tp = rh_num(c, "tp"), fp = rh_num(c, "fp"), fn = rh_num(c, "fn"),
	       tn = rh_num(c, "tn");
	fputs("<p>Threshold ", f);
	rh_put_num(f, rh_num(c, "threshold"), "%.4f");
	fputs(" (p_purchase at or above it: predicted buyer).</p>\n", f);
	fputs("<table><tr><th></th><th>predicted buyer</th><th>predicted not</th></tr>"
	      "<tr><th>bought</th><td>",
	      f);
	rh_put_num(f, tp, "%.0f");
	fputs("</td><td>", f);
	rh_put_num(f, fn, "%.0f");
	fputs("</td></tr><tr><th>did not</th><td>", f);
	rh_put_num(f, fp, "%.0f");
	fputs("</td><td>", f);
	rh_put_num(f, tn, "%.0f");
	fputs("</td></tr></table>\n", f);
	fputs("<p>Precision ", f);
	rh_put_num(f, tp + fp > 0 ? tp / (tp + fp) : NAN, "%.4f");
	fputs(", recall ", f);
	rh_put_num(f, tp + fn > 0 ? tp / (tp + fn) : NAN, "%.4f");
	fputs(".</p></section>\n", f);
}

static void importance(FILE *f, const struct ec_json *r)
{
	const struct ec_json *imp = ec_json_get(r, "importance");
	size_t n = ec_json_size(imp) < TOP_FEATURES ? ec_json_size(imp) : TOP_FEATURES;
	rh_section(f, "importance", "Feature importance by gain");
	if (n == 0) {
		fputs("<p>Not available.</p></section>\n", f);
		return;
	}
	double top = 0;
	for (size_t i = 0; i < n; i++)
		top = fmax(top, rh_num(ec_json_at(imp, i), "gain"));
	int rowh = 18, lw = 200, bw = 300;
	fprintf(f, "<svg width=\"%d\" height=\"%zu\" role=\"img\"><title>importance</title>",
		lw + bw + 80, n * (size_t)rowh + 8);
	for (size_t i = 0; i < n; i++) {
		const struct ec_json *o = ec_json_at(imp, i);
		double g = rh_num(o, "gain"), w = top > 0 && !isnan(g) ? bw * g / top : 0;
		fprintf(f, "<text x=\"%d\" y=\"%zu\" class=\"tick\" text-anchor=\"end\">", lw - 6,
			i * (size_t)rowh + 14);
		rh_esc(f, rh_str(o, "feature"));
		fprintf(
		    f,
		    "</text><rect x=\"%d\" y=\"%zu\" width=\"%.1f\" height=\"%d\" class=\"bar\">",
		    lw, i * (size_t)rowh + 3, w, rowh - 5);
		fputs("<title>", f);
		rh_esc(f, rh_str(o, "feature"));
		fputs(": gain ", f);
		rh_put_num(f, g, "%.4g");
		fputs(" over ", f);
		rh_put_num(f, rh_num(o, "splits"), "%.0f");
		fprintf(f, " splits</title></rect><text x=\"%.1f\" y=\"%zu\" class=\"tick\">",
			lw + w + 4, i * (size_t)rowh + 14);
		rh_put_num(f, g, "%.3g");
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
	if (strcmp(rh_str(r, "task"), "category") != 0)
		return;
	rh_section(f, "candidates", "Candidate categories");
	if (isnan(rh_num(m, "candidate_recall")) && isnan(rh_num(m, "ceiling"))) {
		fputs("<p>Not available.</p></section>\n", f);
		return;
	}
	fputs("<p>Candidate recall ", f);
	rh_put_num(f, rh_num(m, "candidate_recall"), "%.4f");
	fputs(": the share of the categories sessions carted or bought that were among their "
	      "candidates (",
	      f);
	rh_put_num(f, rh_num(m, "truth_not_candidate"), "%.0f");
	fputs(" of ", f);
	rh_put_num(f, rh_num(m, "truth_keys"), "%.0f");
	fputs(" were not). Best reachable hit@k ", f);
	rh_put_num(f, rh_num(m, "ceiling"), "%.4f");
	fputs(": the share of sessions with at least one true category among the candidates, "
	      "the most any ranking of them can hit.</p></section>\n",
	      f);
}

static void kv_rows(FILE *f, const struct ec_json *o)
{
	for (size_t i = 0; i < ec_json_size(o); i++) {
		const struct ec_json *v = ec_json_at(o, i);
		fputs("<tr><th>", f);
		rh_esc(f, ec_json_key(v));
		fputs("</th><td>", f);
		rh_put_value(f, v);
		fputs("</td></tr>\n", f);
	}
}

static void lineage(FILE *f, const struct ec_json *r)
{
	const struct ec_json *l = ec_json_get(r, "lineage");
	rh_section(f, "lineage", "Lineage");
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
			rh_esc(f, rh_str(o, "path"));
			fputs("</td><td>", f);
			rh_put_num(f, rh_num(o, "size"), "%.0f");
			fputs("</td><td class=\"mono\">", f);
			rh_esc(f, rh_str(o, "sha256"));
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
			rh_esc(f, k);
			fputs("</th></tr>\n", f);
			kv_rows(f, v);
		} else {
			fputs("<tr><th>", f);
			rh_esc(f, k);
			fputs("</th><td>", f);
			rh_put_value(f, v);
			fputs("</td></tr>\n", f);
		}
	}
	fputs("</table></section>\n", f);
}

static void trials(FILE *f, const struct ec_json *r)
{
	const struct ec_json *t = ec_json_get(r, "trials");
	rh_section(f, "trials", "Grid trials");
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
			rh_esc(f, ec_json_key(v));
			fputs("=", f);
			rh_put_value(f, v);
		}
		fputs("</td><td>", f);
		rh_esc(f, rh_str(o, "metric_name"));
		fputs(" ", f);
		rh_put_num(f, rh_num(o, "metric"), "%.4f");
		fputs("</td><td>", f);
		rh_put_num(f, rh_num(o, "best_rounds"), "%.0f");
		fputs("</td><td>", f);
		rh_put_num(f, rh_num(o, "rounds_run"), "%.0f");
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
	rh_section(f, "drift", "Drift against training");
	fputs("<p>Score run ", f);
	rh_esc(f, rh_str(d, "run_id"));
	fputs(": population stability index of each distribution; above ", f);
	rh_put_num(f, rh_num(d, "warn_above"), "%.2f");
	fputs(" the population has moved.</p>\n<table><tr><th>distribution</th><th>PSI</th>"
	      "<th>sessions or rows</th><th>expected and actual share by bin</th></tr>\n",
	      f);
	for (size_t i = 0; i < ec_json_size(psi); i++) {
		const struct ec_json *o = ec_json_at(psi, i), *bins = ec_json_get(o, "bins");
		int warn = ec_json_bool(ec_json_get(o, "warn"), 0);
		fputs(warn ? "<tr class=\"warn\"><td>" : "<tr><td>", f);
		rh_esc(f, rh_str(o, "name"));
		fputs("</td><td>", f);
		rh_put_num(f, rh_num(o, "psi"), "%.3f");
		fputs("</td><td>", f);
		rh_put_num(f, rh_num(o, "n"), "%.0f");
		size_t nb = ec_json_size(bins);
		fprintf(f, "</td><td><svg width=\"%zu\" height=\"40\" role=\"img\"><title>",
			nb * 16);
		rh_esc(f, rh_str(o, "name"));
		fputs(": expected (light) and actual (dark) shares</title>", f);
		for (size_t k = 0; k < nb; k++) {
			const struct ec_json *b = ec_json_at(bins, k);
			double e = rh_num(b, "expected"), a = rh_num(b, "actual");
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
	rh_esc(f, rh_str(report, "model"));
	fprintf(f, "</title><style>%s</style></head><body>\n<h1>Model report: ", css);
	rh_esc(f, rh_str(report, "model"));
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
