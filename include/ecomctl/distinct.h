/*
 * distinct.h -- an exact count of distinct 64-bit keys in little memory:
 * the keys seen so far sorted (8 bytes each), the newer ones in a buffer
 * of a sixteenth of that, merged in when it fills (a radix sort, then one
 * pass): about 9.5 bytes a key. A hash set needs 8 bytes a slot at no more
 * than 3/4 load, and both tables while it grows: 11 to 32 bytes a key.
 * Adding is an append;
 * a key equal to the one added just before is skipped at once (a session's
 * events come together).
 */
#ifndef ECOMCTL_DISTINCT_H
#define ECOMCTL_DISTINCT_H

#include <stddef.h>
#include <stdint.h>

struct ec_distinct {
	uint64_t *a; /* distinct keys, ascending */
	size_t n, cap;
	uint64_t *b, *tmp; /* keys added since (unsorted), and room to sort them */
	size_t nb, cap_b;
	uint64_t last; /* the key added last (when any) */
	int any;
};

void ec_distinct_init(struct ec_distinct *d);
void ec_distinct_release(struct ec_distinct *d);
void ec_distinct_add_slow(struct ec_distinct *d, uint64_t key);
static inline void ec_distinct_add(struct ec_distinct *d, uint64_t key)
{
	if (d->any && key == d->last)
		return;
	if (d->nb < d->cap_b) {
		d->b[d->nb++] = key;
		d->last = key;
		return;
	}
	ec_distinct_add_slow(d, key);
}
/* How many distinct keys were added. */
uint64_t ec_distinct_count(struct ec_distinct *d);
/* The distinct keys, ascending (borrowed until the next add). */
const uint64_t *ec_distinct_keys(struct ec_distinct *d, size_t *n);
/* Bytes held now. */
size_t ec_distinct_bytes(const struct ec_distinct *d);

#endif
