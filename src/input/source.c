#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define IN_SIZE (256u * 1024)

struct ec_source;

/* One kind of input: how its bytes become data. */
struct decoder {
	long (*read)(struct ec_source *s, char *buf, size_t cap, struct ec_err *err);
};

struct ec_source {
	const char *name;
	int fd; /* -1 for a memory input */
	const unsigned char *in;
	size_t in_len, in_pos; /* the window on the input: in[in_pos, in_len) is unread */
	uint64_t in_base;      /* offset in the input of in[0] */
	unsigned char *buf;    /* the window's storage when reading a descriptor */
	int eof;	       /* nothing follows the window */
	int started;
	enum ec_source_kind kind;
	const struct decoder *dec;
	int in_unit;	     /* inside a gzip member or zstd frame */
	uint64_t unit_start; /* where that member or frame began */
	z_stream z;
	int z_live;
	ZSTD_DStream *zs;
};

static uint64_t offset_now(const struct ec_source *s)
{
	return s->in_base + s->in_pos;
}

static int read_error(struct ec_source *s, struct ec_err *err)
{
	return ec_fail(err, EC_EIO, "%s: read error: %s", s->name, strerror(errno));
}

/* Reads more input after the window's unread bytes, so that at least `want`
 * are unread when the input has them. Returns the unread count, or EC_EIO. */
static long fill(struct ec_source *s, size_t want, struct ec_err *err)
{
	while (s->in_len - s->in_pos < want && !s->eof) {
		size_t rest = s->in_len - s->in_pos;
		if (s->in_pos > 0) {
			memmove(s->buf, s->buf + s->in_pos, rest);
			s->in_base += s->in_pos;
			s->in_pos = 0;
			s->in_len = rest;
		}
		ssize_t n = read(s->fd, s->buf + rest, IN_SIZE - rest);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return read_error(s, err);
		if (n == 0)
			s->eof = 1;
		s->in_len += (size_t)n;
	}
	return (long)(s->in_len - s->in_pos);
}

/* ---- plain -------------------------------------------------------------- */

static long plain_read(struct ec_source *s, char *buf, size_t cap, struct ec_err *err)
{
	size_t got = 0;
	while (got < cap) {
		size_t rest = s->in_len - s->in_pos;
		if (rest == 0 && s->fd >= 0 && !s->eof && cap - got >= IN_SIZE) {
			/* An empty window and room for a whole read: read in place. */
			ssize_t n = read(s->fd, buf + got, cap - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return read_error(s, err);
			if (n == 0)
				s->eof = 1;
			s->in_base += (uint64_t)n;
			got += (size_t)n;
			continue;
		}
		if (rest == 0) {
			long r = fill(s, 1, err);
			if (r < 0)
				return r;
			if (r == 0)
				break;
			continue;
		}
		size_t k = rest < cap - got ? rest : cap - got;
		memcpy(buf + got, s->in + s->in_pos, k);
		s->in_pos += k;
		got += k;
	}
	return (long)got;
}

/* ---- gzip: every member, each with its CRC-32 and length checked --------- */

static int gzip_magic(const unsigned char *p)
{
	return p[0] == 0x1f && p[1] == 0x8b;
}

/* At a member boundary: 1 when a member starts here, 0 at the clean end. */
static int gzip_next_member(struct ec_source *s, struct ec_err *err)
{
	long avail = fill(s, 2, err);
	if (avail < 0)
		return (int)avail;
	if (avail == 0)
		return 0;
	if (avail < 2 || !gzip_magic(s->in + s->in_pos))
		return ec_fail(err, EC_EDATA,
			       "%s: byte %llu: trailing bytes that are not a gzip member (a "
			       "damaged member, or garbage)",
			       s->name, (unsigned long long)offset_now(s));
	if (inflateReset(&s->z) != Z_OK)
		return ec_fail(err, EC_EINTERNAL, "%s: cannot reset zlib", s->name);
	s->unit_start = offset_now(s);
	s->in_unit = 1;
	return 1;
}

static long gzip_read(struct ec_source *s, char *buf, size_t cap, struct ec_err *err)
{
	size_t got = 0;
	while (got < cap) {
		if (!s->in_unit) {
			int rc = gzip_next_member(s, err);
			if (rc <= 0)
				return rc < 0 ? rc : (long)got;
		}
		if (s->in_pos == s->in_len) {
			long r = fill(s, 1, err);
			if (r < 0)
				return r;
			if (r == 0)
				return ec_fail(err, EC_EDATA,
					       "%s: byte %llu: truncated gzip member starting at "
					       "byte %llu",
					       s->name, (unsigned long long)offset_now(s),
					       (unsigned long long)s->unit_start);
		}
		s->z.next_in = (unsigned char *)s->in + s->in_pos;
		s->z.avail_in = (uInt)(s->in_len - s->in_pos);
		s->z.next_out = (unsigned char *)buf + got;
		s->z.avail_out = (uInt)(cap - got);
		int ret = inflate(&s->z, Z_NO_FLUSH);
		s->in_pos = s->in_len - s->z.avail_in;
		got = cap - s->z.avail_out;
		if (ret == Z_STREAM_END)
			s->in_unit = 0;
		else if (ret != Z_OK && ret != Z_BUF_ERROR)
			return ec_fail(err, EC_EDATA,
				       "%s: byte %llu: corrupt gzip member starting at byte %llu "
				       "(%s)",
				       s->name, (unsigned long long)offset_now(s),
				       (unsigned long long)s->unit_start,
				       s->z.msg ? s->z.msg : zError(ret));
	}
	return (long)got;
}

/* ---- zstd: every frame, checksums checked by libzstd --------------------- */

static int zstd_magic(const unsigned char *p)
{
	uint32_t m =
	    (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	return m == ZSTD_MAGICNUMBER ||
	       (m & ZSTD_MAGIC_SKIPPABLE_MASK) == ZSTD_MAGIC_SKIPPABLE_START;
}

static int zstd_next_frame(struct ec_source *s, struct ec_err *err)
{
	long avail = fill(s, 4, err);
	if (avail < 0)
		return (int)avail;
	if (avail == 0)
		return 0;
	if (avail < 4 || !zstd_magic(s->in + s->in_pos))
		return ec_fail(err, EC_EDATA,
			       "%s: byte %llu: trailing bytes that are not a zstd frame (a "
			       "damaged frame, or garbage)",
			       s->name, (unsigned long long)offset_now(s));
	s->unit_start = offset_now(s);
	s->in_unit = 1;
	return 1;
}

static long zstd_read(struct ec_source *s, char *buf, size_t cap, struct ec_err *err)
{
	ZSTD_outBuffer out = {buf, cap, 0};
	while (out.pos < cap) {
		if (!s->in_unit) {
			int rc = zstd_next_frame(s, err);
			if (rc <= 0)
				return rc < 0 ? rc : (long)out.pos;
		}
		if (s->in_pos == s->in_len) {
			long r = fill(s, 1, err);
			if (r < 0)
				return r;
			if (r == 0)
				return ec_fail(err, EC_EDATA,
					       "%s: byte %llu: truncated zstd frame starting at "
					       "byte %llu",
					       s->name, (unsigned long long)offset_now(s),
					       (unsigned long long)s->unit_start);
		}
		ZSTD_inBuffer in = {s->in + s->in_pos, s->in_len - s->in_pos, 0};
		size_t ret = ZSTD_decompressStream(s->zs, &out, &in);
		s->in_pos += in.pos;
		if (ZSTD_isError(ret))
			return ec_fail(
			    err, EC_EDATA,
			    "%s: byte %llu: corrupt zstd frame starting at byte %llu (%s)", s->name,
			    (unsigned long long)offset_now(s), (unsigned long long)s->unit_start,
			    ZSTD_getErrorName(ret));
		if (ret == 0)
			s->in_unit = 0;
	}
	return (long)out.pos;
}

/* ---- the interface ------------------------------------------------------ */

static const struct decoder plain_decoder = {plain_read};
static const struct decoder gzip_decoder = {gzip_read};
static const struct decoder zstd_decoder = {zstd_read};

/* Tells the kind from the first bytes and sets up its decoder. */
static int start(struct ec_source *s, struct ec_err *err)
{
	long avail = fill(s, 4, err);
	if (avail < 0)
		return (int)avail;
	const unsigned char *p = s->in + s->in_pos;
	s->started = 1;
	s->kind = EC_SOURCE_PLAIN;
	s->dec = &plain_decoder;
	if (avail >= 2 && gzip_magic(p)) {
		s->kind = EC_SOURCE_GZIP;
		s->dec = &gzip_decoder;
		if (inflateInit2(&s->z, 15 + 16) != Z_OK) /* gzip wrapper only */
			return ec_fail(err, EC_EINTERNAL, "%s: cannot start zlib", s->name);
		s->z_live = 1;
	} else if (avail >= 4 && zstd_magic(p)) {
		s->kind = EC_SOURCE_ZSTD;
		s->dec = &zstd_decoder;
		if (!(s->zs = ZSTD_createDStream()))
			return ec_fail(err, EC_EINTERNAL, "%s: cannot start zstd", s->name);
	}
	return 0;
}

long ec_source_read(struct ec_source *s, char *buf, size_t cap, struct ec_err *err)
{
	if (!s->started) {
		int rc = start(s, err);
		if (rc < 0)
			return rc;
	}
	return s->dec->read(s, buf, cap, err);
}

struct ec_source *ec_source_new_fd(int fd, const char *name)
{
	struct ec_source *s = ec_xcalloc(1, sizeof(*s));
	s->fd = fd;
	s->name = name;
	s->buf = ec_xmalloc(IN_SIZE);
	s->in = s->buf;
	return s;
}

struct ec_source *ec_source_new_mem(const void *p, size_t n, const char *name)
{
	struct ec_source *s = ec_xcalloc(1, sizeof(*s));
	s->fd = -1;
	s->name = name;
	s->in = p ? p : (const void *)"";
	s->in_len = n;
	s->eof = 1;
	return s;
}

enum ec_source_kind ec_source_kind(const struct ec_source *s)
{
	return s->kind;
}

uint64_t ec_source_offset(const struct ec_source *s)
{
	return offset_now(s);
}

void ec_source_free(struct ec_source *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	if (s->z_live)
		inflateEnd(&s->z);
	ZSTD_freeDStream(s->zs);
	free(s->buf);
	free(s);
}

const char *ec_source_lib_versions(void)
{
	static char buf[64];
	snprintf(buf, sizeof(buf), "zlib %s, zstd %s", zlibVersion(), ZSTD_versionString());
	return buf;
}
