#include "ecomctl/reader.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ecomctl/progress.h"

#define CHUNK_SIZE (1u << 20)
#define N_CHUNKS 4
#define MAX_FIELDS 64

/* ---- splitting ---------------------------------------------------------- */

struct ec_splitter {
	struct csv_parser csv;
	char *buf; /* unescaped field bytes of the current record */
	size_t len, cap;
	size_t *off, *flen; /* offset and length of each field in buf */
	size_t n_off;
	int n_fields, n_records;
};

static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static int csv_start(struct ec_splitter *s)
{
	if (csv_init(&s->csv, CSV_STRICT | CSV_STRICT_FINI) != 0)
		return -1;
	/* libcsv trims spaces around unquoted fields by default; the fast path
	 * does not, and the two must agree. */
	csv_set_space_func(&s->csv, no_space);
	return 0;
}

struct ec_splitter *ec_splitter_new(void)
{
	struct ec_splitter *s = ec_xcalloc(1, sizeof(*s));
	if (csv_start(s) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

void ec_splitter_free(struct ec_splitter *s)
{
	if (!s)
		return;
	csv_free(&s->csv);
	free(s->buf);
	free(s->off);
	free(s->flen);
	free(s);
}

/* libcsv's field pointer is valid only during this callback: copy it. */
static void on_field(void *data, size_t n, void *ctx)
{
	struct ec_splitter *s = ctx;
	if (s->n_records > 0)
		return;
	if ((size_t)s->n_fields == s->n_off) {
		s->n_off = s->n_off ? s->n_off * 2 : 16;
		s->off = ec_xrealloc(s->off, s->n_off * sizeof(*s->off));
		s->flen = ec_xrealloc(s->flen, s->n_off * sizeof(*s->flen));
	}
	EC_GROW(s->buf, s->cap, s->len + n + 1);
	if (n)
		memcpy(s->buf + s->len, data, n);
	s->off[s->n_fields] = s->len;
	s->flen[s->n_fields] = n;
	s->len += n;
	s->n_fields++;
}

static void on_record(int c, void *ctx)
{
	(void)c;
	((struct ec_splitter *)ctx)->n_records++;
}

static int split_plain(const char *rec, size_t n, struct ec_str *f, int max)
{
	const char *p = rec, *end = rec + n;
	int k = 0;
	for (;;) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const char *e = c ? c : end;
		if (k < max) {
			f[k].p = p;
			f[k].n = (size_t)(e - p);
		}
		k++;
		if (!c)
			return k;
		p = c + 1;
	}
}

int ec_splitter_split(struct ec_splitter *s, const char *rec, size_t n, struct ec_str *f, int max)
{
	if (!memchr(rec, '"', n))
		return split_plain(rec, n, f, max);
	s->len = 0;
	s->n_fields = 0;
	s->n_records = 0;
	size_t used = csv_parse(&s->csv, rec, n, on_field, on_record, s);
	int bad = used != n;
	if (csv_fini(&s->csv, on_field, on_record, s) != 0)
		bad = 1;
	if (bad) {
		/* libcsv keeps its error state: start it afresh for the next record. */
		csv_free(&s->csv);
		if (csv_start(s) != 0)
			return -1;
	}
	/* One record exactly: a newline outside quotes would make two. */
	if (bad || s->n_records != 1)
		return -1;
	int k = s->n_fields < max ? s->n_fields : max;
	for (int i = 0; i < k; i++) {
		f[i].p = s->buf ? s->buf + s->off[i] : "";
		f[i].n = s->flen[i];
	}
	return s->n_fields;
}

/* ---- the reading thread ------------------------------------------------- */

struct chunk {
	char *data;
	size_t len;
	uint32_t file;	   /* input index; n_paths marks the end of all input */
	int last;	   /* the last chunk of its file */
	int error;	   /* an EC_E* code: the thread stopped here */
	uint64_t in_bytes; /* input bytes consumed when this chunk was filled */
	char errmsg[400];
	/* Rows the reading thread parsed already (see preparse()), by offset;
	 * pre_i is the consumer's place in them. */
	struct pre *pre;
	size_t n_pre, cap_pre, pre_i;
};

/* One line parsed by the reading thread: a quote-free, NUL-free row that
 * starts and ends inside its chunk, at data + off, len bytes before its
 * newline (a CR included); ev.raw is the row without the CR. */
struct pre {
	uint32_t off, len;
	enum ec_bad why; /* EC_BAD_NONE: ev is the event (all but file and line) */
	struct ec_event ev;
};

struct ec_reader {
	struct ec_reader_opts opts;
	char **paths;
	uint64_t *sizes; /* bytes of each input, 0 when unknown */
	uint64_t total_size;

	pthread_t thread;
	int thread_started;
	pthread_mutex_t mu;
	pthread_cond_t cv_full, cv_free;
	struct chunk ring[N_CHUNKS];
	unsigned head, tail; /* filled chunks are [tail, head) modulo N_CHUNKS */
	int stop;

	/* consumer side */
	struct chunk *cur;
	size_t pos;
	uint32_t file;
	int need_header;
	uint64_t line;	    /* lines consumed in the current file */
	uint64_t in_before; /* input bytes of the files already finished */
	struct ec_columns cols;
	char *carry; /* a record that crosses chunks or lines */
	size_t carry_len, carry_cap;
	uint64_t carry_line; /* line where the carried record began; 0: none */
	int carry_odd;	     /* the carried record has an open quote */
	int carry_long;	     /* the carried record passed EC_ROW_MAX (and was cut) */
	char *part;	     /* the start of a line that crosses chunks, kept whole so that
			      * the line is judged as one (a row of its own or not) */
	size_t part_len, part_cap;
	struct ec_splitter *split;
	struct ec_str fields[MAX_FIELDS];
	int done;

	struct ec_reader_stats stats;
	uint64_t *file_good, *file_bad; /* good and bad rows of each input */
	struct ec_progress progress;
	uint64_t shown;

	FILE *rejects;
	char *rejects_tmp;
};

void ec_reader_opts_init(struct ec_reader_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_bad_rows = -1;
	o->max_bad_fraction = 0.05;
	o->show_bad = 5;
}

const char *ec_reader_path(const struct ec_reader *r, uint32_t i)
{
	if (i >= (uint32_t)r->opts.n_paths)
		return "<end>";
	return strcmp(r->paths[i], "-") == 0 ? "<stdin>" : r->paths[i];
}

static struct chunk *produce_begin(struct ec_reader *r)
{
	pthread_mutex_lock(&r->mu);
	while (r->head - r->tail == N_CHUNKS && !r->stop)
		pthread_cond_wait(&r->cv_free, &r->mu);
	struct chunk *c = r->stop ? NULL : &r->ring[r->head % N_CHUNKS];
	pthread_mutex_unlock(&r->mu);
	return c;
}

static void produce_end(struct ec_reader *r)
{
	pthread_mutex_lock(&r->mu);
	r->head++;
	pthread_cond_signal(&r->cv_full);
	pthread_mutex_unlock(&r->mu);
}

static int gz_failed(gzFile gz, char *msg, size_t n, const char *path)
{
	int code;
	const char *text = gzerror(gz, &code);
	if (code == Z_OK || code == Z_STREAM_END)
		return 0;
	if (code == Z_BUF_ERROR)
		snprintf(msg, n, "%s: truncated gzip stream (%s)", path, text);
	else if (code == Z_ERRNO)
		snprintf(msg, n, "%s: read error: %s", path, strerror(errno));
	else
		snprintf(msg, n, "%s: corrupt gzip stream (%s)", path, text);
	return code == Z_ERRNO ? EC_EIO : EC_EDATA;
}

/* Parses in the reading thread the rows of a chunk that the consumer would
 * parse in place anyway, so that the two cores share the work: every line
 * after the chunk's first (which may continue the previous chunk, or be the
 * file's header) and before its last newline, when it has no quote, no NUL
 * and no more than EC_ROW_MAX bytes; every other line is left to the
 * consumer, which reads the chunk in order and takes a parsed row only
 * where it stands at that row's start with nothing carried (so a quoted
 * record spanning lines still swallows what it must). `cols` is from the
 * file's header, or NULL when the header is not plain: then nothing is
 * parsed here. */
static void preparse(struct chunk *c, const struct ec_columns *cols)
{
	struct ec_str f[MAX_FIELDS];
	const char *data = c->data, *end = data + c->len;
	const char *p = cols && c->len ? memchr(data, '\n', c->len) : NULL;

	c->n_pre = 0;
	if (!p)
		return;
	for (p++;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return;
		size_t n = (size_t)(nl - p), m = n;
		if (m > 0 && p[m - 1] == '\r')
			m--;
		if (m > 0 && m <= EC_ROW_MAX && !memchr(p, '"', m) && !memchr(p, '\0', m)) {
			EC_GROW(c->pre, c->cap_pre, c->n_pre + 1);
			struct pre *e = &c->pre[c->n_pre++];
			e->off = (uint32_t)(p - data);
			e->len = (uint32_t)n;
			e->why =
			    ec_event_from_fields(&e->ev, cols, f, split_plain(p, m, f, MAX_FIELDS));
			e->ev.raw.p = p;
			e->ev.raw.n = m;
		}
		p = nl + 1;
	}
}

/* The columns of a file's header when its first chunk holds it whole and
 * without quotes (what the consumer's header() reads the same way). */
static const struct ec_columns *plain_header(const struct chunk *c, struct ec_columns *cols)
{
	struct ec_str f[MAX_FIELDS];
	const char *missing;
	const char *nl = c->len ? memchr(c->data, '\n', c->len) : NULL;
	if (!nl)
		return NULL;
	size_t n = (size_t)(nl - c->data);
	if (n > 0 && c->data[n - 1] == '\r')
		n--;
	if (memchr(c->data, '"', n))
		return NULL;
	int k = split_plain(c->data, n, f, MAX_FIELDS);
	if (k > MAX_FIELDS || ec_columns_from_header(cols, f, k, &missing) < 0)
		return NULL;
	return cols;
}

/* Reads every input in order into the ring. zlib reads plain files too
 * (transparently), so one loop serves both; gzip is told from the bytes. */
static void *read_thread(void *arg)
{
	struct ec_reader *r = arg;
	uint64_t in_done = 0;

	for (uint32_t f = 0; f < (uint32_t)r->opts.n_paths; f++) {
		const char *path = ec_reader_path(r, f);
		int fd =
		    strcmp(r->paths[f], "-") == 0 ? dup(STDIN_FILENO) : open(r->paths[f], O_RDONLY);
		gzFile gz = fd >= 0 ? gzdopen(fd, "rb") : NULL;
		struct chunk *c;
		if (!gz) {
			if (fd >= 0)
				close(fd);
			if (!(c = produce_begin(r)))
				return NULL;
			c->len = 0;
			c->n_pre = 0;
			c->file = f;
			c->error = EC_ENOINPUT;
			snprintf(c->errmsg, sizeof(c->errmsg), "%s: cannot open: %s", path,
				 strerror(errno));
			produce_end(r);
			return NULL;
		}
		gzbuffer(gz, CHUNK_SIZE);
		int gzip_counted = 0, first = 1;
		struct ec_columns cols_store;
		const struct ec_columns *cols = NULL;
		for (;;) {
			if (!(c = produce_begin(r))) {
				gzclose(gz);
				return NULL;
			}
			int n = gzread(gz, c->data, CHUNK_SIZE);
			c->file = f;
			c->error = 0;
			c->len = n > 0 ? (size_t)n : 0;
			c->last = n <= 0;
			if (!gzip_counted) {
				gzip_counted = 1;
				if (!gzdirect(gz)) {
					pthread_mutex_lock(&r->mu);
					r->stats.n_gzip++;
					pthread_mutex_unlock(&r->mu);
				}
			}
			if (n < 0 ||
			    (n == 0 && gz_failed(gz, c->errmsg, sizeof(c->errmsg), path))) {
				c->error = gz_failed(gz, c->errmsg, sizeof(c->errmsg), path);
				if (!c->error) {
					c->error = EC_EIO;
					snprintf(c->errmsg, sizeof(c->errmsg), "%s: read error",
						 path);
				}
			}
			if (first && c->len > 0) {
				cols = plain_header(c, &cols_store);
				first = 0;
			}
			preparse(c, c->error ? NULL : cols);
			long off = gzoffset(gz);
			c->in_bytes = in_done + (off > 0 ? (uint64_t)off : 0);
			if (c->last && !c->error) {
				/* zlib may report a truncated stream only when closing. */
				int rc = gzclose(gz);
				gz = NULL;
				if (rc != Z_OK) {
					c->error = rc == Z_ERRNO ? EC_EIO : EC_EDATA;
					snprintf(c->errmsg, sizeof(c->errmsg), "%s: %s", path,
						 rc == Z_BUF_ERROR ? "truncated gzip stream"
								   : "error closing input");
				}
				in_done += r->sizes[f];
				c->in_bytes = in_done;
			}
			int err = c->error;
			produce_end(r);
			if (err) {
				if (gz)
					gzclose(gz);
				return NULL;
			}
			if (!gz)
				break;
		}
	}
	struct chunk *c = produce_begin(r);
	if (c) {
		c->len = 0;
		c->n_pre = 0;
		c->file = (uint32_t)r->opts.n_paths;
		c->last = 1;
		c->error = 0;
		produce_end(r);
	}
	return NULL;
}

static struct chunk *consume(struct ec_reader *r)
{
	pthread_mutex_lock(&r->mu);
	while (r->head == r->tail)
		pthread_cond_wait(&r->cv_full, &r->mu);
	struct chunk *c = &r->ring[r->tail % N_CHUNKS];
	pthread_mutex_unlock(&r->mu);
	return c;
}

static void release(struct ec_reader *r)
{
	pthread_mutex_lock(&r->mu);
	r->tail++;
	pthread_cond_signal(&r->cv_free);
	pthread_mutex_unlock(&r->mu);
	r->cur = NULL;
}

/* ---- opening and closing ------------------------------------------------ */

int ec_reader_open(struct ec_reader **out, const struct ec_reader_opts *opts, struct ec_err *err)
{
	struct ec_reader *r;
	int rc = 0;

	*out = NULL;
	if (opts->n_paths < 1)
		return ec_fail(err, EC_EUSAGE, "no input files");
	r = ec_xcalloc(1, sizeof(*r));
	r->opts = *opts;
	r->paths = ec_xcalloc((size_t)opts->n_paths, sizeof(char *));
	r->sizes = ec_xcalloc((size_t)opts->n_paths, sizeof(uint64_t));
	r->file_good = ec_xcalloc((size_t)opts->n_paths, sizeof(uint64_t));
	r->file_bad = ec_xcalloc((size_t)opts->n_paths, sizeof(uint64_t));
	r->opts.rejects_path = NULL;
	r->stats.time_min = INT64_MAX;
	r->stats.time_max = INT64_MIN;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv_full, NULL);
	pthread_cond_init(&r->cv_free, NULL);
	for (int i = 0; i < opts->n_paths; i++) {
		struct stat st;
		r->paths[i] = ec_xstrdup(opts->paths[i]);
		if (strcmp(opts->paths[i], "-") == 0)
			continue;
		if (stat(opts->paths[i], &st) != 0 || access(opts->paths[i], R_OK) != 0) {
			rc = ec_fail(err, EC_ENOINPUT, "%s: cannot open: %s", opts->paths[i],
				     strerror(errno));
			goto fail;
		}
		if (S_ISDIR(st.st_mode)) {
			rc = ec_fail(err, EC_ENOINPUT, "%s: is a directory", opts->paths[i]);
			goto fail;
		}
		r->sizes[i] = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
		r->total_size += r->sizes[i];
	}
	if (opts->rejects_path) {
		r->opts.rejects_path = ec_xstrdup(opts->rejects_path);
		size_t n = strlen(opts->rejects_path) + 8;
		r->rejects_tmp = ec_xmalloc(n);
		snprintf(r->rejects_tmp, n, "%s.tmp", opts->rejects_path);
		if (!(r->rejects = fopen(r->rejects_tmp, "w"))) {
			rc = ec_fail(err, EC_ECANTCREAT, "%s: cannot create: %s", r->rejects_tmp,
				     strerror(errno));
			goto fail;
		}
		fputs("file,line,reason,row\n", r->rejects);
	}
	if (!(r->split = ec_splitter_new())) {
		rc = ec_fail(err, EC_EINTERNAL, "cannot initialise the csv parser");
		goto fail;
	}
	for (int i = 0; i < N_CHUNKS; i++)
		r->ring[i].data = ec_xmalloc(CHUNK_SIZE);
	r->file = UINT32_MAX;
	ec_progress_init(&r->progress, "read");
	r->progress.enabled &= opts->progress;
	if (pthread_create(&r->thread, NULL, read_thread, r) != 0) {
		rc = ec_fail(err, EC_EINTERNAL, "cannot start the reading thread");
		goto fail;
	}
	r->thread_started = 1;
	*out = r;
	return 0;
fail:
	ec_reader_free(r);
	return rc;
}

static int commit_rejects(struct ec_reader *r, struct ec_err *err)
{
	if (!r->rejects)
		return 0;
	int bad = ferror(r->rejects);
	bad |= fclose(r->rejects) != 0;
	r->rejects = NULL;
	if (bad || rename(r->rejects_tmp, r->opts.rejects_path) != 0) {
		unlink(r->rejects_tmp);
		return ec_fail(err, EC_EIO, "%s: cannot write: %s", r->opts.rejects_path,
			       strerror(errno));
	}
	return 0;
}

void ec_reader_free(struct ec_reader *r)
{
	if (!r)
		return;
	ec_progress_release(&r->progress);
	if (r->thread_started) {
		pthread_mutex_lock(&r->mu);
		r->stop = 1;
		pthread_cond_broadcast(&r->cv_free);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
	}
	commit_rejects(r, NULL);
	for (int i = 0; i < N_CHUNKS; i++) {
		free(r->ring[i].data);
		free(r->ring[i].pre);
	}
	for (int i = 0; i < r->opts.n_paths; i++)
		free(r->paths[i]);
	free(r->paths);
	free(r->sizes);
	free(r->file_good);
	free(r->file_bad);
	free((char *)r->opts.rejects_path);
	free(r->rejects_tmp);
	free(r->carry);
	free(r->part);
	ec_splitter_free(r->split);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv_full);
	pthread_cond_destroy(&r->cv_free);
	free(r);
}

int ec_reader_finish(struct ec_reader *r, struct ec_err *err)
{
	const struct ec_reader_stats *s = &r->stats;
	ec_progress_release(&r->progress);
	int rc = commit_rejects(r, err);
	if (rc < 0)
		return rc;
	if (r->opts.max_bad_fraction >= 0 && s->rows > 0 &&
	    (double)s->bad > r->opts.max_bad_fraction * (double)s->rows)
		return ec_fail(
		    err, EC_EDATA,
		    "%llu of %llu rows are bad (%.2f%%), more than --max-bad-fraction %g",
		    (unsigned long long)s->bad, (unsigned long long)s->rows,
		    100.0 * (double)s->bad / (double)s->rows, r->opts.max_bad_fraction);
	return 0;
}

const struct ec_reader_stats *ec_reader_stats(const struct ec_reader *r)
{
	return &r->stats;
}

void ec_reader_report(const struct ec_reader *r)
{
	const struct ec_reader_stats *s = &r->stats;
	if (s->bad == 0)
		return;
	for (int i = 1; i < EC_BAD_N; i++)
		if (s->bad_by_reason[i])
			ec_log_info("  rejected %-14s %llu", ec_bad_names[i],
				    (unsigned long long)s->bad_by_reason[i]);
}

/* ---- records ------------------------------------------------------------ */

static void write_csv_field(FILE *f, const char *p, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			fputc('"', f);
		fputc(p[i], f);
	}
	fputc('"', f);
}

/* Shows a row in a message: at most 80 bytes, control bytes as '?'. */
static void excerpt(char *out, size_t cap, const char *p, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 4 < cap && i < 80; i++)
		out[k++] = ((unsigned char)p[i] < 0x20) ? '?' : p[i];
	if (n > 80 && k + 4 < cap) {
		memcpy(out + k, "...", 3);
		k += 3;
	}
	out[k] = '\0';
}

static int reject(struct ec_reader *r, enum ec_bad why, const char *rec, size_t n, uint64_t line,
		  struct ec_err *err)
{
	const char *path = ec_reader_path(r, r->file);
	r->stats.rows++;
	r->stats.bad++;
	r->stats.bad_by_reason[why]++;
	if (r->file < (uint32_t)r->opts.n_paths)
		r->file_bad[r->file]++;
	if (r->shown < (uint64_t)(r->opts.show_bad > 0 ? r->opts.show_bad : 0)) {
		char ex[100];
		excerpt(ex, sizeof(ex), rec, n);
		ec_progress_release(&r->progress);
		ec_log_warn("%s:%llu: bad row (%s): %s", path, (unsigned long long)line,
			    ec_bad_names[why], ex);
		r->shown++;
	}
	if (r->rejects) {
		write_csv_field(r->rejects, path, strlen(path));
		fprintf(r->rejects, ",%llu,%s,", (unsigned long long)line, ec_bad_names[why]);
		write_csv_field(r->rejects, rec, n);
		fputc('\n', r->rejects);
	}
	if (r->opts.max_bad_rows >= 0 && r->stats.bad > (uint64_t)r->opts.max_bad_rows)
		return ec_fail(err, EC_EDATA, "%s:%llu: more than --max-bad-rows %lld bad rows",
			       path, (unsigned long long)line, (long long)r->opts.max_bad_rows);
	return 0;
}

static int header(struct ec_reader *r, const char *rec, size_t n, struct ec_err *err)
{
	const char *path = ec_reader_path(r, r->file);
	const char *missing = NULL;
	int k = ec_splitter_split(r->split, rec, n, r->fields, MAX_FIELDS);
	if (k < 0)
		return ec_fail(err, EC_EDATA, "%s:1: malformed header row", path);
	if (k > MAX_FIELDS)
		return ec_fail(err, EC_EDATA, "%s:1: header has %d columns, more than %d", path, k,
			       MAX_FIELDS);
	if (ec_columns_from_header(&r->cols, r->fields, k, &missing) < 0)
		return ec_fail(err, EC_EDATA, "%s:1: header has no column '%s'", path, missing);
	r->need_header = 0;
	return 0;
}

/* Counts a good row whose event is ev (all filled but file and line). */
static int good_row(struct ec_reader *r, struct ec_event *ev, uint64_t line)
{
	ev->file = r->file;
	ev->line = line;
	r->stats.rows++;
	r->stats.good++;
	if (r->file < (uint32_t)r->opts.n_paths)
		r->file_good[r->file]++;
	if (ev->flags & EC_EVF_ID_DECIMAL)
		r->stats.ids_decimal++;
	if (ev->flags & EC_EVF_ID_EXPONENT)
		r->stats.ids_exponent++;
	if (ev->time < r->stats.time_min)
		r->stats.time_min = ev->time;
	if (ev->time > r->stats.time_max)
		r->stats.time_max = ev->time;
	if ((r->stats.rows & 0xffff) == 0 && r->progress.enabled)
		ec_progress_update(&r->progress, r->stats.rows,
				   r->cur ? r->cur->in_bytes : r->stats.bytes_in, r->total_size);
	return 1;
}

/* Turns one complete record into an event. Returns 1 (event), 0 (skipped) or
 * an error. */
static int record(struct ec_reader *r, const char *rec, size_t n, uint64_t line,
		  struct ec_event *ev, struct ec_err *err)
{
	if (n > 0 && rec[n - 1] == '\r')
		n--;
	if (r->need_header) {
		int rc = header(r, rec, n, err);
		return rc < 0 ? rc : 0;
	}
	if (n == 0) {
		r->stats.blank_lines++;
		return 0;
	}
	if (memchr(rec, '\0', n))
		return reject(r, EC_BAD_NUL, rec, n, line, err);
	int k = ec_splitter_split(r->split, rec, n, r->fields, MAX_FIELDS);
	if (k < 0)
		return reject(r, EC_BAD_QUOTING, rec, n, line, err);
	enum ec_bad why = ec_event_from_fields(ev, &r->cols, r->fields, k);
	if (why != EC_BAD_NONE)
		return reject(r, why, rec, n, line, err);
	ev->raw.p = rec;
	ev->raw.n = n;
	return good_row(r, ev, line);
}

static int odd_quotes(const char *p, size_t n)
{
	int odd = 0;
	const char *end = p + n;
	while ((p = memchr(p, '"', (size_t)(end - p)))) {
		odd ^= 1;
		p++;
	}
	return odd;
}

/* Adds bytes to the carried record, keeping at most EC_ROW_MAX + 1 of them. */
static void carry_append(struct ec_reader *r, const char *p, size_t n, uint64_t line)
{
	if (r->carry_line == 0)
		r->carry_line = line;
	r->carry_odd ^= odd_quotes(p, n);
	if (r->carry_len + n > EC_ROW_MAX) {
		r->carry_long = 1;
		n = r->carry_len > EC_ROW_MAX ? 0 : EC_ROW_MAX + 1 - r->carry_len;
	}
	EC_GROW(r->carry, r->carry_cap, r->carry_len + n + 1);
	memcpy(r->carry + r->carry_len, p, n);
	r->carry_len += n;
}

/* Whether a line begins with a valid event_time and a comma, when that is
 * the first column: such a line is a new row, not a quoted continuation. */
static int starts_row(const struct ec_reader *r, const char *p, size_t n)
{
	int64_t t;
	return !r->need_header && r->cols.idx[EC_COL_TIME] == 0 && n > 23 && p[23] == ',' &&
	       ec_time_parse(p, 23, &t) == 0;
}

/* Hands the carried record to record() and empties the carry. */
static int carried_record(struct ec_reader *r, struct ec_event *ev, struct ec_err *err)
{
	uint64_t line = r->carry_line;
	size_t n = r->carry_len;
	int too_long = r->carry_long, odd = r->carry_odd;
	r->carry_len = 0;
	r->carry_line = 0;
	r->carry_odd = 0;
	r->carry_long = 0;
	if (too_long)
		return reject(r, EC_BAD_ROW_TOO_LONG, r->carry, n, line, err);
	if (odd) {
		/* drop the newline added when the quote seemed to go on */
		if (n > 0 && r->carry[n - 1] == '\n')
			n--;
		return reject(r, EC_BAD_QUOTING, r->carry, n, line, err);
	}
	return record(r, r->carry, n, line, ev, err);
}

/* Moves to the next chunk; returns 1 with r->cur set, 0 at the end of all
 * input, or an error. A file change starts a new header and line count. */
static int next_chunk(struct ec_reader *r, struct ec_err *err)
{
	struct chunk *c = consume(r);
	if (c->error) {
		r->done = 1;
		return ec_fail(err, c->error, "%s", c->errmsg);
	}
	if (c->file != r->file) {
		if (r->file != UINT32_MAX && r->need_header) {
			r->done = 1;
			return ec_fail(err, EC_EDATA, "%s: empty input, no header row",
				       ec_reader_path(r, r->file));
		}
		r->file = c->file;
		r->need_header = 1;
		r->line = 0;
	}
	if (c->file == (uint32_t)r->opts.n_paths) {
		release(r);
		r->done = 1;
		return 0;
	}
	r->cur = c;
	r->pos = 0;
	c->pre_i = 0;
	return 1;
}

/* Keeps the start of a line that goes on in the next chunk (at most
 * EC_ROW_MAX + 1 bytes of it: a longer line is rejected as too long). */
static void part_append(struct ec_reader *r, const char *p, size_t n)
{
	if (r->part_len + n > EC_ROW_MAX)
		n = r->part_len > EC_ROW_MAX ? 0 : EC_ROW_MAX + 1 - r->part_len;
	EC_GROW(r->part, r->part_cap, r->part_len + n + 1);
	memcpy(r->part + r->part_len, p, n);
	r->part_len += n;
}

/* One whole line, number r->line: a row of its own, or part of a quoted
 * record that spans lines. Returns 1 with an event, 0 for none yet, or an
 * error. An open quote never swallows a line that starts a row of its own:
 * the broken record is rejected and the line read as itself. */
static int take_line(struct ec_reader *r, const char *p, size_t n, struct ec_event *ev,
		     struct ec_err *err)
{
	int rc;
	if (r->carry_line == 0 && !memchr(p, '"', n)) {
		if (n > EC_ROW_MAX)
			return reject(r, EC_BAD_ROW_TOO_LONG, p, n, r->line, err);
		return record(r, p, n, r->line, ev, err);
	}
	if (r->carry_odd && starts_row(r, p, n)) {
		if ((rc = carried_record(r, ev, err)) != 0)
			return rc;
		if (!memchr(p, '"', n))
			return take_line(r, p, n, ev, err);
	}
	carry_append(r, p, n, r->line);
	if (r->carry_odd && !r->carry_long) {
		carry_append(r, "\n", 1, r->line);
		return 0;
	}
	return carried_record(r, ev, err);
}

/*
 * A record is normally one line, parsed in place. A line with an odd number
 * of quotes opens a quoted field that goes on past the newline, so the
 * following lines join it in the carry buffer until the quotes balance (a
 * record past EC_ROW_MAX ends at the next newline whatever its quotes). A
 * line that crosses chunks is first put together whole in the part buffer,
 * so that where a chunk ends never changes how a line is read.
 */
int ec_reader_next(struct ec_reader *r, struct ec_event *ev, struct ec_err *err)
{
	int rc;

	if (r->done)
		return 0;
	for (;;) {
		if (!r->cur && (rc = next_chunk(r, err)) <= 0)
			return rc;
		struct chunk *c = r->cur;
		if (r->part_len == 0 && r->carry_line == 0 && !r->need_header) {
			while (c->pre_i < c->n_pre && c->pre[c->pre_i].off < r->pos)
				c->pre_i++;
			if (c->pre_i < c->n_pre && c->pre[c->pre_i].off == r->pos) {
				struct pre *e = &c->pre[c->pre_i++];
				r->pos += e->len + 1;
				r->stats.bytes_data += e->len + 1;
				r->line++;
				if (e->why != EC_BAD_NONE) {
					if ((rc = reject(r, e->why, e->ev.raw.p, e->ev.raw.n,
							 r->line, err)) != 0)
						return rc;
					continue;
				}
				*ev = e->ev;
				return good_row(r, ev, r->line);
			}
		}
		const char *p = c->data + r->pos;
		size_t avail = c->len - r->pos;
		const char *nl = memchr(p, '\n', avail);

		if (!nl) {
			r->stats.bytes_data += avail;
			r->stats.bytes_in = c->in_bytes;
			if (avail)
				part_append(r, p, avail);
			int last = c->last;
			release(r);
			if (!last)
				continue;
			/* A file that ends without a final newline ends its line, and
			 * the end of a file ends a quoted record left open. */
			if (r->part_len > 0) {
				r->line++;
				size_t n = r->part_len;
				r->part_len = 0;
				if ((rc = take_line(r, r->part, n, ev, err)) != 0)
					return rc;
			}
			if (r->carry_len + r->carry_line > 0 &&
			    (rc = carried_record(r, ev, err)) != 0)
				return rc;
			continue;
		}
		size_t n = (size_t)(nl - p);
		r->pos += n + 1;
		r->stats.bytes_data += n + 1;
		r->line++;
		if (r->part_len > 0) {
			part_append(r, p, n);
			n = r->part_len;
			r->part_len = 0;
			rc = take_line(r, r->part, n, ev, err);
		} else {
			rc = take_line(r, p, n, ev, err);
		}
		if (rc != 0)
			return rc;
	}
}

void ec_reader_file_rows(const struct ec_reader *r, uint32_t file, uint64_t *good, uint64_t *bad)
{
	int known = file < (uint32_t)r->opts.n_paths;
	*good = known ? r->file_good[file] : 0;
	*bad = known ? r->file_bad[file] : 0;
}

const char *ec_reader_lib_versions(void)
{
	static char buf[96];
	snprintf(buf, sizeof(buf), "libcsv %d.%d.%d, zlib %s", CSV_MAJOR, CSV_MINOR, CSV_RELEASE,
		 zlibVersion());
	return buf;
}
