/* Funnel counting, abandoned products: the carted products of each unit,
 * the ones it did not buy, and the most abandoned ones of the results. */
#include <stdlib.h>
#include <string.h>

#include "funnel_int.h"

struct fn_product *fn_product(struct ec_funnel *f, uint64_t product_id)
{
	int added;
	uint32_t *v = ec_u64map_put(&f->prod_index, product_id, (uint32_t)f->n_prods, &added);
	if (added) {
		EC_GROW(f->prods, f->cap_prods, f->n_prods + 1);
		f->prods[f->n_prods++] =
		    (struct fn_product){.product_id = product_id, .price_time = INT64_MIN};
	}
	return &f->prods[*v];
}

/* Remembers the attributes of a product's latest cart event. */
static void note_cart(struct ec_funnel *f, const struct ec_sev *e)
{
	struct fn_product *p = fn_product(f, e->product_id);
	if (e->time >= p->price_time) {
		p->price_time = e->time;
		p->price = e->price;
		p->category_id = e->category_id;
		p->code = e->code;
		p->brand = e->brand;
	}
}

static int u64_cmp(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return a < b ? -1 : a > b;
}

void fn_carts_prefetch(const struct ec_funnel *f, const struct fn_unit *u, const struct ec_sev *e)
{
	if (e->type != EC_EV_CART && e->type != EC_EV_PURCHASE)
		return;
	if (u->pairs)
		__builtin_prefetch(u->pairs);
	if (e->type == EC_EV_CART)
		ec_u64map_prefetch(&f->prod_index, e->product_id);
}

/* User units: the user's products, in a short list of its own (a user
 * carts few products); counted at the end (user_carts). */
void fn_tally_cart_event(struct ec_funnel *f, struct fn_unit *u, const struct ec_sev *e)
{
	if (e->type != EC_EV_CART && e->type != EC_EV_PURCHASE)
		return;
	if (e->type == EC_EV_CART)
		note_cart(f, e);
	uint32_t i = 0;
	while (i < u->n_pairs && u->pairs[i].product != e->product_id)
		i++;
	if (i == u->n_pairs) {
		if (u->n_pairs == u->cap_pairs) {
			u->cap_pairs = u->cap_pairs ? u->cap_pairs * 2 : 2;
			u->pairs = ec_xrealloc(u->pairs, u->cap_pairs * sizeof(*u->pairs));
		}
		u->pairs[u->n_pairs++] = (struct fn_upair){.product = e->product_id};
	}
	if (e->type == EC_EV_CART)
		u->pairs[i].carted = 1;
	else
		u->pairs[i].bought = 1;
}

/* Session units: each session's carted products, bought or abandoned. */
void fn_tally_carts(struct ec_funnel *f, const struct ec_session *s)
{
	uint64_t *cart = NULL, *buy = NULL;
	size_t nc = 0, nb = 0, cc = 0, cb = 0;

	for (uint32_t i = 0; i < s->n; i++) {
		const struct ec_sev *e = &s->ev[i];
		if (e->type == EC_EV_CART) {
			note_cart(f, e);
			EC_GROW(cart, cc, nc + 1);
			cart[nc++] = e->product_id;
		} else if (e->type == EC_EV_PURCHASE) {
			EC_GROW(buy, cb, nb + 1);
			buy[nb++] = e->product_id;
		}
	}
	if (nc > 0) {
		qsort(cart, nc, sizeof(*cart), u64_cmp);
		if (nb > 1)
			qsort(buy, nb, sizeof(*buy), u64_cmp);
		int any = 0;
		for (size_t i = 0, j = 0; i < nc; i++) {
			if (i > 0 && cart[i] == cart[i - 1])
				continue;
			while (j < nb && buy[j] < cart[i])
				j++;
			struct fn_product *p = &f->prods[*ec_u64map_get(&f->prod_index, cart[i])];
			p->carted++;
			if (!(j < nb && buy[j] == cart[i])) {
				p->abandoned++;
				any = 1;
			}
		}
		f->carting++;
		f->abandoning += any;
	}
	free(cart);
	free(buy);
}

/* User units: each user's products become per-product counts (and the
 * lists go). */
static void user_carts(struct ec_funnel *f)
{
	for (size_t k = 0; k < f->n_units; k++) {
		struct fn_unit *u = &f->units[k];
		int carting = 0, abandoning = 0;
		for (uint32_t i = 0; i < u->n_pairs; i++) {
			const struct fn_upair *q = &u->pairs[i];
			if (!q->carted)
				continue;
			struct fn_product *p =
			    &f->prods[*ec_u64map_get(&f->prod_index, q->product)];
			p->carted++;
			carting = 1;
			if (!q->bought) {
				p->abandoned++;
				abandoning = 1;
			}
		}
		f->carting += (uint64_t)carting;
		f->abandoning += (uint64_t)abandoning;
		free(u->pairs);
		u->pairs = NULL;
		u->n_pairs = u->cap_pairs = 0;
	}
}

static int prod_cmp(const void *pa, const void *pb)
{
	const struct fn_product *a = pa, *b = pb;
	if (a->abandoned != b->abandoned)
		return a->abandoned > b->abandoned ? -1 : 1;
	return a->product_id < b->product_id ? -1 : a->product_id > b->product_id;
}

void fn_carts_build(struct ec_funnel *f)
{
	struct ec_funnel_result *r = &f->res;
	if (f->o.unit == EC_FUNNEL_UNIT_USER)
		user_carts(f);
	if (f->n_prods > 1)
		qsort(f->prods, f->n_prods, sizeof(*f->prods), prod_cmp);
	size_t n = 0;
	while (n < f->n_prods && n < (size_t)f->o.top && f->prods[n].abandoned > 0)
		n++;
	r->abandoned = ec_xcalloc(n + 1, sizeof(*r->abandoned));
	r->n_abandoned = n;
	for (size_t i = 0; i < n; i++) {
		const struct fn_product *p = &f->prods[i];
		r->abandoned[i] = (struct ec_funnel_product){
		    .product_id = p->product_id,
		    .category_id = p->category_id,
		    .category_code = f->z ? ec_sessionizer_code(f->z, p->code) : "",
		    .brand = f->z ? ec_sessionizer_brand(f->z, p->brand) : "",
		    .price = p->price,
		    .carted = p->carted,
		    .abandoned = p->abandoned,
		};
	}
	r->carting_units = f->carting;
	r->abandoning_units = f->abandoning;
}
