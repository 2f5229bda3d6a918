/*
 * fuzz_reader.c -- libFuzzer target for the whole reader: the input is read
 * from memory (opts.buffers), without the reading thread (opts.sync), by
 * ec_reader_open/next/finish to the end, which exercises headers, quoted
 * records across lines, CR/LF, blank lines, bad rows, time_out_of_range,
 * gzip and zstd, and records that cross chunks of every size. No thread and
 * no file per input (but the rejects file, for one input in two): hundreds of
 * inputs a second rather than the 43 of a file and a thread each.
 *
 * The first input byte is a control byte, the rest is the text:
 *   bits 0-1  0 or 3: plain; 1: gzip it (two members when it has a
 *             newline, split there); 2: zstd it (one frame)
 *   bit 2     also write a rejects file
 *   bit 3     max_skew off (else 1 day)
 *   bits 4-7  the chunk size of the second read (SIZES below)
 * The text is read twice: in one chunk, then in chunks of the chosen size.
 * The reader must not crash, and its counts must add up: rows = good + bad,
 * bad = the sum by reason, every byte parsed; for a text without quotes the
 * rows and blank lines are counted here from the bytes and must match; and
 * the chunk size must change nothing at all.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "ecomctl/common.h"
#include "ecomctl/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_reader: %s:%d: invariant broken: %s\n", __FILE__,    \
				__LINE__, #cond);                                                  \
			__builtin_trap();                                                          \
		}                                                                                  \
	} while (0)

static const size_t SIZES[16] = {1,   2,   3,	 5,    8,    13,    64,	   100,
				 255, 512, 1000, 4096, 9999, 65536, 70000, 1u << 20};

static char rejects_path[64];

static void remove_files(void)
{
	unlink(rejects_path);
}

/* Data rows and blank lines after the first line, for a text without quotes:
 * a line is blank when it is empty or a lone CR. */
static void count_lines(const char *p, size_t n, uint64_t *rows, uint64_t *blank)
{
	size_t at = 0;
	int first = 1;
	*rows = *blank = 0;
	while (at < n) {
		const char *nl = memchr(p + at, '\n', n - at);
		size_t len = nl ? (size_t)(nl - (p + at)) : n - at;
		if (!first) {
			if (len == 0 || (len == 1 && p[at] == '\r'))
				(*blank)++;
			else
				(*rows)++;
		}
		first = 0;
		at += len + 1;
	}
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL; /* FNV-1a */
	return h;
}

static uint64_t mix_event(uint64_t h, const struct ec_event *ev)
{
	h = mix(h, &ev->time, sizeof(ev->time));
	h = mix(h, &ev->product_id, sizeof(ev->product_id));
	h = mix(h, &ev->category_id, sizeof(ev->category_id));
	h = mix(h, &ev->user_id, sizeof(ev->user_id));
	h = mix(h, &ev->price, sizeof(ev->price));
	h = mix(h, &ev->type, 1);
	h = mix(h, &ev->flags, 1);
	h = mix(h, &ev->line, sizeof(ev->line));
	h = mix(h, &ev->category_code.n, sizeof(size_t));
	h = mix(h, ev->category_code.p, ev->category_code.n);
	h = mix(h, &ev->brand.n, sizeof(size_t));
	h = mix(h, ev->brand.p, ev->brand.n);
	h = mix(h, &ev->session.n, sizeof(size_t));
	h = mix(h, ev->session.p, ev->session.n);
	h = mix(h, &ev->raw.n, sizeof(size_t));
	return mix(h, ev->raw.p, ev->raw.n);
}

/* What one read gave: the status, the counts, and a digest of every event. */
struct outcome {
	int rc;
	struct ec_reader_stats st;
	uint64_t digest;
};

/* The input as the reader sees it: the text, gzip (one or two members) or
 * zstd. Returns the bytes (the text itself, or *owned, to be freed). */
static const char *encode(const char *text, size_t len, unsigned how, size_t *out_len, char **owned)
{
	*owned = NULL;
	*out_len = len;
	if (how == 1) {
		const char *nl = memchr(text, '\n', len);
		size_t cut = nl ? (size_t)(nl - text) + 1 : len, at = 0;
		size_t cap = 2 * (compressBound((uLong)len) + 64);
		*owned = malloc(cap);
		CHECK(*owned != NULL);
		for (int m = 0; m < 2; m++) {
			size_t from = m ? cut : 0, n = m ? len - cut : cut;
			if (m && n == 0)
				break;
			z_stream z = {0};
			CHECK(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) ==
			      Z_OK);
			z.next_in = (unsigned char *)text + from;
			z.avail_in = (uInt)n;
			z.next_out = (unsigned char *)*owned + at;
			z.avail_out = (uInt)(cap - at);
			CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
			at += (size_t)z.total_out;
			deflateEnd(&z);
		}
		*out_len = at;
		return *owned;
	}
	if (how == 2) {
		size_t cap = ZSTD_compressBound(len);
		*owned = malloc(cap);
		CHECK(*owned != NULL);
		static ZSTD_CCtx *cctx; /* kept from input to input */
		if (!cctx)
			CHECK((cctx = ZSTD_createCCtx()) != NULL);
		size_t n = ZSTD_compressCCtx(cctx, *owned, cap, text, len, 1);
		CHECK(!ZSTD_isError(n));
		*out_len = n;
		return *owned;
	}
	return text;
}

/* Whether plain bytes start like gzip or zstd (then read as such). */
static int looks_compressed(const char *p, size_t n)
{
	const unsigned char *b = (const unsigned char *)p;
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
		return 1;
	if (n < 4)
		return 0;
	uint32_t m =
	    (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return m == 0xFD2FB528u || (m & 0xFFFFFFF0u) == 0x184D2A50u;
}

/* Checks what must hold of any read once it ended. */
static void check_end(struct ec_reader *r, const char *text, size_t len, size_t in_len, int rc,
		      int raw_compressed, const struct ec_reader_opts *o, struct ec_err *err)
{
	const struct ec_reader_stats *st = ec_reader_stats(r);
	uint64_t by_reason = 0;
	for (int i = 0; i < EC_BAD_N; i++)
		by_reason += st->bad_by_reason[i];
	CHECK(st->rows == st->good + st->bad);
	CHECK(st->bad == by_reason && st->bad_by_reason[EC_BAD_NONE] == 0);
	CHECK(st->bad_by_reason[EC_BAD_ROW_TOO_LONG] == 0 || len > EC_ROW_MAX);
	CHECK(o->max_skew > 0 || st->bad_by_reason[EC_BAD_TIME_RANGE] == 0);
	if (rc < 0) {
		/* Plain bytes, or ours compressed: only a bad header, or plain bytes
		 * that start like gzip or zstd but are not. */
		CHECK(rc == EC_EDATA);
		CHECK(err->msg[0] != '\0');
		return;
	}
	CHECK(ec_reader_finish(r, err) == 0);
	if (raw_compressed)
		return;
	CHECK(st->bytes_data == len && st->bytes_in == in_len);
	if (!memchr(text, '"', len)) {
		uint64_t rows, blank;
		count_lines(text, len, &rows, &blank);
		CHECK(st->rows == rows && st->blank_lines == blank);
	}
	if (st->good > 0)
		CHECK(st->time_min <= st->time_max);
	if (o->rejects_path) {
		FILE *f = fopen(rejects_path, "rb");
		char first[32] = {0};
		CHECK(f != NULL);
		CHECK(fread(first, 1, 21, f) == 21);
		CHECK(memcmp(first, "file,line,reason,row\n", 21) == 0);
		fclose(f);
	}
}

static void read_text(const char *text, size_t len, unsigned ctl, size_t chunk, struct outcome *out)
{
	static const char *names[1] = {"fuzz.csv"};
	struct ec_reader_opts o;
	struct ec_reader *r = NULL;
	struct ec_err err = {0};
	struct ec_event ev;
	char *owned;
	size_t in_len;
	unsigned how = ctl & 3;
	const char *in = encode(text, len, how == 3 ? 0 : how, &in_len, &owned);
	struct ec_str buf = {in, in_len};

	ec_reader_opts_init(&o);
	o.paths = names;
	o.n_paths = 1;
	o.buffers = &buf;
	o.sync = 1;
	o.chunk_size = chunk;
	o.max_bad_fraction = -1;
	o.show_bad = 0;
	o.max_skew = (ctl & 8) ? 0 : 86400;
	o.rejects_path = (ctl & 4) ? rejects_path : NULL;
	CHECK(ec_reader_open(&r, &o, &err) == 0);
	uint64_t n_events = 0, last_line = 1, digest = 14695981039346656037ULL;
	int rc;
	while ((rc = ec_reader_next(r, &ev, &err)) > 0) {
		int64_t t;
		char tb[32];
		n_events++;
		CHECK(ev.file == 0);
		CHECK(ev.line > last_line); /* line 1 is the header */
		last_line = ev.line;
		CHECK(ev.type < EC_EV_N);
		ec_time_format(ev.time, tb);
		CHECK(ec_time_parse(tb, 23, &t) == 0 && t == ev.time);
		CHECK(ev.session.n <= EC_SESSION_MAX);
		CHECK(ev.raw.n <= EC_ROW_MAX && ev.raw.n <= len);
		CHECK(memchr(ev.raw.p, '\0', ev.raw.n) == NULL);
		CHECK(ev.raw.n == 0 || ev.raw.p[ev.raw.n - 1] != '\n');
		digest = mix_event(digest, &ev);
	}
	const struct ec_reader_stats *st = ec_reader_stats(r);
	int raw_compressed = (how == 0 || how == 3) && looks_compressed(text, len);
	CHECK(st->good == n_events);
	CHECK(st->n_gzip == (how == 1) || raw_compressed);
	CHECK(st->n_zstd == (how == 2) || raw_compressed);
	check_end(r, text, len, in_len, rc, raw_compressed, &o, &err);
	out->rc = rc;
	out->st = *st;
	out->digest = digest;
	ec_reader_free(r);
	free(owned);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome whole, chunked;

	if (!rejects_path[0]) {
		snprintf(rejects_path, sizeof(rejects_path), "/tmp/ec_fuzz_reader.%ld.rej",
			 (long)getpid());
		atexit(remove_files);
		ec_verbosity = 0;
	}
	if (size < 1)
		return 0;
	unsigned ctl = data[0];
	const char *text = (const char *)data + 1;
	size_t n = size - 1;
	read_text(text, n, ctl, n + 1, &whole);
	read_text(text, n, ctl, SIZES[ctl >> 4], &chunked);

	/* Where the chunks end changes nothing (but how many events come before
	 * an error in the bytes, when plain bytes look compressed). */
	CHECK(chunked.rc == whole.rc);
	if (whole.rc < 0)
		return 0;
	CHECK(chunked.digest == whole.digest);
	CHECK(chunked.st.rows == whole.st.rows && chunked.st.good == whole.st.good);
	CHECK(memcmp(chunked.st.bad_by_reason, whole.st.bad_by_reason,
		     sizeof(whole.st.bad_by_reason)) == 0);
	CHECK(chunked.st.blank_lines == whole.st.blank_lines);
	CHECK(chunked.st.time_min == whole.st.time_min && chunked.st.time_max == whole.st.time_max);
	return 0;
}
