/*
 * test_hash.c -- unit tests of hash.h: the u64 -> u32 map and the string
 * interning table. Keys come from a seeded splitmix64, so runs repeat
 * exactly; a plain array of what was inserted is the oracle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/common.h"
#include "ecomctl/hash.h"

static uint64_t rng_state;

/* splitmix64: a bijection of its counter, so one seed never repeats a key. */
static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- ec_u64map ---------------------------------------------------------- */

static void test_hash__u64map_empty(void **state)
{
	struct ec_u64map m;
	(void)state;
	ec_u64map_init(&m);
	assert_int_equal(m.n, 0);
	assert_null(ec_u64map_get(&m, 0));
	assert_null(ec_u64map_get(&m, 1));
	assert_null(ec_u64map_get(&m, UINT64_MAX));
	ec_u64map_release(&m);
	ec_u64map_release(&m); /* released twice: still empty and valid */
	assert_null(ec_u64map_get(&m, 1));
}

static void check_special_key(uint64_t key)
{
	struct ec_u64map m;
	int added = -1;
	ec_u64map_init(&m);
	uint32_t *v = ec_u64map_put(&m, key, 7, &added);
	assert_int_equal(added, 1);
	assert_int_equal(*v, 7);
	assert_int_equal(m.n, 1);
	*v = 8; /* the pointer is the value's home */
	v = ec_u64map_put(&m, key, 9, &added);
	assert_int_equal(added, 0);
	assert_int_equal(*v, 8);
	assert_int_equal(m.n, 1);
	assert_non_null(ec_u64map_get(&m, key));
	assert_int_equal(*ec_u64map_get(&m, key), 8);
	/* Its neighbours are still absent. */
	assert_null(ec_u64map_get(&m, key + 1));
	assert_null(ec_u64map_get(&m, key - 1));
	/* added may be NULL. */
	v = ec_u64map_put(&m, key + 1, 5, NULL);
	assert_int_equal(*v, 5);
	assert_int_equal(m.n, 2);
	assert_int_equal(*ec_u64map_get(&m, key), 8);
	ec_u64map_release(&m);
}

static void test_hash__u64map_zero_and_max(void **state)
{
	(void)state;
	check_special_key(0);	       /* lives outside the table */
	check_special_key(UINT64_MAX); /* key + 1 wraps to 0 */
	check_special_key(1);
}

static void test_hash__u64map_many(void **state)
{
	enum { N_KEYS = 100000 };
	uint64_t *keys = malloc(N_KEYS * sizeof(*keys));
	struct ec_u64map m;
	size_t last_cap = 0;
	int n_grow = 0, added;
	(void)state;
	assert_non_null(keys);
	ec_u64map_init(&m);
	rng_state = 42;
	for (uint32_t i = 0; i < N_KEYS; i++) {
		keys[i] = rng();
		uint32_t *v = ec_u64map_put(&m, keys[i], i, &added);
		assert_int_equal(added, 1);
		assert_int_equal(*v, i);
		assert_int_equal(m.n, i + 1);
		/* grown at 50% load, to powers of two */
		assert_true(m.n * 2 <= m.cap);
		assert_int_equal(m.cap & (m.cap - 1), 0);
		if (m.cap != last_cap) {
			n_grow++;
			last_cap = m.cap;
		}
	}
	/* The smallest power of two >= 2 * 100000 is 2^18 = 262144; from 64 that
	 * is 64, 128, ..., 2^18: 13 sizes. */
	assert_int_equal(m.cap, 262144);
	assert_int_equal(n_grow, 13);
	for (uint32_t i = 0; i < N_KEYS; i++) {
		uint32_t *v = ec_u64map_get(&m, keys[i]);
		if (!v || *v != i)
			fail_msg("key %u (%llu) lost after growth", i, (unsigned long long)keys[i]);
	}
	/* put of a present key returns its value and adds nothing. */
	for (uint32_t i = 0; i < N_KEYS; i += 7) {
		uint32_t *v = ec_u64map_put(&m, keys[i], 0xdead, &added);
		assert_int_equal(added, 0);
		assert_int_equal(*v, i);
	}
	assert_int_equal(m.n, N_KEYS);
	/* Keys of another seed are absent (2^-64 odds of a clash per key). */
	rng_state = 4242;
	for (int i = 0; i < 10000; i++)
		assert_null(ec_u64map_get(&m, rng()));
	ec_u64map_release(&m);
	free(keys);
}

/* Inverse of ec_mix64: odd multipliers are invertible mod 2^64 (Newton's
 * iteration doubles the correct low bits each step: 3, 6, ..., 96), and
 * x ^= x >> 33 undoes itself since 33 >= 32. */
static uint64_t mul_inverse(uint64_t c)
{
	uint64_t x = c;
	for (int i = 0; i < 5; i++)
		x *= 2 - c * x;
	return x;
}

static uint64_t unmix64(uint64_t x)
{
	x ^= x >> 33;
	x *= mul_inverse(0xc4ceb9fe1a85ec53ULL);
	x ^= x >> 33;
	x *= mul_inverse(0xff51afd7ed558ccdULL);
	x ^= x >> 33;
	return x;
}

/* 32 keys that all hash to the last slot of the first table (64 slots):
 * probing must wrap around to slot 0 and still find each. */
static void test_hash__u64map_collisions_wrap(void **state)
{
	struct ec_u64map m;
	uint64_t keys[33];
	int added;
	(void)state;
	for (uint64_t j = 0; j < 33; j++) {
		keys[j] = unmix64(63 + 64 * (j + 1));
		assert_int_equal(ec_mix64(keys[j]) & 63, 63);
	}
	ec_u64map_init(&m);
	for (uint32_t j = 0; j < 32; j++)
		ec_u64map_put(&m, keys[j], j, &added);
	/* 32 keys fill 64 slots to exactly 50%: no growth yet. */
	assert_int_equal(m.cap, 64);
	assert_int_equal(m.n, 32);
	for (uint32_t j = 0; j < 32; j++) {
		assert_non_null(ec_u64map_get(&m, keys[j]));
		assert_int_equal(*ec_u64map_get(&m, keys[j]), j);
	}
	assert_null(ec_u64map_get(&m, keys[32])); /* same slot, absent */
	ec_u64map_put(&m, keys[32], 32, &added);
	assert_int_equal(m.cap, 128);
	for (uint32_t j = 0; j < 33; j++)
		assert_int_equal(*ec_u64map_get(&m, keys[j]), j);
	ec_u64map_release(&m);
}

/* ---- ec_strtab ---------------------------------------------------------- */

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return (a > b) - (a < b);
}

/* add_many against one-at-a-time add on a second map: batches of every
 * size from 0 to 40 with repeats inside a batch, across batches, key 0 and
 * growth from empty; the new-key count is checked against a sorted array. */
static void test_hash__u64map_add_many(void **state)
{
	(void)state;
	struct ec_u64map a, b;
	ec_u64map_init(&a);
	ec_u64map_init(&b);
	enum { N = 20000 };
	uint64_t *keys = malloc(N * sizeof(*keys));
	assert_non_null(keys);
	rng_state = 7;
	for (size_t i = 0; i < N; i++)
		keys[i] = i % 97 == 0 ? 0 : i % 5 == 0 ? keys[i / 2] : rng();
	size_t at = 0, expect_total = 0;
	for (size_t len = 0; at < N; len = (len + 1) % 41) {
		size_t n = len < N - at ? len : N - at;
		size_t want = 0;
		for (size_t i = 0; i < n; i++)
			want += (size_t)ec_u64map_add(&b, keys[at + i]);
		assert_int_equal(ec_u64map_add_many(&a, keys + at, n), want);
		expect_total += want;
		at += n;
	}
	assert_int_equal(a.n, b.n);
	assert_int_equal(a.n, expect_total);
	/* Independently: the number of distinct keys, by sorting a copy. */
	qsort(keys, N, sizeof(*keys), cmp_u64);
	size_t distinct = 0;
	for (size_t i = 0; i < N; i++)
		distinct += i == 0 || keys[i] != keys[i - 1];
	assert_int_equal(a.n, distinct);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(ec_u64map_add(&a, keys[i]), 0);
	free(keys);
	ec_u64map_release(&a);
	ec_u64map_release(&b);
}

static void test_hash__strtab_empty_string(void **state)
{
	struct ec_strtab t;
	int added = -1;
	(void)state;
	ec_strtab_init(&t);
	assert_int_equal(ec_strtab_find(&t, "", 0), -1);
	assert_int_equal(ec_strtab_find(&t, "x", 1), -1);
	assert_int_equal(ec_strtab_intern(&t, "", 0, &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(ec_strtab_intern(&t, "", 0, &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(ec_strtab_find(&t, "", 0), 0);
	assert_int_equal(ec_strtab_find(&t, "x", 1), -1);
	assert_string_equal(ec_strtab_str(&t, 0), "");
	assert_int_equal(ec_strtab_len(&t, 0), 0);
	/* Length 0 is the empty string, whatever the pointer. */
	assert_int_equal(ec_strtab_intern(&t, "abc", 0, NULL), 0);
	assert_int_equal(t.n, 1);
	ec_strtab_release(&t);
}

static void test_hash__strtab_embedded_nul(void **state)
{
	struct ec_strtab t;
	int added;
	(void)state;
	ec_strtab_init(&t);
	/* Lengths, not NULs, delimit the strings: four different keys. */
	assert_int_equal(ec_strtab_intern(&t, "a\0b", 3, &added), 0);
	assert_int_equal(ec_strtab_intern(&t, "a\0c", 3, &added), 1);
	assert_int_equal(added, 1);
	assert_int_equal(ec_strtab_intern(&t, "a", 1, &added), 2);
	assert_int_equal(ec_strtab_intern(&t, "a\0", 2, &added), 3);
	assert_int_equal(ec_strtab_intern(&t, "a\0b", 3, &added), 0);
	assert_int_equal(added, 0);
	assert_int_equal(ec_strtab_find(&t, "a\0c", 3), 1);
	assert_int_equal(ec_strtab_find(&t, "a\0d", 3), -1);
	assert_int_equal(ec_strtab_len(&t, 0), 3);
	assert_memory_equal(ec_strtab_str(&t, 0), "a\0b", 4); /* with its final NUL */
	assert_memory_equal(ec_strtab_str(&t, 1), "a\0c", 4);
	assert_int_equal(ec_strtab_len(&t, 3), 2);
	assert_memory_equal(ec_strtab_str(&t, 3), "a\0", 3);
	ec_strtab_release(&t);
}

static void test_hash__strtab_first_sight_order(void **state)
{
	static const char *const seq[] = {"x", "y", "x", "z", "y", "w", "x"};
	static const uint32_t want[] = {0, 1, 0, 2, 1, 3, 0};
	static const int want_added[] = {1, 1, 0, 1, 0, 1, 0};
	struct ec_strtab t;
	int added;
	(void)state;
	ec_strtab_init(&t);
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		assert_int_equal(ec_strtab_intern(&t, seq[i], 1, &added), want[i]);
		assert_int_equal(added, want_added[i]);
	}
	assert_int_equal(t.n, 4);
	assert_string_equal(ec_strtab_str(&t, 3), "w");
	ec_strtab_release(&t);
}

/* String i of the big test: a length from 0 to 40 and content from i, so
 * that different i give different strings ("s<i>:" is a unique prefix). */
static size_t make_string(char *buf, uint32_t i)
{
	int n = snprintf(buf, 64, "s%u:", i);
	size_t len = (size_t)n + i % 41;
	for (size_t k = (size_t)n; k < len; k++)
		buf[k] = (char)(k * 31 + i); /* any byte, NUL included */
	return len;
}

static void test_hash__strtab_many(void **state)
{
	enum { N_STR = 50000 };
	struct ec_strtab t;
	char buf[64];
	int added;
	(void)state;
	ec_strtab_init(&t);
	for (uint32_t i = 0; i < N_STR; i++) {
		size_t n = make_string(buf, i);
		assert_int_equal(ec_strtab_intern(&t, buf, n, &added), i);
		assert_int_equal(added, 1);
		assert_true(t.n * 2 <= t.cap);
	}
	assert_int_equal(t.n, N_STR);
	/* 2 * 50000 = 100000 -> 2^17 = 131072 slots. */
	assert_int_equal(t.cap, 131072);
	for (uint32_t i = 0; i < N_STR; i++) {
		size_t n = make_string(buf, i);
		if (ec_strtab_find(&t, buf, n) != (int64_t)i)
			fail_msg("string %u not found after growth", i);
		assert_int_equal(ec_strtab_len(&t, i), n);
		assert_memory_equal(ec_strtab_str(&t, i), buf, n);
		assert_int_equal(ec_strtab_str(&t, i)[n], '\0');
		assert_int_equal(ec_strtab_intern(&t, buf, n, &added), i);
		assert_int_equal(added, 0);
		/* One byte more or less is another string: every string starts with
		 * "s<i>:", so only string i has that prefix and length n. */
		buf[n] = 'x';
		assert_int_equal(ec_strtab_find(&t, buf, n + 1), -1);
		assert_int_equal(ec_strtab_find(&t, buf, n - 1), -1);
	}
	assert_int_equal(t.n, N_STR);
	assert_int_equal(ec_strtab_find(&t, "s50000:", 7), -1);
	assert_int_equal(ec_strtab_find(&t, "s1", 2), -1);
	ec_strtab_release(&t);
}

/* Parse workers' dictionaries (ec_strdict) mapped through an ec_strmap give
 * the ids a plain ec_strtab gives on the same strings in the same order:
 * with more dictionaries than the map follows, a dictionary that fills up,
 * and hashes forced equal for different strings. */
static void test_hash__strdict_ids_as_strtab(void **state)
{
	enum { N_DICT = EC_STRMAP_DICTS + 3, N_EV = 400000, N_STR = 3000 };
	struct ec_strdict d[N_DICT];
	struct ec_strmap m;
	struct ec_strtab got, want;
	char buf[64];
	(void)state;
	rng_state = 16;
	for (int i = 0; i < N_DICT; i++)
		ec_strdict_init(&d[i]);
	for (int i = 1; i < N_DICT; i++)
		assert_true(d[i].id != 0 && d[i].id != d[i - 1].id);
	ec_strmap_init(&m);
	ec_strtab_init(&got);
	ec_strtab_init(&want);
	/* Dictionary 0 is filled to its limit first: then strings it has not
	 * seen get no local id. */
	for (uint32_t i = 0; i < EC_STRDICT_MAX; i++) {
		size_t n = (size_t)snprintf(buf, sizeof(buf), "full%u", i);
		assert_int_equal(ec_strdict_local(&d[0], buf, n, ec_strtab_hash(buf, n)), i);
	}
	assert_int_equal(ec_strdict_local(&d[0], "full7", 5, ec_strtab_hash("full7", 5)), 7);
	assert_int_equal(ec_strdict_local(&d[0], "other", 5, ec_strtab_hash("other", 5)),
			 EC_STRDICT_NONE);
	for (uint32_t e = 0; e < N_EV; e++) {
		unsigned k = (unsigned)(rng() % N_STR);
		size_t n = (size_t)snprintf(buf, sizeof(buf), "s%u", k);
		/* every string whose number ends in 0 shares one hash */
		uint64_t h = k % 10 == 0 ? 42 : ec_strtab_hash(buf, n);
		/* dictionaries in runs, as chunks go to workers */
		struct ec_strdict *w = &d[(e / 97) % N_DICT];
		uint32_t local = ec_strdict_local(w, buf, n, h);
		uint32_t dict = e % 5 == 0 ? 0 : w->id; /* some rows parsed by the consumer */
		uint32_t id = ec_strtab_intern_local(&got, &m, buf, n, h, dict, local);
		assert_int_equal(id, ec_strtab_intern_hashed(&want, buf, n, h, NULL));
		assert_int_equal(ec_strtab_len(&got, id), n);
		assert_memory_equal(ec_strtab_str(&got, id), buf, n);
	}
	assert_int_equal(got.n, want.n);
	assert_int_equal(got.n, N_STR);
	for (int i = 0; i < N_DICT; i++)
		ec_strdict_release(&d[i]);
	ec_strmap_release(&m);
	ec_strtab_release(&got);
	ec_strtab_release(&want);
}

/* ec_hash64 as first written (the tail through a zeroed buffer): the short
 * tail read must give the same values, which ids kept elsewhere (MongoDB
 * documents, partitions) depend on. */
static uint64_t ref_load64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static uint64_t ref_mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static uint64_t ref_hash64(const void *data, size_t n, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = seed ^ 0x9e3779b97f4a7c15ULL ^ (n * 0xa0761d6478bd642fULL);
	for (; n >= 16; p += 16, n -= 16)
		h = ref_mum(ref_load64(p) ^ 0xe7037ed1a0b428dbULL ^ h,
			    ref_load64(p + 8) ^ 0x8ebc6af09c88c6e3ULL);
	uint64_t a = 0, b = 0;
	if (n >= 8) {
		a = ref_load64(p);
		b = ref_load64(p + n - 8);
	} else if (n > 0) {
		unsigned char t[8] = {0};
		memcpy(t, p, n);
		a = ref_load64(t);
		b = n;
	}
	return ec_mix64(ref_mum(a ^ 0xe7037ed1a0b428dbULL ^ h, b ^ 0x589965cc75374cc3ULL));
}

static void test_hash__hash64_as_first_written(void **state)
{
	(void)state;
	unsigned char buf[64];
	uint64_t x = 88172645463325252ULL;
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			buf[i] = (unsigned char)x;
		}
		for (size_t off = 0; off < 4; off++)
			for (size_t n = 0; n + off <= 40; n++)
				assert_true(ec_hash64(buf + off, n, x) ==
					    ref_hash64(buf + off, n, x));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hash__u64map_empty),
	    cmocka_unit_test(test_hash__hash64_as_first_written),
	    cmocka_unit_test(test_hash__strdict_ids_as_strtab),
	    cmocka_unit_test(test_hash__u64map_zero_and_max),
	    cmocka_unit_test(test_hash__u64map_many),
	    cmocka_unit_test(test_hash__u64map_collisions_wrap),
	    cmocka_unit_test(test_hash__u64map_add_many),
	    cmocka_unit_test(test_hash__strtab_empty_string),
	    cmocka_unit_test(test_hash__strtab_embedded_nul),
	    cmocka_unit_test(test_hash__strtab_first_sight_order),
	    cmocka_unit_test(test_hash__strtab_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
