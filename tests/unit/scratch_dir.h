/*
 * scratch_dir.h -- a temporary directory per unit-test binary, for the
 * tests that write files: cmocka group setup / teardown, and path_of() for
 * names inside it. Include once, after <cmocka.h>; define SCRATCH_NAME
 * (e.g. "reader") first. (Static functions: one copy per test binary.)
 */
#ifndef ECOMCTL_TEST_SCRATCH_DIR_H
#define ECOMCTL_TEST_SCRATCH_DIR_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ec_test_%s_XXXXXX", SCRATCH_NAME);
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* "<dir>/<name>"; the last four results stay valid. */
static inline const char *path_of(const char *name)
{
	static char buf[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name);
	return buf[k];
}

#endif
