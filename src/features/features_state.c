/* The featurizer's memory of the past: per-user history and the category,
 * brand and product priors, built by folding whole sessions once they are
 * known to be over (see featurizer.c for when). Every order kept here (a
 * user's categories, the most carted categories) is by count, then by key
 * string, so the state depends only on the set of sessions folded, never on
 * the order they were folded in. */
#include <stdlib.h>
#include <string.h>

#include "features_int.h"

void fstate_init(struct fstate *st, const struct ec_sessionizer *z, int level, uint32_t max_top)
{
	memset(st, 0, sizeof(*st));
	st->z = z;
	st->level = level;
	st->max_top = max_top;
	ec_strtab_init(&st->keys);
	ec_u64map_init(&st->id_key);
	ec_u64map_init(&st->prod_idx);
	ec_u64map_init(&st->user_idx);
	st->top = ec_xcalloc(max_top ? max_top : 1, sizeof(*st->top));
}

void fstate_release(struct fstate *st)
{
	for (size_t i = 0; i < st->n_users; i++)
		free(st->users[i].cats);
	free(st->users);
	for (size_t i = 0; st->co && i < st->cap_cat; i++)
		free(st->co[i].v);
	free(st->co);
	free(st->code_key);
	free(st->cat);
	free(st->brand);
	free(st->prod);
	free(st->top);
	ec_strtab_release(&st->keys);
	ec_u64map_release(&st->id_key);
	ec_u64map_release(&st->prod_idx);
	ec_u64map_release(&st->user_idx);
	memset(st, 0, sizeof(*st));
}

static uint32_t intern_key(struct fstate *st, const char *code, uint64_t category_id)
{
	char buf[256];
	size_t n = ec_category_key(buf, sizeof(buf), code, strlen(code), category_id, st->level);
	uint32_t k = ec_strtab_intern(&st->keys, buf, n, NULL);
	if (k >= st->cap_cat) {
		size_t old = st->cap_cat;
		EC_GROW(st->cat, st->cap_cat, (size_t)k + 1);
		memset(st->cat + old, 0, (st->cap_cat - old) * sizeof(*st->cat));
		st->co = ec_xrealloc(st->co, st->cap_cat * sizeof(*st->co));
		memset(st->co + old, 0, (st->cap_cat - old) * sizeof(*st->co));
	}
	return k;
}

uint32_t fstate_key(struct fstate *st, uint32_t code, uint64_t category_id)
{
	if (code == 0) {
		int added = 0;
		uint32_t *v = ec_u64map_put(&st->id_key, category_id, 0, &added);
		if (added)
			*v = intern_key(st, "", category_id);
		return *v;
	}
	if (code >= st->cap_code_key) {
		size_t old = st->cap_code_key;
		EC_GROW(st->code_key, st->cap_code_key, (size_t)code + 1);
		memset(st->code_key + old, 0, (st->cap_code_key - old) * sizeof(*st->code_key));
	}
	if (!st->code_key[code])
		st->code_key[code] =
		    intern_key(st, ec_sessionizer_code(st->z, code), category_id) + 1;
	return st->code_key[code] - 1;
}

const char *fstate_key_str(const struct fstate *st, uint32_t key)
{
	return ec_strtab_str(&st->keys, key);
}

int fstate_key_before(const struct fstate *st, uint32_t a_n, uint32_t a, uint32_t b_n, uint32_t b)
{
	if (a_n != b_n)
		return a_n > b_n;
	return strcmp(fstate_key_str(st, a), fstate_key_str(st, b)) < 0;
}

/* The most carted categories, kept exact under increments: every key outside
 * the list ranks below every key in it, and only `key` changed. */
static void top_update(struct fstate *st, uint32_t key)
{
	uint32_t i, n = st->n_top;
	if (st->max_top == 0)
		return;
	for (i = 0; i < n && st->top[i] != key; i++)
		;
	if (i == n) {
		if (n < st->max_top) {
			st->top[st->n_top++] = key;
		} else if (fstate_key_before(st, st->cat[key].s_carted, key,
					     st->cat[st->top[n - 1]].s_carted, st->top[n - 1])) {
			i = n - 1;
			st->top[i] = key;
		} else {
			return;
		}
	}
	for (; i > 0; i--) {
		uint32_t a = st->top[i], b = st->top[i - 1];
		if (!fstate_key_before(st, st->cat[a].s_carted, a, st->cat[b].s_carted, b))
			break;
		st->top[i] = b;
		st->top[i - 1] = a;
	}
}

uint32_t fstate_top_rank(const struct fstate *st, uint32_t key)
{
	for (uint32_t i = 0; i < st->n_top; i++)
		if (st->top[i] == key)
			return i + 1;
	return 0;
}

static const struct cocart zero_co;

const struct cocart *fstate_cocart(const struct fstate *st, uint32_t key)
{
	return key < st->cap_cat ? &st->co[key] : &zero_co;
}

/* One more session that viewed a and carted b, the list kept in order. */
static void cocart_add(struct fstate *st, uint32_t a, uint32_t b)
{
	struct cocart *c = &st->co[a];
	uint32_t i;
	for (i = 0; i < c->n && c->v[i].key != b; i++)
		;
	if (i == c->n) {
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 4;
			c->v = ec_xrealloc(c->v, c->cap * sizeof(*c->v));
		}
		c->v[c->n++] = (struct cc){b, 0};
	}
	c->v[i].sessions++;
	for (; i > 0 && fstate_key_before(st, c->v[i].sessions, c->v[i].key, c->v[i - 1].sessions,
					  c->v[i - 1].key);
	     i--) {
		struct cc t = c->v[i];
		c->v[i] = c->v[i - 1];
		c->v[i - 1] = t;
	}
}

static void cocart_fold(struct fstate *st, const struct ffold *f)
{
	for (uint32_t i = 0; i < f->n_items; i++) {
		const struct fitem *a = &f->items[i];
		if (a->kind != FI_CAT || !a->views)
			continue;
		for (uint32_t j = 0; j < f->n_items; j++) {
			const struct fitem *b = &f->items[j];
			if (b->kind == FI_CAT && j != i && b->carts + b->buys > 0)
				cocart_add(st, (uint32_t)a->id, (uint32_t)b->id);
		}
	}
}

static struct fuser *user_get(struct fstate *st, uint64_t user_id)
{
	int added = 0;
	uint32_t *v = ec_u64map_put(&st->user_idx, user_id, (uint32_t)st->n_users, &added);
	if (added) {
		EC_GROW(st->users, st->cap_users, st->n_users + 1);
		struct fuser *u = &st->users[st->n_users++];
		memset(u, 0, sizeof(*u));
		u->last_end = INT64_MIN;
		u->last_purchase = INT64_MIN;
	}
	return &st->users[*v];
}

/* Whether a ranks before b in a user's categories: more carts + purchases,
 * then more views, then the key string. */
static int ucat_before(const struct fstate *st, const struct ucat *a, const struct ucat *b)
{
	uint32_t an = a->carts + a->purchases, bn = b->carts + b->purchases;
	if (an != bn)
		return an > bn;
	if (a->views != b->views)
		return a->views > b->views;
	return strcmp(fstate_key_str(st, a->key), fstate_key_str(st, b->key)) < 0;
}

static void user_cat_add(const struct fstate *st, struct fuser *u, uint32_t key,
			 const struct fitem *it, int64_t end)
{
	uint32_t i;
	for (i = 0; i < u->n_cats && u->cats[i].key != key; i++)
		;
	if (i == u->n_cats) {
		if (u->n_cats == u->cap_cats) {
			/* a quarter more, not double: over all users, the unused
			 * slots are a good part of the history's memory */
			u->cap_cats = u->cap_cats ? u->cap_cats + u->cap_cats / 4 + 2 : 4;
			u->cats = ec_xrealloc(u->cats, u->cap_cats * sizeof(*u->cats));
		}
		u->cats[u->n_cats++] = (struct ucat){.key = key, .last_end = INT64_MIN};
	}
	struct ucat *c = &u->cats[i];
	c->carts += it->carts;
	c->purchases += it->buys;
	c->views += it->views;
	if (it->views) {
		c->view_sessions++;
		/* The latest session that viewed it (same end: the larger count,
		 * so that the fold order does not matter). */
		if (end > c->last_end || (end == c->last_end && it->views > c->last_views)) {
			c->last_end = end;
			c->last_views = it->views;
		}
	}
	for (; i > 0 && ucat_before(st, &u->cats[i], &u->cats[i - 1]); i--) {
		struct ucat t = u->cats[i];
		u->cats[i] = u->cats[i - 1];
		u->cats[i - 1] = t;
	}
}

static struct prior_item *item_slot(struct prior_item **arr, size_t *cap, size_t idx)
{
	if (idx >= *cap) {
		size_t old = *cap;
		ec_grow((void **)arr, cap, idx + 1, sizeof(**arr));
		memset(*arr + old, 0, (*cap - old) * sizeof(**arr));
	}
	return &(*arr)[idx];
}

/* The user-history part of a fold. */
static void user_fold(struct fuser *u, const struct ffold *f)
{
	u->sessions++;
	u->purchase_sessions += f->purchases > 0;
	u->purchases += f->purchases;
	u->views += f->views;
	u->carts += f->carts;
	u->cart_sessions += f->carts > 0;
	if (f->end > u->last_end)
		u->last_end = f->end;
	if (f->last_purchase > u->last_purchase)
		u->last_purchase = f->last_purchase;
}

void fstate_fold(struct fstate *st, const struct ffold *f)
{
	struct fuser *u = ec_partition_has(&st->part, f->user_id) ? user_get(st, f->user_id) : NULL;
	st->sessions++;
	st->purchase_sessions += f->purchases > 0;
	st->cart_sessions += f->purchases > 0 || f->carts > 0;
	if (u)
		user_fold(u, f);

	for (uint32_t i = 0; i < f->n_items; i++) {
		const struct fitem *it = &f->items[i];
		int viewed = it->views > 0, carted = it->carts + it->buys > 0,
		    bought = it->buys > 0;
		if (it->kind == FI_CAT) {
			struct prior_cat *c = &st->cat[it->id];
			c->views += it->views;
			c->view_price += it->view_price;
			c->s_viewed += viewed;
			c->s_carted += carted;
			c->s_view_cart += viewed && carted;
			c->s_view_buy += viewed && bought;
			st->cat_viewed += viewed;
			st->cat_view_cart += viewed && carted;
			st->cat_view_buy += viewed && bought;
			if (carted)
				top_update(st, (uint32_t)it->id);
			if (u && (carted || viewed))
				user_cat_add(st, u, (uint32_t)it->id, it, f->end);
			continue;
		}
		struct prior_item *p;
		if (it->kind == FI_BRAND) {
			p = item_slot(&st->brand, &st->cap_brand, (size_t)it->id);
			st->brand_viewed += viewed;
			st->brand_view_buy += viewed && bought;
		} else {
			int added = 0;
			uint32_t *v =
			    ec_u64map_put(&st->prod_idx, it->id, (uint32_t)st->n_prod, &added);
			if (added)
				st->n_prod++;
			p = item_slot(&st->prod, &st->cap_prod, *v);
			st->prod_viewed += viewed;
			st->prod_view_buy += viewed && bought;
		}
		p->views += it->views;
		p->s_viewed += viewed;
		p->s_view_buy += viewed && bought;
	}
	if (f->carts + f->purchases > 0)
		cocart_fold(st, f);
}

const struct fuser *fstate_user(const struct fstate *st, uint64_t user_id)
{
	const uint32_t *v = ec_u64map_get(&st->user_idx, user_id);
	return v ? &st->users[*v] : NULL;
}

static const struct prior_cat zero_cat;
static const struct prior_item zero_item;

const struct prior_cat *fstate_cat(const struct fstate *st, uint32_t key)
{
	return key < st->cap_cat ? &st->cat[key] : &zero_cat;
}

const struct prior_item *fstate_brand(const struct fstate *st, int64_t brand)
{
	return brand >= 0 && (size_t)brand < st->cap_brand ? &st->brand[brand] : &zero_item;
}

const struct prior_item *fstate_product(const struct fstate *st, uint64_t product)
{
	const uint32_t *v = ec_u64map_get(&st->prod_idx, product);
	return v && *v < st->cap_prod ? &st->prod[*v] : &zero_item;
}
