#include "ecomctl/common.h"

#include "ecomctl/cleanup.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int ec_verbosity = 1;

int ec_fail(struct ec_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		err->code = code;
	}
	return code;
}

int ec_exit_status(int rc)
{
	if (rc >= 0)
		return 0;
	if (rc >= -78 && rc <= -64)
		return -rc;
	if (rc == EC_EINTR)
		return 128 + (ec_interrupted() ? ec_interrupted() : 15);
	return 70;
}

static void vlog(const char *level, const char *fmt, va_list ap)
{
	char line[2048];
	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "ecomctl: %s%s\n", level, line);
}

void ec_log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}

void ec_log_warn(const char *fmt, ...)
{
	va_list ap;
	if (ec_verbosity < 1)
		return;
	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void ec_log_info(const char *fmt, ...)
{
	va_list ap;
	if (ec_verbosity < 1)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void ec_log_debug(const char *fmt, ...)
{
	va_list ap;
	if (ec_verbosity < 2)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

_Noreturn void ec_oom(void)
{
	fputs("ecomctl: error: out of memory\n", stderr);
	exit(70);
}

void *ec_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		ec_oom();
	return p;
}

void *ec_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		ec_oom();
	return p;
}

void *ec_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		ec_oom();
	return p;
}

char *ec_xstrdup(const char *s)
{
	return ec_xstrndup(s, strlen(s));
}

char *ec_xstrndup(const char *s, size_t n)
{
	char *p = ec_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void ec_grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap;
	if (need <= n)
		return;
	n = n ? n : 8;
	while (n < need)
		n += n / 2 + 8;
	if (n > SIZE_MAX / size)
		ec_oom();
	*p = ec_xrealloc(*p, n * size);
	*cap = n;
}

static inline uint64_t load64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

uint64_t ec_hash64(const void *data, size_t n, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = seed ^ 0x9e3779b97f4a7c15ULL ^ (n * 0xa0761d6478bd642fULL);
	while (n >= 16) {
		h = mum(load64(p) ^ 0xe7037ed1a0b428dbULL ^ h,
			load64(p + 8) ^ 0x8ebc6af09c88c6e3ULL);
		p += 16;
		n -= 16;
	}
	uint64_t a = 0, b = 0;
	if (n >= 8) {
		a = load64(p);
		b = load64(p + n - 8);
	} else if (n > 0) {
		unsigned char t[8] = {0};
		memcpy(t, p, n);
		a = load64(t);
		b = n;
	}
	h = mum(a ^ 0xe7037ed1a0b428dbULL ^ h, b ^ 0x589965cc75374cc3ULL);
	return ec_mix64(h);
}

double ec_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
