/* The sink interface, and its two simplest kinds: a document file and a
 * tee. See sink.h. */
#include "ecomctl/sink.h"

#include <stdlib.h>

void ec_sink_row(struct ec_sink *s, const struct ec_value *v, const void *extra)
{
	s->ops->row(s, v, extra);
}

int ec_sink_prepare(struct ec_sink *s, struct ec_err *err)
{
	return s->ops->prepare ? s->ops->prepare(s, err) : 0;
}

int ec_sink_commit(struct ec_sink *s, struct ec_err *err)
{
	int rc = s->ops->commit ? s->ops->commit(s, err) : 0;
	if (rc == 0)
		s->committed = 1;
	return rc;
}

int ec_sink_failed(const struct ec_sink *s)
{
	return s->ops->failed ? s->ops->failed(s) : 0;
}

void ec_sink_free(struct ec_sink *s)
{
	if (s)
		s->ops->free(s);
}

/* ---- a document file ----------------------------------------------------- */

struct file_sink {
	struct ec_sink base;
	struct ec_outfile *f; /* NULL once committed */
	char *path;
};

static void file_row(struct ec_sink *s, const struct ec_value *v, const void *extra)
{
	(void)s, (void)v, (void)extra; /* documents are written whole by their owner */
}

static int file_prepare(struct ec_sink *s, struct ec_err *err)
{
	return ec_outfile_sync(((struct file_sink *)s)->f, err);
}

static int file_commit(struct ec_sink *s, struct ec_err *err)
{
	struct file_sink *fs = (struct file_sink *)s;
	int rc = ec_outfile_commit(fs->f, err);
	fs->f = NULL;
	return rc;
}

static void file_free(struct ec_sink *s)
{
	struct file_sink *fs = (struct file_sink *)s;
	ec_outfile_free(fs->f);
	free(fs->path);
	free(fs);
}

static const struct ec_sink_ops file_ops = {"file",	 file_row,  file_prepare,
					    file_commit, file_free, NULL};

struct ec_sink *ec_sink_file_new(struct ec_outfile *f)
{
	struct file_sink *fs = ec_xcalloc(1, sizeof(*fs));
	fs->base.ops = &file_ops;
	fs->f = f;
	fs->path = ec_xstrdup(ec_outfile_path(f));
	fs->base.path = fs->path;
	return &fs->base;
}

/* ---- a tee ----------------------------------------------------------------- */

struct tee_sink {
	struct ec_sink base;
	struct ec_sink **to;
	int n;
};

static void tee_row(struct ec_sink *s, const struct ec_value *v, const void *extra)
{
	struct tee_sink *t = (struct tee_sink *)s;
	for (int i = 0; i < t->n; i++)
		ec_sink_row(t->to[i], v, extra);
}

static int tee_prepare(struct ec_sink *s, struct ec_err *err)
{
	struct tee_sink *t = (struct tee_sink *)s;
	int rc = 0;
	for (int i = 0; i < t->n && rc == 0; i++)
		rc = ec_sink_prepare(t->to[i], err);
	return rc;
}

static int tee_commit(struct ec_sink *s, struct ec_err *err)
{
	struct tee_sink *t = (struct tee_sink *)s;
	int rc = 0;
	for (int i = 0; i < t->n && rc == 0; i++)
		rc = ec_sink_commit(t->to[i], err);
	return rc;
}

static void tee_free(struct ec_sink *s)
{
	struct tee_sink *t = (struct tee_sink *)s;
	for (int i = 0; i < t->n; i++)
		ec_sink_free(t->to[i]);
	free(t->to);
	free(t);
}

static int tee_failed(const struct ec_sink *s)
{
	const struct tee_sink *t = (const struct tee_sink *)s;
	for (int i = 0; i < t->n; i++)
		if (ec_sink_failed(t->to[i]))
			return 1;
	return 0;
}

static const struct ec_sink_ops tee_ops = {"tee",      tee_row,	 tee_prepare,
					   tee_commit, tee_free, tee_failed};

struct ec_sink *ec_sink_tee_new(struct ec_sink **sinks, int n)
{
	struct tee_sink *t = ec_xcalloc(1, sizeof(*t));
	t->base.ops = &tee_ops;
	t->base.schema = n > 0 ? sinks[0]->schema : NULL;
	t->to = ec_xmalloc((size_t)(n > 0 ? n : 1) * sizeof(*t->to));
	for (int i = 0; i < n; i++)
		t->to[i] = sinks[i];
	t->n = n;
	return &t->base;
}
