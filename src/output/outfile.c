#if defined(__linux__)
#define _GNU_SOURCE /* sync_file_range() */
#endif
#include "ecomctl/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "ecomctl/cleanup.h"

#define BUF_SIZE (1u << 18)
/* Bytes written to a temporary file between two starts of its writeback. */
#define WRITEBACK_STEP (8u << 20)

struct ec_outfile {
	char *path, *tmp;
	int fd;
	int to_stdout;
	gzFile gz;
	char *buf;
	size_t len;
	size_t total;
	int failed;
	int err_no;
	int temp_slot; /* ec_tempfile_add() while tmp exists */
	int synced;    /* ec_outfile_sync() done: only the rename is left */
	int on_signal; /* committed even after a signal (the run manifest) */
	/* Bytes handed to write(), and those whose writeback was started. */
	size_t flushed, started;
};

int ec_mkdirs(const char *dir, struct ec_err *err)
{
	char *p = ec_xstrdup(dir);
	int rc = 0;
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			if (mkdir(p, 0777) != 0 && errno != EEXIST) {
				rc = ec_fail(err, EC_ECANTCREAT, "%s: cannot create directory: %s",
					     p, strerror(errno));
				break;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return rc;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static uint64_t random64(void)
{
	uint64_t v = 0;
	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != (ssize_t)sizeof(v)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		v = ec_mix64((uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32) ^
			     (uint64_t)(uintptr_t)&v);
	}
	return v;
}

/* Creates "<dir>/.<name>.<16 random hex digits>.tmp" beside path: O_EXCL
 * and O_NOFOLLOW, so neither a file nor a symlink planted there, nor a run
 * writing the same output at the same time, is ever opened. The name is
 * registered with cleanup.h before the file exists: an exit() between the
 * two (out of memory) would leave it behind. */
static int open_temp(const char *path, char **tmp_out, int *slot)
{
	const char *slash = strrchr(path, '/');
	size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
	size_t n = strlen(path) + 32;
	char *tmp = ec_xmalloc(n);
	int fd = -1;
	*slot = -1;
	for (int tries = 0; tries < 100 && fd < 0; tries++) {
		snprintf(tmp, n, "%.*s.%s.%016llx.tmp", (int)dir_len, path, path + dir_len,
			 (unsigned long long)random64());
		/* An exit() from another thread waits until the file is
		 * armed (or not ours), then removes it (cleanup.h). */
		*slot = ec_tempfile_reserve(tmp);
		ec_tempfile_creating(1);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		int e = errno;
		if (fd >= 0)
			ec_tempfile_arm(*slot);
		ec_tempfile_creating(0);
		if (fd < 0) {
			ec_tempfile_forget(*slot); /* not ours: never removed */
			*slot = -1;
		}
		if (fd >= 0)
			break;
		errno = e;
		if (e != EEXIST)
			break;
	}
	*tmp_out = tmp;
	return fd;
}

/* After a rename: the directory entry itself reaches the disk. Nothing is
 * allocated here: the file is already in place, and an exit() now would
 * report a failure after the commit. */
static int fsync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	size_t n = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 0;
	if (n >= sizeof(dir))
		return 0; /* a name too long to sync: the rename stands */
	if (n == 0)
		dir[n++] = '.';
	else
		memcpy(dir, path, n);
	dir[n] = '\0';
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	/* Some file systems refuse fsync on a directory: not an error. */
	if (rc != 0 && (errno == EINVAL || errno == EROFS || errno == EBADF))
		rc = 0;
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

int ec_outfile_open(struct ec_outfile **out, const char *path, enum ec_outfile_gzip gzip,
		    struct ec_err *err)
{
	struct ec_outfile *f = ec_xcalloc(1, sizeof(*f));
	struct stat st;
	int rc;

	*out = NULL;
	f->path = ec_xstrdup(path);
	f->buf = ec_xmalloc(BUF_SIZE);
	f->fd = -1;
	f->temp_slot = -1;
	if (gzip == EC_OUT_AUTO)
		gzip = ends_with(path, ".gz") ? EC_OUT_GZIP : EC_OUT_PLAIN;
	if (strcmp(path, "-") == 0) {
		f->to_stdout = 1;
		fflush(stdout);
		f->fd = dup(STDOUT_FILENO);
	} else if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* A device or a pipe (/dev/null, a fifo): written in place, as
		 * renaming a temporary file over it would replace it. */
		f->fd = open(path, O_WRONLY | O_CLOEXEC);
	} else {
		const char *slash = strrchr(path, '/');
		if (slash && slash != path) {
			char *dir = ec_xstrndup(path, (size_t)(slash - path));
			rc = ec_mkdirs(dir, err);
			free(dir);
			if (rc < 0)
				goto fail;
		}
		char *tmp = NULL;
		f->fd = open_temp(path, &tmp, &f->temp_slot);
		if (f->fd < 0) {
			rc = ec_fail(err, EC_ECANTCREAT, "%s: cannot create a temporary file: %s",
				     path, strerror(errno));
			free(tmp);
			goto fail;
		}
		f->tmp = tmp;
	}
	if (f->fd < 0) {
		rc = ec_fail(err, EC_ECANTCREAT, "%s: cannot create: %s", f->tmp ? f->tmp : path,
			     strerror(errno));
		goto fail;
	}
	if (gzip == EC_OUT_GZIP) {
		int fd2 = dup(f->fd);
		if (fd2 < 0 || !(f->gz = gzdopen(fd2, "wb6"))) {
			int e = errno;
			if (fd2 >= 0)
				close(fd2);
			rc = e == ENOMEM ? ec_fail(err, EC_EINTERNAL, "%s: out of memory", path)
					 : ec_fail(err, EC_ECANTCREAT, "%s: cannot start gzip: %s",
						   path, strerror(e));
			goto fail;
		}
		gzbuffer(f->gz, 1u << 20);
	}
	*out = f;
	return 0;
fail:
	ec_outfile_free(f);
	return rc;
}

/*
 * Starts writing the file's dirty pages to disk while the run goes on, so
 * that the fsync before the rename waits only for the last few MiB rather
 * than for the whole file (the kernel would otherwise keep hundreds of MiB
 * dirty until then). Only a hint: the fsync remains the guarantee and
 * reports any error, so an error here is ignored. Plain output: the bytes
 * written since the last start; gzip: the whole file so far (zlib writes
 * through a dup of fd, at the same offset).
 */
static void start_writeback(struct ec_outfile *f)
{
#if defined(__linux__)
	off_t from = f->gz ? 0 : (off_t)f->started;
	off_t n = f->gz ? 0 : (off_t)(f->flushed - f->started);
	(void)sync_file_range(f->fd, from, n, SYNC_FILE_RANGE_WRITE);
#endif
	f->started = f->flushed;
}

static void flush_buf(struct ec_outfile *f)
{
	if (f->len == 0 || f->failed) {
		f->len = 0;
		return;
	}
	if (f->gz) {
		if (gzwrite(f->gz, f->buf, (unsigned)f->len) != (int)f->len) {
			int zerr = Z_OK;
			f->failed = 1;
			f->err_no = errno;
			gzerror(f->gz, &zerr);
			if (zerr == Z_MEM_ERROR)
				f->err_no = ENOMEM;
		}
	} else {
		size_t off = 0;
		while (off < f->len) {
			ssize_t w = write(f->fd, f->buf + off, f->len - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				f->failed = 1;
				f->err_no = errno;
				break;
			}
			off += (size_t)w;
		}
	}
	f->flushed += f->len;
	f->len = 0;
	if (f->tmp && f->flushed - f->started >= WRITEBACK_STEP)
		start_writeback(f);
}

int ec_outfile_flush(struct ec_outfile *f)
{
	if (!f->gz)
		flush_buf(f);
	return f->failed ? -1 : 0;
}

void ec_outfile_write(struct ec_outfile *f, const void *p, size_t n)
{
	f->total += n;
	if (f->len + n > BUF_SIZE) {
		flush_buf(f);
		if (n > BUF_SIZE) {
			const char *s = p;
			while (n > 0) {
				size_t k = n < BUF_SIZE ? n : BUF_SIZE;
				memcpy(f->buf, s, k);
				f->len = k;
				flush_buf(f);
				s += k;
				n -= k;
			}
			return;
		}
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;
}

void ec_outfile_puts(struct ec_outfile *f, const char *s)
{
	ec_outfile_write(f, s, strlen(s));
}

void ec_outfile_putc(struct ec_outfile *f, char c)
{
	if (f->len == BUF_SIZE)
		flush_buf(f);
	f->buf[f->len++] = c;
	f->total++;
}

void ec_outfile_printf(struct ec_outfile *f, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		ec_outfile_write(f, small, (size_t)n);
		return;
	}
	char *big = ec_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	ec_outfile_write(f, big, (size_t)n);
	free(big);
}

void ec_outfile_u64(struct ec_outfile *f, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ec_outfile_write(f, tmp + i, sizeof(tmp) - i);
}

void ec_outfile_i64(struct ec_outfile *f, int64_t v)
{
	if (v < 0) {
		ec_outfile_putc(f, '-');
		ec_outfile_u64(f, (uint64_t)0 - (uint64_t)v);
		return;
	}
	ec_outfile_u64(f, (uint64_t)v);
}

void ec_outfile_fixed2(struct ec_outfile *f, double x)
{
	/* x * 100 rounds to the same integer as printf's exact decimal rounding
	 * unless it lies near a half (or x is huge or not finite): those go to
	 * printf. Sums of prices with two decimals are never near a half. */
	double c = x * 100, r = nearbyint(c);
	if (!(fabs(c) < 1e12) || fabs(fabs(c - r) - 0.5) < 1e-3) {
		ec_outfile_printf(f, "%.2f", x);
		return;
	}
	int64_t v = (int64_t)r;
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	if (v < 0 || (v == 0 && signbit(x)))
		ec_outfile_putc(f, '-');
	ec_outfile_u64(f, a / 100);
	char frac[3] = {'.', (char)('0' + a / 10 % 10), (char)('0' + a % 10)};
	ec_outfile_write(f, frac, 3);
}

void ec_outfile_csv_field(struct ec_outfile *f, const char *s, size_t n)
{
	int quote = 0;
	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote) {
		ec_outfile_write(f, s, n);
		return;
	}
	ec_outfile_putc(f, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			ec_outfile_putc(f, '"');
		ec_outfile_putc(f, s[i]);
	}
	ec_outfile_putc(f, '"');
}

void ec_outfile_commit_on_signal(struct ec_outfile *f)
{
	f->on_signal = 1;
}

size_t ec_outfile_bytes(const struct ec_outfile *f)
{
	return f->total;
}

const char *ec_outfile_path(const struct ec_outfile *f)
{
	return f->path;
}

static void remember(struct ec_outfile *f)
{
	if (!f->failed) {
		f->failed = 1;
		f->err_no = errno;
	}
}

/* The error of a failed file: out of memory (zlib's) is 70, as for every
 * other allocation, anything else an I/O error. */
static int write_failed(const struct ec_outfile *f, struct ec_err *err)
{
	if (f->err_no == ENOMEM)
		return ec_fail(err, EC_EINTERNAL, "%s: out of memory", f->path);
	return ec_fail(err, EC_EIO, "%s: write failed: %s", f->path,
		       f->err_no ? strerror(f->err_no) : "unknown error");
}

int ec_outfile_sync(struct ec_outfile *f, struct ec_err *err)
{
	if (f->synced)
		return f->failed ? write_failed(f, err) : 0;
	f->synced = 1;
	flush_buf(f);
	if (f->gz) {
		if (gzclose(f->gz) != Z_OK)
			remember(f);
		f->gz = NULL;
	}
	if (!f->failed && f->tmp && fsync(f->fd) != 0)
		remember(f);
	if (close(f->fd) != 0)
		remember(f);
	f->fd = -1;
	if (f->failed)
		return write_failed(f, err);
	return 0;
}

int ec_outfile_commit(struct ec_outfile *f, struct ec_err *err)
{
	int rc = ec_outfile_sync(f, err);
	/* The last moment to stop: after it, the previous output is replaced. */
	if (rc == 0 && f->tmp && !f->on_signal)
		rc = ec_interrupt_check(err);
	if (rc == 0 && f->tmp && rename(f->tmp, f->path) != 0) {
		remember(f);
		rc = ec_fail(err, EC_EIO, "%s: cannot rename the temporary file: %s", f->path,
			     strerror(f->err_no));
	}
	if (rc == 0 && f->tmp) {
		ec_tempfile_forget(f->temp_slot);
		f->temp_slot = -1;
		free(f->tmp);
		f->tmp = NULL; /* committed: nothing to remove */
		/* The rename is the commit: the file is in place, and a caller
		 * told otherwise would roll back what depends on it (a registry
		 * version) or report a failure beside a new output. SQLite
		 * ignores this error too. */
		if (fsync_dir_of(f->path) != 0)
			ec_log_warn("%s: cannot sync its directory (the file is in place, but a "
				    "crash may lose its name): %s",
				    f->path, strerror(errno));
	}
	ec_outfile_free(f);
	return rc;
}

void ec_outfile_free(struct ec_outfile *f)
{
	if (!f)
		return;
	if (f->gz)
		gzclose(f->gz);
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp)
		unlink(f->tmp);
	ec_tempfile_forget(f->temp_slot);
	free(f->tmp);
	free(f->path);
	free(f->buf);
	free(f);
}
