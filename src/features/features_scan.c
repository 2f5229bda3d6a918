/* Summaries of one session's events: what it did before a cutoff (the input
 * of its session features) and what it adds to history and priors once over.
 * Distinct counts and "most viewed" go through sorting (value, event index)
 * pairs, so ties are broken by the later view, never by memory layout. */
#include <stdlib.h>
#include <string.h>

#include "features_int.h"

void fscan_release(struct fscan *s)
{
	free(s->viewed);
	free(s->removed);
	s->viewed = NULL;
	s->removed = NULL;
	s->n_viewed = 0;
	s->n_removed = 0;
}

void fscratch_release(struct fscratch *x)
{
	free(x->p);
	free(x->u);
	free(x->items);
	memset(x, 0, sizeof(*x));
}

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint32_t distinct_u64(uint64_t *v, uint32_t n)
{
	if (n == 0)
		return 0;
	ec_sort(v, n, sizeof(*v), cmp_u64);
	uint32_t d = 1;
	for (uint32_t i = 1; i < n; i++)
		d += v[i] != v[i - 1];
	return d;
}

static void scratch_reserve(struct fscratch *x, size_t n)
{
	EC_GROW(x->p, x->cap, n);
	EC_GROW(x->u, x->cap_u, n);
}

/* Over sorted pairs: the number of distinct values, and the value with most
 * pairs (ties: the one whose last pair has the higher index) in *best. */
static uint32_t groups(const struct pair *p, uint32_t n, uint64_t *best)
{
	uint32_t d = 0, best_n = 0, best_last = 0;
	for (uint32_t i = 0; i < n;) {
		uint32_t j = i;
		while (j < n && p[j].v == p[i].v)
			j++;
		uint32_t cnt = j - i, last = p[j - 1].idx;
		if (cnt > best_n || (cnt == best_n && last > best_last)) {
			best_n = cnt;
			best_last = last;
			*best = p[i].v;
		}
		d++;
		i = j;
	}
	return d;
}

static int cmp_vkey(const void *a, const void *b)
{
	const struct vkey *x = a, *y = b;
	if (x->views != y->views)
		return x->views > y->views ? -1 : 1;
	return x->last_idx > y->last_idx ? -1 : x->last_idx < y->last_idx;
}

/* The viewed key `key` of a scan whose viewed keys are in key order. */
static struct vkey *find_vkey(struct fscan *s, uint32_t key)
{
	uint32_t lo = 0, hi = s->n_viewed;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (s->viewed[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n_viewed && s->viewed[lo].key == key ? &s->viewed[lo] : NULL;
}

static int cmp_rkey(const void *a, const void *b)
{
	const struct rkey *x = a, *y = b;
	if (x->removes != y->removes)
		return x->removes > y->removes ? -1 : 1;
	return x->last_idx > y->last_idx ? -1 : x->last_idx < y->last_idx;
}

/* The category keys removed from the cart before the cutoff (a session that
 * starts by emptying a cart kept from earlier often carts next to it). */
static void scan_removed(struct fscan *out, const struct ec_sev *e, const uint32_t *kid, uint32_t m,
			 struct fscratch *x)
{
	uint32_t np = 0;
	for (uint32_t i = 0; i < m; i++)
		if (e[i].type == EC_EV_REMOVE)
			x->p[np++] = (struct pair){kid[i], i};
	if (!np)
		return;
	ec_sort(x->p, np, sizeof(*x->p), cmp_pair);
	out->removed = ec_xmalloc(np * sizeof(*out->removed));
	for (uint32_t i = 0; i < np;) {
		uint32_t j = i;
		while (j < np && x->p[j].v == x->p[i].v)
			j++;
		out->removed[out->n_removed++] =
		    (struct rkey){(uint32_t)x->p[i].v, j - i, x->p[j - 1].idx};
		i = j;
	}
	ec_sort(out->removed, out->n_removed, sizeof(*out->removed), cmp_rkey);
}

/* The distinct products, categories, keys, brands and carted products of
 * the first m events. */
static void scan_distinct(struct fscan *out, const struct ec_sev *e, const uint32_t *kid,
			  uint32_t m, struct fscratch *x)
{
	uint32_t np, i;
	for (i = 0; i < m; i++)
		x->u[i] = e[i].product_id;
	out->products = distinct_u64(x->u, m);
	for (i = 0; i < m; i++)
		x->u[i] = e[i].category_id;
	out->categories = distinct_u64(x->u, m);
	for (i = 0; i < m; i++)
		x->u[i] = kid[i];
	out->keys = distinct_u64(x->u, m);
	for (np = 0, i = 0; i < m; i++)
		if (e[i].brand)
			x->u[np++] = e[i].brand;
	out->brands = distinct_u64(x->u, np);
	for (np = 0, i = 0; i < m; i++)
		if (e[i].type == EC_EV_CART)
			x->u[np++] = e[i].product_id;
	out->cart_products = distinct_u64(x->u, np);
}

void fscan_build(struct fscan *out, const struct ec_session *s, const uint32_t *kid, int64_t cutoff,
		 struct fscratch *x)
{
	const struct ec_sev *e = s->ev;
	uint32_t m = 0, np, i;
	uint64_t best = 0;

	memset(out, 0, sizeof(*out));
	out->cutoff = cutoff;
	out->top_brand = -1;
	while (m < s->n && e[m].time < cutoff)
		m++;
	out->n = m;
	if (m == 0)
		return;
	scratch_reserve(x, m);
	out->first = e[0].time;
	out->last = e[m - 1].time;
	out->vp_min = 0;
	for (i = 0; i < m; i++) {
		out->by_type[e[i].type]++;
		if (i > 0 && e[i].time - e[i - 1].time > out->gap_max)
			out->gap_max = e[i].time - e[i - 1].time;
		if (e[i].type == EC_EV_VIEW) {
			if (out->by_type[EC_EV_VIEW] == 1 || e[i].price < out->vp_min)
				out->vp_min = e[i].price;
			if (out->by_type[EC_EV_VIEW] == 1 || e[i].price > out->vp_max)
				out->vp_max = e[i].price;
			out->vp_sum += e[i].price;
			out->last_view_idx = i;
		} else if (e[i].type == EC_EV_CART) {
			if (out->by_type[EC_EV_CART] == 1 || e[i].price > out->cp_max)
				out->cp_max = e[i].price;
			out->cp_sum += e[i].price;
			out->last_cart = e[i].time;
		}
	}
	if (m >= 2)
		out->last_gap = e[m - 1].time - e[m - 2].time;

	scan_distinct(out, e, kid, m, x);
	scan_removed(out, e, kid, m, x);

	/* Viewed category keys, most viewed first. */
	for (np = 0, i = 0; i < m; i++)
		if (e[i].type == EC_EV_VIEW)
			x->p[np++] = (struct pair){kid[i], i};
	ec_sort(x->p, np, sizeof(*x->p), cmp_pair);
	out->viewed = np ? ec_xmalloc(np * sizeof(*out->viewed)) : NULL;
	for (i = 0; i < np;) {
		uint32_t j = i;
		while (j < np && x->p[j].v == x->p[i].v)
			j++;
		struct vkey *v = &out->viewed[out->n_viewed++];
		*v = (struct vkey){
		    .key = (uint32_t)x->p[i].v,
		    .views = j - i,
		    .last_idx = x->p[j - 1].idx,
		    .last_time = e[x->p[j - 1].idx].time,
		};
		/* Dwell: the time to the next event before the cutoff (the
		 * last one's is unknown: the cutoff is not an input). */
		for (; i < j; i++)
			if (x->p[i].idx + 1 < m)
				v->dwell += e[x->p[i].idx + 1].time - e[x->p[i].idx].time;
		out->dwell += v->dwell;
	}

	/* Viewed products: re-views, the most viewed one, and the most viewed
	 * of each key (out->viewed is still in key order here). */
	for (np = 0, i = 0; i < m; i++)
		if (e[i].type == EC_EV_VIEW)
			x->p[np++] = (struct pair){e[i].product_id, i};
	ec_sort(x->p, np, sizeof(*x->p), cmp_pair);
	if (np) {
		out->reviews = np - groups(x->p, np, &best);
		out->top_product = best;
		out->has_top_product = 1;
	}
	for (i = 0; i < np;) {
		uint32_t j = i;
		while (j < np && x->p[j].v == x->p[i].v)
			j++;
		for (uint32_t k = i; k < j; k++) {
			struct vkey *v = find_vkey(out, kid[x->p[k].idx]);
			if (v && v->top_product < j - i)
				v->top_product = j - i;
		}
		i = j;
	}
	if (out->n_viewed > 1)
		ec_sort(out->viewed, out->n_viewed, sizeof(*out->viewed), cmp_vkey);
	for (np = 0, i = 0; i < m; i++)
		if (e[i].type == EC_EV_VIEW && e[i].brand)
			x->p[np++] = (struct pair){e[i].brand, i};
	ec_sort(x->p, np, sizeof(*x->p), cmp_pair);
	if (np) {
		groups(x->p, np, &best);
		out->top_brand = (int64_t)best;
	}
}

/* Appends the items of one kind from sorted (id, event) pairs. */
static void add_items(struct ffold *f, const struct ec_sev *e, const struct pair *p, uint32_t n,
		      uint8_t kind)
{
	for (uint32_t i = 0; i < n;) {
		struct fitem *it = &f->items[f->n_items++];
		*it = (struct fitem){.id = p[i].v, .kind = kind};
		uint32_t j = i;
		for (; j < n && p[j].v == p[i].v; j++) {
			uint8_t t = e[p[j].idx].type;
			it->views += t == EC_EV_VIEW;
			if (t == EC_EV_VIEW)
				it->view_price += e[p[j].idx].price;
			it->carts += t == EC_EV_CART;
			it->buys += t == EC_EV_PURCHASE;
		}
		i = j;
	}
}

void ffold_build(struct ffold *out, const struct ec_session *s, const uint32_t *kid,
		 struct fscratch *x)
{
	const struct ec_sev *e = s->ev;
	uint32_t n = s->n, np, i;

	memset(out, 0, sizeof(*out));
	out->user_id = s->user_id;
	out->end = s->end;
	out->last_purchase = INT64_MIN;
	for (i = 0; i < n; i++) {
		out->views += e[i].type == EC_EV_VIEW;
		out->carts += e[i].type == EC_EV_CART;
		if (e[i].type == EC_EV_PURCHASE) {
			out->purchases++;
			out->last_purchase = e[i].time;
		}
	}
	scratch_reserve(x, n);
	EC_GROW(x->items, x->cap_items, 3 * (size_t)n + 1);
	out->items = x->items;
	for (i = 0; i < n; i++)
		x->p[i] = (struct pair){kid[i], i};
	ec_sort(x->p, n, sizeof(*x->p), cmp_pair);
	add_items(out, e, x->p, n, FI_CAT);
	for (np = 0, i = 0; i < n; i++)
		if (e[i].brand)
			x->p[np++] = (struct pair){e[i].brand, i};
	ec_sort(x->p, np, sizeof(*x->p), cmp_pair);
	add_items(out, e, x->p, np, FI_BRAND);
	for (i = 0; i < n; i++)
		x->p[i] = (struct pair){e[i].product_id, i};
	ec_sort(x->p, n, sizeof(*x->p), cmp_pair);
	add_items(out, e, x->p, n, FI_PRODUCT);
}
