/* The model report page's helpers: escaping, values from the report, and
 * the SVG plot frame. See report_html_int.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/json.h"
#include "ecomctl/utf8.h"
#include "report_html_int.h"

void rh_esc(FILE *f, const char *text)
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

double rh_num(const struct ec_json *o, const char *key)
{
	return ec_json_num(ec_json_get(o, key), NAN);
}

const char *rh_str(const struct ec_json *o, const char *key)
{
	return ec_json_str(ec_json_get(o, key), "");
}

/* A number as text, "–" when missing. */
void rh_put_num(FILE *f, double v, const char *fmt)
{
	if (isnan(v))
		fputs("&#8211;", f);
	else
		fprintf(f, fmt, v);
}

/* A string as text, "not available" when empty or missing. */
void rh_put_str(FILE *f, const char *s)
{
	if (*s)
		rh_esc(f, s);
	else
		fputs("not available", f);
}

/* A JSON value of any type, briefly (lineage and trial parameters). */
void rh_put_value(FILE *f, const struct ec_json *v)
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
		rh_esc(f, ec_json_str(v, ""));
		break;
	case EC_JSON_BOOL:
		fputs(ec_json_bool(v, 0) ? "true" : "false", f);
		break;
	case EC_JSON_NULL:
		fputs("&#8211;", f);
		break;
	default: {
		char *t = ec_json_print(v, 0);
		rh_esc(f, t);
		free(t);
	}
	}
}

/* The smallest of 1, 2, 2.5, 5 x 10^k at or above v (an axis' end). */
double rh_nice_ceil(double v)
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

double rh_px(const struct plot *p, double x)
{
	return ML + W * (x / p->x1);
}

double rh_py(const struct plot *p, double y)
{
	return MT + H - H * (y / p->y1);
}

/* The frame: axes with five round ticks each, labels. */
void rh_plot_open(FILE *f, const struct plot *p, const char *title)
{
	fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">",
		ML + W + MR, MT + H + MB, ML + W + MR, MT + H + MB);
	fputs("<title>", f);
	rh_esc(f, title);
	fputs("</title>", f);
	for (int i = 0; i <= 5; i++) {
		double tx = p->x1 * i / 5, ty = p->y1 * i / 5;
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>"
			"<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%g</text>",
			rh_px(p, tx), MT, rh_px(p, tx), MT + H, rh_px(p, tx), MT + H + 14, tx);
		fprintf(f,
			"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
			"<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%g</text>",
			ML, rh_py(p, ty), ML + W, rh_py(p, ty), ML - 4, rh_py(p, ty) + 4, ty);
	}
	fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"middle\">", ML + W / 2,
		MT + H + 32);
	rh_esc(f, p->xlabel);
	fprintf(f,
		"</text><text x=\"12\" y=\"%d\" class=\"label\" text-anchor=\"middle\" "
		"transform=\"rotate(-90 12 %d)\">",
		MT + H / 2, MT + H / 2);
	rh_esc(f, p->ylabel);
	fputs("</text>", f);
}

void rh_plot_line(FILE *f, const struct plot *p, double xa, double ya, double xb, double yb,
		  const char *cls)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"%s\"/>",
		rh_px(p, xa), rh_py(p, ya), rh_px(p, xb), rh_py(p, yb), cls);
}

/* A curve through the array's points (keys kx, ky), in order. */
void rh_plot_curve(FILE *f, const struct plot *p, const struct ec_json *pts, const char *kx,
		   const char *ky, const char *title)
{
	fputs("<polyline class=\"curve\" points=\"", f);
	for (size_t i = 0; i < ec_json_size(pts); i++) {
		double x = rh_num(ec_json_at(pts, i), kx), y = rh_num(ec_json_at(pts, i), ky);
		if (!isnan(x) && !isnan(y))
			fprintf(f, "%.1f,%.1f ", rh_px(p, x), rh_py(p, y));
	}
	fputs("\"><title>", f);
	rh_esc(f, title);
	fputs("</title></polyline>", f);
}

void rh_section(FILE *f, const char *id, const char *title)
{
	fprintf(f, "<section id=\"%s\"><h2>", id);
	rh_esc(f, title);
	fputs("</h2>\n", f);
}
