/* The spool file format: CRC-32, header and record frames, and the reader
 * that finds every intact record of a buffer. See sink_mongo_spool.h. */
#include "ecomctl/sink_mongo_spool.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sink_mongo_int.h"

#define HEADER_FIXED 16 /* magic, version, run id length */

/* Our own CRC-32 rather than zlib's: zlib.h belongs to the reader module
 * (one third-party header, one module). Same polynomial and results. */
static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

uint32_t ec_spool_crc32(uint32_t crc, const void *p, size_t n)
{
	const uint8_t *b = p;
	pthread_once(&crc_once, crc_init);
	crc = ~crc;
	for (size_t i = 0; i < n; i++)
		crc = crc_table[(crc ^ b[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

size_t ec_spool_header(uint8_t *buf, size_t cap, const char *run_id)
{
	size_t l = strlen(run_id);
	if (l > EC_SPOOL_RUN_ID_MAX)
		l = EC_SPOOL_RUN_ID_MAX;
	if (cap < HEADER_FIXED + l + 4)
		return 0;
	memcpy(buf, EC_SPOOL_MAGIC, EC_SPOOL_MAGIC_LEN);
	put_u32(buf + 8, EC_SPOOL_VERSION);
	put_u32(buf + 12, (uint32_t)l);
	memcpy(buf + HEADER_FIXED, run_id, l);
	put_u32(buf + HEADER_FIXED + l, ec_spool_crc32(0, buf, HEADER_FIXED + l));
	return HEADER_FIXED + l + 4;
}

void ec_spool_frame(uint8_t *frame, const void *payload, uint32_t n)
{
	memcpy(frame, EC_SPOOL_RECORD_MARKER, 4);
	put_u32(frame + 4, n);
	put_u32(frame + 8, ec_spool_crc32(ec_spool_crc32(0, frame + 4, 4), payload, n));
}

/* ---- reading ------------------------------------------------------------- */

/* The next position at or after from where the record marker starts, or size. */
static size_t next_marker(const struct ec_spool_reader *r, size_t from)
{
	while (from + 4 <= r->size) {
		const uint8_t *p =
		    memchr(r->data + from, EC_SPOOL_RECORD_MARKER[0], r->size - from);
		if (!p)
			break;
		from = (size_t)(p - r->data);
		if (from + 4 <= r->size && memcmp(p, EC_SPOOL_RECORD_MARKER, 4) == 0)
			return from;
		from++;
	}
	return r->size;
}

static int magic_ok(const uint8_t *data, size_t size)
{
	return size >= EC_SPOOL_MAGIC_LEN && memcmp(data, EC_SPOOL_MAGIC, EC_SPOOL_MAGIC_LEN) == 0;
}

int ec_spool_reader_init(struct ec_spool_reader *r, const void *data, size_t size, const char *name,
			 struct ec_err *err)
{
	memset(r, 0, sizeof(*r));
	r->data = data;
	r->size = size;
	r->first_damage = UINT64_MAX;
	if (!magic_ok(r->data, size))
		return ec_fail(err, EC_EDATA,
			       "%s: not an ecomctl spool file (no spool header); left as it is",
			       name);
	if (size < HEADER_FIXED + 4) { /* cut in its header: nothing to read */
		r->header_damaged = 1;
		r->first_damage = EC_SPOOL_MAGIC_LEN;
		r->pos = size;
		return 0;
	}
	r->version = get_u32(r->data + 8);
	uint32_t l = get_u32(r->data + 12);
	if (l <= EC_SPOOL_RUN_ID_MAX && HEADER_FIXED + l + 4 <= size &&
	    get_u32(r->data + HEADER_FIXED + l) == ec_spool_crc32(0, r->data, HEADER_FIXED + l)) {
		if (r->version != EC_SPOOL_VERSION)
			return ec_fail(err, EC_EDATA,
				       "%s: spool format version %u; this ecomctl reads version "
				       "%u; left as it is",
				       name, (unsigned)r->version, EC_SPOOL_VERSION);
		memcpy(r->run_id, r->data + HEADER_FIXED, l);
		r->pos = HEADER_FIXED + l + 4;
		return 0;
	}
	/* The header is damaged: its version is unknown, so trust it only when it
	 * says 1; look for records after the fixed part. */
	if (r->version != EC_SPOOL_VERSION && r->version <= 0xffff)
		return ec_fail(err, EC_EDATA,
			       "%s: spool format version %u; this ecomctl reads version %u; left "
			       "as it is",
			       name, (unsigned)r->version, EC_SPOOL_VERSION);
	r->header_damaged = 1;
	r->first_damage = EC_SPOOL_MAGIC_LEN;
	r->pos = next_marker(r, HEADER_FIXED);
	return 0;
}

/* Whether an intact record starts at pos: its frame, CRC and BSON check. */
static int record_at(const struct ec_spool_reader *r, size_t pos, struct ec_spool_record *rec,
		     size_t *len)
{
	const uint8_t *p = r->data + pos;
	if (r->size - pos < EC_SPOOL_FRAME || memcmp(p, EC_SPOOL_RECORD_MARKER, 4) != 0)
		return 0;
	uint32_t n = get_u32(p + 4);
	if (n < 5 || n > EC_SPOOL_RECORD_MAX || n > r->size - pos - EC_SPOOL_FRAME)
		return 0;
	const uint8_t *payload = p + EC_SPOOL_FRAME;
	if (get_u32(p + 8) != ec_spool_crc32(ec_spool_crc32(0, p + 4, 4), payload, n))
		return 0;
	bson_t b;
	bson_iter_t it;
	size_t bad_offset;
	uint32_t dlen = 0;
	const uint8_t *d = NULL;
	if (!bson_init_static(&b, payload, n) || !bson_validate(&b, 0, &bad_offset))
		return 0;
	rec->coll = -1;
	if (bson_iter_init_find(&it, &b, "c") && BSON_ITER_HOLDS_UTF8(&it)) {
		rec->coll_name = bson_iter_utf8(&it, NULL);
		rec->coll = ec_mongo_coll_find(rec->coll_name);
	}
	if (bson_iter_init_find(&it, &b, "d") && BSON_ITER_HOLDS_DOCUMENT(&it))
		bson_iter_document(&it, &dlen, &d);
	/* The document itself must be whole: its own length and final NUL
	 * (validating the outer document does not look inside it). */
	bson_t sub;
	if (rec->coll < 0 || !d || !bson_init_static(&sub, d, dlen) ||
	    !bson_validate(&sub, 0, &bad_offset))
		return 0;
	rec->doc = d;
	rec->doc_len = dlen;
	rec->offset = pos;
	*len = EC_SPOOL_FRAME + n;
	return 1;
}

int ec_spool_reader_next(struct ec_spool_reader *r, struct ec_spool_record *rec)
{
	while (r->pos < r->size) {
		size_t len;
		if (record_at(r, r->pos, rec, &len)) {
			r->pos += len;
			r->n_records++;
			return 1;
		}
		if (r->first_damage == UINT64_MAX)
			r->first_damage = r->pos;
		r->n_unreadable++;
		r->pos = next_marker(r, r->pos + 1);
	}
	return 0;
}

int ec_spool_reader_whole(const struct ec_spool_reader *r)
{
	return r->pos >= r->size && r->first_damage == UINT64_MAX && !r->header_damaged;
}

int ec_spool_check_file(const char *path, struct ec_err *err)
{
	uint8_t head[HEADER_FIXED + EC_SPOOL_RUN_ID_MAX + 4];
	struct ec_spool_reader r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ec_fail(err, EC_ENOINPUT, "%s: cannot open: %s", path, strerror(errno));
	size_t n = 0;
	while (n < sizeof(head)) {
		ssize_t k = read(fd, head + n, sizeof(head) - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			close(fd);
			return ec_fail(err, EC_EIO, "%s: cannot read: %s", path, strerror(e));
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	/* Only the magic and version matter here: damage is the replay's business. */
	return ec_spool_reader_init(&r, head, n, path, err);
}
