/* seeded_rng.h -- a tiny seeded generator for the randomized unit tests
 * (splitmix64): the same sequence on every host. Include once per test. */
#ifndef ECOMCTL_TEST_SEEDED_RNG_H
#define ECOMCTL_TEST_SEEDED_RNG_H

#include <stdint.h>

static uint64_t rng_state;

static uint64_t rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rng_below(unsigned n)
{
	return (unsigned)(rng() % n);
}

#endif
