/*
 * sink_mongo_spool.h -- the spool file of the MongoDB sink: where a run
 * keeps the documents MongoDB did not acknowledge (sink_mongo_write.c
 * writes it), and what `ecomctl mongo replay` reads back
 * (sink_mongo_read.c). The reader parses a buffer in memory (the replay
 * maps the file), so it has no file or thread set-up of its own and is
 * fuzzed as it is (tests/fuzz/fuzz_spool.c).
 *
 * Format, version 1 (integers little-endian; README "MongoDB" too):
 *
 *   header   8 bytes  magic "\x89ECSPOOL"
 *            4        format version (1)
 *            4        L, the length of the run id (0 to 255)
 *            L        the run id that wrote the file (ASCII)
 *            4        CRC-32 (zlib's polynomial) of the 16 + L bytes above
 *   records, one per document, to the end of the file:
 *            4        marker "\xECREC" (a reader resynchronises on it)
 *            4        N, the payload length (5 to EC_SPOOL_RECORD_MAX)
 *            4        CRC-32 of the 4 length bytes and the payload
 *            N        payload: a BSON document {c: <collection name>,
 *                     d: <the document>}
 *
 * A file whose first 8 bytes are not the magic is not a spool file; one
 * with another version is refused whole. Damage is anything else: a
 * header whose CRC does not match, a record whose length runs past the end
 * or whose CRC or BSON does not check, bytes that are not a record. The
 * reader skips damage to the next marker that starts an intact record, and
 * counts one unreadable record per damaged stretch and per failed record
 * start in it (so the count is a floor when damage spans several records).
 *
 * Ownership: the reader borrows the buffer until it is done with it; the
 * records it returns point into that buffer.
 */
#ifndef ECOMCTL_SINK_MONGO_SPOOL_H
#define ECOMCTL_SINK_MONGO_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/common.h"

#define EC_SPOOL_MAGIC                                                                             \
	"\x89"                                                                                     \
	"ECSPOOL"
#define EC_SPOOL_MAGIC_LEN 8
#define EC_SPOOL_VERSION 1u
#define EC_SPOOL_RUN_ID_MAX 255
#define EC_SPOOL_RECORD_MARKER                                                                     \
	"\xEC"                                                                                     \
	"REC"
#define EC_SPOOL_FRAME 12 /* marker, length, CRC */
/* Largest payload: MongoDB's 16 MiB documents and their wrapping, with room. */
#define EC_SPOOL_RECORD_MAX (48u << 20)

/* CRC-32 (the polynomial of zlib's crc32() and of Python's zlib.crc32):
 * crc of the bytes p[0..n) continuing from crc (0 to start). */
uint32_t ec_spool_crc32(uint32_t crc, const void *p, size_t n);

/* Writes the header for run_id (cut to EC_SPOOL_RUN_ID_MAX bytes) into buf
 * (cap >= 20 + EC_SPOOL_RUN_ID_MAX); returns its length. */
size_t ec_spool_header(uint8_t *buf, size_t cap, const char *run_id);

/* Fills the EC_SPOOL_FRAME bytes that precede a payload of n bytes. */
void ec_spool_frame(uint8_t *frame, const void *payload, uint32_t n);

struct ec_spool_record {
	int coll;	       /* the sink's collection index (sink_mongo_int.h) */
	const char *coll_name; /* borrowed from the buffer */
	const uint8_t *doc;    /* the BSON document d, borrowed from the buffer */
	size_t doc_len;
	uint64_t offset; /* of its frame in the buffer */
};

/* A pass over one spool in memory. Fields are read-only for callers. */
struct ec_spool_reader {
	const uint8_t *data;
	size_t size, pos;
	uint32_t version;
	char run_id[EC_SPOOL_RUN_ID_MAX + 1];
	int header_damaged;
	uint64_t n_records;    /* intact records returned so far */
	uint64_t n_unreadable; /* see above: damaged stretches and record starts */
	uint64_t first_damage; /* byte offset of the first damage; UINT64_MAX: none */
};

/* Checks the header of data[0..size) (name: for messages). EC_EDATA, with
 * nothing read, when it is not a spool file or has another format version;
 * 0 otherwise (a damaged header is noted, not refused). Borrows data. */
int ec_spool_reader_init(struct ec_spool_reader *r, const void *data, size_t size, const char *name,
			 struct ec_err *err);

/* The next intact record: 1 and *rec, or 0 at the end. Skips and counts
 * damage on the way. */
int ec_spool_reader_next(struct ec_spool_reader *r, struct ec_spool_record *rec);

/* Whether the whole buffer was read without damage (after the last next). */
int ec_spool_reader_whole(const struct ec_spool_reader *r);

/* Reads the first bytes of the file at path: 0 when it is a spool file of
 * this version; EC_EDATA (not a spool, another version), EC_ENOINPUT or
 * EC_EIO otherwise. Never changes the file. */
int ec_spool_check_file(const char *path, struct ec_err *err);

#endif
