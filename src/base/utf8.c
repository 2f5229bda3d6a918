/* UTF-8 validation and repair. See utf8.h. */
#include "ecomctl/utf8.h"

#include <string.h>

#include "ecomctl/common.h"

/* The sequence at s: its length when valid (*ok 1), else the length of
 * its maximal subpart, the bytes that one U+FFFD replaces (*ok 0). */
static size_t scan(const unsigned char *s, size_t n, int *ok)
{
	unsigned c = s[0];
	size_t len;
	unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
	*ok = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		*ok = 0;
		return 1;
	}
	size_t i = 1;
	if (i < n && s[i] >= lo && s[i] <= hi)
		for (i = 2; i < len && i < n && (s[i] & 0xC0) == 0x80; i++)
			;
	*ok = i == len;
	return i;
}

size_t ec_utf8_seq(const unsigned char *s, size_t n)
{
	int ok;
	size_t k = scan(s, n, &ok);
	return ok ? k : 0;
}

int ec_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = ec_utf8_seq(p + i, n - i);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

char *ec_utf8_repair(const char *s, size_t n, size_t *out_n)
{
	if (ec_utf8_valid(s, n))
		return NULL;
	const unsigned char *p = (const unsigned char *)s;
	char *out = ec_xmalloc(3 * n + 1), *o = out;
	for (size_t i = 0; i < n;) {
		int ok;
		size_t k = scan(p + i, n - i, &ok);
		if (ok) {
			memcpy(o, p + i, k);
			o += k;
		} else {
			memcpy(o, "\xEF\xBF\xBD", 3);
			o += 3;
		}
		i += k;
	}
	*o = '\0';
	*out_n = (size_t)(o - out);
	return out;
}

const char *ec_utf8_fix(const char *s)
{
	size_t n;
	char *fixed = ec_utf8_repair(s, strlen(s), &n);
	return fixed ? fixed : s;
}
