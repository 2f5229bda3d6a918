#include <stdlib.h>
#include <string.h>

#include "ecomctl/session.h"

#include "session_int.h"

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
	if (n <= 24) {
		/* Most sessions are short: insertion sort beats qsort's calls. */
		for (uint32_t i = 1; i < n; i++) {
			uint64_t x = v[i];
			uint32_t j = i;
			for (; j > 0 && v[j - 1] > x; j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
	} else {
		qsort(v, n, sizeof(*v), cmp_u64);
	}
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

	/* The top category: count events per category key, O(n * keys). An
	 * event's key depends only on its (code, category_id), so a key is
	 * formatted once per pair; pairs with the same key share its count. */
	enum { SMALL = 16 };
	char small_keys[SMALL][160];
	uint32_t small_counts[SMALL], small_code[SMALL];
	uint64_t small_cat[SMALL];
	int small_key_of[SMALL];
	int big = s->n > SMALL;
	char(*keys)[160] = big ? ec_xmalloc(s->n * sizeof(*keys)) : small_keys;
	uint32_t *counts = big ? ec_xmalloc(s->n * sizeof(*counts)) : small_counts;
	uint32_t *pair_code = big ? ec_xmalloc(s->n * sizeof(*pair_code)) : small_code;
	uint64_t *pair_cat = big ? ec_xmalloc(s->n * sizeof(*pair_cat)) : small_cat;
	int *key_of = big ? ec_xmalloc(s->n * sizeof(*key_of)) : small_key_of;
	uint32_t n_keys = 0, n_pairs = 0, best = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		const struct ec_sev *e = &s->ev[i];
		uint32_t p = 0;
		while (p < n_pairs && (pair_code[p] != e->code || pair_cat[p] != e->category_id))
			p++;
		if (p == n_pairs) {
			const char *code = ec_sessionizer_code(z, e->code);
			ec_category_key(keys[n_keys], sizeof(keys[0]), code, strlen(code),
					e->category_id, level);
			uint32_t j = 0;
			while (j < n_keys && strcmp(keys[j], keys[n_keys]) != 0)
				j++;
			if (j == n_keys)
				counts[n_keys++] = 0;
			pair_code[n_pairs] = e->code;
			pair_cat[n_pairs] = e->category_id;
			key_of[n_pairs++] = (int)j;
		}
		uint32_t j = (uint32_t)key_of[p];
		if (++counts[j] > counts[best])
			best = j;
	}
	if (n_keys)
		memcpy(out->top_category, keys[best], sizeof(out->top_category));
	if (big) {
		free(keys);
		free(counts);
		free(pair_code);
		free(pair_cat);
		free(key_of);
	}
	if (v != small)
		free(v);
}

/* At the end of the input: too many late events fail the run. */
int sz_check_late(const struct ec_sessionizer *z, struct ec_err *err)
{
	const struct ec_session_stats *s = ec_sessionizer_stats(z);
	const struct ec_session_opts *o = ec_sessionizer_opts(z);
	if (s->events_in == 0 || (double)s->late <= o->max_late_fraction * (double)s->events_in)
		return 0;
	return ec_fail(err, EC_EDATA,
		       "%llu of %llu events were late (%.2f%%, over --lateness %llds behind the "
		       "latest), more than --max-late-fraction %g: the input is not in time order",
		       (unsigned long long)s->late, (unsigned long long)s->events_in,
		       100.0 * s->late / s->events_in, (long long)o->lateness,
		       o->max_late_fraction);
}

void ec_sessionizer_report(const struct ec_sessionizer *z)
{
	const struct ec_session_stats *s = ec_sessionizer_stats(z);
	if (ec_sessionizer_opts(z)->events_only) {
		ec_log_info(
		    "events %llu: %llu duplicates dropped, %llu late dropped, %llu reordered",
		    (unsigned long long)s->events_in, (unsigned long long)s->duplicates,
		    (unsigned long long)s->late, (unsigned long long)s->reordered);
		return;
	}
	ec_log_info("sessions %llu from %llu events: %llu duplicates dropped, %llu late dropped, "
		    "%llu reordered, %llu split (max-session %llu, midnight %llu)",
		    (unsigned long long)s->sessions, (unsigned long long)s->events_in,
		    (unsigned long long)s->duplicates, (unsigned long long)s->late,
		    (unsigned long long)s->reordered, (unsigned long long)s->split,
		    (unsigned long long)s->by_cut[EC_CUT_MAX],
		    (unsigned long long)s->by_cut[EC_CUT_MIDNIGHT]);
}

const char *ec_sessionizer_code(const struct ec_sessionizer *z, uint32_t id)
{
	return ec_strtab_str(&z->codes, id);
}

const char *ec_sessionizer_brand(const struct ec_sessionizer *z, uint32_t id)
{
	return ec_strtab_str(&z->brands, id);
}

uint32_t ec_sessionizer_intern_code(struct ec_sessionizer *z, const char *s, size_t n)
{
	return ec_strtab_intern(&z->codes, s, n, NULL);
}

uint32_t ec_sessionizer_intern_brand(struct ec_sessionizer *z, const char *s, size_t n)
{
	return ec_strtab_intern(&z->brands, s, n, NULL);
}

uint32_t ec_sessionizer_n_codes(const struct ec_sessionizer *z)
{
	return (uint32_t)z->codes.n;
}

uint32_t ec_sessionizer_n_brands(const struct ec_sessionizer *z)
{
	return (uint32_t)z->brands.n;
}

const struct ec_session_stats *ec_sessionizer_stats(const struct ec_sessionizer *z)
{
	return &z->st;
}

const struct ec_session_opts *ec_sessionizer_opts(const struct ec_sessionizer *z)
{
	return &z->o;
}
