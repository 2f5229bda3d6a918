#include "synth_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void ec_rng_seed(struct ec_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

double ec_rng_normal(struct ec_rng *r)
{
	return ec_synth_hash_normal(ec_rng_next(r));
}

static double sigmoid(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

uint64_t ec_synth_user_id(const struct ec_synth_model *m, uint64_t i)
{
	/* 48271 is prime and divides neither range: a bijection of the pool. */
	return m->uid_base + (i * 48271u + (m->seed % m->uid_range)) % m->uid_range;
}

/* The user's latent propensity and favourite categories, from its index. */
static double user_propensity(const struct ec_synth_model *m, uint64_t i)
{
	return ec_synth_hash_normal(ec_mix64(m->seed ^ (i * 0x9e3779b97f4a7c15ULL) ^ 0x75736572));
}

static uint32_t user_cat(const struct ec_synth_model *m, uint64_t i, int which)
{
	uint64_t h = ec_mix64((m->seed + (uint64_t)which + 1) * 0xd1342543de82ef95ULL ^ i);
	return ec_synth_pick_cat(m, (double)(h >> 11) * 0x1p-53);
}

void ec_synth_model_init(struct ec_synth_model *m, enum ec_synth_profile p, uint64_t seed,
			 int64_t start, uint64_t users)
{
	memset(m, 0, sizeof(*m));
	m->profile = p;
	m->k = &ec_synth_knobs[p];
	m->seed = seed;
	m->start = start;
	m->prod_s = m->k->prod_s;
	/* 0 stands for s = 1, where the power law's inverse is exponential. */
	m->prod_inv = fabs(1.0 - m->prod_s) < 1e-6 ? 0 : 1.0 / (1.0 - m->prod_s);
	m->user_exp = m->k->user_skew;
	m->cents_trim = p == EC_SYNTH_COSMETICS;
	m->uid_base = p == EC_SYNTH_COSMETICS ? 380000000 : 500000000;
	m->uid_range = ec_synth_max_users(p);
	m->n_users = users;
	m->users = ec_xcalloc(users, sizeof(*m->users));
	ec_synth_catalog_build(m);
}

void ec_synth_model_release(struct ec_synth_model *m)
{
	ec_synth_catalog_release(m);
	free(m->users);
	memset(m, 0, sizeof(*m));
}

uint64_t ec_synth_max_users(enum ec_synth_profile p)
{
	return p == EC_SYNTH_COSMETICS ? 180000000 : 100000000;
}

uint64_t ec_synth_pool_size(enum ec_synth_profile p, uint64_t rows)
{
	/* Capped by the user ids there are (past ~1e9 rows). */
	uint64_t max = ec_synth_max_users(p);
	double n = (double)rows / 14.0 * ec_synth_knobs[p].pool_factor;
	return n < 16 ? 16 : n > (double)max ? max : (uint64_t)n;
}

static void hex_bytes(char *out, uint64_t v, int n)
{
	static const char hex[] = "0123456789abcdef";
	for (int i = n - 1; i >= 0; i--) {
		out[i] = hex[v & 15];
		v >>= 4;
	}
}

static void make_uuid(char *out, struct ec_rng *r)
{
	uint64_t a = ec_rng_next(r), b = ec_rng_next(r);
	a = (a & ~0xf000ULL) | 0x4000ULL;			 /* version 4 */
	b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL; /* variant 10xx */
	hex_bytes(out, a >> 32, 8);
	out[8] = '-';
	hex_bytes(out + 9, a >> 16, 4);
	out[13] = '-';
	hex_bytes(out + 14, a, 4);
	out[18] = '-';
	hex_bytes(out + 19, b >> 48, 4);
	out[23] = '-';
	hex_bytes(out + 24, b, 12);
}

void ec_synth_sess_start(struct ec_synth_model *m, struct ec_synth_sess *s, int64_t t, uint64_t seq,
			 struct ec_rng *r)
{
	const struct ec_synth_knobs *k = m->k;
	uint64_t u = 0;

	/* Heavy users are the low indexes; one open session per user, mostly. */
	for (int tries = 0; tries < 4; tries++) {
		u = (uint64_t)((double)m->n_users * pow(ec_rng_unif(r), m->user_exp));
		if (u >= m->n_users)
			u = m->n_users - 1;
		if (!m->users[u].open)
			break;
	}
	memset(s, 0, offsetof(struct ec_synth_sess, items));
	s->t = t;
	s->seq = seq;
	s->user = u;
	s->user_id = ec_synth_user_id(m, u);
	if (m->users[u].open < 255)
		m->users[u].open++;
	make_uuid(s->uuid, r);
	int hist = m->users[u].n_buys < 3 ? m->users[u].n_buys : 3;
	s->intent = k->intent_mean + k->user_w * user_propensity(m, u) + k->hist_w * hist +
		    k->noise_w * ec_rng_normal(r);
	double len = exp(k->len_mu + k->len_intent * s->intent + k->len_sigma * ec_rng_normal(r));
	s->left = 1 + (len > 400 ? 400 : (int32_t)len);
	s->cur = -1;
	s->buy_in = -1;
	s->cur_cat = ec_rng_unif(r) < k->pref_p ? user_cat(m, u, (int)ec_rng_below(r, 2))
						: ec_synth_pick_cat(m, ec_rng_unif(r));
}

void ec_synth_sess_end(struct ec_synth_model *m, struct ec_synth_sess *s)
{
	struct ec_synth_user *u = &m->users[s->user];
	if (u->open)
		u->open--;
	if (s->bought && u->n_buys < UINT16_MAX)
		u->n_buys++;
	/* Remember the item viewed most and not carted, for a later session. */
	int best = -1;
	for (int i = 0; i < s->n_items; i++)
		if (!s->items[i].in_cart && !s->items[i].carts && s->items[i].views > 1 &&
		    (best < 0 || s->items[i].views > s->items[best].views))
			best = i;
	if (best >= 0) {
		u->wish_cat = s->items[best].cat;
		u->wish_rank = s->items[best].rank;
		u->has_wish = 1;
	}
}

/* The item for a product, added (evicting the stalest item out of the cart)
 * when the session has not seen it yet. */
static int add_item(const struct ec_synth_model *m, struct ec_synth_sess *s, uint32_t cat,
		    uint64_t rank)
{
	struct ec_synth_item it;
	ec_synth_product(m, cat, rank, &it);
	it.rank = rank;
	for (int i = 0; i < s->n_items; i++)
		if (s->items[i].pid == it.pid)
			return i;
	int slot = s->n_items;
	if (slot == EC_SYNTH_ITEMS) {
		slot = -1;
		for (int i = 0; i < s->n_items; i++)
			if (!s->items[i].in_cart && i != s->cur) {
				slot = i;
				break;
			}
		if (slot < 0)
			slot = s->cur == 0 ? 1 : 0;
		if (s->items[slot].in_cart)
			s->n_in_cart--;
		/* Keep the order "oldest first" for the next eviction. */
		memmove(&s->items[slot], &s->items[slot + 1],
			(size_t)(s->n_items - slot - 1) * sizeof(it));
		if (s->cur > slot)
			s->cur--;
		slot = s->n_items - 1;
	} else {
		s->n_items++;
	}
	s->items[slot] = it;
	return slot;
}

static int pick_in_cart(struct ec_synth_sess *s, struct ec_rng *r)
{
	int j = (int)ec_rng_below(r, (uint64_t)s->n_in_cart);
	for (int i = 0; i < s->n_items; i++)
		if (s->items[i].in_cart && j-- == 0)
			return i;
	return -1;
}

static void push(struct ec_synth_sess *s, int type, int item)
{
	if (s->q_n < EC_SYNTH_QUEUE) {
		s->q_type[s->q_n] = (uint8_t)type;
		s->q_item[s->q_n] = (uint8_t)item;
		s->q_n++;
	}
}

/* Queues the purchase of `first` and of some of the other items in the cart. */
static void checkout(const struct ec_synth_model *m, struct ec_synth_sess *s, int first,
		     struct ec_rng *r)
{
	s->q_n = s->q_pos = 0;
	for (int i = -1; i < s->n_items; i++) {
		int j = i < 0 ? first : i;
		if (j < 0 || (i >= 0 && j == first) || !s->items[j].in_cart)
			continue;
		if (i >= 0 && ec_rng_unif(r) >= m->k->basket_p)
			continue;
		s->items[j].in_cart = 0;
		s->n_in_cart--;
		push(s, EC_EV_PURCHASE, j);
	}
	s->bought++;
	if (ec_rng_unif(r) >= m->k->post_p)
		s->left = 0;
	else if (s->left > 1)
		s->left = 1 + (int32_t)ec_rng_below(r, (uint64_t)s->left);
}

static double buy_chance(const struct ec_synth_model *m, const struct ec_synth_sess *s,
			 const struct ec_synth_item *it, double offset)
{
	const struct ec_synth_knobs *k = m->k;
	int hist = m->users[s->user].n_buys < 3 ? m->users[s->user].n_buys : 3;
	int carts = s->n_in_cart > 9 ? 8 : s->n_in_cart - 1;
	return sigmoid(offset + k->buy_b * s->intent + k->buy_carts * carts -
		       k->buy_price * it->price_z + k->buy_hist * hist +
		       0.5 * m->cats[it->cat].conv);
}

static int do_cart(const struct ec_synth_model *m, struct ec_synth_sess *s, int i, struct ec_rng *r)
{
	struct ec_synth_item *it = &s->items[i];
	if (!it->in_cart) {
		it->in_cart = 1;
		s->n_in_cart++;
	}
	if (it->carts < 255)
		it->carts++;
	s->n_carts++;
	if (s->buy_in < 0 && ec_rng_unif(r) < buy_chance(m, s, it, m->k->buy_a)) {
		s->buy_in = ec_rng_unif(r) < m->k->pre_p ? 1 + (int)ec_rng_below(r, 3) : 0;
		s->buy_pid = it->pid;
	}
	return EC_EV_CART;
}

/* A browse step: look at something, put it in the cart, or take one out. */
static int browse(const struct ec_synth_model *m, struct ec_synth_sess *s, struct ec_rng *r,
		  int *item)
{
	const struct ec_synth_knobs *k = m->k;
	struct ec_synth_item *cur = s->cur >= 0 ? &s->items[s->cur] : NULL;

	/* What might go in the cart: mostly the item in view; sometimes one
	 * seen earlier, the more likely the more it was viewed and when it is
	 * of the user's own categories (so that neither "last viewed" nor
	 * "most viewed" tells the carted category for sure). */
	int t = s->cur;
	if (cur && s->n_items > 1 && ec_rng_unif(r) < k->back_p) {
		double w[EC_SYNTH_ITEMS], sum = 0;
		uint32_t fav0 = user_cat(m, s->user, 0), fav1 = user_cat(m, s->user, 1);
		for (int i = 0; i < s->n_items; i++) {
			const struct ec_synth_item *it = &s->items[i];
			double v = it->views;
			w[i] = i == s->cur || it->in_cart
				   ? 0
				   : v * v * (it->cat == fav0 || it->cat == fav1 ? 3 : 1);
			sum += w[i];
		}
		if (sum > 0) {
			double u = ec_rng_unif(r) * sum;
			for (t = 0; t < s->n_items - 1 && u >= w[t]; t++)
				u -= w[t];
			while (w[t] == 0)
				t--; /* u landed past the last weight by rounding */
		}
	}
	const struct ec_synth_item *ti = t >= 0 ? &s->items[t] : NULL;
	if (ti && !ti->in_cart) {
		double p =
		    sigmoid(k->cart_a + k->cart_b * s->intent + k->cart_review * (ti->views - 1) -
			    k->cart_price * ti->price_z + 0.5 * m->cats[ti->cat].conv);
		if (ec_rng_unif(r) < p) {
			struct ec_synth_user *u = &m->users[s->user];
			/* (only with room for it: an eviction would move t) */
			if (u->has_wish && s->n_items < EC_SYNTH_ITEMS &&
			    ec_rng_unif(r) < k->direct_p) {
				/* Straight from the wish list: the item the user
				 * viewed most and left in an earlier session. */
				int w = add_item(m, s, u->wish_cat, u->wish_rank);
				if (!s->items[w].in_cart && w != s->cur)
					t = w;
				u->has_wish = 0;
			}
			*item = t;
			return do_cart(m, s, t, r);
		}
	}
	if (s->n_in_cart > 0 && k->remove_p > 0) {
		/* Those who will not buy take things out more. */
		double u = ec_rng_unif(r), rm = 2 * k->remove_p * sigmoid(-1.5 * s->intent);
		if (u < rm) {
			int i = pick_in_cart(s, r);
			s->items[i].in_cart = 0;
			s->n_in_cart--;
			*item = i;
			return EC_EV_REMOVE;
		}
		if (u < rm + k->recart_p) {
			*item = pick_in_cart(s, r);
			return do_cart(m, s, *item, r);
		}
	}
	double review = k->review_a + k->review_b * s->intent;
	int i;
	if (s->n_items > 1 && ec_rng_unif(r) < review) {
		i = (int)ec_rng_below(r, (uint64_t)s->n_items - 1);
		if (i >= s->cur)
			i++;
	} else {
		if (s->n_ev > 0 && ec_rng_unif(r) < k->switch_p)
			s->cur_cat = ec_rng_unif(r) < 0.5
					 ? user_cat(m, s->user, (int)ec_rng_below(r, 2))
					 : ec_synth_pick_cat(m, ec_rng_unif(r));
		i = add_item(m, s, s->cur_cat,
			     ec_synth_product_rank(m, s->cur_cat, ec_rng_unif(r)));
	}
	if (s->items[i].views < 255)
		s->items[i].views++;
	s->cur = i;
	*item = i;
	return EC_EV_VIEW;
}

static int64_t gap(const struct ec_synth_knobs *k, struct ec_rng *r)
{
	double u = ec_rng_unif(r);
	if (u < k->gap0_p)
		return (int64_t)ec_rng_below(r, 2);
	if (u < k->gap0_p + k->gaplong_p)
		return 300 + (int64_t)ec_rng_below(r, 2100);
	double g = exp(k->gap_mu + k->gap_sigma * ec_rng_normal(r));
	return g < 1 ? 1 : g > 1800 ? 1800 : (int64_t)g;
}

/* At the end of a session with a full cart: check out after all? */
static int late_checkout(const struct ec_synth_model *m, struct ec_synth_sess *s, int last,
			 struct ec_rng *r)
{
	int first = s->items[last].in_cart ? last : pick_in_cart(s, r);
	if (ec_rng_unif(r) >= buy_chance(m, s, &s->items[first], m->k->late_a))
		return 0;
	s->buy_in = 0;
	s->buy_pid = s->items[first].pid;
	return 1;
}

/* Queues the checkout decided earlier, led by the product that decided it
 * (or another one still in the cart). */
static void start_checkout(const struct ec_synth_model *m, struct ec_synth_sess *s,
			   struct ec_rng *r)
{
	int first = -1;
	s->buy_in = -1;
	for (int i = 0; i < s->n_items; i++)
		if (s->items[i].pid == s->buy_pid && s->items[i].in_cart)
			first = i;
	if (first < 0 && s->n_in_cart > 0)
		first = pick_in_cart(s, r);
	if (first >= 0)
		checkout(m, s, first, r);
}

static int64_t checkout_gap(const struct ec_synth_knobs *k, struct ec_rng *r)
{
	double g = exp(k->checkout_mu + 0.8 * ec_rng_normal(r));
	return g > 1800 ? 1800 : (int64_t)g;
}

/* Whether the session already had this event in this second (or has had
 * so many events in it that it should wait for the next one). */
static int repeats_in_second(const struct ec_synth_sess *s, int type, uint64_t pid)
{
	if (s->n_ev == 0 || s->t != s->sec_t)
		return 0;
	if (s->sec_n == EC_SYNTH_SEC)
		return 1;
	for (int i = 0; i < s->sec_n; i++)
		if (s->sec_type[i] == type && s->sec_pid[i] == pid)
			return 1;
	return 0;
}

int ec_synth_sess_step(struct ec_synth_model *m, struct ec_synth_sess *s, struct ec_rng *r,
		       struct ec_synth_ev *ev)
{
	const struct ec_synth_knobs *k = m->k;
	int item, type;

	if (s->held) {
		type = s->held_type;
		item = s->held_item;
		s->held = 0;
	} else {
		if (s->q_pos >= s->q_n && s->buy_in == 0)
			start_checkout(m, s, r);
		if (s->q_pos < s->q_n) {
			type = s->q_type[s->q_pos];
			item = s->q_item[s->q_pos++];
		} else {
			type = browse(m, s, r, &item);
			s->left--;
			if (s->buy_in > 0)
				s->buy_in--;
		}
		/* The same event twice in one second would be an exact duplicate
		 * row: hold it for a second. Only --dirty writes duplicates. */
		if (repeats_in_second(s, type, s->items[item].pid)) {
			s->held = 1;
			s->held_type = (uint8_t)type;
			s->held_item = (uint8_t)item;
			s->t++;
			return 2;
		}
	}
	if (s->n_ev == 0 || s->t != s->sec_t) {
		s->sec_t = s->t;
		s->sec_n = 0;
	}
	s->sec_type[s->sec_n] = (uint8_t)type;
	s->sec_pid[s->sec_n++] = s->items[item].pid;
	s->n_ev++;
	ev->t = s->t;
	ev->type = type;
	ev->item = &s->items[item];

	/* Checking out takes a while; a basket then goes at once. */
	int64_t dt;
	if (s->q_pos < s->q_n) {
		dt = type == EC_EV_PURCHASE ? (int64_t)ec_rng_below(r, 3) : checkout_gap(k, r);
	} else if (s->buy_in == 0) {
		dt = checkout_gap(k, r);
	} else if (s->left > 0) {
		dt = gap(k, r);
	} else if (s->buy_in > 0) {
		s->buy_in = 0;
		dt = checkout_gap(k, r);
	} else if (s->n_in_cart > 0 && !s->bought && late_checkout(m, s, item, r)) {
		dt = checkout_gap(k, r);
	} else {
		return 0;
	}
	s->t += dt;
	return 1;
}

double ec_synth_mean_len(const struct ec_synth_model *m)
{
	/* A dry run of sessions on a scratch copy of the user pool. */
	struct ec_synth_model dry = *m;
	struct ec_synth_sess *s = ec_xmalloc(sizeof(*s));
	struct ec_synth_ev ev;
	struct ec_rng r;
	uint64_t events = 0;
	int n = 20000;

	dry.users = ec_xcalloc(m->n_users, sizeof(*dry.users));
	ec_rng_seed(&r, m->seed ^ 0x6472792072756eULL);
	for (int i = 0; i < n; i++) {
		ec_synth_sess_start(&dry, s, 0, (uint64_t)i, &r);
		int more;
		do {
			more = ec_synth_sess_step(&dry, s, &r, &ev);
			events += more != 2;
		} while (more);
		ec_synth_sess_end(&dry, s);
	}
	free(dry.users);
	free(s);
	return (double)events / n;
}
