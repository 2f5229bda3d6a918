/* Unit tests of ec_distinct (distinct.h): its count and keys against a
 * hash set fed the same keys, over many merges and keys built to hit the
 * radix sort's corners (equal low bytes, 0, all ones, repeats in a row). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>

#include "ecomctl/distinct.h"
#include "ecomctl/hash.h"
#include "seeded_rng.h"

static void check_against_set(struct ec_distinct *d, const struct ec_u64set *set)
{
	size_t n;
	const uint64_t *k = ec_distinct_keys(d, &n);
	assert_int_equal(n, set->n);
	assert_int_equal(ec_distinct_count(d), set->n);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && !(k[i - 1] < k[i]))
			fail_msg("keys %zu and %zu not ascending and distinct", i - 1, i);
		if (!ec_u64set_has(set, k[i]))
			fail_msg("key %zu was never added", i);
	}
}

static void test_distinct__empty(void **state)
{
	struct ec_distinct d;
	size_t n = 7;
	(void)state;
	ec_distinct_init(&d);
	assert_int_equal(ec_distinct_count(&d), 0);
	ec_distinct_keys(&d, &n);
	assert_int_equal(n, 0);
	ec_distinct_add(&d, 0);
	ec_distinct_add(&d, 0);
	assert_int_equal(ec_distinct_count(&d), 1);
	ec_distinct_release(&d);
}

static void test_distinct__as_a_hash_set(void **state)
{
	enum { N_ADD = 3000000 };
	struct ec_distinct d;
	struct ec_u64set set;
	(void)state;
	rng_state = 99;
	ec_distinct_init(&d);
	ec_u64set_init(&set);
	for (uint32_t i = 0; i < N_ADD; i++) {
		uint64_t r = rng(), key;
		switch (rng_below(8)) {
		case 0: /* a repeat of a small pool */
			key = (r >> 8) % 5000;
			break;
		case 1: /* only the top byte varies: most radix passes skip */
			key = ((r >> 8) & 0xff) << 56 | 0x00abcdef12345678ULL;
			break;
		case 2:
			key = r % 3 == 0 ? 0 : UINT64_MAX;
			break;
		default: /* fresh, many of them */
			key = r;
		}
		int reps = 1 + (int)((r >> 40) % 3); /* repeats in a row, as a session's events */
		for (int k = 0; k < reps; k++) {
			ec_distinct_add(&d, key);
			ec_u64set_add(&set, key);
		}
		if (i == 1000 || i == 200000)
			check_against_set(&d, &set); /* counting mid-way, then adding more */
	}
	check_against_set(&d, &set);
	assert_true(set.n > 1000000);
	/* about 9.5 bytes a key, not a hash table's 11 to 32 */
	assert_true(ec_distinct_bytes(&d) < set.n * 10);
	ec_distinct_release(&d);
	ec_u64set_release(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_distinct__empty),
	    cmocka_unit_test(test_distinct__as_a_hash_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
