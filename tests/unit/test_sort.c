/* Unit tests of ec_sort(): on random arrays of every length around its
 * insertion cut-off, and element sizes up to and past its buffer, the result
 * is sorted and a permutation; up to the cut-off (16) it is the stable order:
 * equal keys keep their input order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ecomctl/common.h"
#include "seeded_rng.h"

struct small {
	uint32_t key, pos;
};

struct big {
	uint32_t key, pos;
	char pad[72]; /* past the 64-byte buffer: qsort's path */
};

static int small_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct small *)a)->key, y = ((const struct small *)b)->key;
	return x < y ? -1 : x > y;
}

static int big_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct big *)a)->key, y = ((const struct big *)b)->key;
	return x < y ? -1 : x > y;
}

static void test_sort__stable_small(void **state)
{
	(void)state;
	struct small a[40];
	rng_state = 7;
	for (int round = 0; round < 300; round++) {
		size_t n = (size_t)round % 40;
		for (size_t i = 0; i < n; i++)
			a[i] = (struct small){rng_below(5), (uint32_t)i}; /* many ties */
		ec_sort(a, n, sizeof(*a), small_cmp);
		for (size_t i = 1; i < n; i++) {
			assert_true(a[i - 1].key <= a[i].key);
			if (n <= 16 && a[i - 1].key == a[i].key)
				assert_true(a[i - 1].pos < a[i].pos);
		}
		/* a permutation: every position once */
		uint8_t seen[40] = {0};
		for (size_t i = 0; i < n; i++)
			seen[a[i].pos]++;
		for (size_t i = 0; i < n; i++)
			assert_int_equal(seen[i], 1);
	}
}

static void test_sort__large_elements(void **state)
{
	(void)state;
	struct big a[12];
	rng_state = 11;
	for (size_t n = 0; n <= 12; n++) {
		for (size_t i = 0; i < n; i++) {
			memset(&a[i], 0, sizeof(a[i]));
			a[i].key = rng_below(3);
			a[i].pos = (uint32_t)i;
		}
		ec_sort(a, n, sizeof(*a), big_cmp);
		uint32_t keys = 0;
		for (size_t i = 1; i < n; i++)
			assert_true(a[i - 1].key <= a[i].key);
		for (size_t i = 0; i < n; i++)
			keys += a[i].pos;
		assert_int_equal(keys, n * (n - 1) / 2); /* positions kept with their rows */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sort__stable_small),
	    cmocka_unit_test(test_sort__large_elements),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
