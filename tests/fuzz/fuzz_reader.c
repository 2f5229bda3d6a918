/*
 * fuzz_reader.c -- libFuzzer target for the whole reader: the input becomes
 * a file that ec_reader_open/next/finish read to the end, which exercises
 * headers, quoted records across lines, CR/LF, blank lines, bad rows and,
 * with padding, records that cross the reader's 1 MiB chunks.
 *
 * The first input byte is a control byte, the rest is the file:
 *   bit 0     gzip the file (zlib, one member)
 *   bit 1     also write a rejects file
 *   bits 2-3  both set: read it a second time with blank lines added after
 *             the first line, so that the reader's first chunk ends `bits
 *             4..7` sixteenths into the rest of the text (a quarter of the
 *             inputs: it is slow)
 * The reader must not crash, and its counts must add up: rows = good + bad,
 * bad = the sum by reason, every byte parsed; for a file without quotes the
 * rows and blank lines are counted here from the bytes and must match; and
 * moving the chunk boundary must change nothing but line numbers.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "ecomctl/common.h"
#include "ecomctl/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The reader's chunk size (CHUNK_SIZE in src/input/reader.c). */
#define READER_CHUNK (1u << 20)

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_reader: %s:%d: invariant broken: %s\n", __FILE__,    \
				__LINE__, #cond);                                                  \
			__builtin_trap();                                                          \
		}                                                                                  \
	} while (0)

static char path[64], rejects_path[64];

static void remove_files(void)
{
	unlink(path);
	unlink(rejects_path);
}

static void write_file(const char *text, size_t n, int gzip)
{
	if (gzip) {
		gzFile g = gzopen(path, "wb");
		CHECK(g != NULL);
		CHECK(n == 0 || gzwrite(g, text, (unsigned)n) == (int)n);
		CHECK(gzclose(g) == Z_OK);
	} else {
		FILE *f = fopen(path, "wb");
		CHECK(f != NULL);
		CHECK(fwrite(text, 1, n, f) == n);
		CHECK(fclose(f) == 0);
	}
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

/* What one read of a file gave: the status, the counts, and a digest of
 * every event (line numbers less `line_shift`). */
struct outcome {
	int rc;
	struct ec_reader_stats st;
	uint64_t digest;
};

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL; /* FNV-1a */
	return h;
}

static uint64_t mix_event(uint64_t h, const struct ec_event *ev, uint64_t line)
{
	h = mix(h, &ev->time, sizeof(ev->time));
	h = mix(h, &ev->product_id, sizeof(ev->product_id));
	h = mix(h, &ev->category_id, sizeof(ev->category_id));
	h = mix(h, &ev->user_id, sizeof(ev->user_id));
	h = mix(h, &ev->price, sizeof(ev->price));
	h = mix(h, &ev->type, 1);
	h = mix(h, &ev->flags, 1);
	h = mix(h, &line, sizeof(line));
	h = mix(h, &ev->category_code.n, sizeof(size_t));
	h = mix(h, ev->category_code.p, ev->category_code.n);
	h = mix(h, &ev->brand.n, sizeof(size_t));
	h = mix(h, ev->brand.p, ev->brand.n);
	h = mix(h, &ev->session.n, sizeof(size_t));
	h = mix(h, ev->session.p, ev->session.n);
	h = mix(h, &ev->raw.n, sizeof(size_t));
	return mix(h, ev->raw.p, ev->raw.n);
}

/* Writes text to the file (gzipped or not), reads it back to the end, checks
 * what must hold of any read, and fills *out. */
static void read_text(const char *text, size_t len, unsigned ctl, uint64_t line_shift,
		      struct outcome *out)
{
	struct ec_reader_opts o;
	struct ec_reader *r = NULL;
	struct ec_err err = {0};
	struct ec_event ev;
	const char *paths[1] = {path};

	write_file(text, len, ctl & 1);
	ec_reader_opts_init(&o);
	o.paths = paths;
	o.n_paths = 1;
	o.max_bad_fraction = -1;
	o.show_bad = 0;
	o.rejects_path = (ctl & 2) ? rejects_path : NULL;
	unlink(rejects_path);
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
		digest = mix_event(digest, &ev, ev.line - line_shift);
	}
	const struct ec_reader_stats *st = ec_reader_stats(r);
	uint64_t by_reason = 0;
	for (int i = 0; i < EC_BAD_N; i++)
		by_reason += st->bad_by_reason[i];
	CHECK(st->rows == st->good + st->bad);
	CHECK(st->good == n_events);
	CHECK(st->bad == by_reason && st->bad_by_reason[EC_BAD_NONE] == 0);
	CHECK(st->bad_by_reason[EC_BAD_ROW_TOO_LONG] == 0 || len > EC_ROW_MAX);
	/* Plain bytes that begin like gzip are taken for gzip (DESIGN §1). */
	int looks_gzip = !(ctl & 1) && len >= 2 && text[0] == '\x1f' && text[1] == '\x8b';
	CHECK(st->n_gzip == ((ctl & 1) ? 1 : 0) || looks_gzip || rc < 0);
	if (rc == 0) {
		CHECK(ec_reader_finish(r, &err) == 0);
		CHECK(st->bytes_data == len || looks_gzip);
		if (!looks_gzip && !memchr(text, '"', len)) {
			uint64_t rows, blank;
			count_lines(text, len, &rows, &blank);
			CHECK(st->rows == rows && st->blank_lines == blank);
		}
		if (st->good > 0)
			CHECK(st->time_min <= st->time_max);
		if (o.rejects_path) {
			FILE *f = fopen(rejects_path, "rb");
			char first[32] = {0};
			CHECK(f != NULL);
			CHECK(fread(first, 1, 21, f) == 21);
			CHECK(memcmp(first, "file,line,reason,row\n", 21) == 0);
			fclose(f);
		}
	} else {
		/* The only errors plain bytes can cause: a bad header, or bytes that
		 * start like gzip but are not. */
		CHECK(rc == EC_EDATA);
		CHECK(err.msg[0] != '\0');
	}
	out->rc = rc;
	out->st = *st;
	out->digest = digest;
	ec_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *pad;
	struct outcome plain, padded;

	if (!path[0]) {
		snprintf(path, sizeof(path), "/tmp/ec_fuzz_reader.%ld.csv", (long)getpid());
		snprintf(rejects_path, sizeof(rejects_path), "/tmp/ec_fuzz_reader.%ld.rej",
			 (long)getpid());
		atexit(remove_files);
		ec_verbosity = 0;
	}
	if (size < 1)
		return 0;
	unsigned ctl = data[0];
	const char *body = (const char *)data + 1;
	size_t n = size - 1;
	read_text(body, n, ctl, 0, &plain);

	/* The same text with blank lines after its first line, so that the
	 * reader's first chunk ends inside the rest of the text. The padded
	 * text lives in one buffer of newlines kept from run to run: only the
	 * bytes a run puts there are blanked again afterwards. */
	const char *nl = memchr(body, '\n', n);
	if ((ctl & 12) != 12 || !nl)
		return 0;
	size_t head = (size_t)(nl - body) + 1, rest = n - head;
	size_t start = READER_CHUNK - rest * (ctl >> 4) / 16;
	if (head > start || rest > READER_CHUNK)
		return 0;
	if (!pad) {
		pad = malloc(2 * (size_t)READER_CHUNK);
		CHECK(pad != NULL);
		memset(pad, '\n', 2 * (size_t)READER_CHUNK);
	}
	memcpy(pad, body, head);
	memcpy(pad + start, body + head, rest);
	read_text(pad, start + rest, ctl, start - head, &padded);
	memset(pad, '\n', head);
	memset(pad + start, '\n', rest);

	/* Where the chunks end changes nothing but line numbers, when the first
	 * line is a header that ends there (no quote in it). */
	if (!memchr(body, '"', head)) {
		CHECK(padded.rc == plain.rc);
		if (plain.rc == 0) {
			CHECK(padded.digest == plain.digest);
			CHECK(padded.st.rows == plain.st.rows && padded.st.good == plain.st.good);
			CHECK(memcmp(padded.st.bad_by_reason, plain.st.bad_by_reason,
				     sizeof(plain.st.bad_by_reason)) == 0);
			CHECK(padded.st.blank_lines == plain.st.blank_lines + (start - head));
			CHECK(padded.st.time_min == plain.st.time_min &&
			      padded.st.time_max == plain.st.time_max);
		}
	}
	return 0;
}
