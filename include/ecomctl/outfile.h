/*
 * outfile.h -- an output file written whole or not at all (the last stage of
 * every command: CSV, JSON, HTML, rejects, spool files).
 *
 * Bytes go to a temporary file beside <path>, ".<name>.<16 random hex
 * digits>.tmp", created with O_EXCL and O_NOFOLLOW (a planted file or
 * symlink is never opened, and two runs never share one), and registered
 * with cleanup.h so that a signal or an exit removes it (plain, or gzip
 * when asked or when the name ends in ".gz"); ec_outfile_commit() flushes,
 * fsyncs, renames it to <path> and fsyncs the directory. On Linux the
 * writeback of the temporary file is started after every 8 MiB written
 * (sync_file_range), by whichever thread writes, so that the fsync at the
 * end overlaps with the run and waits only for the last few MiB.
 * Freed without a commit, the temporary file is removed, so a failed run
 * never leaves a half-written output under the final name. "-" writes to
 * stdout (no temporary file; a failed write is still an error); so does an
 * existing path that is not a regular file (/dev/null, a fifo), which a
 * rename would replace.
 *
 * zlib is included here as well as in the reader: this is its writing side.
 * Ownership: the caller owns the struct from _open until _commit or _free.
 */
#ifndef ECOMCTL_OUTFILE_H
#define ECOMCTL_OUTFILE_H

#include <stddef.h>

#include "ecomctl/common.h"

struct ec_outfile;

enum ec_outfile_gzip {
	EC_OUT_AUTO = -1, /* gzip when the name ends in ".gz" */
	EC_OUT_PLAIN = 0,
	EC_OUT_GZIP = 1,
};

/* Creates the parent directory if needed and opens "<path>.tmp".
 * EC_ECANTCREAT when it cannot. *out is new; free with ec_outfile_free(). */
int ec_outfile_open(struct ec_outfile **out, const char *path, enum ec_outfile_gzip gzip,
		    struct ec_err *err);

/* Buffered writes. A write error is remembered and reported by commit. */
void ec_outfile_write(struct ec_outfile *f, const void *p, size_t n);
void ec_outfile_puts(struct ec_outfile *f, const char *s);
void ec_outfile_putc(struct ec_outfile *f, char c);
void ec_outfile_printf(struct ec_outfile *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Decimal integers, and x with two decimals: the bytes of printf's "%llu",
 * "%lld" and "%.2f", without printf's cost. */
void ec_outfile_u64(struct ec_outfile *f, uint64_t v);
void ec_outfile_i64(struct ec_outfile *f, int64_t v);
void ec_outfile_fixed2(struct ec_outfile *f, double x);
/* Writes s as one CSV field: quoted (with "" for ") only when it holds a
 * comma, quote, CR or LF. */
void ec_outfile_csv_field(struct ec_outfile *f, const char *s, size_t n);

/* Writes the buffered bytes now (a stream on stdout: one row at a time).
 * Returns 0, or -1 once a write has failed (the error is reported by
 * commit). */
int ec_outfile_flush(struct ec_outfile *f);

/* Marks a file that ec_outfile_commit() renames even after a signal: the
 * run manifest, which must say that the run was interrupted. */
void ec_outfile_commit_on_signal(struct ec_outfile *f);

/* Bytes written so far (before compression). */
size_t ec_outfile_bytes(const struct ec_outfile *f);
const char *ec_outfile_path(const struct ec_outfile *f);

/* The first half of a commit: flushes, ends the gzip stream, fsyncs and
 * closes (EC_EIO on any error; EC_EINTERNAL when zlib ran out of memory). Nothing is renamed: a job
 * syncs all its files before it renames any. */
int ec_outfile_sync(struct ec_outfile *f, struct ec_err *err);

/* Syncs (unless done), then, unless a signal was caught (EC_EINTR, see
 * cleanup.h), renames to the final name (EC_EIO on any error, and then the
 * temporary file is removed) and fsyncs its directory. The rename is the
 * commit: a failed directory fsync after it is only a warning, as the new
 * file is already visible. Frees f in every case. */
int ec_outfile_commit(struct ec_outfile *f, struct ec_err *err);

/* Discards an uncommitted file (removes the temporary). Accepts NULL. */
void ec_outfile_free(struct ec_outfile *f);

/* Creates a directory and its parents (mkdir -p). Returns 0 or EC_ECANTCREAT. */
int ec_mkdirs(const char *dir, struct ec_err *err);

#endif
