/*
 * source.h -- the reader's byte sources (internal to src/input): one input
 * (a file descriptor or a memory buffer) in, its decompressed bytes out.
 *
 * The kind is told from the first bytes, never from the name: gzip
 * (1f 8b), zstd (a zstd frame or a skippable frame), otherwise plain. A
 * compressed input is read to its very end: every gzip member and every
 * zstd frame is decoded and checked (gzip's CRC-32 and length, zstd's
 * checksum when the frame has one), and bytes after the last member or
 * frame that do not start another one are an error, as is an input that
 * ends inside one. Errors name the input and the byte offset in it:
 * "x.csv.gz: byte 1042: corrupt gzip member starting at byte 977 (...)".
 * gzip is decoded by ISA-L when built with it (EC_HAVE_ISAL), by zlib
 * otherwise or when ECOMCTL_GZIP=zlib; both fail alike (source.c says where
 * their messages may differ).
 *
 * Ownership: a source owns its descriptor (closed by ec_source_free) and
 * its buffers; a memory input is borrowed for the source's life.
 */
#ifndef ECOMCTL_INPUT_SOURCE_H
#define ECOMCTL_INPUT_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/common.h"

enum ec_source_kind { EC_SOURCE_PLAIN = 0, EC_SOURCE_GZIP = 1, EC_SOURCE_ZSTD = 2 };

struct ec_source;

/* Reads from fd (owned from now on, even on failure). `name` names the input
 * in messages and is borrowed for the source's life. *out is new; free with
 * ec_source_free(). */
struct ec_source *ec_source_new_fd(int fd, const char *name);

/* Reads the n bytes at p, borrowed for the source's life. */
struct ec_source *ec_source_new_mem(const void *p, size_t n, const char *name);

/* Reads up to cap decompressed bytes into buf. Returns how many (> 0; fewer
 * than cap only at the end of the input), 0 at the end of a complete and
 * checked input, EC_EDATA for a damaged, truncated or trailing-garbage
 * compressed input, EC_EIO for a read error, or EC_ECONFIG for an
 * ECOMCTL_GZIP that is not zlib or isal (or isal without ISA-L). */
long ec_source_read(struct ec_source *s, char *buf, size_t cap, struct ec_err *err);

/* The kind of the input, known after the first ec_source_read(). */
enum ec_source_kind ec_source_kind(const struct ec_source *s);

/* Bytes of the input consumed so far (compressed bytes for gzip and zstd). */
uint64_t ec_source_offset(const struct ec_source *s);

/* Accepts NULL. */
void ec_source_free(struct ec_source *s);

/* "zlib 1.2.13, zstd 1.5.4, isa-l 2.30.0": the decompression libraries
 * linked in (isa-l's as compiled against: it has no run-time version). */
const char *ec_source_lib_versions(void);

#endif
