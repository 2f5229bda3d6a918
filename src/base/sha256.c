/* SHA-256 through OpenSSL's libcrypto (EVP); see sha256.h. */
#include "ecomctl/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

void ec_sha256_init(struct ec_sha256 *c)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		ec_oom();
	c->ctx = ctx;
	c->len = 0;
}

void ec_sha256_update(struct ec_sha256 *c, const void *p, size_t n)
{
	/* cannot fail for a software digest once initialized */
	EVP_DigestUpdate(c->ctx, p, n);
	c->len += n;
}

void ec_sha256_final(struct ec_sha256 *c, unsigned char digest[32])
{
	unsigned int n = 32;
	EVP_DigestFinal_ex(c->ctx, digest, &n);
	EVP_MD_CTX_free(c->ctx);
	c->ctx = NULL;
}

static void to_hex(const unsigned char d[32], char hex[65])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}

void ec_sha256_hex(const void *p, size_t n, char hex[65])
{
	unsigned char d[32];
	unsigned int len = 32;
	if (EVP_Digest(p, n, d, &len, EVP_sha256(), NULL) != 1)
		ec_oom();
	to_hex(d, hex);
}

int ec_sha256_file(const char *path, char hex[65], uint64_t *size, struct ec_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ec_fail(err, EC_ENOINPUT, "%s: %s", path, strerror(errno));
	struct ec_sha256 c;
	unsigned char buf[1 << 16], d[32];
	size_t n;
	ec_sha256_init(&c);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		ec_sha256_update(&c, buf, n);
	int bad = ferror(f);
	fclose(f);
	if (size)
		*size = c.len;
	ec_sha256_final(&c, d);
	if (bad)
		return ec_fail(err, EC_EIO, "%s: read error", path);
	to_hex(d, hex);
	return 0;
}
