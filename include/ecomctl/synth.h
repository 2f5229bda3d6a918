/*
 * synth.h -- the deterministic synthetic clickstream generator: it writes
 * CSV in the exact schema and formatting of the REES46 exports (DESIGN §1),
 * the data the tests, the benchmarks and `ecomctl synth` feed to the reader.
 * It sits outside the pipeline, in front of it: generator -> file -> reader.
 *
 * Model, in short: a catalog of categories (codes from a tree of top-level
 * categories), brands and products with Zipf-like popularity and stable
 * prices; a pool of users with skewed activity and a latent purchase
 * propensity; sessions that arrive over the time span with hour-of-day and
 * day-of-week seasonality, and walk through views, re-views, carts, removes
 * and purchases, the purchase depending (noisily) on the session's behaviour,
 * the price, the category and the user's latent propensity and past
 * purchases. Every cart follows a view of the same product in the session,
 * every purchase a cart of it, every remove_from_cart a cart of it.
 * Open sessions sit in a min-heap keyed by the time of their next event, so
 * rows come out in non-decreasing event_time order and memory grows with the
 * open sessions and the user pool, never with the rows.
 *
 * Formatting follows each store's export: prices with two decimals in the
 * multicat profile ("33.20"), without trailing zeros in the cosmetics one
 * ("0.6", "2.0"), as the real files have them. Without dirt no row is written
 * twice: an event that would repeat a row of its session in the same second
 * is put off by a second.
 *
 * Determinism: equal options give byte-identical output (on the same build;
 * the model uses libm's exp/log/pow). All randomness comes from the seed.
 *
 * Ownership: options and stats are the caller's storage; the outfile stays
 * the caller's (written to, never committed or freed here).
 */
#ifndef ECOMCTL_SYNTH_H
#define ECOMCTL_SYNTH_H

#include <stdint.h>

#include "ecomctl/common.h"
#include "ecomctl/event.h"

struct ec_outfile;

enum ec_synth_profile {
	EC_SYNTH_MULTICAT = 0,	/* multi-category store: no remove_from_cart, ~32% empty codes */
	EC_SYNTH_COSMETICS = 1, /* cosmetics shop: carts and removes, ~98% empty codes */
	EC_SYNTH_N_PROFILES
};

struct ec_synth_opts {
	uint64_t rows;		       /* data rows to write, exactly (header excluded) */
	int days;		       /* time span in days, 1..36600 (default 30) */
	int64_t start;		       /* first second, epoch UTC (default 2019-10-01 00:00:00) */
	uint64_t users;		       /* users in the pool; 0 = derived from rows, so that about
					* rows/14 distinct users appear */
	enum ec_synth_profile profile; /* default EC_SYNTH_MULTICAT */
	uint64_t seed;		       /* default 1 */
	int dirty;		       /* add dirt; see below (default 0) */
};

/* Fills o with the defaults above. */
void ec_synth_opts_init(struct ec_synth_opts *o);

/* "multicat" or "cosmetics" to the enum: 0, or -1 for another name. */
int ec_synth_profile_parse(const char *s, enum ec_synth_profile *out);
/* The name of a profile ("multicat", "cosmetics"); static storage. */
const char *ec_synth_profile_name(enum ec_synth_profile p);

/*
 * What was written. rows = sum of by_type + dirty_malformed: by_type counts
 * every well-formed row by its event type, duplicates included. sessions and
 * users count those with at least one row written; purchases_sessions the
 * sessions with at least one purchase row.
 *
 * Dirt (opts.dirty), drawn from a random stream of its own:
 * - dirty_duplicates: ~5% extra rows, exact copies of a row, written right
 *   after it (most) or up to 4 rows later;
 * - dirty_empty_session: ~0.02% of rows with an empty user_session;
 * - dirty_malformed: ~0.1% extra rows that ec_event_from_fields (or the CSV
 *   splitter) rejects: impossible dates (2019-02-30), hour 24, no " UTC",
 *   unknown event types, letters in ids or the price, an id past 64 bits,
 *   a missing or extra field, an empty price, a misplaced quote, a cut row.
 *   Quotes in them always come in pairs, so no row swallows the next lines;
 * - dirty_odd_valid: ~0.05% of rows that are unusual but valid: an id written
 *   like 5802432.0, a category_id like 2.0530135523267709e+18 (which parses to
 *   a nearby, different id, as in the real exports), a needlessly quoted
 *   field, or a negative price.
 * Duplicates and malformed rows count toward rows.
 */
struct ec_synth_stats {
	uint64_t rows;
	uint64_t by_type[EC_EV_N];
	uint64_t sessions;
	uint64_t users;
	uint64_t purchases_sessions;
	uint64_t dirty_duplicates;
	uint64_t dirty_empty_session;
	uint64_t dirty_malformed;
	uint64_t dirty_odd_valid;
	int64_t time_min, time_max; /* event_time of the first and the last row */
};

/*
 * Writes the header and exactly o->rows rows to out (already open). Sessions
 * still open when the row count is reached are cut there, as at the end of a
 * monthly export. st (may be NULL) is filled in. Returns 0, or EC_EUSAGE for
 * options out of range (nothing written then). Write errors are remembered by
 * the outfile and reported by ec_outfile_commit().
 */
int ec_synth_write(const struct ec_synth_opts *o, struct ec_outfile *out, struct ec_synth_stats *st,
		   struct ec_err *err);

#endif
