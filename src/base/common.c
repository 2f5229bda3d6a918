#define _GNU_SOURCE /* MAP_ANONYMOUS, madvise, mremap */
#include "ecomctl/common.h"

#include "ecomctl/cleanup.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

int ec_log_format = EC_LOG_TEXT;
static char log_run_id[80];

const char *ec_log_run_id(void)
{
	return log_run_id;
}

void ec_log_set_run_id(const char *id)
{
	snprintf(log_run_id, sizeof(log_run_id), "%s", id ? id : "");
}

/* Whether stderr is the stream systemd's journal gave us: JOURNAL_STREAM
 * is "device:inode" of it (systemd.exec(5)). */
static int to_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* ISO 8601 UTC, to the second. */
static void now_iso(char buf[32])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* JSON string body of s (quotes and control characters escaped). */
static void put_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* One line on stderr, in the --log-format: text is "ecomctl: LEVEL: msg",
 * prefixed by the time and the run id when stderr is not a terminal, or by
 * a journald priority (<3> error, <4> warning, <6> info, <7> debug) when it
 * is the journal; json is one object per line. */
static char last_error[2048];
static pthread_mutex_t last_error_lock = PTHREAD_MUTEX_INITIALIZER;

const char *ec_log_last_error(void)
{
	return last_error;
}

static void vlog(const char *level, int prio, const char *fmt, va_list ap)
{
	char line[2048], t[32];
	vsnprintf(line, sizeof(line), fmt, ap);
	if (prio == 3) {
		pthread_mutex_lock(&last_error_lock);
		memcpy(last_error, line, sizeof(line));
		pthread_mutex_unlock(&last_error_lock);
	}
	if (ec_log_format == EC_LOG_JSON) {
		static const char *const names[8] = {"",	"", "",	    "error",
						     "warning", "", "info", "debug"};
		now_iso(t);
		flockfile(stderr);
		fprintf(stderr, "{\"time\":\"%s\",\"level\":\"%s\",\"run_id\":", t,
			names[prio & 7]);
		if (*log_run_id)
			put_json_str(stderr, log_run_id);
		else
			fputs("null", stderr);
		fputs(",\"message\":", stderr);
		put_json_str(stderr, line);
		fputs("}\n", stderr);
		funlockfile(stderr);
		return;
	}
	if (to_journal()) {
		fprintf(stderr, "<%d>ecomctl: %s%s\n", prio, level, line);
	} else if (!isatty(2)) {
		now_iso(t);
		fprintf(stderr, "%s %s%secomctl: %s%s\n", t, log_run_id, *log_run_id ? " " : "",
			level, line);
	} else {
		fprintf(stderr, "ecomctl: %s%s\n", level, line);
	}
}

void ec_log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("error: ", 3, fmt, ap);
	va_end(ap);
}

void ec_log_warn(const char *fmt, ...)
{
	va_list ap;
	if (ec_verbosity < 1)
		return;
	va_start(ap, fmt);
	vlog("warning: ", 4, fmt, ap);
	va_end(ap);
}

void ec_log_info(const char *fmt, ...)
{
	va_list ap;
	if (ec_verbosity < 1)
		return;
	va_start(ap, fmt);
	vlog("", 6, fmt, ap);
	va_end(ap);
}

void ec_log_debug(const char *fmt, ...)
{
	va_list ap;
	if (ec_verbosity < 2)
		return;
	va_start(ap, fmt);
	vlog("", 7, fmt, ap);
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

#define TABLE_MAP_MIN ((size_t)4 << 20)

void *ec_table_alloc(size_t n, size_t size)
{
	size_t bytes = n * size;
	if (bytes < TABLE_MAP_MIN)
		return ec_xcalloc(n, size);
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		ec_oom();
#ifdef MADV_HUGEPAGE
	(void)madvise(p, bytes, MADV_HUGEPAGE); /* a hint: may fail */
#endif
	return p;
}

void *ec_table_grow(void *p, size_t n, size_t n_new, size_t size)
{
	size_t bytes = n * size, bytes_new = n_new * size;
	if (bytes < TABLE_MAP_MIN || !p) {
		void *q = ec_table_alloc(n_new, size);
		if (p)
			memcpy(q, p, bytes);
		ec_table_free(p, n, size);
		return q;
	}
	void *q = mremap(p, bytes, bytes_new, MREMAP_MAYMOVE);
	if (q == MAP_FAILED)
		ec_oom();
#ifdef MADV_HUGEPAGE
	(void)madvise(q, bytes_new, MADV_HUGEPAGE);
#endif
	return q;
}

/* The entries are taken out and put back from their new home, visiting
 * the old slots from just after an empty one, so that every run of entries
 * is visited whole and in order. An entry put back then lands in its own
 * run at or before its old slot (a slot already visited), or in the new
 * half; one whose path runs off the end of the new table and wraps lands
 * at or before its old slot too (it is in the first run, visited last).
 * So no entry is put where a later visit could empty a slot on its path. */
void *ec_table_double(void *t, size_t n, size_t size, int (*home)(const void *slot, uint64_t *hash))
{
	size_t cap = n * 2, s = 0;
	uint64_t h, other;
	char *c = ec_table_grow(t, n, cap, size), *e = ec_xmalloc(size);

	while (home(c + s * size, &other))
		s++;
	for (size_t k = 1; k < n; k++) {
		char *slot = c + ((s + k) & (n - 1)) * size;
		if (!home(slot, &h))
			continue;
		memcpy(e, slot, size);
		memset(slot, 0, size);
		size_t j = h & (cap - 1);
		while (home(c + j * size, &other))
			j = (j + 1) & (cap - 1);
		memcpy(c + j * size, e, size);
	}
	free(e);
	return c;
}

void ec_table_free(void *p, size_t n, size_t size)
{
	if (!p)
		return;
	if (n * size < TABLE_MAP_MIN)
		free(p);
	else
		munmap(p, n * size);
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

/* The n (1 to 7) bytes at p as load64() reads them zero-padded, without
 * the small stores into a buffer that stall the 8-byte load after them. */
static inline uint64_t load_short(const unsigned char *p, size_t n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n >= 4) {
		uint32_t lo, hi;
		memcpy(&lo, p, 4);
		memcpy(&hi, p + n - 4, 4); /* bytes n-4 to n-1: drop those below 4 */
		return lo | ((uint64_t)hi >> (8 * (8 - n))) << 32;
	}
	return p[0] | (uint64_t)p[n >> 1] << (8 * (n >> 1)) | (uint64_t)p[n - 1] << (8 * (n - 1));
#else
	unsigned char t[8] = {0};
	memcpy(t, p, n);
	return load64(t);
#endif
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
		a = load_short(p, n);
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

void ec_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	unsigned char *a = base, x[64];
	if (n > 16 || size > sizeof(x)) {
		qsort(base, n, size, cmp); /* glibc: a merge sort, stable */
		return;
	}
	for (size_t i = 1; i < n; i++) {
		size_t j = i;
		if (cmp(a + (j - 1) * size, a + i * size) <= 0)
			continue;
		memcpy(x, a + i * size, size);
		while (j > 0 && cmp(a + (j - 1) * size, x) > 0) {
			memcpy(a + j * size, a + (j - 1) * size, size);
			j--;
		}
		memcpy(a + j * size, x, size);
	}
}
