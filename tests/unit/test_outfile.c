/* Unit tests of the output file's number writers: their bytes must be
 * printf's, which is the oracle here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/outfile.h"

#define SCRATCH_NAME "outfile"
#include "scratch_dir.h"

/* Writes n values with `put` and, separately, with printf into a buffer;
 * the file must hold exactly the printf bytes. */
static void check_against_printf(const double *xs, size_t n)
{
	struct ec_outfile *f;
	struct ec_err err = {0};
	const char *p = path_of("nums.csv");
	size_t cap = n * 400 + 1024, len = 0; /* %.2f of 1e300 has 304 bytes */
	char *want = malloc(cap), *got = malloc(cap);
	assert_non_null(want);
	assert_non_null(got);

	assert_int_equal(ec_outfile_open(&f, p, EC_OUT_PLAIN, &err), 0);
	for (size_t i = 0; i < n; i++) {
		ec_outfile_fixed2(f, xs[i]);
		ec_outfile_putc(f, ',');
		len += (size_t)snprintf(want + len, cap - len, "%.2f,", xs[i]);
		double m = xs[i] * 1000;
		int64_t v = fabs(m) < 9e18 ? (int64_t)m : (int64_t)i - 7; /* no UB cast */
		ec_outfile_i64(f, v);
		ec_outfile_putc(f, ',');
		len += (size_t)snprintf(want + len, cap - len, "%lld,", (long long)v);
		ec_outfile_u64(f, (uint64_t)v * 2654435761u);
		ec_outfile_putc(f, '\n');
		len += (size_t)snprintf(want + len, cap - len, "%llu\n",
					(unsigned long long)((uint64_t)v * 2654435761u));
	}
	assert_int_equal(ec_outfile_commit(f, &err), 0); /* frees f */

	FILE *in = fopen(p, "rb");
	assert_non_null(in);
	size_t k = fread(got, 1, cap, in);
	fclose(in);
	assert_int_equal(k, len);
	want[len] = got[k] = '\0';
	assert_string_equal(got, want);
	free(want);
	free(got);
}

static void test_outfile__numbers_edge_cases(void **state)
{
	(void)state;
	const double xs[] = {0,	       -0.0,	  0.004,	 0.005,	   0.015,
			     0.125,    0.375,	  -0.001,	 -0.005,   1.005,
			     2.675,    1e11,	  123456789.125, 1e13,	   1e300,
			     -1e300,   0.1 + 0.2, 35.79,	 -5.5,	   99.995,
			     INFINITY, -INFINITY, NAN,		 9.999999, 4503599627370497.0};
	check_against_printf(xs, sizeof(xs) / sizeof(xs[0]));
}

/* Sums of prices with two decimals, the values the sessions table holds,
 * and random doubles of every magnitude. */
static void test_outfile__numbers_random(void **state)
{
	(void)state;
	enum { N = 20000 };
	static double xs[N];
	uint64_t s = 88172645463325252ULL;
	for (int i = 0; i < N; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		if (i % 2 == 0) {
			double sum = 0;
			for (int j = 0; j < 1 + (int)(s % 20); j++)
				sum += (double)((s >> (j + 5)) % 200000) / 100;
			xs[i] = sum;
		} else {
			xs[i] = ldexp((double)(s >> 11) / 9007199254740992.0, (int)(s % 60) - 20);
			if (s & 1)
				xs[i] = -xs[i];
		}
	}
	check_against_printf(xs, N);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_outfile__numbers_edge_cases),
	    cmocka_unit_test(test_outfile__numbers_random),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
