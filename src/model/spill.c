/* Feature rows spilled to an unlinked temporary file. See learn.h. */
#include "ecomctl/learn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ecomctl/cleanup.h"

#define SPILL_BUF_ROWS 4096

void ec_spill_init(struct ec_spill *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

/* The file is unlinked as soon as it is made: its blocks go back to the file
 * system when the descriptor closes, on any exit (SIGKILL and out of memory
 * included), and no name is left to clean up. Between mkstemp() and unlink()
 * it is a registered temporary file, like an output's .tmp. */
int ec_spill_open(struct ec_spill *s, const char *dir, uint32_t d, struct ec_err *err)
{
	ec_spill_init(s);
	size_t len = strlen(dir) + 32;
	char *path = ec_xmalloc(len);
	snprintf(path, len, "%s/.ecomctl-train-XXXXXX", dir);
	int slot = ec_tempfile_reserve(path);
	ec_tempfile_creating(1);
	int fd = mkstemp(path), e = errno;
	if (fd >= 0)
		ec_tempfile_arm(slot);
	ec_tempfile_creating(0);
	if (fd < 0) {
		ec_tempfile_forget(slot);
		snprintf(path, len, "%s", dir);
		int rc = ec_fail(err, EC_ECANTCREAT, "%s: cannot create a spill file: %s", path,
				 strerror(e));
		free(path);
		return rc;
	}
	unlink(path);
	ec_tempfile_forget(slot);
	free(path);
	s->fd = fd;
	s->d = d;
	s->dir = ec_xstrdup(dir);
	s->buf = ec_xmalloc((size_t)SPILL_BUF_ROWS * d * sizeof(float) + sizeof(float));
	return 0;
}

static int write_all(struct ec_spill *s, const void *p, size_t len, struct ec_err *err)
{
	const char *c = p;
	off_t at = (off_t)((s->n - s->n_buf) * s->d * sizeof(float));
	while (len > 0) {
		ssize_t w = pwrite(s->fd, c, len, at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ec_fail(err, EC_EIO, "%s: writing the feature spill: %s", s->dir,
				       w < 0 ? strerror(errno) : "short write");
		c += w;
		len -= (size_t)w;
		at += w;
	}
	return 0;
}

int ec_spill_flush(struct ec_spill *s, struct ec_err *err)
{
	int rc = 0;
	if (s->n_buf)
		rc = write_all(s, s->buf, s->n_buf * s->d * sizeof(float), err);
	s->n_buf = 0;
	return rc;
}

int ec_spill_add(struct ec_spill *s, const float *x, size_t n, struct ec_err *err)
{
	while (n > 0) {
		size_t k = SPILL_BUF_ROWS - s->n_buf;
		if (k > n)
			k = n;
		memcpy(s->buf + s->n_buf * s->d, x, k * s->d * sizeof(float));
		s->n_buf += k;
		s->n += k;
		x += k * s->d;
		n -= k;
		if (s->n_buf == SPILL_BUF_ROWS) {
			int rc = ec_spill_flush(s, err);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int ec_spill_read(const struct ec_spill *s, size_t first, size_t n, float *x, struct ec_err *err)
{
	if (first + n > s->n - s->n_buf)
		return ec_fail(err, EC_EINTERNAL, "spill: rows %zu..%zu past the %zu written",
			       first, first + n, s->n - s->n_buf);
	char *c = (char *)x;
	size_t len = n * s->d * sizeof(float);
	off_t at = (off_t)(first * s->d * sizeof(float));
	while (len > 0) {
		ssize_t r = pread(s->fd, c, len, at);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return ec_fail(err, EC_EIO, "%s: reading the feature spill: %s", s->dir,
				       r < 0 ? strerror(errno) : "unexpected end");
		c += r;
		len -= (size_t)r;
		at += r;
	}
	return 0;
}

void ec_spill_release(struct ec_spill *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	free(s->dir);
	ec_spill_init(s);
}
