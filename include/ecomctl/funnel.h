/*
 * funnel.h -- funnel step matching and counting (session -> funnel -> report):
 * how many units (sessions, or users across their sessions) reach each step
 * of a sequence of event types, where they drop off, how long the ones who
 * go on take, broken down by attributes of the event that matched the first
 * step; plus the most cart-abandoned products. funnel.c (matching) and
 * funnel_tally.c (counting) do no I/O; funnel_report.c writes the results as
 * CSV and JSON, funnel_html.c as one self-contained HTML page.
 *
 * Matching (the README's "Funnel" section is the user-facing version):
 *   - A unit's events are taken in time order in groups of one second. The
 *     order of events within a second is unknown (event_time has 1-second
 *     resolution), so any order is allowed: a step may match an event of the
 *     same second as the previous step even if the file has it earlier.
 *   - ordered: steps in order, other events allowed between; strict: the
 *     matched events are consecutive in some order of the same-second events
 *     (no other event of the unit between them); any: the events of steps
 *     1..k are all present, in any order (a unit reaches step k when its
 *     events hold the multiset of the types of steps 1..k).
 *   - window: every matched event at most `window` seconds after the first
 *     one (the step-1 event; in `any` order, the earliest matched event).
 *   - same_product: all matched events have one product.
 *   - Each matched event is used for one step only.
 *   - A unit reaches step k when some sequence matches steps 1..k. Its
 *     reported sequence is, among the sequences reaching its deepest step,
 *     the one with the earliest first event, each later step matched by the
 *     earliest event allowed (ties of the same second: input order). Step
 *     times, breakdown values and the trend day come from that sequence.
 *   - A step's time is the time at which steps 1..k were first all matched;
 *     "time from the previous step" is time(k) - time(k - 1), in seconds.
 *     Median and p90 are nearest-rank: the values at ranks ceil(n/2) and
 *     ceil(0.9 n) of the n units reaching the step, in ascending order.
 *
 * Units: a session as the sessionizer emits it, or a user: all of a user's
 * events in the run, across sessions, in time order. User units take no
 * sessions: the sessionizer runs in event mode (opts.events_only) and hands
 * out each event once no earlier one can come (its watermark has passed
 * it), in time order; each event folds at once into its user's small
 * progress state (the partial sequences that can still grow), so memory
 * grows with users (and with the events of the last --lateness), not with
 * rows.
 *
 * Abandoned products: a unit abandons a product when it has a cart event of
 * that product and no purchase of it (at any time in the unit).
 *
 * Ownership: the funnel copies its options; strings of results (values,
 * brands, category codes) are borrowed until ec_funnel_free().
 */
#ifndef ECOMCTL_FUNNEL_H
#define ECOMCTL_FUNNEL_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/common.h"

struct ec_session;
struct ec_session_opts;
struct ec_sev;
struct ec_sessionizer;
struct ec_outfile;
struct ec_json;
struct ec_tz;

#define EC_FUNNEL_MAX_STEPS 16
#define EC_FUNNEL_MAX_EXCLUDE 8

enum ec_funnel_unit { EC_FUNNEL_UNIT_SESSION = 0, EC_FUNNEL_UNIT_USER = 1 };
enum ec_funnel_order { EC_FUNNEL_ORDERED = 0, EC_FUNNEL_STRICT = 1, EC_FUNNEL_ANY = 2 };

/* Breakdown dimensions, read from the event that matched step 1 (or the
 * step opts.attr_step says, see ec_funnel_parse_attribution()), declared once: the enum, the names
 * (options, CSV, JSON) and the titles (the HTML report) come from this list. What each value is:
 * category: the category key, ec_category_key() at category_level; top:
 * the first segment of category_code, or id:<category_id>; brand ("" when
 * empty); price: the band, ec_funnel_price_band(); hour ("00".."23"),
 * weekday ("Mon".."Sun") and day ("YYYY-MM-DD"), in opts.tz (UTC by
 * default; the titles say "(UTC)", the reports put the zone instead). */
/* clang-format off */
#define EC_FUNNEL_DIMS(X)                                              \
	X(EC_FUNNEL_BY_CATEGORY, "category", "category")               \
	X(EC_FUNNEL_BY_TOP, "top", "top-level category")               \
	X(EC_FUNNEL_BY_BRAND, "brand", "brand")                        \
	X(EC_FUNNEL_BY_PRICE, "price", "price band")                   \
	X(EC_FUNNEL_BY_HOUR, "hour", "hour of the first step (UTC)")   \
	X(EC_FUNNEL_BY_WEEKDAY, "weekday", "weekday of the first step (UTC)") \
	X(EC_FUNNEL_BY_DAY, "day", "day of the first step (UTC)")
/* clang-format on */
#define EC_FUNNEL_DIM_ENUM(id, name, title) id,
enum ec_funnel_by { EC_FUNNEL_DIMS(EC_FUNNEL_DIM_ENUM) EC_FUNNEL_BY_N };
#undef EC_FUNNEL_DIM_ENUM

/* NULL-terminated names, as on the command line and in outputs. */
extern const char *const ec_funnel_unit_names[];
extern const char *const ec_funnel_order_names[];
extern const char *const ec_funnel_by_names[];
extern const char *const ec_funnel_by_titles[]; /* the report's headings */

/* Price bands: [lo, hi) in the export's currency; band 0 is price <= 0. */
#define EC_FUNNEL_N_PRICE_BANDS 9
extern const char *const ec_funnel_price_band_names[EC_FUNNEL_N_PRICE_BANDS];
/* "<=0", "0-10", "10-25", "25-50", "50-100", "100-250", "250-500",
 * "500-1000", "1000+": the index of the band of a price. */
int ec_funnel_price_band(double price);

/* The bins of the time-to-convert histogram, lower bounds in seconds:
 * 0, 1m, 5m, 15m, 30m, 1h, 3h, 12h, 1d, 3d, 7d (and more). */
#define EC_FUNNEL_TTC_BINS 11
extern const int64_t ec_funnel_ttc_edges[EC_FUNNEL_TTC_BINS];
/* "<1m", "1-5m", ... "7d+": the bins' labels. */
extern const char *const ec_funnel_ttc_names[EC_FUNNEL_TTC_BINS];

/* The value of the row that sums the breakdown rows past --limit. */
#define EC_FUNNEL_OTHER "(other)"
/* The value of the units that did not reach the step the breakdown is
 * attributed to (--attribution step:N). */
#define EC_FUNNEL_NONE "(none)"

struct ec_funnel_opts {
	uint8_t steps[EC_FUNNEL_MAX_STEPS]; /* enum ec_event_type */
	int n_steps;
	int unit;  /* enum ec_funnel_unit */
	int order; /* enum ec_funnel_order */
	int same_product;
	int64_t window;		/* seconds; < 0: no window */
	int by[EC_FUNNEL_BY_N]; /* enum ec_funnel_by, in the order asked, no repeats */
	int n_by;
	int category_level;  /* for EC_FUNNEL_BY_CATEGORY; <= 0: the whole code */
	int top;	     /* abandoned products to report */
	int limit;	     /* category, top, brand: rows kept (most units); the rest summed
				as EC_FUNNEL_OTHER; 0: all */
	int64_t max_session; /* the sessionizer's max_session (user units) */
	/* the step whose event gives a unit's breakdown values (category, top,
	 * brand, price, hour, weekday; the trend and day stay on step 1):
	 * 1..n_steps, or 0 for the last step the unit reached; default 1 */
	int attr_step;
	struct ec_tz *tz; /* hours, weekdays, days in this zone; NULL: UTC (borrowed) */
	/* --exclude TYPE[:A-B]: a sequence with an event of type between its
	 * steps A and B (1-based) is discarded, see ec_funnel_parse_exclude() */
	struct {
		uint8_t type, from, to;
	} exclude[EC_FUNNEL_MAX_EXCLUDE];
	int n_exclude;
};

/* Defaults: view,cart,purchase; session; ordered; no window; no breakdown;
 * category level 2; top 20; max_session 86400. */
void ec_funnel_opts_init(struct ec_funnel_opts *o);

/* Parses "view,cart,purchase" (event type names, repeats allowed, 1 to
 * EC_FUNNEL_MAX_STEPS of them) into o->steps. EC_EUSAGE on a bad list. */
int ec_funnel_parse_steps(struct ec_funnel_opts *o, const char *list, struct ec_err *err);

/* Adds the dimensions of "top,brand" (names of ec_funnel_by_names) to o->by;
 * repeats are ignored. EC_EUSAGE on an unknown name. */
int ec_funnel_parse_by(struct ec_funnel_opts *o, const char *list, struct ec_err *err);

/* Adds an exclusion, "TYPE" (between step 1 and the last step) or
 * "TYPE:A-B" (between steps A and B, 1 <= A < B <= n_steps), as PostHog's
 * exclusion steps: a unit's sequence in which an event of TYPE comes after
 * the second of its step-A event and before that of its step-B event (or,
 * for a sequence that never reaches B, anywhere after step A, within the
 * window) is discarded; the unit counts by its best remaining sequence, and
 * a unit left with none is counted nowhere but in excluded_units. Events in
 * the same second as step A or B do not exclude (their order is unknown).
 * Call after the steps are set. EC_EUSAGE on a bad spec, a TYPE that is
 * one of the steps A+1..B, or more than EC_FUNNEL_MAX_EXCLUDE. */
int ec_funnel_parse_exclude(struct ec_funnel_opts *o, const char *spec, struct ec_err *err);

/* Parses --attribution: "first" (step 1, the default), "last" (the last
 * step each unit reached: where it dropped off, for the units that did)
 * or "step:N" (step N's event; units that did not reach it are counted in
 * the row EC_FUNNEL_NONE), as PostHog's breakdown attribution. Call after
 * the steps are set. EC_EUSAGE on a bad spec or N out of 1..n_steps. */
int ec_funnel_parse_attribution(struct ec_funnel_opts *o, const char *spec, struct ec_err *err);
/* "first", "last" or "step:N", for the reports; buf holds 16 bytes. */
const char *ec_funnel_attribution_name(const struct ec_funnel_opts *o, char buf[16]);

struct ec_funnel;

/* *out is new; free with ec_funnel_free(). EC_EUSAGE for bad options. */
int ec_funnel_new(struct ec_funnel **out, const struct ec_funnel_opts *o, struct ec_err *err);

/* The sessionizer options the funnel needs: event mode for user units. */
void ec_funnel_session_opts(const struct ec_funnel_opts *o, struct ec_session_opts *so);

/* Session units: counts one session. s is borrowed for the call; z is
 * borrowed until ec_funnel_free() (its interned brands and category codes
 * are read). */
void ec_funnel_add_session(struct ec_funnel *f, const struct ec_session *s,
			   const struct ec_sessionizer *z);

/* Everything z has (made with ec_funnel_session_opts()), into the funnel:
 * sessions or events by the unit. 0, or the input's error. */
int ec_funnel_feed(struct ec_funnel *f, struct ec_sessionizer *z, struct ec_err *err);

/* After the last session: closes the user units and builds the results. */
void ec_funnel_finish(struct ec_funnel *f);

/* One row of a funnel table: a breakdown value (or the whole funnel). */
struct ec_funnel_row {
	const char *value; /* the breakdown value; "" for the whole funnel */
	uint64_t *units;   /* [n_steps] units reaching each step */
	int64_t *median_s; /* [n_steps] median seconds from the previous step; -1: none */
	int64_t *p90_s;	   /* [n_steps] p90 seconds from the previous step; -1: none */
	/* category and top rows of a category without a code (value
	 * "id:<category_id>"): what it holds, "brands: a, b, c" (the three
	 * brands most seen at step 1 in it); NULL otherwise */
	char *label;
};

struct ec_funnel_table {
	int by; /* enum ec_funnel_by */
	struct ec_funnel_row *rows;
	size_t n;
};

struct ec_funnel_product {
	uint64_t product_id;
	uint64_t category_id;
	const char *category_code; /* "" when empty */
	const char *brand;	   /* "" when empty */
	double price;		   /* of its last cart event */
	uint64_t carted;	   /* units with a cart event of it */
	uint64_t abandoned;	   /* of those, units with no purchase of it */
};

struct ec_funnel_result {
	const struct ec_funnel_opts *opts;
	uint64_t units;	     /* units seen (with at least one event) */
	uint64_t events;     /* events seen */
	int64_t first, last; /* range of event times seen; INT64_MAX, INT64_MIN when none */
	struct ec_funnel_row total;
	/* One table per dimension of opts->by, in that order. Rows sorted by
	 * value for hour, weekday, day and price (in their natural order), else
	 * by units at step 1 (most first), then value. */
	struct ec_funnel_table *by;
	int n_by;
	struct ec_funnel_table trend; /* by the day of step 1, in day order */
	/* The opts->top products most abandoned (most units first, then id). */
	struct ec_funnel_product *abandoned;
	size_t n_abandoned;
	uint64_t abandoning_units; /* units that abandoned at least one product */
	uint64_t carting_units;	   /* units with at least one cart event */
	/* Time to convert: units reaching the last step (of 2 or more), by the
	 * seconds from their step-1 event to their last step's, in the bins
	 * [ec_funnel_ttc_edges[i], ec_funnel_ttc_edges[i + 1]), the last one
	 * open-ended. */
	uint64_t ttc[EC_FUNNEL_TTC_BINS];
	/* --baseline: the same funnel on an earlier period; NULL without one.
	 * Set by ec_funnel_set_baseline(), read by the reports. */
	const struct ec_funnel_baseline *baseline;
	/* --exclude: units whose every sequence was discarded */
	uint64_t excluded_units;
};

/* Partitions (`funnel --partition K/N`, then `funnel merge`): after
 * ec_funnel_finish(), everything the results are built from (units and the
 * exact seconds between steps per row, the breakdowns' brand counts, the
 * time-to-convert bins, every carted product) with names, not ids. New;
 * free with ec_json_free(). */
struct ec_json *ec_funnel_part_json(const struct ec_funnel *f);
/* Adds such a part to f, a funnel made with the parts' options that has
 * seen no session; z is a sessionizer that has read nothing, where the
 * parts' brands and codes are interned (borrowed until ec_funnel_free()).
 * Then ec_funnel_finish() builds the results of all parts together: those
 * of the run over all users. EC_EDATA on a part that does not fit. */
int ec_funnel_merge_add(struct ec_funnel *f, struct ec_sessionizer *z, const struct ec_json *part,
			struct ec_err *err);

/* The results, after ec_funnel_finish(); borrowed until ec_funnel_free(). */
const struct ec_funnel_result *ec_funnel_result(const struct ec_funnel *f);

/* ---- comparison with a baseline period (funnel_compare.c) ---------------- */

/* The baseline: the result of the same funnel (same options) on another
 * period, indexed for lookups. base is borrowed for the baseline's life. */
struct ec_funnel_baseline;
struct ec_funnel_baseline *ec_funnel_baseline_new(const struct ec_funnel_result *base);
void ec_funnel_baseline_free(struct ec_funnel_baseline *b);
const struct ec_funnel_result *ec_funnel_baseline_result(const struct ec_funnel_baseline *b);
/* Attaches b (borrowed) to f's result: every report then compares. */
void ec_funnel_set_baseline(struct ec_funnel *f, const struct ec_funnel_baseline *b);

/* Two-sided p-value of the pooled two-proportion z-test of x1/n1 against
 * x2/n2; NaN when a base is 0; 1 when both proportions are 0 or both 1. */
double ec_funnel_z_test(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2);

/* Step k of row (of table: 0 the whole funnel, 1 + i breakdown i) against
 * the baseline's row with the same value. have: such a row exists; the
 * baseline's units and conversions; d_*: this period's conversion minus the
 * baseline's; p_*: the z-test's p-value. NaN where undefined (no row, a
 * zero base, k == 0 for *_prev). */
struct ec_funnel_compare {
	int have;
	uint64_t units;
	double from_first, from_prev, d_first, d_prev, p_first, p_prev;
};
void ec_funnel_compare(const struct ec_funnel_baseline *b, int table,
		       const struct ec_funnel_row *row, int k, struct ec_funnel_compare *out);

void ec_funnel_free(struct ec_funnel *f);

/* ---- reports (funnel_report.c, funnel_html.c) ---------------------------- */

/* The conversion and drop-off of step k (0-based) of a row, as written in
 * every report: from_first = units[k] / units[0], from_prev = units[k] /
 * units[k-1], drop = units[k-1] - units[k], drop_rate = drop / units[k-1].
 * Rates whose base is 0 are NaN; for k == 0, from_prev, drop and drop_rate
 * are NaN / 0 (there is no previous step). */
/* A step's rates; *_lo and *_hi bound the conversion by Wilson's 95% score
 * interval (NaN without units at the base). small: fewer than
 * EC_FUNNEL_SMALL units at step 1. */
#define EC_FUNNEL_SMALL 30
struct ec_funnel_rates {
	double from_first, from_prev, drop_rate;
	double first_lo, first_hi, prev_lo, prev_hi;
	uint64_t drop;
	int small;
};
/* Whether a trend day ("YYYY-MM-DD", local to opts.tz) is only partly
 * covered by the input: the first event is after its start or the last
 * before its end (a local day is 23 or 25 hours long when clocks change). */
struct ec_funnel_result;
int ec_funnel_day_partial(const struct ec_funnel_result *r, const char *day);
/* Wilson's 95% score interval of x successes in n trials: [*lo, *hi];
 * NaN for n = 0. */
void ec_funnel_wilson(uint64_t x, uint64_t n, double *lo, double *hi);
void ec_funnel_rates(const struct ec_funnel_row *row, int k, struct ec_funnel_rates *out);

/* The rows of funnel.csv (schema "funnel", schema.c): for the whole
 * funnel (by "all", value "") and each row of each breakdown table, one row
 * per step; null where undefined (step 1's previous-step columns, a zero
 * base, no times). */
struct ec_sink;
void ec_funnel_write_csv(const struct ec_funnel_result *r, struct ec_sink *rows);

/* Adds "exclusions": [{event_type, from_step, to_step}] to j. */
void ec_funnel_exclusions_json(const struct ec_funnel_opts *o, struct ec_json *j);

/* The whole result as a JSON tree; new, free with ec_json_free(). */
struct ec_json *ec_funnel_json(const struct ec_funnel_result *r);

/* Writes funnel.html: one self-contained page (inline CSS and SVG, no
 * scripts, no external files; every string from the data escaped). `inputs`
 * names the input files (n of them), shown in the page. */
void ec_funnel_write_html(const struct ec_funnel_result *r, struct ec_outfile *f,
			  char *const *inputs, int n);

/* Writes s with &, <, >, " and ' as character references. */
void ec_funnel_html_escape(struct ec_outfile *f, const char *s);

#endif
