/*
 * common.h -- errors, exit statuses, logging and allocation shared by every
 * module of ecomctl.
 *
 * A function that can fail returns 0 (or a count) on success and a negative
 * EC_E* code on failure, and fills the `struct ec_err *err` passed last with
 * one lower-case line, location first ("data/x.csv:12: bad event_time").
 * ec_exit_status() maps that code to the sysexits.h status the process exits
 * with. Allocation through ec_xmalloc & co. never returns NULL: out of memory
 * prints one line and exits 70.
 */
#ifndef ECOMCTL_COMMON_H
#define ECOMCTL_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Error codes; each maps to one exit status of DESIGN §8. */
enum {
	EC_OK = 0,
	EC_EUSAGE = -64,     /* 64: bad command line */
	EC_EDATA = -65,	     /* 65: bad input data (too many bad rows, bad header) */
	EC_ENOINPUT = -66,   /* 66: an input file is missing or unreadable */
	EC_EUNAVAIL = -69,   /* 69: MongoDB unavailable */
	EC_EINTERNAL = -70,  /* 70: internal or XGBoost error */
	EC_ECANTCREAT = -73, /* 73: cannot create an output */
	EC_EIO = -74,	     /* 74: I/O error while reading or writing */
	EC_ETEMPFAIL = -75,  /* 75: try later (lock held, spool written) */
	EC_ECONFIG = -78,    /* 78: bad configuration */
	EC_EINTR = -128,     /* 128 + the signal: interrupted (cleanup.h) */
};

struct ec_err {
	int code;
	char msg[512];
};

/* Sets err (which may be NULL) and returns code, for `return ec_fail(...)`. */
int ec_fail(struct ec_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The process exit status for a return code: 0 for rc >= 0; EC_EINTR gives
 * 128 + the signal caught (cleanup.h). */
int ec_exit_status(int rc);

/* Logging to stderr, prefixed "ecomctl: ". ec_verbosity: 0 with -q, 1 by
 * default, 2 with -v. Errors print at every level. ec_log_format (the
 * --log-format option): text, where a line also carries the ISO time and
 * the run id when stderr is not a terminal, or a journald priority prefix
 * (<3> error .. <7> debug) when stderr is the journal (JOURNAL_STREAM), or
 * json: one {"time", "level", "run_id", "message"} object per line. */
enum { EC_LOG_TEXT, EC_LOG_JSON };
extern int ec_log_format;
/* The run id the lines carry from now on (NULL: none). */
void ec_log_set_run_id(const char *id);
/* The run id set, or "". */
const char *ec_log_run_id(void);

/* The message of the last ec_log_error ("" before any): for the --json
 * failure summary of a command that failed without one. */
const char *ec_log_last_error(void);
extern int ec_verbosity;
void ec_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ec_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ec_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ec_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Exits 70 with "ecomctl: error: out of memory" (for libraries' own
 * allocations that failed). */
_Noreturn void ec_oom(void);
/* Allocation that exits 70 with "ecomctl: error: out of memory" on failure. */
void *ec_xmalloc(size_t n);
void *ec_xcalloc(size_t n, size_t size);
void *ec_xrealloc(void *p, size_t n);
/* A zeroed table of n elements of `size`, read at random: from 4 MB on,
 * a mapping of its own (no memset, given back at once when freed) with
 * huge pages asked for (Linux), so that a lookup is one memory access
 * rather than a page walk too, and 256 MB are 128 faults, not 65,536.
 * Free with ec_table_free() and the same n and size. */
void *ec_table_alloc(size_t n, size_t size);
void ec_table_free(void *p, size_t n, size_t size);
/* Table p of n elements, from ec_table_alloc(), made n_new (> n) long:
 * its first n elements kept, the rest zeroed. A mapping is grown where it
 * stands (mremap), so only the new part is memory never touched before:
 * such memory costs far more to fault in than pages the process had. */
void *ec_table_grow(void *p, size_t n, size_t n_new, size_t size);
/* Doubles hash table t of n slots of `size` bytes (n a power of two,
 * linear probing from slot hash & (n - 1), at least one slot empty) where
 * it stands, with ec_table_grow(), and moves each entry to its place in
 * the 2n slots. home() says whether a slot holds an entry (nonzero) and
 * gives its hash; an entry moved out leaves its slot all zero bytes, which
 * must read as empty. */
void *ec_table_double(void *t, size_t n, size_t size,
		      int (*home)(const void *slot, uint64_t *hash));
char *ec_xstrdup(const char *s);
char *ec_xstrndup(const char *s, size_t n);
/* Grows *p (holding *cap elements of `size`) to hold at least `need`. */
void ec_grow(void **p, size_t *cap, size_t need, size_t size);
#define EC_GROW(p, cap, need)                                                                      \
	do {                                                                                       \
		if ((size_t)(need) > (cap))                                                        \
			ec_grow((void **)&(p), &(cap), (need), sizeof(*(p)));                      \
	} while (0)

/* 64-bit hash of bytes (wyhash-style mixing; stable across runs and hosts). */
uint64_t ec_hash64(const void *p, size_t n, uint64_t seed);
static inline uint64_t ec_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* Monotonic wall clock in seconds. */
double ec_now(void);

/* qsort(), with insertion for a few elements (up to 16 of at most 64
 * bytes: the many short arrays of one session's events), where glibc's
 * merge sort costs more than the comparisons. Stable up to there; past it,
 * qsort's order (callers give total orders, where it makes no difference). */
void ec_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
