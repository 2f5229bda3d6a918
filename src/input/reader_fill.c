#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "reader_int.h"
#include "source.h"

/* Interns the event's code and brand in the worker's dictionary. */
static void dict_tag(struct ec_event *ev, struct ec_strdict *d)
{
	ev->dict = d->id;
	ev->code_local = ev->category_code.n ? ec_strdict_local(d, ev->category_code.p,
								ev->category_code.n, ev->code_hash)
					     : EC_STRDICT_NONE;
	ev->brand_local = ev->brand.n
			      ? ec_strdict_local(d, ev->brand.p, ev->brand.n, ev->brand_hash)
			      : EC_STRDICT_NONE;
}

#ifdef __SSE2__
/* The newline ending the line at p, or NULL when none comes before end;
 * meanwhile the line (less a CR before its newline) split at its commas
 * into f as ec_split_plain() splits it (*k fields), and *special set when
 * it holds a quote or a NUL (then f means nothing). One pass, 16 bytes at a
 * time: reads up to 15 bytes past end (chunks have EC_CHUNK_PAD more). */
static const char *scan_line(const char *p, const char *end, struct ec_str *f, int *k, int *special)
{
	const __m128i nl = _mm_set1_epi8('\n'), comma = _mm_set1_epi8(','),
		      quote = _mm_set1_epi8('"'), zero = _mm_setzero_si128();
	const char *fs = p;
	int n = 0;
	unsigned sp = 0;
	for (const char *b = p; b < end; b += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)b);
		unsigned mn = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
		unsigned mc = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, comma));
		unsigned ms = (unsigned)_mm_movemask_epi8(
		    _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, zero)));
		size_t left = (size_t)(end - b);
		if (left < 16) {
			unsigned in = (1u << left) - 1;
			mn &= in;
			mc &= in;
			ms &= in;
		}
		if (mn) {
			unsigned before = (mn & -mn) - 1;
			mc &= before;
			ms &= before;
		}
		sp |= ms;
		for (; mc; mc &= mc - 1) {
			const char *e = b + __builtin_ctz(mc);
			if (n < MAX_FIELDS)
				f[n] = (struct ec_str){fs, (size_t)(e - fs)};
			n++;
			fs = e + 1;
		}
		if (mn) {
			const char *e = b + __builtin_ctz(mn);
			const char *fe = e > fs && e[-1] == '\r' ? e - 1 : e;
			if (n < MAX_FIELDS)
				f[n] = (struct ec_str){fs, (size_t)(fe - fs)};
			*k = n + 1;
			*special = sp != 0;
			return e;
		}
	}
	return NULL;
}
#else
static const char *scan_line(const char *p, const char *end, struct ec_str *f, int *k, int *special)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl)
		return NULL;
	size_t m = (size_t)(nl - p);
	if (m > 0 && p[m - 1] == '\r')
		m--;
	*special = memchr(p, '"', m) || memchr(p, '\0', m);
	*k = ec_split_plain(p, m, f, MAX_FIELDS);
	return nl;
}
#endif

/* Parses in the producer the rows of a chunk that the consumer would parse
 * in place anyway, so that the two cores share the work: every line after
 * the chunk's first (which may continue the previous chunk, or be the
 * file's header) and before its last newline, when it has no quote, no NUL
 * and no more than EC_ROW_MAX bytes; every other line is left to the
 * consumer, which reads the chunk in order and takes a parsed row only
 * where it stands at that row's start with nothing carried (so a quoted
 * record spanning lines still swallows what it must). `cols` is from the
 * file's header, or NULL when the header is not plain: then nothing is
 * parsed here. */
static void preparse(struct chunk *c, const struct ec_columns *cols, struct ec_strdict *d)
{
	struct ec_str f[MAX_FIELDS];
	const char *data = c->data, *end = data + c->len;
	const char *p = cols && c->len ? memchr(data, '\n', c->len) : NULL;

	c->n_pre = 0;
	if (!p)
		return;
	for (p++;;) {
		int k, special;
		const char *nl = scan_line(p, end, f, &k, &special);
		if (!nl)
			return;
		size_t n = (size_t)(nl - p), m = n;
		if (m > 0 && p[m - 1] == '\r')
			m--;
		if (m > 0 && m <= EC_ROW_MAX && !special) {
			EC_GROW(c->pre, c->cap_pre, c->n_pre + 1);
			struct pre *e = &c->pre[c->n_pre++];
			e->off = (uint32_t)(p - data);
			e->len = (uint32_t)n;
			e->why = ec_event_from_fields(&e->ev, cols, f, k);
			e->ev.raw.p = p;
			e->ev.raw.n = m;
			if (e->why == EC_BAD_NONE)
				dict_tag(&e->ev, d);
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
	int k = ec_split_plain(c->data, n, f, MAX_FIELDS);
	if (k > MAX_FIELDS || ec_columns_from_header(cols, f, k, &missing) < 0)
		return NULL;
	return cols;
}

/* Opens input r->pf: a memory buffer, stdin or a file. */
static int open_input(struct ec_reader *r, struct chunk *c)
{
	uint32_t f = r->pf;
	const char *name = ec_reader_path(r, f);
	if (r->opts.buffers) {
		r->src = ec_source_new_mem(r->opts.buffers[f].p, r->opts.buffers[f].n, name);
	} else {
		int fd =
		    strcmp(r->paths[f], "-") == 0 ? dup(STDIN_FILENO) : open(r->paths[f], O_RDONLY);
		if (fd < 0) {
			c->error = EC_ENOINPUT;
			snprintf(c->errmsg, sizeof(c->errmsg), "%s: cannot open: %s", name,
				 strerror(errno));
			return -1;
		}
		r->src = ec_source_new_fd(fd, name);
	}
	r->pf_first = 1;
	r->pcols_ok = NULL;
	return 0;
}

/* Fills chunk c with the next bytes of input. Returns 1 when more chunks
 * follow, 0 when c is the last one (the end of all input, or an error). */
static int fill_one(struct ec_reader *r, struct chunk *c)
{
	struct ec_err err = {0};

	c->len = 0;
	c->n_pre = 0;
	c->error = 0;
	c->cols_ok = 0;
	c->last = 1;
	c->file = r->pf;
	if (r->pf == (uint32_t)r->opts.n_paths)
		return 0;
	if (!r->src && open_input(r, c) < 0)
		return 0;
	long n = ec_source_read(r->src, c->data, r->chunk_size, &err);
	if (r->pf_first) {
		enum ec_source_kind kind = ec_source_kind(r->src);
		pthread_mutex_lock(&r->mu);
		r->stats.n_gzip += kind == EC_SOURCE_GZIP;
		r->stats.n_zstd += kind == EC_SOURCE_ZSTD;
		pthread_mutex_unlock(&r->mu);
	}
	c->len = n > 0 ? (size_t)n : 0;
	c->last = n <= 0;
	if (n < 0) {
		c->error = (int)n;
		snprintf(c->errmsg, sizeof(c->errmsg), "%s", err.msg);
	}
	if (r->pf_first && c->len > 0) {
		r->pcols_ok = plain_header(c, &r->pcols);
		r->pf_first = 0;
	}
	c->cols_ok = r->pcols_ok && !c->error;
	if (c->cols_ok)
		c->cols = r->pcols;
	c->in_bytes = r->in_done + ec_source_offset(r->src);
	if (c->last) {
		r->in_done = c->in_bytes;
		ec_source_free(r->src);
		r->src = NULL;
		if (!c->error)
			r->pf++;
	}
	return !c->error;
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
	pthread_cond_signal(&r->cv_work);
	pthread_mutex_unlock(&r->mu);
}

/* Reads every input in order into the ring, ahead of the workers. */
static void *read_thread(void *arg)
{
	struct ec_reader *r = arg;
	struct chunk *c;
	int more = 1;
	while (more && (c = produce_begin(r))) {
		more = fill_one(r, c);
		produce_end(r);
	}
	return NULL;
}

/* A parse worker's start: the reader and the worker's own dictionary. */
struct worker_arg {
	struct ec_reader *r;
	struct ec_strdict *d;
};

/* Parses the filled chunks in turn, with the other workers: each chunk is
 * parsed on its own, so they may finish in any order. */

static void *parse_thread(void *arg)
{
	struct ec_reader *r = ((struct worker_arg *)arg)->r;
	struct ec_strdict *d = ((struct worker_arg *)arg)->d;
	free(arg);
	pthread_mutex_lock(&r->mu);
	for (;;) {
		while (r->parse_next == r->head && !r->stop)
			pthread_cond_wait(&r->cv_work, &r->mu);
		if (r->stop)
			break;
		struct chunk *c = &r->ring[r->parse_next++ % N_CHUNKS];
		pthread_mutex_unlock(&r->mu);
		preparse(c, c->cols_ok ? &c->cols : NULL, d);
		pthread_mutex_lock(&r->mu);
		c->parsed = 1;
		if (c == &r->ring[r->tail % N_CHUNKS])
			pthread_cond_signal(&r->cv_full);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

struct chunk *ec_reader_consume(struct ec_reader *r)
{
	if (r->opts.sync) {
		/* No thread: fill and parse the next chunk when the consumer
		 * needs it. */
		struct chunk *c = &r->ring[0];
		if (r->head == r->tail) {
			fill_one(r, c);
			preparse(c, c->cols_ok ? &c->cols : NULL, &r->dicts[0]);
			r->head++;
		}
		return c;
	}
	pthread_mutex_lock(&r->mu);
	struct chunk *c = &r->ring[r->tail % N_CHUNKS];
	while (r->head == r->tail || !c->parsed)
		pthread_cond_wait(&r->cv_full, &r->mu);
	pthread_mutex_unlock(&r->mu);
	return c;
}

void ec_reader_release(struct ec_reader *r)
{
	r->cur = NULL;
	if (r->opts.sync) {
		r->tail++;
		return;
	}
	pthread_mutex_lock(&r->mu);
	r->ring[r->tail % N_CHUNKS].parsed = 0;
	r->tail++;
	pthread_cond_signal(&r->cv_free);
	pthread_mutex_unlock(&r->mu);
}

static int workers_wanted(const struct ec_reader *r)
{
	/* One processor is the consumer's: with a worker on every processor,
	 * the workers take turns with it on a 2-core machine, and it is
	 * what the time waits for (funnel --unit user on 3 M rows: 0.60 s with
	 * one worker, 0.63 s with two). */
	long n =
	    r->opts.parse_threads > 0 ? r->opts.parse_threads : sysconf(_SC_NPROCESSORS_ONLN) - 1;
	return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (int)n;
}

int ec_reader_fill_start(struct ec_reader *r, struct ec_err *err)
{
	size_t n = r->opts.sync ? 1 : N_CHUNKS;
	for (size_t i = 0; i < n; i++)
		r->ring[i].data = ec_xmalloc(r->chunk_size + EC_CHUNK_PAD);
	for (int i = 0; i < MAX_WORKERS; i++)
		ec_strdict_init(&r->dicts[i]);
	if (r->opts.sync)
		return 0; /* one chunk, ring[0], filled when the consumer needs it */
	for (int want = workers_wanted(r); r->n_workers < want; r->n_workers++) {
		struct worker_arg *a = ec_xmalloc(sizeof(*a));
		*a = (struct worker_arg){r, &r->dicts[r->n_workers]};
		if (pthread_create(&r->workers[r->n_workers], NULL, parse_thread, a) != 0) {
			free(a);
			return ec_fail(err, EC_EINTERNAL, "cannot start a parsing thread");
		}
	}
	if (pthread_create(&r->thread, NULL, read_thread, r) != 0)
		return ec_fail(err, EC_EINTERNAL, "cannot start the reading thread");
	r->thread_started = 1;
	return 0;
}

void ec_reader_fill_stop(struct ec_reader *r)
{
	pthread_mutex_lock(&r->mu);
	r->stop = 1;
	pthread_cond_broadcast(&r->cv_free);
	pthread_cond_broadcast(&r->cv_work);
	pthread_mutex_unlock(&r->mu);
	if (r->thread_started)
		pthread_join(r->thread, NULL);
	r->thread_started = 0;
	while (r->n_workers > 0)
		pthread_join(r->workers[--r->n_workers], NULL);
	ec_source_free(r->src);
	r->src = NULL;
	for (int i = 0; i < MAX_WORKERS; i++)
		ec_strdict_release(&r->dicts[i]);
	for (size_t i = 0; i < N_CHUNKS; i++) {
		free(r->ring[i].data);
		free(r->ring[i].pre);
		r->ring[i].data = NULL;
		r->ring[i].pre = NULL;
	}
}
