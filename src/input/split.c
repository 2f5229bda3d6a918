#include "ecomctl/reader.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "reader_int.h"

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

int ec_split_plain(const char *rec, size_t n, struct ec_str *f, int max)
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
		return ec_split_plain(rec, n, f, max);
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
