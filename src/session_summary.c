#include <stdlib.h>
#include <string.h>

#include "ecomctl/session.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Distinct values among n, sorting the scratch array in place. */
static uint32_t distinct(uint64_t *v, uint32_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	uint32_t d = 1;
	for (uint32_t i = 1; i < n; i++)
		d += v[i] != v[i - 1];
	return d;
}

void ec_session_summarize(struct ec_session_summary *out, const struct ec_session *s,
			  const struct ec_sessionizer *z, int level)
{
	uint64_t small[64];
	uint64_t *v = s->n <= 64 ? small : ec_xmalloc(s->n * sizeof(*v));

	memset(out, 0, sizeof(*out));
	out->events = s->n;
	out->first_purchase = INT64_MIN;
	for (uint32_t i = 0; i < s->n; i++) {
		const struct ec_sev *e = &s->ev[i];
		out->by_type[e->type]++;
		if (e->type == EC_EV_CART)
			out->cart_value += e->price;
		if (e->type == EC_EV_PURCHASE) {
			out->revenue += e->price;
			if (out->first_purchase == INT64_MIN)
				out->first_purchase = e->time;
		}
	}
	for (uint32_t i = 0; i < s->n; i++)
		v[i] = s->ev[i].product_id;
	out->products = distinct(v, s->n);
	for (uint32_t i = 0; i < s->n; i++)
		v[i] = s->ev[i].category_id;
	out->categories = distinct(v, s->n);
	uint32_t nb = 0;
	for (uint32_t i = 0; i < s->n; i++)
		if (s->ev[i].brand)
			v[nb++] = s->ev[i].brand;
	out->brands = distinct(v, nb);

	/* The top category: count events per category key, O(n * keys). */
	char small_keys[16][160];
	uint32_t small_counts[16];
	char (*keys)[160] = s->n <= 16 ? small_keys : ec_xmalloc(s->n * sizeof(*keys));
	uint32_t *counts = s->n <= 16 ? small_counts : ec_xmalloc(s->n * sizeof(*counts));
	uint32_t n_keys = 0, best = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		const char *code = ec_sessionizer_code(z, s->ev[i].code);
		ec_category_key(keys[n_keys], sizeof(keys[0]), code, strlen(code),
				s->ev[i].category_id, level);
		uint32_t j = 0;
		while (j < n_keys && strcmp(keys[j], keys[n_keys]) != 0)
			j++;
		if (j == n_keys)
			counts[n_keys++] = 0;
		if (++counts[j] > counts[best])
			best = j;
	}
	if (n_keys)
		memcpy(out->top_category, keys[best], sizeof(out->top_category));
	if (keys != small_keys) {
		free(keys);
		free(counts);
	}
	if (v != small)
		free(v);
}
