/*
 * test_sha256.c -- unit tests of sha256.h against the FIPS 180-2 example
 * vectors, chunked updates against one-shot digests, and a file against the
 * sha256sum tool (coreutils, an independent implementation).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ecomctl/sha256.h"

static void test_sha256__fips_vectors(void **state)
{
	char hex[65];
	ec_sha256_hex("", 0, hex);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ec_sha256_hex("abc", 3, hex);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	ec_sha256_hex(two, strlen(two), hex);
	assert_string_equal(hex,
			    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	char *a = malloc(1000000);
	memset(a, 'a', 1000000);
	ec_sha256_hex(a, 1000000, hex);
	assert_string_equal(hex,
			    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}

/* Every split of a 200-byte message into two updates gives the one-shot
 * digest (covers the 55/56/63/64-byte padding edges). */
static void test_sha256__chunked(void **state)
{
	unsigned char msg[200], d[32];
	char one[65], two[65];
	for (int i = 0; i < 200; i++)
		msg[i] = (unsigned char)(i * 7 + 3);
	for (size_t len = 50; len <= 200; len += 5) {
		ec_sha256_hex(msg, len, one);
		for (size_t cut = 0; cut <= len; cut++) {
			struct ec_sha256 c;
			ec_sha256_init(&c);
			ec_sha256_update(&c, msg, cut);
			ec_sha256_update(&c, msg + cut, len - cut);
			ec_sha256_final(&c, d);
			for (int i = 0; i < 32; i++)
				sprintf(two + 2 * i, "%02x", d[i]);
			assert_string_equal(one, two);
		}
	}
}

static void test_sha256__file_vs_sha256sum(void **state)
{
	char path[] = "/tmp/ec_sha256_XXXXXX", hex[65], cmd[128], want[65] = "";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	long written = 0;
	for (int i = 0; i < 100000; i++)
		written += fprintf(f, "%d,", i * 31);
	fclose(f);
	uint64_t size = 0;
	assert_int_equal(ec_sha256_file(path, hex, &size, NULL), 0);
	snprintf(cmd, sizeof(cmd), "sha256sum %s 2>/dev/null", path);
	FILE *p = popen(cmd, "r");
	int got = p && fscanf(p, "%64s", want) == 1;
	if (p)
		pclose(p);
	unlink(path);
	if (!got)
		skip(); /* no sha256sum on this host */
	assert_string_equal(hex, want);
	assert_int_equal(size, (uint64_t)written);
	struct ec_err err = {0};
	assert_int_equal(ec_sha256_file("/nonexistent/x", hex, NULL, &err), EC_ENOINPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sha256__fips_vectors),
	    cmocka_unit_test(test_sha256__chunked),
	    cmocka_unit_test(test_sha256__file_vs_sha256sum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
