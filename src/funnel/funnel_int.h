/*
 * funnel_int.h -- what funnel.c (matching) and funnel_tally.c (counting and
 * results) share; not a public header.
 */
#ifndef ECOMCTL_FUNNEL_INT_H
#define ECOMCTL_FUNNEL_INT_H

#include "ecomctl/event.h"
#include "ecomctl/funnel.h"
#include "ecomctl/hash.h"
#include "ecomctl/session.h"

/* The breakdown attributes of a matched event. */
struct fn_attr {
	uint64_t category_id;
	uint32_t code, brand; /* sessionizer ids */
	uint8_t band;	      /* price band */
};

/* A partial match of the steps ("chain"), with the attributes of the event
 * that matched step 1. Stored with a stride: dt[] holds n_steps entries,
 * then, when the breakdown is attributed to another step than the first,
 * n_steps struct fn_attr at attr_off (see fn_chain_attr()). */
struct fn_chain {
	int64_t start;	      /* window anchor: the first matched event's time */
	uint64_t product;     /* same_product: the product held constant */
	uint64_t category_id; /* of the step-1 event, like code, brand, band */
	uint32_t code, brand; /* sessionizer ids */
	uint32_t seq;	      /* creation order within the unit (ties) */
	uint8_t level;	      /* steps matched */
	uint8_t dead;	      /* final: cannot change any more */
	uint8_t band;	      /* price band */
	uint8_t pad;
	uint8_t cnt[EC_EV_N]; /* any order: events collected per type, capped */
	uint32_t dt[];	      /* time of step k minus start, for k < level */
};

/* User units: a product the user carted or bought. */
struct fn_upair {
	uint64_t product;
	uint8_t carted, bought;
};

/* A unit's progress: its chains, at most one of them dead (the best one);
 * for a user, also the products it carted or bought. */
struct fn_unit {
	unsigned char *buf;
	struct fn_upair *pairs;
	uint32_t n, cap;
	uint32_t n_pairs, cap_pairs;
	uint32_t next_seq;
	uint8_t done;	  /* a complete chain no other can beat: ignore the rest */
	uint8_t excluded; /* --exclude discarded one of its chains */
};

/* A row of counts: units per step, and durations from the previous step
 * (seconds -> units) per step (dur[0] unused). */
struct fn_row {
	uint64_t *units;
	struct ec_u64map *dur;
	struct ec_u64map *brands; /* id: category rows: brand id + 1 -> units; else NULL */
};

struct fn_table {
	struct fn_row *rows;
	size_t n, cap;
	struct ec_strtab names; /* category, top, brand: row i is string i */
	struct ec_u64map index; /* day: day number -> row; category, top: category
				 * id of a row without a code -> row + 1 */
	uint32_t *memo;		/* category, top: code id -> row + 1; brand: brand
				 * id -> row + 1; 0: not looked up yet */
	size_t cap_memo;
	int64_t *keys; /* day: the day number of each row */
	size_t keys_cap;
};

/* A user-unit event of the current second, and its unit. */
struct fn_uev {
	uint32_t unit;
	struct ec_sev ev;
};

struct fn_product { /* a carted product */
	uint64_t product_id, category_id;
	uint32_t code, brand;
	double price;
	int64_t price_time;
	uint64_t carted, abandoned;
};

struct ec_funnel {
	struct ec_funnel_opts o;
	const struct ec_sessionizer *z;
	size_t stride;
	size_t attr_off;		  /* of the chains' per-step attributes; 0: none kept */
	uint8_t need[EC_EV_N];		  /* occurrences of each type among the steps */
	uint8_t occ[EC_FUNNEL_MAX_STEPS]; /* occurrences of steps[k] in steps[0..k] */
	uint8_t excl[EC_EV_N];		  /* types that some --exclude names */

	struct fn_unit scratch; /* session units: one at a time */
	struct ec_u64map users; /* user units: user_id -> index in units */
	struct fn_unit *units;
	size_t n_units, cap_units;
	struct fn_uev *sec; /* the current second's step events */
	size_t n_sec, cap_sec, since_expire;
	int64_t sec_time;
	struct ec_sev *group; /* one unit's events of the second */
	size_t cap_group;

	struct fn_table total, by[EC_FUNNEL_BY_N]; /* by[EC_FUNNEL_BY_DAY]: the trend */
	char (*day_labels)[16];
	struct ec_u64map prod_index; /* product_id -> index in prods */
	struct fn_product *prods;
	size_t n_prods, cap_prods;
	uint64_t units_seen, events, carting, abandoning;
	int64_t first, last;

	struct ec_funnel_result res;
	int finished;
};

static inline struct fn_chain *fn_chain_at(const struct ec_funnel *f, const struct fn_unit *u,
					   uint32_t i)
{
	return (struct fn_chain *)(u->buf + (size_t)i * f->stride);
}

/* funnel.c: feeds one second of a unit's events (in input order) to its
 * chains; removes the dead chains but the best. */
void fn_feed_group(struct ec_funnel *f, struct fn_unit *u, const struct ec_sev *g, size_t n);
void fn_settle(struct ec_funnel *f, struct fn_unit *u);

/* funnel_user.c: user units. Every event of z (event mode) in, 0 or the
 * input's error; the events of the current second still held go in. */
int fn_feed_users(struct ec_funnel *f, struct ec_sessionizer *z, struct ec_err *err);
void fn_user_flush(struct ec_funnel *f);

/* The attributes of the event that matched step k (0-based) of c; only
 * when f->attr_off. */
static inline struct fn_attr *fn_chain_attr(const struct ec_funnel *f, const struct fn_chain *c,
					    int k)
{
	return (struct fn_attr *)((unsigned char *)c + f->attr_off) + k;
}

/* funnel_tally.c */
void fn_tally_init(struct ec_funnel *f);
void fn_tally_release(struct ec_funnel *f);
/* Row i of table t, made (empty) when new. */
struct fn_row *fn_table_row(const struct ec_funnel *f, struct fn_table *t, size_t i);
/* The row index of a day (days since 1970-01-01) in the day table t, its
 * row made when new. */
size_t fn_day_index(const struct ec_funnel *f, struct fn_table *t, int64_t day);
/* Counts a unit whose reported chain is c (c->level >= 1). */
void fn_tally_unit(struct ec_funnel *f, const struct fn_chain *c);
/* funnel_carts.c: the cart and purchase events of a session, for the
 * abandoned products; then the abandoned products of f->res (and, for user
 * units, the per-product counts from the (user, product) pairs). */
void fn_tally_carts(struct ec_funnel *f, const struct ec_session *s);
/* User units: one event's part of the abandoned products. */
void fn_tally_cart_event(struct ec_funnel *f, struct fn_unit *u, const struct ec_sev *e);
/* Asks for what fn_tally_cart_event() will read for that event (a hint). */
void fn_carts_prefetch(const struct ec_funnel *f, const struct fn_unit *u, const struct ec_sev *e);
/* The carted product of that id, made when new. */
struct fn_product *fn_product(struct ec_funnel *f, uint64_t product_id);
void fn_carts_build(struct ec_funnel *f);
/* Builds f->res from the tallies. */
void fn_tally_build(struct ec_funnel *f);

#endif
