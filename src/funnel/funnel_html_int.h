/* What funnel_html.c and funnel_chart.c share: the series colours, the
 * number format, and the trend chart. Internal to src/funnel. */
#ifndef ECOMCTL_FUNNEL_HTML_INT_H
#define ECOMCTL_FUNNEL_HTML_INT_H

#include <stdint.h>

struct ec_outfile;
struct ec_funnel_result;

#define FN_HTML_N_COLORS 8
/* A colour per step, cycling. */
extern const char *const fn_html_colors[FN_HTML_N_COLORS];

/* v with thousands separators ("12,345") in buf (32 bytes); returns buf. */
const char *fn_html_thousands(uint64_t v, char *buf);

/* The daily trend as one SVG panel per step, each on its own scale with
 * round ticks (rate: steps 2.. as % of step 1); tooltips on every point,
 * partial days hollow. */
void fn_trend_chart(struct ec_outfile *f, const struct ec_funnel_result *r, int rate);

#endif
