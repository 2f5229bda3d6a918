/* CSV rows of a schema, on a writing thread of their own. See sink.h.
 *
 * The producer copies each row (strings into a text arena) into one of two
 * batches; the writer thread formats and writes (and compresses) the other.
 * Unthreaded, rows are formatted at once; with EC_SINK_FLUSH each is written
 * out before the call returns; with EC_SINK_JSONL as a JSON object a line. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/event.h"
#include "ecomctl/json.h"
#include "ecomctl/sink.h"

#define BATCH_ROWS 2048

struct batch {
	struct ec_value *v; /* rows * n_cols; strings as offsets into text (in .u) */
	size_t n_rows;
	char *text;
	size_t len, cap;
};

struct csv_sink {
	struct ec_sink base;
	struct ec_outfile *f; /* NULL once committed */
	char *path;
	size_t n_cols;
	int threaded, started, flush, jsonl, failed;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch b[2];
	int full[2]; /* handed to the writer */
	int done;
	int fill; /* the batch the producer fills */
};

static void put_value(struct ec_outfile *f, enum ec_type t, const struct ec_value *v, const char *s)
{
	char buf[24];
	if (v->null)
		return;
	switch (t) {
	case EC_T_STR:
	case EC_T_LIST:
		ec_outfile_csv_field(f, s, v->len);
		break;
	case EC_T_U64:
		ec_outfile_u64(f, v->u);
		break;
	case EC_T_I64:
		ec_outfile_i64(f, v->i);
		break;
	case EC_T_FLAG:
		ec_outfile_putc(f, v->i ? '1' : '0');
		break;
	case EC_T_TIME:
		ec_time_format_iso(v->i, buf);
		ec_outfile_write(f, buf, 20);
		break;
	case EC_T_MONEY:
		ec_outfile_fixed2(f, v->d);
		break;
	case EC_T_PROB:
		ec_outfile_printf(f, "%.6f", v->d);
		break;
	case EC_T_RATIO:
		ec_outfile_printf(f, "%.4f", v->d);
		break;
	default:
		break;
	}
}

/* Writes one row; text: the arena string offsets point into (NULL: the
 * values hold pointers). */
static void write_row(struct csv_sink *c, const struct ec_value *v, const char *text)
{
	const struct ec_schema *sc = c->base.schema;
	int first = 1;
	for (size_t i = 0; i < c->n_cols; i++) {
		const struct ec_column *col = &sc->cols[i];
		if (col->flags & EC_COLF_DOC_ONLY)
			continue;
		if (!first)
			ec_outfile_putc(c->f, ',');
		first = 0;
		int str = col->type == EC_T_STR || col->type == EC_T_LIST;
		const char *s = str && !v[i].null ? (text ? text + v[i].u : v[i].s) : NULL;
		put_value(c->f, col->type, &v[i], s);
	}
	ec_outfile_putc(c->f, '\n');
}

/* "a|b|c" as ["a","b","c"]; "" as []. */
static void add_list(struct ec_json *arr, const char *s, size_t n)
{
	const char *end = s + n;
	while (s < end) {
		const char *bar = memchr(s, '|', (size_t)(end - s));
		const char *e = bar ? bar : end;
		ec_json_add_strn(arr, NULL, s, (size_t)(e - s));
		s = bar ? bar + 1 : end;
	}
}

/* One row as a JSON object on a line, typed as sink.h says. */
static void write_json_row(struct csv_sink *c, const struct ec_value *v)
{
	const struct ec_schema *sc = c->base.schema;
	struct ec_json *j = ec_json_object();
	for (size_t i = 0; i < c->n_cols; i++) {
		const struct ec_column *col = &sc->cols[i];
		const char *k = col->name;
		if (col->flags & EC_COLF_DOC_ONLY)
			continue;
		if (v[i].null) {
			ec_json_add_null(j, k);
			continue;
		}
		switch (col->type) {
		case EC_T_U64:
			ec_json_add_u64(j, k, v[i].u);
			break;
		case EC_T_I64:
			ec_json_add_int(j, k, v[i].i);
			break;
		case EC_T_FLAG:
			ec_json_add_bool(j, k, v[i].i != 0);
			break;
		case EC_T_TIME:
			ec_json_add_time(j, k, v[i].i);
			break;
		case EC_T_MONEY:
			ec_json_add_num(j, k, round(v[i].d * 100) / 100);
			break;
		case EC_T_PROB:
			ec_json_add_num(j, k, round(v[i].d * 1e6) / 1e6);
			break;
		case EC_T_RATIO:
			ec_json_add_num(j, k, round(v[i].d * 1e4) / 1e4);
			break;
		case EC_T_LIST:
			add_list(ec_json_add_array(j, k), v[i].s, v[i].len);
			break;
		default:
			ec_json_add_strn(j, k, v[i].s, v[i].len);
			break;
		}
	}
	char *text = ec_json_print(j, 0);
	ec_outfile_puts(c->f, text);
	ec_outfile_putc(c->f, '\n');
	free(text);
	ec_json_free(j);
}

static void *writer_main(void *arg)
{
	struct csv_sink *c = arg;
	for (int i = 0;; i ^= 1) {
		pthread_mutex_lock(&c->mu);
		while (!c->full[i] && !c->done)
			pthread_cond_wait(&c->cv, &c->mu);
		int have = c->full[i];
		pthread_mutex_unlock(&c->mu);
		if (!have)
			return NULL;
		struct batch *b = &c->b[i];
		for (size_t r = 0; r < b->n_rows; r++)
			write_row(c, b->v + r * c->n_cols, b->text);
		pthread_mutex_lock(&c->mu);
		c->full[i] = 0;
		pthread_cond_broadcast(&c->cv);
		pthread_mutex_unlock(&c->mu);
	}
}

/* Hands the filled batch to the writer and waits until the other is free. */
static void pass(struct csv_sink *c)
{
	pthread_mutex_lock(&c->mu);
	c->full[c->fill] = 1;
	pthread_cond_broadcast(&c->cv);
	c->fill ^= 1;
	while (c->full[c->fill])
		pthread_cond_wait(&c->cv, &c->mu);
	pthread_mutex_unlock(&c->mu);
	c->b[c->fill].n_rows = 0;
	c->b[c->fill].len = 0;
}

/* Waits for every handed batch; the thread ends. */
static void stop(struct csv_sink *c)
{
	if (!c->started)
		return;
	if (c->b[c->fill].n_rows > 0)
		pass(c);
	pthread_mutex_lock(&c->mu);
	c->done = 1;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	c->started = 0;
}

static void csv_row(struct ec_sink *s, const struct ec_value *v, const void *extra)
{
	struct csv_sink *c = (struct csv_sink *)s;
	(void)extra;
	if (!c->started) {
		if (c->jsonl)
			write_json_row(c, v);
		else
			write_row(c, v, NULL);
		if (c->flush && ec_outfile_flush(c->f) < 0)
			c->failed = 1;
		return;
	}
	struct batch *b = &c->b[c->fill];
	struct ec_value *dst = b->v + b->n_rows * c->n_cols;
	for (size_t i = 0; i < c->n_cols; i++) {
		dst[i] = v[i];
		enum ec_type t = s->schema->cols[i].type;
		if ((t == EC_T_STR || t == EC_T_LIST) && !v[i].null) {
			EC_GROW(b->text, b->cap, b->len + v[i].len + 1);
			memcpy(b->text + b->len, v[i].s, v[i].len);
			dst[i].u = b->len; /* an offset: the arena may move */
			b->len += v[i].len;
		}
	}
	if (++b->n_rows == BATCH_ROWS)
		pass(c);
}

static int csv_prepare(struct ec_sink *s, struct ec_err *err)
{
	struct csv_sink *c = (struct csv_sink *)s;
	stop(c);
	return ec_outfile_sync(c->f, err);
}

static int csv_commit(struct ec_sink *s, struct ec_err *err)
{
	struct csv_sink *c = (struct csv_sink *)s;
	int rc = ec_outfile_commit(c->f, err);
	c->f = NULL;
	return rc;
}

static void csv_free(struct ec_sink *s)
{
	struct csv_sink *c = (struct csv_sink *)s;
	stop(c);
	if (c->threaded) {
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv);
	}
	ec_outfile_free(c->f);
	for (int i = 0; i < 2; i++) {
		free(c->b[i].v);
		free(c->b[i].text);
	}
	free(c->path);
	free(c);
}

static int csv_failed(const struct ec_sink *s)
{
	return ((const struct csv_sink *)s)->failed;
}

static const struct ec_sink_ops csv_ops = {"csv",      csv_row,	 csv_prepare,
					   csv_commit, csv_free, csv_failed};

int ec_sink_csv_open(struct ec_sink **out, const struct ec_schema *sc, const char *path,
		     unsigned flags, struct ec_err *err)
{
	struct csv_sink *c = ec_xcalloc(1, sizeof(*c));
	int rc;
	*out = NULL;
	c->base.ops = &csv_ops;
	c->base.schema = sc;
	c->path = ec_xstrdup(path);
	c->base.path = c->path;
	c->n_cols = sc->n_cols;
	if ((rc = ec_outfile_open(&c->f, path, EC_OUT_AUTO, err)) < 0) {
		csv_free(&c->base);
		return rc;
	}
	c->flush = (flags & EC_SINK_FLUSH) != 0;
	c->jsonl = (flags & EC_SINK_JSONL) != 0;
	if (!c->jsonl) {
		char *header = ec_schema_csv_header(sc);
		ec_outfile_puts(c->f, header);
		free(header);
	}
	if (c->flush && ec_outfile_flush(c->f) < 0)
		c->failed = 1;
	if ((flags & EC_SINK_THREADED) && !c->flush && !c->jsonl) {
		c->threaded = 1;
		for (int i = 0; i < 2; i++)
			c->b[i].v = ec_xmalloc(BATCH_ROWS * sc->n_cols * sizeof(struct ec_value));
		pthread_mutex_init(&c->mu, NULL);
		pthread_cond_init(&c->cv, NULL);
		if (pthread_create(&c->thread, NULL, writer_main, c) == 0)
			c->started = 1; /* else rows are written at once */
	}
	*out = &c->base;
	return 0;
}
