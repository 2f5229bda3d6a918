/*
 * fuzz_spool.c -- libFuzzer target for the spool reader of `ecomctl mongo
 * replay` (include/ecomctl/sink_mongo_spool.h). The input is a spool file;
 * the reader parses it from the fuzzer's buffer, as the replay parses its
 * mapped file: no file, thread or server per input.
 *
 * Beyond "no crash, no sanitizer report", the reader is held to what the
 * format promises, checked here with code of its own (a bitwise CRC-32):
 * a file without the magic is refused; every record returned lies inside
 * the buffer after the previous one, starts with the marker, has a length
 * and CRC that check, and a document inside its payload whose BSON length
 * is its length; a known collection name; "whole" only when the records
 * tile the buffer from the header to the end with nothing unreadable; and
 * damage is always counted. A second pass gives the same answers, and an
 * intact record put before the input is always read first.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/sink_mongo_spool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_spool: %s:%d: invariant broken: %s\n", __FILE__,     \
				__LINE__, #cond);                                                  \
			__builtin_trap();                                                          \
		}                                                                                  \
	} while (0)

static const char *const colls[] = {"sessions", "predictions", "funnel_reports", "runs"};

static uint32_t u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* CRC-32, bit by bit (not the reader's table). */
static uint32_t crc_bits(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

struct pass {
	int rc;
	uint64_t n, unreadable, first_damage, sum;
	int whole, header_damaged;
};

static struct pass read_all(const uint8_t *data, size_t size)
{
	struct ec_spool_reader r;
	struct ec_spool_record rec;
	struct ec_err err = {0};
	struct pass out = {0};
	out.rc = ec_spool_reader_init(&r, data, size, "fuzz.bson", &err);
	CHECK(out.rc == 0 || out.rc == EC_EDATA);
	if (size < EC_SPOOL_MAGIC_LEN || memcmp(data, EC_SPOOL_MAGIC, EC_SPOOL_MAGIC_LEN) != 0)
		CHECK(out.rc == EC_EDATA);
	if (out.rc < 0) {
		CHECK(err.msg[0] != '\0');
		return out;
	}
	size_t start = r.pos, end = r.pos;
	int contiguous = 1;
	CHECK(start <= size);
	while (ec_spool_reader_next(&r, &rec)) {
		const uint8_t *f = data + rec.offset;
		CHECK(rec.offset >= end && rec.offset + EC_SPOOL_FRAME <= size);
		contiguous &= rec.offset == end;
		CHECK(memcmp(f, EC_SPOOL_RECORD_MARKER, 4) == 0);
		uint32_t n = u32(f + 4);
		CHECK(n >= 5 && n <= EC_SPOOL_RECORD_MAX &&
		      rec.offset + EC_SPOOL_FRAME + n <= size);
		CHECK(u32(f + 8) == crc_bits(crc_bits(0, f + 4, 4), f + EC_SPOOL_FRAME, n));
		CHECK(rec.doc > f + EC_SPOOL_FRAME &&
		      rec.doc + rec.doc_len <= f + EC_SPOOL_FRAME + n);
		CHECK(rec.doc_len >= 5 && u32(rec.doc) == rec.doc_len &&
		      rec.doc[rec.doc_len - 1] == 0);
		CHECK(rec.coll >= 0 && rec.coll < 4 && strcmp(rec.coll_name, colls[rec.coll]) == 0);
		end = rec.offset + EC_SPOOL_FRAME + n;
		out.n++;
		out.sum = out.sum * 31 + rec.offset;
	}
	CHECK(out.n == r.n_records);
	out.whole = ec_spool_reader_whole(&r);
	out.unreadable = r.n_unreadable;
	out.first_damage = r.first_damage;
	out.header_damaged = r.header_damaged;
	if (out.whole)
		CHECK(contiguous && end == size && r.n_unreadable == 0 && !r.header_damaged);
	else
		CHECK(r.n_unreadable > 0 || r.header_damaged);
	if (r.n_unreadable == 0 && !r.header_damaged)
		CHECK(out.whole);
	if (r.n_unreadable > 0)
		CHECK(r.first_damage < size);
	return out;
}

/* A spool of one intact record (a runs document {k: 1}) and then the input. */
static uint8_t *lead_with_record(const uint8_t *data, size_t size, size_t *len)
{
	static const uint8_t payload[] = {/* {c: "runs", d: {k: 1}} */
					  0x20, 0,    0,   0,	0x02, 'c',  0,	 5, 0,	  0, 0,
					  'r',	'u',  'n', 's', 0,    0x03, 'd', 0, 0x0c, 0, 0,
					  0,	0x10, 'k', 0,	1,    0,    0,	 0, 0,	  0};
	uint8_t *b = malloc(EC_SPOOL_RUN_ID_MAX + 32 + EC_SPOOL_FRAME + sizeof(payload) + size);
	CHECK(b != NULL);
	size_t n = ec_spool_header(b, EC_SPOOL_RUN_ID_MAX + 32, "fuzz");
	ec_spool_frame(b + n, payload, sizeof(payload));
	memcpy(b + n + EC_SPOOL_FRAME, payload, sizeof(payload));
	n += EC_SPOOL_FRAME + sizeof(payload);
	if (size)
		memcpy(b + n, data, size);
	*len = n + size;
	return b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pass a = read_all(data, size), b = read_all(data, size);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);

	size_t len;
	uint8_t *led = lead_with_record(data, size, &len);
	struct ec_spool_reader r;
	struct ec_spool_record rec;
	struct ec_err err = {0};
	CHECK(ec_spool_reader_init(&r, led, len, "led.bson", &err) == 0);
	CHECK(ec_spool_reader_next(&r, &rec) == 1);
	CHECK(rec.coll == 3 && rec.doc_len == 12);
	while (ec_spool_reader_next(&r, &rec))
		;
	if (size == 0)
		CHECK(ec_spool_reader_whole(&r));
	free(led);
	return 0;
}
