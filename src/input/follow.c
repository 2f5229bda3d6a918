/* Events as they arrive, line by line, from stdin or a followed file. See
 * follow.h. */
#include "ecomctl/follow.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ecomctl/cleanup.h"
#include "ecomctl/reader.h"

#define MAX_FIELDS 64
#define READ_SIZE (64 * 1024)

struct ec_follow {
	char *path; /* NULL: stdin */
	const char *name;
	int fd;
	dev_t dev;
	ino_t ino;
	uint64_t offset; /* bytes read from the current file */
	int poll_ms, show_bad;
	char *buf;
	size_t len, pos, cap; /* bytes buf[pos, len) not yet returned */
	int skipping;	      /* inside a line too long: drop up to its end */
	int need_header;
	uint64_t line; /* of the current file */
	struct ec_splitter *split;
	struct ec_str fields[MAX_FIELDS];
	struct ec_columns cols;
	struct ec_follow_stats stats;
	/* --state: the journal, and a replay of it before the live input */
	int jfd, live_fd, replaying;
	size_t jpos; /* buf[jpos, pos) consumed, not yet in the journal */
	uint64_t journal_bytes;
	int (*on_wait)(void *arg, struct ec_err *err);
	void *on_wait_arg;
};

/* Opens the followed file; 0, 1 when it does not exist (yet), or EC_EIO. */
static int open_file(struct ec_follow *f, struct ec_err *err)
{
	struct stat st;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT
			   ? 1
			   : ec_fail(err, EC_EIO, "%s: cannot open: %s", f->path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		return ec_fail(err, EC_EIO, "%s: %s", f->path, strerror(e));
	}
	f->fd = fd;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->offset = 0;
	f->line = 0;
	f->need_header = 1;
	return 0;
}

int ec_follow_open(struct ec_follow **out, const char *path, int poll_ms, int show_bad,
		   struct ec_err *err)
{
	struct ec_follow *f = ec_xcalloc(1, sizeof(*f));
	*out = NULL;
	f->fd = -1;
	f->jfd = -1;
	f->live_fd = -1;
	f->poll_ms = poll_ms > 0 ? poll_ms : 1;
	f->show_bad = show_bad;
	f->cap = READ_SIZE + EC_ROW_MAX + 1;
	f->buf = ec_xmalloc(f->cap);
	f->split = ec_splitter_new();
	f->need_header = 1;
	if (strcmp(path, "-") == 0) {
		f->fd = STDIN_FILENO;
		f->name = "<stdin>";
	} else {
		f->path = ec_xstrdup(path);
		f->name = f->path;
		int rc = open_file(f, err);
		if (rc < 0) {
			ec_follow_free(f);
			return rc;
		}
		if (rc == 1)
			ec_log_warn("%s: no such file yet: waiting for it", path);
	}
	*out = f;
	return 0;
}

void ec_follow_free(struct ec_follow *f)
{
	if (!f)
		return;
	if (f->replaying)
		f->fd = f->live_fd;
	if (f->path && f->fd >= 0)
		close(f->fd);
	if (f->jfd >= 0)
		close(f->jfd);
	ec_splitter_free(f->split);
	free(f->buf);
	free(f->path);
	free(f);
}

const char *ec_follow_name(void *ctx, uint32_t file)
{
	(void)file;
	return ((const struct ec_follow *)ctx)->name;
}

const struct ec_follow_stats *ec_follow_stats(const struct ec_follow *f)
{
	return &f->stats;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL); /* a signal cuts it short: the caller checks */
}

/* At the end of the followed file: whether it was rotated or truncated
 * (then it is reopened, or read again from its start), else a wait.
 * Bytes of an unfinished last line of a file left behind are dropped. */
static int file_end(struct ec_follow *f, struct ec_err *err)
{
	struct stat now, cur;
	if (f->fd < 0) {
		int rc = open_file(f, err);
		if (rc == 1)
			sleep_ms(f->poll_ms);
		return rc < 0 ? rc : 0;
	}
	int renamed = stat(f->path, &now) != 0 || now.st_ino != f->ino || now.st_dev != f->dev;
	int shrunk = fstat(f->fd, &cur) == 0 && (uint64_t)cur.st_size < f->offset;
	if (!renamed && !shrunk) {
		sleep_ms(f->poll_ms);
		return 0;
	}
	if (f->len > f->pos || f->skipping)
		ec_log_warn("%s:%llu: an unfinished last line was dropped (the file was %s)",
			    f->name, (unsigned long long)f->line + 1,
			    shrunk ? "truncated" : "replaced");
	f->len = f->pos = f->jpos = 0;
	f->skipping = 0;
	f->stats.reopened++;
	if (shrunk && !renamed) {
		if (lseek(f->fd, 0, SEEK_SET) < 0)
			return ec_fail(err, EC_EIO, "%s: %s", f->name, strerror(errno));
		f->offset = 0;
		f->line = 0;
		f->need_header = 1;
		return 0;
	}
	close(f->fd);
	f->fd = -1;
	int rc = open_file(f, err);
	return rc < 0 ? rc : 0;
}

/* The lines consumed since the last call go to the journal (not those
 * read from it). */
static int journal_write(struct ec_follow *f, struct ec_err *err)
{
	size_t off = f->jpos;
	if (f->jfd < 0 || f->replaying) {
		f->jpos = f->pos;
		return 0;
	}
	while (off < f->pos) {
		ssize_t w = write(f->jfd, f->buf + off, f->pos - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ec_fail(err, EC_EIO, "%s: cannot write the journal: %s", f->name,
				       strerror(errno));
		off += (size_t)w;
	}
	f->journal_bytes += f->pos - f->jpos;
	f->jpos = f->pos;
	return 0;
}

/* Reads what is there into buf. Returns 1 (bytes added, or a wait done:
 * look again), 0 at the end of stdin, or an error. */
static int fill(struct ec_follow *f, struct ec_err *err)
{
	int rc;
	if ((rc = ec_interrupt_check(err)) < 0 ||
	    (f->on_wait && (rc = f->on_wait(f->on_wait_arg, err)) < 0) ||
	    (rc = journal_write(f, err)) < 0)
		return rc;
	if (f->pos > 0) {
		memmove(f->buf, f->buf + f->pos, f->len - f->pos);
		f->len -= f->pos;
		f->pos = f->jpos = 0;
	}
	if (f->len == f->cap) { /* a line longer than any row: drop it */
		f->skipping = 1;
		f->len = 0;
	}
	if (f->fd < 0)
		return (rc = file_end(f, err)) < 0 ? rc : 1;
	if (!f->path) {
		struct pollfd p = {.fd = f->fd, .events = POLLIN};
		int k = poll(&p, 1, f->poll_ms);
		if (k < 0 && errno != EINTR)
			return ec_fail(err, EC_EIO, "%s: %s", f->name, strerror(errno));
		if (k <= 0)
			return 1;
	}
	ssize_t n = read(f->fd, f->buf + f->len, f->cap - f->len);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 1;
		return ec_fail(err, EC_EIO, "%s: read error: %s", f->name, strerror(errno));
	}
	if (n == 0 && f->replaying) { /* the journal replayed: on to the live input */
		f->fd = f->live_fd;
		f->replaying = 0;
		return 1;
	}
	if (n == 0) {
		if (!f->path)
			return 0;
		return (rc = file_end(f, err)) < 0 ? rc : 1;
	}
	f->len += (size_t)n;
	if (!f->replaying)
		f->offset += (uint64_t)n;
	f->stats.bytes += (uint64_t)n;
	return 1;
}

static void reject(struct ec_follow *f, enum ec_bad why, const char *rec, size_t n)
{
	f->stats.rows++;
	f->stats.bad++;
	f->stats.bad_by_reason[why]++;
	if (f->stats.bad <= (uint64_t)f->show_bad)
		ec_log_warn("%s:%llu: %s: %.*s", f->name, (unsigned long long)f->line,
			    ec_bad_names[why], (int)(n > 200 ? 200 : n), rec);
}

/* The first line: a header naming the columns, or else a row in DESIGN
 * §1's column order. Returns 1 when the line was the header. */
static int header(struct ec_follow *f, const char *rec, size_t n)
{
	const char *missing = NULL;
	int k = ec_splitter_split(f->split, rec, n, f->fields, MAX_FIELDS);
	f->need_header = 0;
	if (k > 0 && k <= MAX_FIELDS &&
	    ec_columns_from_header(&f->cols, f->fields, k, &missing) == 0)
		return 1;
	for (int i = 0; i < EC_COL_N; i++)
		f->cols.idx[i] = i;
	f->cols.n_fields = EC_COL_N;
	if (f->stats.rows == 0)
		ec_log_info("%s: no header row: columns taken in the order %s,%s,...", f->name,
			    ec_col_names[0], ec_col_names[1]);
	return 0;
}

/* One complete line. Returns 1 with an event, 0 when skipped. */
static int record(struct ec_follow *f, const char *rec, size_t n, struct ec_event *ev)
{
	f->line++;
	if (n > 0 && rec[n - 1] == '\r')
		n--;
	if (n == 0)
		return 0;
	if ((f->need_header || (n >= 10 && memcmp(rec, "event_time", 10) == 0) ||
	     (n >= 13 && memcmp(rec,
				"\xef\xbb\xbf"
				"event_time",
				13) == 0)) &&
	    header(f, rec, n))
		return 0;
	if (memchr(rec, '\0', n)) {
		reject(f, EC_BAD_NUL, rec, n);
		return 0;
	}
	if (n > EC_ROW_MAX) {
		reject(f, EC_BAD_ROW_TOO_LONG, rec, n);
		return 0;
	}
	int k = ec_splitter_split(f->split, rec, n, f->fields, MAX_FIELDS);
	if (k < 0) {
		reject(f, EC_BAD_QUOTING, rec, n);
		return 0;
	}
	memset(ev, 0, sizeof(*ev));
	enum ec_bad why = ec_event_from_fields(ev, &f->cols, f->fields, k);
	if (why != EC_BAD_NONE) {
		reject(f, why, rec, n);
		return 0;
	}
	ev->raw.p = rec;
	ev->raw.n = n;
	ev->file = 0;
	ev->line = f->line;
	f->stats.rows++;
	f->stats.good++;
	return 1;
}

int ec_follow_next(void *ctx, struct ec_event *ev, struct ec_err *err)
{
	struct ec_follow *f = ctx;
	for (;;) {
		char *p = f->buf + f->pos;
		char *nl = memchr(p, '\n', f->len - f->pos);
		if (nl) {
			size_t n = (size_t)(nl - p);
			f->pos += n + 1;
			if (f->skipping) {
				f->skipping = 0;
				f->line++;
				reject(f, EC_BAD_ROW_TOO_LONG, p, n);
				continue;
			}
			if (record(f, p, n, ev))
				return 1;
			continue;
		}
		int rc = fill(f, err);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			/* stdin ended: a last line without its newline is a line,
			 * unless a signal came meanwhile (a restart may complete it) */
			if ((rc = ec_interrupt_check(err)) < 0)
				return rc;
			if (f->len > f->pos && !f->skipping) {
				size_t n = f->len - f->pos;
				p = f->buf + f->pos;
				f->pos = f->len;
				if (record(f, p, n, ev))
					return 1;
			}
			return 0;
		}
	}
}

void ec_follow_on_wait(struct ec_follow *f, int (*fn)(void *arg, struct ec_err *err), void *arg)
{
	f->on_wait = fn;
	f->on_wait_arg = arg;
}

int ec_follow_journal(struct ec_follow *f, const char *jpath, struct ec_err *err)
{
	struct stat st;
	int fd = open(jpath, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd < 0 || fstat(fd, &st) != 0)
		return ec_fail(err, EC_ECANTCREAT, "%s: cannot open the journal: %s", jpath,
			       strerror(errno));
	f->jfd = fd;
	/* An unfinished last line (a crash while appending) is cut off. */
	off_t end = st.st_size;
	char c;
	while (end > 0 && pread(fd, &c, 1, end - 1) == 1 && c != '\n')
		end--;
	if (end < st.st_size && ftruncate(fd, end) != 0)
		return ec_fail(err, EC_EIO, "%s: %s", jpath, strerror(errno));
	f->journal_bytes = (uint64_t)end;
	if (end == 0)
		return 0;
	int rfd = open(jpath, O_RDONLY | O_CLOEXEC);
	if (rfd < 0)
		return ec_fail(err, EC_EIO, "%s: %s", jpath, strerror(errno));
	f->live_fd = f->fd;
	f->fd = rfd;
	f->replaying = 1;
	return 0;
}

int ec_follow_resume(struct ec_follow *f, const struct ec_follow_pos *pos, struct ec_err *err)
{
	int fd = f->replaying ? f->live_fd : f->fd;
	if (!f->path || fd < 0 || f->dev != (dev_t)pos->dev || f->ino != (ino_t)pos->ino)
		return 0;
	uint64_t at = pos->offset + (f->journal_bytes - pos->journal_bytes);
	if (lseek(fd, (off_t)at, SEEK_SET) < 0)
		return ec_fail(err, EC_EIO, "%s: %s", f->name, strerror(errno));
	f->offset = at;
	f->need_header = 0; /* the journal has its header */
	return 0;
}

int ec_follow_sync(struct ec_follow *f, struct ec_follow_pos *pos, struct ec_err *err)
{
	int rc;
	if (f->replaying)
		return 0;
	if ((rc = journal_write(f, err)) < 0)
		return rc;
	if (f->jfd >= 0 && fsync(f->jfd) != 0)
		return ec_fail(err, EC_EIO, "%s: cannot sync the journal: %s", f->name,
			       strerror(errno));
	pos->dev = (uint64_t)f->dev;
	pos->ino = (uint64_t)f->ino;
	pos->offset = f->offset - (f->len - f->pos);
	pos->journal_bytes = f->journal_bytes;
	return 1;
}
