/* assert_near.h -- a cmocka assertion for doubles within TOL (the test
 * defines TOL before including it), and assert_nan. */
#ifndef ECOMCTL_TEST_ASSERT_NEAR_H
#define ECOMCTL_TEST_ASSERT_NEAR_H

#include <math.h>

static void check_near(double got, double want, double tol, const char *expr, const char *file,
		       int line)
{
	if (fabs(got - want) <= tol)
		return;
	print_error("%s = %.17g, expected %.17g (+/- %g)\n", expr, got, want, tol);
	_fail(file, line);
}

#define assert_near(got, want) check_near((got), (want), TOL, #got, __FILE__, __LINE__)
#define assert_nan(x) assert_true(isnan(x))

#endif
