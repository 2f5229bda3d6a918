/*
 * synth_model.h -- private to the generator (synth.c, synth_model.c,
 * synth_catalog.c): the random number generator, the catalog, the user pool
 * and the session walk. synth.c owns the clock, the heap and the output.
 *
 * Ownership: struct ec_synth_model is the caller's storage (_init/_release);
 * sessions are the caller's storage too, and point into nothing but the
 * model, which outlives them.
 */
#ifndef ECOMCTL_SYNTH_MODEL_H
#define ECOMCTL_SYNTH_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/synth.h"

/* xoshiro256** seeded through splitmix64. */
struct ec_rng {
	uint64_t s[4];
};

void ec_rng_seed(struct ec_rng *r, uint64_t seed);

static inline uint64_t ec_rng_next(struct ec_rng *r)
{
	uint64_t *s = r->s;
	uint64_t x = s[1] * 5;
	uint64_t out = ((x << 7) | (x >> 57)) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = (s[3] << 45) | (s[3] >> 19);
	return out;
}

/* Uniform in [0, 1). */
static inline double ec_rng_unif(struct ec_rng *r)
{
	return (double)(ec_rng_next(r) >> 11) * 0x1p-53;
}

/* Uniform in [0, n), n > 0. */
static inline uint64_t ec_rng_below(struct ec_rng *r, uint64_t n)
{
	return ec_rng_next(r) % n;
}

double ec_rng_normal(struct ec_rng *r);
/* Standard normal from the bits of one hash value. */
double ec_synth_hash_normal(uint64_t h);

/*
 * Knobs of the session walk, tuned so that the output matches the figures of
 * ../shared/data/rees46/STATS.md (event shares, events per session, sessions
 * with a purchase). A session's intent = intent_mean + user_w * the user's
 * latent propensity + hist_w * its past buying sessions + noise_w * N(0,1);
 * intent raises the planned length, the chance to re-view, to cart and to
 * check out, so behaviour reveals part of it and the user's history another
 * part, and the noise keeps the outcome from being certain.
 */
struct ec_synth_knobs {
	double len_mu, len_sigma, len_intent; /* browse steps = 1 + exp(N(mu + li*intent, sigma)) */
	double intent_mean, user_w, hist_w, noise_w;
	double cart_a, cart_b, cart_review, cart_price;	     /* P(cart | looking at a product) */
	double buy_a, buy_b, buy_carts, buy_price, buy_hist; /* P(check out | cart) */
	double late_a;	 /* P(check out at the end | cart left), offset */
	double basket_p; /* P(another item in the cart is bought too) */
	double review_a, review_b, switch_p, pref_p;
	double remove_p, recart_p; /* per step while the cart is not empty */
	double back_p;		   /* P(a cart goes to an earlier item, not the one in view) */
	double direct_p; /* P(a cart goes to the item the user left in an earlier session) */
	double post_p;	 /* P(browsing on after a checkout) */
	double pre_p;	 /* P(browsing on between deciding to buy and buying) */
	double gap_mu, gap_sigma, gap0_p, gaplong_p, checkout_mu;
	double prod_s;	    /* Zipf exponent of products within a category */
	double user_skew;   /* user index = n * u^user_skew */
	double pool_factor; /* pool = rows / 14 * pool_factor by default */
};

/* Per profile (synth_knobs.c). */
extern const struct ec_synth_knobs ec_synth_knobs[EC_SYNTH_N_PROFILES];

struct ec_synth_cat {
	uint64_t id;	  /* 19-digit category_id */
	const char *code; /* "" when none; points into the model */
	char text[96];	  /* "<id>,<code>," as written in a row */
	uint8_t text_len;
	uint8_t top;	  /* top-level group (brands are shared within it) */
	double log_price; /* log of the median price of its products */
	double conv;	  /* conversion bias of the category */
	uint32_t n_products;
	double zipf_span;  /* (n+1)^(1-s) - 1, for product ranks */
	uint64_t pid_base; /* product_id = pid_base + (rank * P + pid_off) % n */
	uint32_t pid_off;
	uint32_t brand_base, n_brands;
	double empty_brand; /* share of its products without a brand */
	uint64_t hash;	    /* seed of its products' attributes */
};

/* A product as seen in a session. */
struct ec_synth_item {
	uint64_t pid;
	uint32_t cat;
	uint32_t brand; /* index into brands, UINT32_MAX: none */
	int64_t cents;	/* base price */
	double price_z; /* log price relative to the category median */
	uint64_t rank;	/* in its category, for finding it again */
	uint8_t views;
	uint8_t in_cart;
	uint8_t carts;
};

#define EC_SYNTH_ITEMS 24
#define EC_SYNTH_QUEUE 24
#define EC_SYNTH_SEC 8

struct ec_synth_sess {
	int64_t t;     /* time of the next event */
	uint64_t seq;  /* creation order: ties in the heap */
	uint64_t user; /* index in the pool */
	uint64_t user_id;
	char uuid[36];
	double intent;
	int32_t left;  /* browse steps still planned */
	uint32_t n_ev; /* events produced */
	uint32_t n_carts;
	uint32_t cur_cat;
	int cur; /* item being looked at, -1 none */
	int n_items;
	int n_in_cart;
	int bought;	  /* checkouts so far */
	int buy_in;	  /* browse steps before a decided checkout, -1: none */
	uint64_t buy_pid; /* the product that decided it */
	int64_t sec_t;	  /* the events of the second of the last one */
	uint64_t sec_pid[EC_SYNTH_SEC];
	uint8_t sec_type[EC_SYNTH_SEC];
	int sec_n;
	uint8_t held, held_type, held_item; /* an event put off by a second */
	uint8_t q_type[EC_SYNTH_QUEUE], q_item[EC_SYNTH_QUEUE];
	int q_n, q_pos;
	int written;   /* rows written (synth.c) */
	int purchased; /* a purchase row was written (synth.c) */
	struct ec_synth_item items[EC_SYNTH_ITEMS];
};

/* One event of a session, ready to format. */
struct ec_synth_ev {
	int64_t t;
	int type;
	const struct ec_synth_item *item;
};

struct ec_synth_user {
	uint64_t wish_rank; /* the item viewed most and left in the last session */
	uint32_t wish_cat;
	uint8_t has_wish;
	uint16_t n_buys; /* sessions with a purchase so far (saturates) */
	uint8_t open;	 /* sessions open now */
	uint8_t seen;	 /* has written a row */
};

struct ec_synth_model {
	enum ec_synth_profile profile;
	const struct ec_synth_knobs *k;
	uint64_t seed;
	int64_t start;
	struct ec_synth_cat *cats;
	uint32_t n_cats;
	double *cat_cdf; /* cumulative popularity of cats */
	char *code_arena;
	char **brands; /* lower-case names */
	uint8_t *brand_len;
	uint32_t n_brands;
	struct ec_synth_user *users;
	uint64_t n_users;
	double user_exp;	 /* user index = n * u^user_exp: activity skew */
	double prod_s, prod_inv; /* Zipf exponent of products, 1 / (1 - prod_s) or 0 */
	uint64_t uid_base, uid_range;
	int cents_trim; /* write prices without trailing zeros */
};

/* Catalog (synth_catalog.c): categories, codes, brands, product attributes. */
void ec_synth_catalog_build(struct ec_synth_model *m);
void ec_synth_catalog_release(struct ec_synth_model *m);
uint32_t ec_synth_pick_cat(const struct ec_synth_model *m, double u);
void ec_synth_product(const struct ec_synth_model *m, uint32_t cat, uint64_t rank,
		      struct ec_synth_item *out);
uint64_t ec_synth_product_rank(const struct ec_synth_model *m, uint32_t cat, double u);
/* Price in cents of an item on day `day` of the span (small daily moves). */
int64_t ec_synth_price_on(const struct ec_synth_model *m, const struct ec_synth_item *it,
			  int64_t day);

/* Model (synth_model.c). users: pool size (> 0). */
void ec_synth_model_init(struct ec_synth_model *m, enum ec_synth_profile p, uint64_t seed,
			 int64_t start, uint64_t users);
void ec_synth_model_release(struct ec_synth_model *m);
/* The most users a pool can have (distinct 9-digit user ids). */
uint64_t ec_synth_max_users(enum ec_synth_profile p);
/* The default pool size for a number of rows. */
uint64_t ec_synth_pool_size(enum ec_synth_profile p, uint64_t rows);
/* Mean events per session the walk produces (for the arrival rate). */
double ec_synth_mean_len(const struct ec_synth_model *m);
/* Starts a session at time t: picks its user, plans it. */
void ec_synth_sess_start(struct ec_synth_model *m, struct ec_synth_sess *s, int64_t t, uint64_t seq,
			 struct ec_rng *r);
/* Produces the event at s->t into *ev. Returns 1 and moves s->t to the next
 * event, 0 when that was the last event of the session, or 2 without an
 * event when it was put off to s->t + 1 (to not repeat the last row). */
int ec_synth_sess_step(struct ec_synth_model *m, struct ec_synth_sess *s, struct ec_rng *r,
		       struct ec_synth_ev *ev);
/* Ends a session (cut or finished): releases its user. */
void ec_synth_sess_end(struct ec_synth_model *m, struct ec_synth_sess *s);
/* The 9-digit user_id of pool index i. */
uint64_t ec_synth_user_id(const struct ec_synth_model *m, uint64_t i);

#endif
