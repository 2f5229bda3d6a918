/*
 * fault_shim.c -- an LD_PRELOAD library that makes the Nth call of a libc
 * function fail, as SQLite's test VFS and test_malloc.c do, so that a
 * sweep over N (tests/fault/sweep.py) can check that every failure gives a
 * documented exit status and leaves no partial output behind.
 *
 * Environment (read once, when main() starts; nothing counts before):
 *   ECOMCTL_FAULT=KIND:N[:ERRNO]  fail the Nth counted call of KIND: write,
 *                                 fsync, rename, open (open, openat), close,
 *                                 mkdir, gzwrite, malloc (malloc, calloc,
 *                                 realloc). ERRNO: a name (ENOSPC, EIO,
 *                                 EACCES, EMFILE, ENOMEM...), else the
 *                                 realistic default of KIND.
 *   ECOMCTL_FAULT_DIR=P1:P2...    count only calls on paths under these
 *                                 prefixes (open, mkdir, rename by path;
 *                                 write, fsync, close by a descriptor
 *                                 opened there, or a dup of one), so that
 *                                 reading inputs is never the target.
 *   ECOMCTL_FAULT_CALLER=A,B...   count only allocations called from these
 *                                 objects: "main" (the program itself),
 *                                 or a substring of a library's file name
 *                                 ("cjson", "csv", "stdc++"...).
 *   ECOMCTL_FAULT_COUNT=FILE      at exit, append "KIND COUNT" per kind and
 *                                 "fired KIND N" when the fault happened.
 *
 * Not for the AddressSanitizer build's allocations: ASan owns malloc there
 * (built with -DFAULT_NO_MALLOC, the shim leaves allocations alone).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum kind { K_WRITE, K_FSYNC, K_RENAME, K_OPEN, K_CLOSE, K_MKDIR, K_GZWRITE, K_MALLOC, K_N };
static const char *const kind_names[K_N] = {"write", "fsync", "rename",	 "open",
					    "close", "mkdir", "gzwrite", "malloc"};
static const int kind_errno[K_N] = {ENOSPC, EIO, EIO, EMFILE, EIO, ENOSPC, ENOSPC, ENOMEM};

#define MAX_FD 4096
#define MAX_PREFIX 8
#define MAX_RANGES 32

static int armed;	    /* main() has started and the environment is read */
static int fault_kind = -1; /* the kind to fail, or -1: count only */
static long fault_n;
static int fault_errno;
static long counts[K_N];
static long fired_at; /* N when the fault happened, else 0 */
static char prefixes[MAX_PREFIX][512];
static int n_prefixes;
static unsigned char fd_marked[MAX_FD]; /* opened under a prefix */
static const char *count_file;
static struct {
	uintptr_t lo, hi;
} ranges[MAX_RANGES];
static int n_ranges = -1; /* -1: every caller counts */

/* ---- the real functions ------------------------------------------------ */

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

#define REAL(name) real_##name
#define DEFINE_REAL(ret, name, ...)                                                                \
	static ret (*real_##name)(__VA_ARGS__);                                                    \
	static void resolve_##name(void)                                                           \
	{                                                                                          \
		if (!real_##name)                                                                  \
			real_##name = (ret(*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name);                \
	}

DEFINE_REAL(ssize_t, write, int, const void *, size_t)
DEFINE_REAL(int, fsync, int)
DEFINE_REAL(int, fdatasync, int)
DEFINE_REAL(int, rename, const char *, const char *)
DEFINE_REAL(int, open, const char *, int, ...)
DEFINE_REAL(int, open64, const char *, int, ...)
DEFINE_REAL(int, openat, int, const char *, int, ...)
DEFINE_REAL(int, openat64, int, const char *, int, ...)
DEFINE_REAL(int, close, int)
DEFINE_REAL(int, dup, int)
DEFINE_REAL(int, mkdir, const char *, mode_t)
DEFINE_REAL(int, gzwrite, void *, const void *, unsigned)

/* ---- counting ---------------------------------------------------------- */

static int under_prefix(const char *path)
{
	if (n_prefixes == 0)
		return 1;
	if (!path)
		return 0;
	for (int i = 0; i < n_prefixes; i++) {
		size_t n = strlen(prefixes[i]);
		if (strncmp(path, prefixes[i], n) == 0 && (path[n] == '\0' || path[n] == '/'))
			return 1;
	}
	return 0;
}

static int fd_counts(int fd)
{
	return n_prefixes == 0 || (fd >= 0 && fd < MAX_FD && fd_marked[fd]);
}

static void mark_fd(int fd, int on)
{
	if (fd >= 0 && fd < MAX_FD)
		__atomic_store_n(&fd_marked[fd], (unsigned char)on, __ATOMIC_RELAXED);
}

/* Counts a call; 1 when it is the one to fail (errno is then set). */
static int hit(enum kind k)
{
	if (!armed)
		return 0;
	long n = __atomic_add_fetch(&counts[k], 1, __ATOMIC_RELAXED);
	if ((int)k != fault_kind || n != fault_n)
		return 0;
	fired_at = n;
	errno = fault_errno;
	return 1;
}

static void report(void)
{
	if (!count_file || !armed)
		return;
	char buf[512];
	size_t len = 0;
	for (int k = 0; k < K_N; k++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s %ld\n", kind_names[k],
					counts[k]);
	if (fired_at)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "fired %s %ld\n",
					kind_names[fault_kind], fired_at);
	armed = 0;
	resolve_open();
	resolve_write();
	resolve_close();
	int fd = REAL(open)(count_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd >= 0) {
		if (REAL(write)(fd, buf, len) < 0) {
			/* nothing to do: the sweep sees no counts */
		}
		REAL(close)(fd);
	}
}

/* ---- set-up, when main() starts ---------------------------------------- */

static int add_range(struct dl_phdr_info *info, size_t size, void *data)
{
	const char *want = data;
	const char *name = info->dlpi_name ? info->dlpi_name : "";
	char copy[256];
	snprintf(copy, sizeof(copy), "%s", want);
	int match = 0;
	for (char *save = NULL, *t = strtok_r(copy, ",", &save); t && !match;
	     t = strtok_r(NULL, ",", &save))
		match = strcmp(t, "main") == 0 ? name[0] == '\0' : strstr(name, t) != NULL;
	if (!match)
		return 0;
	for (int i = 0; i < info->dlpi_phnum && n_ranges < MAX_RANGES; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		ranges[n_ranges].lo = info->dlpi_addr + ph->p_vaddr;
		ranges[n_ranges].hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
		n_ranges++;
	}
	(void)size;
	return 0;
}

static void arm(void)
{
	const char *spec = getenv("ECOMCTL_FAULT");
	if (spec && *spec) {
		char k[32] = "", e[32] = "";
		long n = 0;
		if (sscanf(spec, "%31[a-z]:%ld:%31s", k, &n, e) >= 2)
			for (int i = 0; i < K_N; i++)
				if (strcmp(k, kind_names[i]) == 0) {
					fault_kind = i;
					fault_n = n;
					fault_errno = kind_errno[i];
				}
		static const struct {
			const char *name;
			int value;
		} names[] = {{"ENOSPC", ENOSPC}, {"EIO", EIO},	     {"EACCES", EACCES},
			     {"EMFILE", EMFILE}, {"ENOMEM", ENOMEM}, {"EDQUOT", EDQUOT},
			     {"EROFS", EROFS},	 {"EXDEV", EXDEV},   {"EPERM", EPERM}};
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(e, names[i].name) == 0)
				fault_errno = names[i].value;
	}
	const char *dirs = getenv("ECOMCTL_FAULT_DIR");
	if (dirs && *dirs) {
		char copy[4096];
		snprintf(copy, sizeof(copy), "%s", dirs);
		for (char *save = NULL, *t = strtok_r(copy, ":", &save);
		     t && n_prefixes < MAX_PREFIX; t = strtok_r(NULL, ":", &save))
			snprintf(prefixes[n_prefixes++], sizeof(prefixes[0]), "%s", t);
	}
	const char *callers = getenv("ECOMCTL_FAULT_CALLER");
	if (callers && *callers) {
		n_ranges = 0;
		dl_iterate_phdr(add_range, (void *)callers);
	}
	count_file = getenv("ECOMCTL_FAULT_COUNT");
	if (count_file)
		atexit(report);
	armed = 1;
}

typedef int (*main_fn)(int, char **, char **);
static main_fn real_main;

static int wrapped_main(int argc, char **argv, char **envp)
{
	arm();
	return real_main(argc, argv, envp);
}

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void), void (*fini)(void),
		      void (*rtld_fini)(void), void *stack_end)
{
	int (*next)(main_fn, int, char **, void (*)(void), void (*)(void), void (*)(void), void *) =
	    dlsym(RTLD_NEXT, "__libc_start_main");
	real_main = main;
	return next(wrapped_main, argc, argv, init, fini, rtld_fini, stack_end);
}

/* ---- the interposed functions ------------------------------------------ */

ssize_t write(int fd, const void *p, size_t n)
{
	resolve_write();
	if (fd_counts(fd) && hit(K_WRITE))
		return -1;
	return REAL(write)(fd, p, n);
}

int fsync(int fd)
{
	resolve_fsync();
	if (fd_counts(fd) && hit(K_FSYNC))
		return -1;
	return REAL(fsync)(fd);
}

int fdatasync(int fd)
{
	resolve_fdatasync();
	if (fd_counts(fd) && hit(K_FSYNC))
		return -1;
	return REAL(fdatasync)(fd);
}

int rename(const char *from, const char *to)
{
	resolve_rename();
	if ((under_prefix(from) || under_prefix(to)) && hit(K_RENAME))
		return -1;
	return REAL(rename)(from, to);
}

static int mode_of(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, int) : 0;
}

/* The open family: one body, the real function passed in. */
static int open_common(int dirfd, const char *path, int flags, int mode, int at, int big)
{
	int counted = under_prefix(path);
	if (counted && hit(K_OPEN))
		return -1;
	int fd;
	if (at) {
		resolve_openat();
		resolve_openat64();
		fd = big ? REAL(openat64)(dirfd, path, flags, mode)
			 : REAL(openat)(dirfd, path, flags, mode);
	} else {
		resolve_open();
		resolve_open64();
		fd = big ? REAL(open64)(path, flags, mode) : REAL(open)(path, flags, mode);
	}
	if (fd >= 0)
		mark_fd(fd, counted && n_prefixes > 0);
	return fd;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	int mode = mode_of(flags, ap);
	va_end(ap);
	return open_common(AT_FDCWD, path, flags, mode, 0, 0);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	int mode = mode_of(flags, ap);
	va_end(ap);
	return open_common(AT_FDCWD, path, flags, mode, 0, 1);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	int mode = mode_of(flags, ap);
	va_end(ap);
	return open_common(dirfd, path, flags, mode, 1, 0);
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	int mode = mode_of(flags, ap);
	va_end(ap);
	return open_common(dirfd, path, flags, mode, 1, 1);
}

/* Linux frees the descriptor even when close fails (EIO from NFS, say). */
int close(int fd)
{
	resolve_close();
	int fail = fd_counts(fd) && hit(K_CLOSE);
	mark_fd(fd, 0);
	int rc = REAL(close)(fd);
	if (fail) {
		errno = fault_errno;
		return -1;
	}
	return rc;
}

int dup(int fd)
{
	resolve_dup();
	int fd2 = REAL(dup)(fd);
	if (fd2 >= 0)
		mark_fd(fd2, fd >= 0 && fd < MAX_FD && fd_marked[fd]);
	return fd2;
}

int mkdir(const char *path, mode_t mode)
{
	resolve_mkdir();
	if (under_prefix(path) && hit(K_MKDIR))
		return -1;
	return REAL(mkdir)(path, mode);
}

/* zlib's gzwrite: 0 on error. The failure is only the return value, as
 * when its own write fails (that case the write kind covers). */
int gzwrite(void *file, const void *p, unsigned n)
{
	resolve_gzwrite();
	if (hit(K_GZWRITE))
		return 0;
	return REAL(gzwrite)(file, p, n);
}

#ifndef FAULT_NO_MALLOC
static int caller_counts(const void *ra)
{
	if (n_ranges < 0)
		return 1;
	uintptr_t a = (uintptr_t)ra;
	for (int i = 0; i < n_ranges; i++)
		if (a >= ranges[i].lo && a < ranges[i].hi)
			return 1;
	return 0;
}

void *malloc(size_t n)
{
	if (caller_counts(__builtin_return_address(0)) && hit(K_MALLOC))
		return NULL;
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	if (caller_counts(__builtin_return_address(0)) && hit(K_MALLOC))
		return NULL;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	if (n > 0 && caller_counts(__builtin_return_address(0)) && hit(K_MALLOC))
		return NULL;
	return __libc_realloc(p, n);
}
#endif
