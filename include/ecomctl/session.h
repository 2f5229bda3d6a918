/*
 * session.h -- the sessionizer: validated events in, closed sessions out
 * (reader -> event -> session -> features / funnel / sinks).
 *
 * A session is a maximal run of one user's events (DESIGN §2). The key is
 * the export's user_session (EC_KEY_SESSION; rows with an empty one fall back
 * to the gap rule for their user) or the user alone (EC_KEY_GAP). In both
 * modes a key's events are cut into sessions where they are idle longer than
 * `gap`, where a session would last longer than `max_session`, and, with
 * split_at_midnight, where the UTC day changes. Sessions never cross users:
 * a user_session value shared by two users makes two sessions.
 *
 * Streaming: events are kept only for open keys. The watermark W is the
 * latest event_time seen minus `lateness`; an event older than W is late
 * (counted, shown, dropped, never merged), and a session is closed once no
 * event at or after W could change it. When more than max_late_fraction of
 * the events were late, the input is not the roughly time-ordered stream
 * DESIGN §1 promises and the run fails (EC_EDATA) at its end rather than
 * report sessions built from a fraction of it. (A far-future event cannot
 * move W: the reader rejects it first, as time_out_of_range.) Within `lateness`, events are put in
 * time order (ties keep input order). Exact duplicate events of a session
 * are dropped and counted unless keep_duplicates.
 *
 * Session ids (stable across runs on the same input):
 *   - session key: the user_session value; when one value yields several
 *     sessions (split by the rules above), the later ones get "/2", "/3"...
 *     A value's part count is kept (session_int.h) until W passes its last
 *     event plus max_session; a value coming back after that starts over.
 *   - gap key, or an empty user_session: "<user_id>-<start epoch seconds>".
 *
 * Ownership: the sessionizer owns the sessions it returns; a session and its
 * events are borrowed until the next ec_sessionizer_next() call. Brand and
 * category-code strings are interned for the sessionizer's whole life.
 */
#ifndef ECOMCTL_SESSION_H
#define ECOMCTL_SESSION_H

#include <stdint.h>

#include "ecomctl/common.h"
#include "ecomctl/event.h"
#include "ecomctl/partition.h"

enum ec_session_key { EC_KEY_SESSION = 0, EC_KEY_GAP = 1 };

/* Why a session ended. */
enum ec_session_cut {
	EC_CUT_IDLE = 0,     /* idle longer than gap (or its key went quiet) */
	EC_CUT_MAX = 1,	     /* would have lasted longer than max_session */
	EC_CUT_MIDNIGHT = 2, /* the UTC day changed (split_at_midnight) */
	EC_CUT_END = 3,	     /* the input ended while it was open */
};

struct ec_session_opts {
	int key;		  /* enum ec_session_key */
	int64_t gap;		  /* seconds; default 1800 */
	int64_t max_session;	  /* seconds; default 86400 */
	int64_t lateness;	  /* seconds; default 600 */
	int split_at_midnight;	  /* default off */
	int keep_duplicates;	  /* default off */
	int show_late;		  /* late events printed as warnings (the first N) */
	double max_late_fraction; /* more late events than this share fail; default 0.01 */
	/* only the users of this partition (partition.h); their sessions are
	 * those of the run over all users: every event still moves the
	 * watermark and is checked for lateness */
	struct ec_partition part;
	/* event mode: no sessions; ec_sessionizer_next_event() hands out each
	 * event (late ones dropped, duplicates too unless keep_duplicates, as
	 * in session mode) in time order, ties in input order, as soon as the
	 * watermark has passed it */
	int events_only;
	/* ec_sessionizer_next() also returns 2, without a session, after an
	 * event that moved the watermark while no session is queued (a stream:
	 * the caller learns at once that every session still to come has
	 * closed_at >= the watermark); off by default */
	int yield_on_move;
};

void ec_session_opts_init(struct ec_session_opts *o);

/* One event of a session, compact: strings are interned ids. */
struct ec_sev {
	int64_t time;
	uint64_t product_id;
	uint64_t category_id;
	double price;
	uint32_t code;	/* category_code id: ec_sessionizer_code(); 0 is "" */
	uint32_t brand; /* brand id: ec_sessionizer_brand(); 0 is "" */
	uint8_t type;	/* enum ec_event_type */
	/* input order: the low 32 bits of the event's index among all events
	 * read (those of other partitions too), to break ties of one second
	 * between sessions the same way on every run; compare with
	 * ec_sev_ord_cmp() */
	uint32_t ord;
};

/* Input order of two events less than 2^31 events apart: <0, 0, >0. */
static inline int ec_sev_ord_cmp(const struct ec_sev *a, const struct ec_sev *b)
{
	int32_t d = (int32_t)(a->ord - b->ord);
	return (d > 0) - (d < 0);
}

struct ec_session {
	const char *id; /* NUL-terminated */
	uint64_t user_id;
	int64_t start, end; /* first and last event_time */
	int64_t closed_at;  /* event time at which it was known to be over */
	const struct ec_sev *ev;
	uint32_t n;	/* events, in time order */
	uint32_t part;	/* 1 for the first session of its key */
	uint8_t cut;	/* enum ec_session_cut */
	uint8_t by_gap; /* keyed by user and gap (gap mode or empty user_session) */
};

struct ec_session_stats {
	uint64_t events_in;  /* events given to the sessionizer */
	uint64_t events_out; /* events in emitted sessions */
	uint64_t duplicates; /* exact duplicate events dropped */
	uint64_t late;	     /* events beyond the lateness, dropped */
	uint64_t reordered;  /* events out of order within the lateness, put in order */
	uint64_t sessions;   /* sessions emitted */
	uint64_t split;	     /* sessions that are a later part of their key (part > 1) */
	uint64_t by_cut[4];  /* sessions by enum ec_session_cut */
	uint64_t open_keys_peak;
	uint64_t empty_session_rows; /* rows whose user_session was empty */
	uint64_t other_partition;    /* events of users outside opts.part, dropped */
};

/* Where the sessionizer pulls its events from: returns 1 with an event, 0 at
 * the end, or a negative error (then err is set). The event is borrowed until
 * the next call. ec_reader_next() fits (with the reader as ctx). */
typedef int (*ec_event_source)(void *ctx, struct ec_event *ev, struct ec_err *err);

struct ec_sessionizer;

/* *out is new; free with ec_sessionizer_free(). src/ctx are borrowed for the
 * sessionizer's life; `names` (may be NULL) names inputs for messages:
 * names(ctx, file_index) -> borrowed string. */
int ec_sessionizer_new(struct ec_sessionizer **out, const struct ec_session_opts *opts,
		       ec_event_source src, void *ctx,
		       const char *(*names)(void *ctx, uint32_t file), struct ec_err *err);
/* The same source lending its event instead of copying it (*ev borrowed
 * until the next call, as ec_reader_next_ref()): used instead of src. */
typedef int (*ec_event_source_ref)(void *ctx, const struct ec_event **ev, struct ec_err *err);
void ec_sessionizer_set_source_ref(struct ec_sessionizer *z, ec_event_source_ref src);

/* Asks for the memory that ev will need once it is pulled (its slot in the
 * open keys, its closed key's record): a hint for a source that sees events
 * ahead (ec_reader_set_lookahead()); changes nothing. */
void ec_sessionizer_prefetch(const struct ec_sessionizer *z, const struct ec_event *ev);

/* Returns 1 with the next closed session in *s (borrowed until the next
 * call), 0 when every session has been returned, or the source's error;
 * with opts.yield_on_move, also 2 (no session, see there). */
int ec_sessionizer_next(struct ec_sessionizer *z, struct ec_session *s, struct ec_err *err);

/* Event mode (opts.events_only): returns 1 with the next event (*e borrowed
 * until the next call) and its user, 0 at the end, or the source's error. */
int ec_sessionizer_next_event(struct ec_sessionizer *z, uint64_t *user, const struct ec_sev **e,
			      struct ec_err *err);

/* The latest event_time seen minus the lateness: every session with a
 * closed_at before it has been returned. INT64_MAX once the input ended. */
int64_t ec_sessionizer_watermark(const struct ec_sessionizer *z);

/* A look into an open session, for early predictions (`score --follow
 * --emit-on cart`): fn is called after each event the sessionizer keeps
 * (not late, not a duplicate, of its partition), once the sessions that
 * event closed are queued; e is borrowed for the call. Inside fn,
 * ec_sessionizer_open_session() gives the open session holding e as it
 * stands: the id it will be returned with, its events read so far in time
 * order (those read later are not there: it is the session the input cut
 * right after e would give). The session and its events are borrowed
 * until the next call into the sessionizer. fn NULL: none. */
typedef void (*ec_session_added_fn)(void *arg, struct ec_sessionizer *z, const struct ec_sev *e);
void ec_sessionizer_on_added(struct ec_sessionizer *z, ec_session_added_fn fn, void *arg);
void ec_sessionizer_open_session(struct ec_sessionizer *z, struct ec_session *s);

/* Interned strings, borrowed for the sessionizer's life. */
const char *ec_sessionizer_code(const struct ec_sessionizer *z, uint32_t id);
const char *ec_sessionizer_brand(const struct ec_sessionizer *z, uint32_t id);
uint32_t ec_sessionizer_n_codes(const struct ec_sessionizer *z);
/* Interns a category code or brand as the events' are (for `funnel merge`,
 * which has names but no events); returns its id. */
uint32_t ec_sessionizer_intern_code(struct ec_sessionizer *z, const char *s, size_t n);
uint32_t ec_sessionizer_intern_brand(struct ec_sessionizer *z, const char *s, size_t n);
uint32_t ec_sessionizer_n_brands(const struct ec_sessionizer *z);

const struct ec_session_stats *ec_sessionizer_stats(const struct ec_sessionizer *z);
/* The options it runs with (the featurizer needs max_session), borrowed. */
const struct ec_session_opts *ec_sessionizer_opts(const struct ec_sessionizer *z);

/* Prints the session counts (info level). */
void ec_sessionizer_report(const struct ec_sessionizer *z);

void ec_sessionizer_free(struct ec_sessionizer *z);

/* What a session adds up to: the columns of `ecomctl sessions` and the
 * MongoDB session logs. */
struct ec_session_summary {
	uint32_t events;
	uint32_t by_type[EC_EV_N];
	uint32_t products, categories, brands; /* distinct values */
	double cart_value;		       /* sum of the prices of cart events */
	double revenue;			       /* sum of the prices of purchase events */
	int64_t first_purchase; /* event_time of the first purchase, INT64_MIN if none */
	char top_category[160]; /* the category key with most events (first seen wins ties) */
};

/* Fills *out from s; category keys cut to `level` segments (ec_category_key). */
void ec_session_summarize(struct ec_session_summary *out, const struct ec_session *s,
			  const struct ec_sessionizer *z, int level);

/* The sessionizer's options, for a command's ec_opt table: the same on every
 * command that sessionizes. */
extern const char *const ec_session_key_names[];
#define EC_SESSION_OPTS(so)                                                                        \
	{"session-key",                                                                            \
	 0,                                                                                        \
	 EC_OPT_CHOICE,                                                                            \
	 &(so).key,                                                                                \
	 "KEY",                                                                                    \
	 "session: the export's user_session (default); gap: user and --gap",                      \
	 ec_session_key_names,                                                                     \
	 0},                                                                                       \
	    {"gap",                                                                                \
	     0,                                                                                    \
	     EC_OPT_DURATION,                                                                      \
	     &(so).gap,                                                                            \
	     "DUR",                                                                                \
	     "idle time that closes a session (default 30m)",                                      \
	     EC_OPT_RANGE(0, 36600 * 86400.0),                                                     \
	     0},                                                                                   \
	    {"max-session",                                                                        \
	     0,                                                                                    \
	     EC_OPT_DURATION,                                                                      \
	     &(so).max_session,                                                                    \
	     "DUR",                                                                                \
	     "longest session; longer ones are cut (default 24h)",                                 \
	     EC_OPT_RANGE(1, 36600 * 86400.0),                                                     \
	     0},                                                                                   \
	    {"lateness",                                                                           \
	     0,                                                                                    \
	     EC_OPT_DURATION,                                                                      \
	     &(so).lateness,                                                                       \
	     "DUR",                                                                                \
	     "out-of-order events within this are put in order (default 10m)",                     \
	     EC_OPT_RANGE(0, 36600 * 86400.0),                                                     \
	     0},                                                                                   \
	    {"split-at-midnight",                                                                  \
	     0,                                                                                    \
	     EC_OPT_FLAG,                                                                          \
	     &(so).split_at_midnight,                                                              \
	     NULL,                                                                                 \
	     "cut sessions at midnight UTC",                                                       \
	     NULL,                                                                                 \
	     0},                                                                                   \
	    {"keep-duplicates",                                                                    \
	     0,                                                                                    \
	     EC_OPT_FLAG,                                                                          \
	     &(so).keep_duplicates,                                                                \
	     NULL,                                                                                 \
	     "keep exact duplicate events (dropped by default)",                                   \
	     NULL,                                                                                 \
	     0},                                                                                   \
	{                                                                                          \
		"max-late-fraction", 0, EC_OPT_DOUBLE, &(so).max_late_fraction, "F",               \
		    "fail (exit 65) when more than this share of events is late (default 0.01)",   \
		    EC_OPT_RANGE(0, 1), 0                                                          \
	}

#endif
