#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#ifdef EC_HAVE_ISAL
#include <isa-l.h>
#include <isa-l/igzip_lib.h>
#endif

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
#ifdef EC_HAVE_ISAL
	struct inflate_state *isal;
	struct isal_gzip_header gz_hdr; /* kept across calls: a header may span reads */
	unsigned char tail[8];		/* the last 8 bytes of the member consumed */
#endif
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
	s->unit_start = offset_now(s);
	s->in_unit = 1;
	return 1;
}

static int gzip_truncated(struct ec_source *s, struct ec_err *err)
{
	return ec_fail(err, EC_EDATA, "%s: byte %llu: truncated gzip member starting at byte %llu",
		       s->name, (unsigned long long)offset_now(s),
		       (unsigned long long)s->unit_start);
}

static int gzip_corrupt(struct ec_source *s, uint64_t at, const char *why, struct ec_err *err)
{
	return ec_fail(err, EC_EDATA,
		       "%s: byte %llu: corrupt gzip member starting at byte %llu (%s)", s->name,
		       (unsigned long long)at, (unsigned long long)s->unit_start, why);
}

static long gzip_read(struct ec_source *s, char *buf, size_t cap, struct ec_err *err)
{
	size_t got = 0;
	while (got < cap) {
		if (!s->in_unit) {
			int rc = gzip_next_member(s, err);
			if (rc <= 0)
				return rc < 0 ? rc : (long)got;
			if (inflateReset(&s->z) != Z_OK)
				return ec_fail(err, EC_EINTERNAL, "%s: cannot reset zlib", s->name);
		}
		if (s->in_pos == s->in_len) {
			long r = fill(s, 1, err);
			if (r < 0)
				return r;
			if (r == 0)
				return gzip_truncated(s, err);
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
			return gzip_corrupt(s, offset_now(s), s->z.msg ? s->z.msg : zError(ret),
					    err);
	}
	return (long)got;
}

#ifdef EC_HAVE_ISAL
/* ---- gzip through ISA-L: the same members, checks and messages ----------- *
 *
 * ISA-L's igzip inflates about 2.5 times as fast as zlib. It is made to fail
 * where zlib fails, at the same byte and with zlib's words: the method and
 * the reserved flags are checked here (ISA-L does not look at the flags), and
 * a trailer that does not match is told apart (CRC-32 or length) from the
 * member's last 8 bytes, which ISA-L does not keep. Damage inside the
 * deflate data is the exception: ISA-L has three words for it where zlib has
 * a dozen, notices it up to 8 bytes later (it reads ahead), and accepts some
 * damaged Huffman tables that zlib refuses, when the CRC-32 catches it
 * instead ("incorrect data check"); the member named is the same.
 *
 * The header is read with isal_read_gzip_header() and our own header struct:
 * isal_inflate() would read it with a struct on its stack whose flags are
 * not set, which goes wrong when a header spans two reads. */

static uint32_t load_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void keep_tail(struct ec_source *s, const unsigned char *p, size_t n)
{
	if (n >= sizeof(s->tail)) {
		memcpy(s->tail, p + n - sizeof(s->tail), sizeof(s->tail));
	} else if (n > 0) {
		memmove(s->tail, s->tail + n, sizeof(s->tail) - n);
		memcpy(s->tail + sizeof(s->tail) - n, p, n);
	}
}

/* A new member: zlib's checks of its method and flags bytes, at zlib's
 * offset (after them). */
static int isal_start_member(struct ec_source *s, struct ec_err *err)
{
	isal_inflate_reset(s->isal);
	memset(&s->gz_hdr, 0, sizeof(s->gz_hdr));
	isal_gzip_header_init(&s->gz_hdr);
	long avail = fill(s, 4, err);
	if (avail < 0)
		return (int)avail;
	if (avail < 4)
		return 0; /* truncated: said once the input ends */
	const unsigned char *p = s->in + s->in_pos;
	if (p[2] != 8)
		return gzip_corrupt(s, s->unit_start + 4, "unknown compression method", err);
	if (p[3] & 0xe0)
		return gzip_corrupt(s, s->unit_start + 4, "unknown header flags set", err);
	return 0;
}

static int isal_fail(struct ec_source *s, int ret, struct ec_err *err)
{
	const struct inflate_state *st = s->isal;
	uint64_t at = offset_now(s);
	uint64_t ahead = st->read_in_length > 0 ? (uint64_t)st->read_in_length / 8 : 0;
	if (at - ahead < s->unit_start)
		ahead = 0;
	switch (ret) {
	case ISAL_INCORRECT_CHECKSUM:
		if (!st->wrapper_flag)
			return gzip_corrupt(s, at, "header crc mismatch", err);
		if (load_le32(s->tail) != st->crc)
			return gzip_corrupt(s, at - 4, "incorrect data check", err);
		return gzip_corrupt(s, at, "incorrect length check", err);
	case ISAL_UNSUPPORTED_METHOD:
		return gzip_corrupt(s, at, "unknown compression method", err);
	case ISAL_INVALID_WRAPPER:
		return gzip_corrupt(s, at, "incorrect header check", err);
	case ISAL_INVALID_LOOKBACK:
		return gzip_corrupt(s, at - ahead, "invalid distance too far back", err);
	case ISAL_INVALID_SYMBOL:
		return gzip_corrupt(s, at - ahead, "invalid code", err);
	case ISAL_INVALID_BLOCK:
		return gzip_corrupt(s, at - ahead, "invalid block", err);
	default:
		return gzip_corrupt(s, at, "isa-l inflate error", err);
	}
}

static long isal_read(struct ec_source *s, char *buf, size_t cap, struct ec_err *err)
{
	struct inflate_state *st = s->isal;
	size_t got = 0;
	while (got < cap) {
		if (!s->in_unit) {
			int rc = gzip_next_member(s, err);
			if (rc <= 0)
				return rc < 0 ? rc : (long)got;
			if ((rc = isal_start_member(s, err)) < 0)
				return rc;
		}
		if (s->in_pos == s->in_len) {
			long r = fill(s, 1, err);
			if (r < 0)
				return r;
			if (r == 0)
				return gzip_truncated(s, err);
		}
		/* ISA-L counts in 32 bits. */
		size_t n_in = s->in_len - s->in_pos, n_out = cap - got;
		n_in = n_in < (1u << 30) ? n_in : (1u << 30);
		n_out = n_out < (1u << 30) ? n_out : (1u << 30);
		st->next_in = (uint8_t *)s->in + s->in_pos;
		st->avail_in = (uint32_t)n_in;
		st->next_out = (uint8_t *)buf + got;
		st->avail_out = (uint32_t)n_out;
		/* The header first: wrapper_flag is set once it is read whole. */
		int ret =
		    st->wrapper_flag ? isal_inflate(st) : isal_read_gzip_header(st, &s->gz_hdr);
		size_t used = n_in - st->avail_in, made = n_out - st->avail_out;
		keep_tail(s, s->in + s->in_pos, used);
		s->in_pos += used;
		got += made;
		if (ret < 0)
			return isal_fail(s, ret, err);
		if (st->block_state == ISAL_BLOCK_FINISH)
			s->in_unit = 0;
		else if (used == 0 && made == 0)
			return gzip_corrupt(s, offset_now(s), "isa-l made no progress", err);
	}
	return (long)got;
}

/* ECOMCTL_GZIP=zlib chooses zlib at run time (to compare the two). */
static int want_isal(struct ec_err *err)
{
	const char *v = getenv("ECOMCTL_GZIP");
	if (!v || !*v || strcmp(v, "isal") == 0)
		return 1;
	if (strcmp(v, "zlib") == 0)
		return 0;
	return ec_fail(err, EC_ECONFIG, "ECOMCTL_GZIP: '%s' is not zlib or isal", v);
}
#else
static int want_isal(struct ec_err *err)
{
	const char *v = getenv("ECOMCTL_GZIP");
	if (v && strcmp(v, "isal") == 0)
		return ec_fail(err, EC_ECONFIG, "ECOMCTL_GZIP: this build has no isa-l");
	if (v && *v && strcmp(v, "zlib") != 0)
		return ec_fail(err, EC_ECONFIG, "ECOMCTL_GZIP: '%s' is not zlib or isal", v);
	return 0;
}
#endif

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
#ifdef EC_HAVE_ISAL
static const struct decoder isal_decoder = {isal_read};
#endif
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
		int isal = want_isal(err);
		if (isal < 0)
			return isal;
#ifdef EC_HAVE_ISAL
		if (isal) {
			s->dec = &isal_decoder;
			s->isal = ec_xmalloc(sizeof(*s->isal));
			isal_inflate_init(s->isal);
			s->isal->crc_flag = ISAL_GZIP; /* header, CRC-32 and length */
			return 0;
		}
#endif
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
#ifdef EC_HAVE_ISAL
	free(s->isal);
#endif
	free(s->buf);
	free(s);
}

const char *ec_source_lib_versions(void)
{
	static char buf[96];
#ifdef EC_HAVE_ISAL
	snprintf(buf, sizeof(buf), "zlib %s, zstd %s, isa-l %d.%d.%d", zlibVersion(),
		 ZSTD_versionString(), ISAL_MAJOR_VERSION, ISAL_MINOR_VERSION, ISAL_PATCH_VERSION);
#else
	snprintf(buf, sizeof(buf), "zlib %s, zstd %s", zlibVersion(), ZSTD_versionString());
#endif
	return buf;
}
