/*
 * features_int.h -- what the featurizer's parts share (not a public header):
 * the summary of a session's events before a cutoff (features_scan.c), the
 * user-history and prior tables (features_state.c), the candidate of a
 * category row, and the context the compute functions of the feature tables
 * (features.c) read. The pipeline that ties them together is featurizer.c.
 *
 * Ownership: a struct fscan owns its `viewed` array (fscan_release); the
 * state owns its tables (fstate_release); a context only borrows.
 */
#ifndef ECOMCTL_FEATURES_INT_H
#define ECOMCTL_FEATURES_INT_H

#include <stdint.h>

#include "ecomctl/features.h"
#include "ecomctl/hash.h"

/* A category key viewed before the cutoff. */
struct vkey {
	uint32_t key; /* category key id (fstate.keys) */
	uint32_t views;
	uint32_t last_idx; /* index of its last view in the session */
	int64_t last_time;
	int64_t dwell;	      /* seconds from each of its views to the next event */
	uint32_t top_product; /* views of its most viewed product */
};

/* A session's events strictly before one cutoff, summarized. */
struct fscan {
	int64_t cutoff;
	uint32_t n; /* events before the cutoff (a prefix: events are in time order) */
	uint32_t by_type[EC_EV_N];
	uint32_t products, categories, brands,
	    keys; /* distinct (categories: by id; keys: category keys) */
	int64_t first, last;
	int64_t gap_max, last_gap;     /* between consecutive events; valid when n >= 2 */
	uint32_t reviews;	       /* views of a product already viewed before in the session */
	double vp_sum, vp_min, vp_max; /* prices of views */
	double cp_sum, cp_max;	       /* prices of carts */
	int64_t last_cart;	       /* time of the last cart (when there are carts) */
	uint32_t cart_products;	       /* distinct products carted */
	uint32_t last_view_idx;	       /* index of the last view (when there are views) */
	int64_t dwell;		       /* sum of the viewed keys' dwell */
	uint32_t n_viewed;	       /* distinct category keys viewed */
	struct vkey *viewed;	       /* by views desc, then last viewed first */
	uint32_t n_removed;	       /* distinct category keys removed from the cart */
	struct rkey {
		uint32_t key, removes, last_idx;
	} * removed;	   /* by removes desc, then last removed first */
	int64_t top_brand; /* most viewed brand id, -1 when none */
	uint64_t top_product;
	int has_top_product;
};

void fscan_release(struct fscan *s);

struct prior_cat {
	uint32_t views;	   /* view events */
	double view_price; /* sum of the prices of its views */
	uint32_t s_viewed, s_carted, s_view_cart,
	    s_view_buy; /* sessions: carted = cart or purchase */
};

/* Co-carting: the keys carted in earlier sessions that viewed a key (other
 * than it), by sessions desc, then key string. */
struct cocart {
	uint32_t n, cap;
	struct cc {
		uint32_t key, sessions;
	} * v;
};

struct prior_item {
	uint32_t views, s_viewed, s_view_buy;
};

/* A category key in the user's earlier sessions: carted, bought or viewed. */
struct ucat {
	int64_t last_end; /* end of the latest session that viewed it, INT64_MIN: none */
	uint32_t key, carts, purchases, views;
	uint32_t view_sessions; /* earlier sessions that viewed it */
	uint32_t last_views;	/* its views in the latest of them */
};				/* 32 bytes: a user's history is mostly these */

struct fuser {
	uint32_t sessions, purchase_sessions, purchases, views, carts;
	uint32_t cart_sessions;		 /* with a cart event */
	int64_t last_end, last_purchase; /* INT64_MIN when none */
	uint32_t n_cats, cap_cats;
	struct ucat *cats; /* by carts + purchases desc, then views desc, then key string */
};

/* What one session adds to the history and priors when it is folded. */
enum { FI_CAT = 0, FI_BRAND = 1, FI_PRODUCT = 2 };
struct fitem {
	uint64_t id; /* category key id, brand id or product id */
	uint32_t views, carts, buys;
	double view_price; /* sum of the prices of its views */
	uint8_t kind;
};

struct ffold {
	uint64_t user_id;
	int64_t end, last_purchase; /* last_purchase: INT64_MIN when none */
	uint32_t purchases, views, carts;
	uint32_t n_items;
	struct fitem *items;
};

/* User history and priors: every session folded so far. */
struct fstate {
	const struct ec_sessionizer *z;
	struct ec_partition part; /* users outside it have no history */
	int level;
	uint32_t max_top;

	struct ec_strtab keys; /* category keys */
	uint32_t *code_key;    /* sessionizer code id -> key id + 1 (0: not yet) */
	size_t cap_code_key;
	struct ec_u64map id_key; /* category_id -> key id, for empty codes */

	struct prior_cat *cat;
	struct cocart *co; /* per key, as cat */
	size_t cap_cat;
	struct prior_item *brand;
	size_t cap_brand;
	struct ec_u64map prod_idx;
	struct prior_item *prod;
	size_t n_prod, cap_prod;
	struct ec_u64map user_idx;
	struct fuser *users;
	size_t n_users, cap_users;

	uint64_t sessions, purchase_sessions, cart_sessions; /* cart: with a cart or purchase */
	uint64_t cat_viewed, cat_view_cart, cat_view_buy;
	uint64_t brand_viewed, brand_view_buy, prod_viewed, prod_view_buy;
	uint32_t *top; /* category keys with most carting sessions, best first */
	uint32_t n_top;
};

void fstate_init(struct fstate *st, const struct ec_sessionizer *z, int level, uint32_t max_top);
void fstate_release(struct fstate *st);
/* The key id of an event's category (interned on first sight). */
uint32_t fstate_key(struct fstate *st, uint32_t code, uint64_t category_id);
const char *fstate_key_str(const struct fstate *st, uint32_t key);
void fstate_fold(struct fstate *st, const struct ffold *f);
const struct fuser *fstate_user(const struct fstate *st, uint64_t user_id);
const struct prior_cat *fstate_cat(const struct fstate *st, uint32_t key);
const struct prior_item *fstate_brand(const struct fstate *st, int64_t brand);
const struct prior_item *fstate_product(const struct fstate *st, uint64_t product);
const struct cocart *fstate_cocart(const struct fstate *st, uint32_t key);
/* The 1-based rank of key among the most carted keys, 0 when not among them. */
uint32_t fstate_top_rank(const struct fstate *st, uint32_t key);
/* Whether key a (count a_n) ranks before key b: more first, then by key string. */
int fstate_key_before(const struct fstate *st, uint32_t a_n, uint32_t a, uint32_t b_n, uint32_t b);

/* Scratch for summarizing sessions, reused across sessions. */
struct fscratch {
	struct pair {
		uint64_t v;
		uint32_t idx;
	} * p;
	size_t cap;
	uint64_t *u;
	size_t cap_u;
	struct fitem *items; /* ffold_build()'s */
	size_t cap_items;
};
void fscratch_release(struct fscratch *x);

/* Summarizes the events of s before cutoff; kid[i] is event i's key id. */
void fscan_build(struct fscan *out, const struct ec_session *s, const uint32_t *kid, int64_t cutoff,
		 struct fscratch *x);
/* The fold summary of the whole session; its items are x's, until the
 * next call (copy them to keep them). */
void ffold_build(struct ffold *out, const struct ec_session *s, const uint32_t *kid,
		 struct fscratch *x);

/* A candidate of a category row: source is the first source that proposed
 * it, sources the bit set of all of them (1 << CAND_...). */
enum { CAND_VIEWED = 0, CAND_USER = 1, CAND_POPULAR = 2, CAND_COCART = 3, CAND_REMOVED = 4 };
struct fcand {
	uint32_t key;
	uint8_t source, sources;
	double co_max, co_mix; /* co-carting strength with the viewed keys (see features.c) */
	uint32_t rank;	       /* 1-based among viewed keys, 0 when not viewed */
	const struct vkey *v;  /* NULL when not viewed */
	const struct rkey *rm; /* NULL when not removed before the cutoff */
	const struct ucat *uc; /* the user's history in it, NULL when none */
	int user_top;	       /* the user's most carted category (with a cart or purchase) */
};

struct ec_fctx {
	const struct ec_feature_opts *o;
	const struct fstate *st;
	const struct fscan *s; /* the task's cutoff */
	const struct fuser *u; /* NULL: no history */
	int64_t start;
	const struct fcand *c; /* category rows only */
};

/* (hits + w g) / (n + w), g = ghits / gn; NAN when there is nothing to go on. */
double ec_smooth(double hits, double n, double ghits, double gn, double w);

#endif
