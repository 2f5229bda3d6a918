/* Comparing a funnel with a baseline period (`funnel --baseline FILE...`):
 * the baseline's rows matched to the funnel's by table and value, and each
 * step's conversions compared by a two-proportion z-test. See funnel.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/funnel.h"

struct ec_funnel_baseline {
	const struct ec_funnel_result *r;
	/* per table (0: the whole funnel, 1 + i: breakdown i), its rows sorted
	 * by value, for lookups */
	const struct ec_funnel_row **sorted[1 + EC_FUNNEL_BY_N];
	size_t n[1 + EC_FUNNEL_BY_N];
};

static int row_cmp(const void *a, const void *b)
{
	const struct ec_funnel_row *x = *(const struct ec_funnel_row *const *)a;
	const struct ec_funnel_row *y = *(const struct ec_funnel_row *const *)b;
	return strcmp(x->value, y->value);
}

struct ec_funnel_baseline *ec_funnel_baseline_new(const struct ec_funnel_result *base)
{
	struct ec_funnel_baseline *b = ec_xcalloc(1, sizeof(*b));
	b->r = base;
	b->sorted[0] = ec_xcalloc(1, sizeof(*b->sorted[0]));
	b->sorted[0][0] = &base->total;
	b->n[0] = 1;
	for (int i = 0; i < base->n_by; i++) {
		const struct ec_funnel_table *t = &base->by[i];
		b->sorted[1 + i] = ec_xcalloc(t->n + 1, sizeof(*b->sorted[1 + i]));
		for (size_t j = 0; j < t->n; j++)
			b->sorted[1 + i][j] = &t->rows[j];
		b->n[1 + i] = t->n;
		qsort(b->sorted[1 + i], t->n, sizeof(*b->sorted[1 + i]), row_cmp);
	}
	return b;
}

void ec_funnel_baseline_free(struct ec_funnel_baseline *b)
{
	if (!b)
		return;
	for (int i = 0; i < 1 + EC_FUNNEL_BY_N; i++)
		free(b->sorted[i]);
	free(b);
}

const struct ec_funnel_result *ec_funnel_baseline_result(const struct ec_funnel_baseline *b)
{
	return b ? b->r : NULL;
}

double ec_funnel_z_test(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2)
{
	if (!n1 || !n2)
		return NAN;
	double p1 = (double)x1 / (double)n1, p2 = (double)x2 / (double)n2;
	double p = (double)(x1 + x2) / (double)(n1 + n2);
	double se = sqrt(p * (1 - p) * (1 / (double)n1 + 1 / (double)n2));
	if (se == 0)
		return 1; /* both 0% or both 100%: no difference */
	return erfc(fabs(p1 - p2) / se / sqrt(2));
}

void ec_funnel_compare(const struct ec_funnel_baseline *b, int table,
		       const struct ec_funnel_row *row, int k, struct ec_funnel_compare *out)
{
	memset(out, 0, sizeof(*out));
	out->from_first = out->from_prev = out->d_first = out->d_prev = NAN;
	out->p_first = out->p_prev = NAN;
	if (!b || table < 0 || table > b->r->n_by)
		return;
	const struct ec_funnel_row key = {.value = row->value}, *kp = &key;
	const struct ec_funnel_row **hit =
	    bsearch(&kp, b->sorted[table], b->n[table], sizeof(*b->sorted[table]), row_cmp);
	if (!hit)
		return;
	const struct ec_funnel_row *base = *hit;
	out->have = 1;
	out->units = base->units[k];
	if (base->units[0])
		out->from_first = (double)base->units[k] / (double)base->units[0];
	if (row->units[0] && base->units[0]) {
		out->d_first = (double)row->units[k] / (double)row->units[0] - out->from_first;
		out->p_first =
		    ec_funnel_z_test(row->units[k], row->units[0], base->units[k], base->units[0]);
	}
	if (k == 0)
		return;
	if (base->units[k - 1])
		out->from_prev = (double)base->units[k] / (double)base->units[k - 1];
	if (row->units[k - 1] && base->units[k - 1]) {
		out->d_prev = (double)row->units[k] / (double)row->units[k - 1] - out->from_prev;
		out->p_prev = ec_funnel_z_test(row->units[k], row->units[k - 1], base->units[k],
					       base->units[k - 1]);
	}
}
