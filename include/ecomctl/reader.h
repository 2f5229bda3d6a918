/*
 * reader.h -- first stage of the pipeline: bytes of one or more exports in,
 * validated events out (reader -> event -> session -> ...).
 *
 * Inputs are plain CSV, gzip or zstd, told apart by their first bytes, or
 * "-" for stdin; several inputs are read in the order given as one stream,
 * each with its own header row. Every gzip member and zstd frame is read and
 * checked; a damaged or truncated one, or trailing bytes that are not one,
 * fail the read with the file and byte offset. A thread reads and
 * decompresses 1 MiB chunks, and worker threads (one a processor) parse
 * their rows ahead of the caller, several chunks at once; the caller's
 * thread takes the chunks in input order and reads, itself, whatever a
 * worker could not place for certain: the first line of a chunk, a line
 * across chunks, a quoted record. Rows without '"' are split
 * in place; rows with quotes go through libcsv. A bad row is skipped and
 * counted by reason; the first few are printed with file:line, and all of
 * them go to the rejects file when one is asked for.
 *
 * An event more than max_skew after the events around it is a bad row
 * (time_out_of_range), so that one far-future row cannot move the
 * sessionizer's watermark: the first 15 events of each file are held back
 * to take their median as the reference time, and an event ahead of the
 * latest accepted time by more than max_skew is held back until the rows
 * after it show whether time really jumped (src/input/reader_skew.c).
 *
 * Ownership: the reader owns its buffers; the strings of an event returned
 * by ec_reader_next() are borrowed until the next call to it.
 */
#ifndef ECOMCTL_READER_H
#define ECOMCTL_READER_H

#include <stdint.h>

#include "ecomctl/common.h"
#include "ecomctl/event.h"

struct ec_reader;

struct ec_reader_opts {
	const char *const *paths; /* inputs, "-" for stdin; copied */
	int n_paths;
	const char *rejects_path; /* NULL: no rejects file; copied */
	int64_t max_bad_rows;	  /* more bad rows than this fail the run; < 0: no limit */
	double max_bad_fraction;  /* a larger share of bad rows fails the run; < 0: no limit */
	int show_bad;		  /* bad rows printed as warnings (the first N) */
	int progress;		  /* draw a progress line on stderr */
	int64_t max_skew;	  /* seconds an event may be ahead of the others; <= 0: any */
	/* For tests and fuzzing: */
	const struct ec_str *buffers; /* when set, input i is the bytes buffers[i] (borrowed
				       * until ec_reader_free) and paths[i] only names it */
	int sync;		      /* no reading thread: read inline when a chunk is needed */
	size_t chunk_size;	      /* bytes per chunk; 0: 1 MiB */
	int parse_threads;	      /* parse workers; 0: one per processor less the
				       * consumer's, at least 1, at most 4 */
};

/* Defaults: no rejects file, no row limit, 5% bad rows at most, 5 shown,
 * max_skew 1 day. */
void ec_reader_opts_init(struct ec_reader_opts *opts);

struct ec_reader_stats {
	uint64_t rows; /* data rows seen, good and bad */
	uint64_t good; /* rows returned as events */
	uint64_t bad;  /* rows rejected */
	uint64_t bad_by_reason[EC_BAD_N];
	uint64_t blank_lines;	    /* empty lines, skipped and not counted as rows */
	uint64_t ids_decimal;	    /* good rows with an id written like 5802432.0 */
	uint64_t ids_exponent;	    /* good rows with an id in exponent notation */
	uint64_t bytes_in;	    /* bytes consumed from the inputs (compressed if gzip) */
	uint64_t bytes_data;	    /* bytes of CSV text parsed */
	int n_gzip;		    /* inputs that were gzip */
	int n_zstd;		    /* inputs that were zstd */
	int64_t time_min, time_max; /* range of event_time of good rows */
};

/* Checks that every input exists and is readable (EC_ENOINPUT otherwise),
 * creates the rejects file (EC_ECANTCREAT) and starts reading.
 * *out is new; free with ec_reader_free(). */
int ec_reader_open(struct ec_reader **out, const struct ec_reader_opts *opts, struct ec_err *err);

/* Returns 1 with the next good event in *ev, 0 at the end of the last input,
 * or a negative code: EC_EDATA for a header without a required column, a
 * corrupt or truncated gzip member or zstd frame, trailing bytes after the
 * last one, or more bad rows than max_bad_rows;
 * EC_EIO for a read error; EC_ENOINPUT for an input that vanished. */
int ec_reader_next(struct ec_reader *r, struct ec_event *ev, struct ec_err *err);
/* The same without a copy: *ev points at the reader's own event, borrowed
 * (as its strings) until the next call. */
int ec_reader_next_ref(struct ec_reader *r, const struct ec_event **ev, struct ec_err *err);

/* Calls fn(arg, ev) with a good row parsed on another core some rows (8)
 * before it is handed out, so that the consumer can ask for the memory it
 * will need for it (a hint only: not every row is shown, ev is borrowed for
 * the call, and the row may still be judged out of range). NULL fn stops
 * it. */
typedef void (*ec_reader_lookahead_fn)(void *arg, const struct ec_event *ev);
void ec_reader_set_lookahead(struct ec_reader *r, ec_reader_lookahead_fn fn, void *arg);

/* After the last event: applies max_bad_fraction (EC_EDATA) and completes the
 * rejects file (EC_EIO). Returns 0 on success. */
int ec_reader_finish(struct ec_reader *r, struct ec_err *err);

/* Borrowed until ec_reader_free(). */
const struct ec_reader_stats *ec_reader_stats(const struct ec_reader *r);
/* Good and bad rows read so far in input `file` (its index in opts.paths). */
void ec_reader_file_rows(const struct ec_reader *r, uint32_t file, uint64_t *good, uint64_t *bad);
/* The name of input i as given ("-" is shown as "<stdin>"); borrowed. */
const char *ec_reader_path(const struct ec_reader *r, uint32_t i);

/* Prints the rejects by reason (info level), e.g. for a command's summary. */
void ec_reader_report(const struct ec_reader *r);

/* Stops the reading thread and frees everything; a rejects file not yet
 * completed is completed, so that a failed run still leaves it. Accepts NULL. */
void ec_reader_free(struct ec_reader *r);

/* Splits CSV records into fields, for the reader and for tests and fuzzing.
 * Records without '"' are split in place; quoted ones go through libcsv
 * (strict mode, no trimming) and are unescaped into the splitter's buffer. */
struct ec_splitter;

/* *out is new; free with ec_splitter_free(). */
struct ec_splitter *ec_splitter_new(void);
void ec_splitter_free(struct ec_splitter *s);

/* Splits one record of n bytes (no line terminator; it may hold newlines
 * inside quotes) into at most max fields. Returns the number of fields
 * (which may exceed max: only the first max are filled), or -1 for malformed
 * quoting. Fields point into rec or into s, borrowed until the next call. */
int ec_splitter_split(struct ec_splitter *s, const char *rec, size_t n, struct ec_str *fields,
		      int max);

/* "libcsv 3.0.3, zlib 1.2.13, zstd 1.5.4": the parsing libraries linked in. */
const char *ec_reader_lib_versions(void);

#endif
