/* A count of distinct 64-bit keys in about 9 bytes a key (distinct.h): the
 * keys seen so far sorted, and a buffer of the newer ones merged into them
 * when full. */
#include "ecomctl/distinct.h"

#include <stdlib.h>
#include <string.h>

#include "ecomctl/common.h"

#define BUF_MIN 65536 /* keys the buffer holds at least */

void ec_distinct_init(struct ec_distinct *d)
{
	memset(d, 0, sizeof(*d));
}

void ec_distinct_release(struct ec_distinct *d)
{
	free(d->a);
	free(d->b);
	free(d->tmp);
	memset(d, 0, sizeof(*d));
}

/* LSD radix sort of n keys, 8 bits a pass, through tmp (n keys); the
 * result is in *keys (which may now be the other buffer). */
static void radix_sort(uint64_t **keys, uint64_t **tmp, size_t n)
{
	size_t cnt[256];
	uint64_t *src = *keys, *dst = *tmp;
	for (int shift = 0; shift < 64; shift += 8) {
		memset(cnt, 0, sizeof(cnt));
		for (size_t i = 0; i < n; i++)
			cnt[(src[i] >> shift) & 0xff]++;
		if (cnt[(src[0] >> shift) & 0xff] == n)
			continue; /* every key has this byte: the pass would change nothing */
		for (size_t i = 0, sum = 0; i < 256; i++) {
			size_t c = cnt[i];
			cnt[i] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[(src[i] >> shift) & 0xff]++] = src[i];
		uint64_t *t = src;
		src = dst;
		dst = t;
	}
	*keys = src;
	*tmp = dst;
}

/* Merges the buffer into the sorted keys. */
static void flush(struct ec_distinct *d)
{
	size_t m = d->nb;
	if (m == 0)
		return;
	radix_sort(&d->b, &d->tmp, m);
	size_t u = 1;
	for (size_t i = 1; i < m; i++)
		if (d->b[i] != d->b[u - 1])
			d->b[u++] = d->b[i];
	/* Backward merge into the room after a's keys, then down over the
	 * places the keys found in both left empty. */
	if (d->n + u > d->cap) {
		d->cap = d->n + u + (d->n + u) / 16;
		d->a = ec_xrealloc(d->a, d->cap * sizeof(*d->a));
	}
	size_t i = d->n, j = u, k = d->n + u;
	while (j > 0) {
		if (i > 0 && d->a[i - 1] > d->b[j - 1]) {
			d->a[--k] = d->a[--i];
		} else {
			if (i > 0 && d->a[i - 1] == d->b[j - 1])
				i--; /* one copy: b's, the same key */
			d->a[--k] = d->b[--j];
		}
	}
	/* a[0, i) stayed in place; the merged rest is a[k, n + u). */
	memmove(d->a + i, d->a + k, (d->n + u - k) * sizeof(*d->a));
	d->n = i + (d->n + u - k);
	d->nb = 0;
	/* The buffer grows with the keys: merges stay a small part of the
	 * work (each costs n; the number of merges grows as the log of the
	 * keys), memory about 9.5 bytes a key (1/16 room in a, buffer and
	 * sorting room of 1/16 of a each). */
	size_t want = d->n / 16 > BUF_MIN ? d->n / 16 : BUF_MIN;
	if (want > d->cap_b) {
		d->cap_b = want;
		d->b = ec_xrealloc(d->b, want * sizeof(*d->b));
		d->tmp = ec_xrealloc(d->tmp, want * sizeof(*d->tmp));
	}
}

void ec_distinct_add_slow(struct ec_distinct *d, uint64_t key)
{
	if (d->cap_b == 0) {
		d->cap_b = BUF_MIN;
		d->b = ec_xmalloc(BUF_MIN * sizeof(*d->b));
		d->tmp = ec_xmalloc(BUF_MIN * sizeof(*d->tmp));
	} else {
		flush(d);
	}
	d->b[d->nb++] = key;
	d->last = key;
	d->any = 1;
}

uint64_t ec_distinct_count(struct ec_distinct *d)
{
	flush(d);
	return d->n;
}

const uint64_t *ec_distinct_keys(struct ec_distinct *d, size_t *n)
{
	flush(d);
	*n = d->n;
	return d->a;
}

size_t ec_distinct_bytes(const struct ec_distinct *d)
{
	return (d->cap + 2 * d->cap_b) * sizeof(uint64_t);
}
