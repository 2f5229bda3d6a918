#include "ecomctl/reader.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reader_int.h"
#include "source.h"

void ec_reader_opts_init(struct ec_reader_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_bad_rows = -1;
	o->max_bad_fraction = 0.05;
	o->show_bad = 5;
	o->max_skew = 86400;
}

const char *ec_reader_path(const struct ec_reader *r, uint32_t i)
{
	if (i >= (uint32_t)r->opts.n_paths)
		return "<end>";
	return strcmp(r->paths[i], "-") == 0 ? "<stdin>" : r->paths[i];
}

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
	r->chunk_size = opts->chunk_size ? opts->chunk_size : EC_CHUNK_SIZE;
	r->stats.time_min = INT64_MAX;
	r->stats.time_max = INT64_MIN;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv_full, NULL);
	pthread_cond_init(&r->cv_free, NULL);
	pthread_cond_init(&r->cv_work, NULL);
	for (int i = 0; i < opts->n_paths; i++) {
		struct stat st;
		r->paths[i] = ec_xstrdup(opts->paths[i]);
		if (opts->buffers) {
			r->sizes[i] = opts->buffers[i].n;
			r->total_size += r->sizes[i];
			continue;
		}
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
	r->file = UINT32_MAX;
	r->skew_file = UINT32_MAX;
	ec_progress_init(&r->progress, "read");
	r->progress.enabled &= opts->progress;
	if ((rc = ec_reader_fill_start(r, err)) < 0)
		goto fail;
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
	ec_reader_fill_stop(r);
	commit_rejects(r, NULL);
	ec_reader_skew_release(r);
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
	pthread_cond_destroy(&r->cv_work);
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

/* The rows themselves are read in reader_rows.c, and judged for
 * time_out_of_range in reader_skew.c. */
int ec_reader_next(struct ec_reader *r, struct ec_event *ev, struct ec_err *err)
{
	const struct ec_event *p;
	int rc = ec_reader_next_judged(r, &p, err);
	if (rc > 0)
		*ev = *p;
	return rc;
}

int ec_reader_next_ref(struct ec_reader *r, const struct ec_event **ev, struct ec_err *err)
{
	return ec_reader_next_judged(r, ev, err);
}

void ec_reader_file_rows(const struct ec_reader *r, uint32_t file, uint64_t *good, uint64_t *bad)
{
	int known = file < (uint32_t)r->opts.n_paths;
	*good = known ? r->file_good[file] : 0;
	*bad = known ? r->file_bad[file] : 0;
}

const char *ec_reader_lib_versions(void)
{
	static char buf[128];
	snprintf(buf, sizeof(buf), "libcsv %d.%d.%d, %s", CSV_MAJOR, CSV_MINOR, CSV_RELEASE,
		 ec_source_lib_versions());
	return buf;
}
