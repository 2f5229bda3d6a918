/*
 * report_html_int.h -- what the model report page (report_html.c) takes
 * from its helpers (report_html_util.c); not a public header. Every string
 * from the report goes through rh_esc().
 */
#ifndef ECOMCTL_OUTPUT_REPORT_HTML_INT_H
#define ECOMCTL_OUTPUT_REPORT_HTML_INT_H

#include <stdio.h>

struct ec_json;

#define W 360 /* plot size in pixels, inside the margins */
#define H 240
#define ML 48 /* margins: left, bottom, top, right */
#define MB 36
#define MT 12
#define MR 16

/* A plot's axes: ends (from 0) and labels. */
struct plot {
	double x1, y1; /* axis ends (from 0) */
	const char *xlabel, *ylabel;
};

/* text, HTML-escaped (and made valid UTF-8) */
void rh_esc(FILE *f, const char *text);
/* o's member key as a number (NAN when absent or not a number), a string ("" when absent) */
double rh_num(const struct ec_json *o, const char *key);
const char *rh_str(const struct ec_json *o, const char *key);
/* a number with fmt, or a dash for NAN; a string escaped, or a dash for ""; any value */
void rh_put_num(FILE *f, double v, const char *fmt);
void rh_put_str(FILE *f, const char *s);
void rh_put_value(FILE *f, const struct ec_json *v);
/* The smallest of 1, 2, 2.5, 5 x 10^k at or above v (an axis' end). */
double rh_nice_ceil(double v);
/* plot coordinates to SVG pixels */
double rh_px(const struct plot *p, double x);
double rh_py(const struct plot *p, double y);
/* The frame: axes with five round ticks each, labels. */
void rh_plot_open(FILE *f, const struct plot *p, const char *title);
void rh_plot_line(FILE *f, const struct plot *p, double xa, double ya, double xb, double yb,
		  const char *cls);
/* A curve through the array's points (keys kx, ky), in order. */
void rh_plot_curve(FILE *f, const struct plot *p, const struct ec_json *pts, const char *kx,
		   const char *ky, const char *title);
/* <section id=..><h2>title</h2> */
void rh_section(FILE *f, const char *id, const char *title);

#endif
