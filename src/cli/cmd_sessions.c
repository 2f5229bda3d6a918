/* ecomctl sessions: one row per session.
 *
 * Two stages on two cores: the main thread sessionizes and summarizes; a
 * writer thread formats the rows and writes (and compresses) them. Batches
 * of summaries pass between them through two buffers. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/run.h"
#include "ecomctl/sink_mongo.h"

#define SESSIONS_HEADER                                                                            \
	"session_id,user_id,start,end,duration_s,events,views,carts,removes,purchases,"            \
	"products,categories,brands,cart_value,revenue,first_purchase,converted,top_category\n"

/* What the writer needs of one session (the session itself is borrowed
 * only until the sessionizer's next call). */
struct row {
	char id[160];
	uint64_t user_id;
	int64_t start, end;
	struct ec_session_summary m;
};

#define BATCH 2048

struct writer {
	struct ec_outfile *f;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct row *buf[2];
	size_t len[2]; /* rows in a full buffer, waiting for the writer */
	int full[2];   /* buffer i is handed to the writer */
	int done;
	int fill; /* the buffer the main thread fills */
};

static void write_row(struct ec_outfile *f, const struct row *s)
{
	const struct ec_session_summary *m = &s->m;
	char t0[24], t1[24], tp[24] = "";
	ec_time_format(s->start, t0);
	ec_time_format(s->end, t1);
	if (m->first_purchase != INT64_MIN)
		ec_time_format(m->first_purchase, tp);
	ec_outfile_csv_field(f, s->id, strlen(s->id));
	ec_outfile_putc(f, ',');
	ec_outfile_u64(f, s->user_id);
	ec_outfile_putc(f, ',');
	ec_outfile_write(f, t0, 23);
	ec_outfile_putc(f, ',');
	ec_outfile_write(f, t1, 23);
	ec_outfile_putc(f, ',');
	ec_outfile_i64(f, s->end - s->start);
	const unsigned counts[] = {m->events,
				   m->by_type[EC_EV_VIEW],
				   m->by_type[EC_EV_CART],
				   m->by_type[EC_EV_REMOVE],
				   m->by_type[EC_EV_PURCHASE],
				   m->products,
				   m->categories,
				   m->brands};
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		ec_outfile_putc(f, ',');
		ec_outfile_u64(f, counts[i]);
	}
	ec_outfile_putc(f, ',');
	ec_outfile_fixed2(f, m->cart_value);
	ec_outfile_putc(f, ',');
	ec_outfile_fixed2(f, m->revenue);
	ec_outfile_putc(f, ',');
	ec_outfile_puts(f, tp);
	ec_outfile_puts(f, m->by_type[EC_EV_PURCHASE] > 0 ? ",1," : ",0,");
	ec_outfile_csv_field(f, m->top_category, strlen(m->top_category));
	ec_outfile_putc(f, '\n');
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	for (int i = 0;; i ^= 1) {
		pthread_mutex_lock(&w->mu);
		while (!w->full[i] && !w->done)
			pthread_cond_wait(&w->cv, &w->mu);
		int have = w->full[i];
		size_t n = w->len[i];
		pthread_mutex_unlock(&w->mu);
		if (!have)
			return NULL;
		for (size_t k = 0; k < n; k++)
			write_row(w->f, &w->buf[i][k]);
		pthread_mutex_lock(&w->mu);
		w->full[i] = 0;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
	}
}

/* Hands the filled buffer to the writer and waits for the other one. */
static void writer_pass(struct writer *w, size_t n)
{
	pthread_mutex_lock(&w->mu);
	w->len[w->fill] = n;
	w->full[w->fill] = 1;
	pthread_cond_broadcast(&w->cv);
	w->fill ^= 1;
	while (w->full[w->fill])
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

static int writer_start(struct writer *w, struct ec_outfile *f, struct ec_err *err)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
	w->buf[0] = ec_xmalloc(BATCH * sizeof(struct row));
	w->buf[1] = ec_xmalloc(BATCH * sizeof(struct row));
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		free(w->buf[0]);
		free(w->buf[1]);
		return ec_fail(err, EC_EINTERNAL, "cannot start the writing thread");
	}
	return 0;
}

/* Waits until every handed buffer is written; then the thread ends. */
static void writer_stop(struct writer *w)
{
	pthread_mutex_lock(&w->mu);
	w->done = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->buf[0]);
	free(w->buf[1]);
}

int cmd_sessions(int argc, char **argv)
{
	struct ec_reader_opts ro;
	struct ec_session_opts so;
	struct ec_mongo_opts mo;
	const char *out_path = "output/sessions.csv", *runs_dir = NULL, *run_id = NULL;
	int64_t level = 2;
	ec_reader_opts_init(&ro);
	ec_session_opts_init(&so);
	ec_mongo_opts_init(&mo);
	const struct ec_opt opts[] = {
	    {"output", 'o', EC_OPT_STR, &out_path, "FILE",
	     "write sessions here (.gz: gzip; - for stdout; default output/sessions.csv)", NULL, 0},
	    {"category-level", 0, EC_OPT_INT, &level, "N",
	     "category_code segments in category keys (default 2; 0: all)", EC_OPT_RANGE(0, 100),
	     0},
	    EC_SESSION_OPTS(so),
	    EC_READER_OPTS(ro),
	    EC_MONGO_OPTS(mo),
	    EC_RUN_OPTS(runs_dir, run_id),
	    {"with-events", 0, EC_OPT_FLAG, &mo.with_events, NULL,
	     "MongoDB session logs carry their events (array event_log)", NULL, 0},
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "sessions",
	    "[OPTIONS] FILE...",
	    "Cut the events of export files into sessions (see --session-key) and write\n"
	    "one CSV row per session: ids, start, end, duration, counts by event type,\n"
	    "distinct products, categories and brands, cart value, revenue, first\n"
	    "purchase, converted, top category. Written atomically.\n"
	    "With --mongo-uri, also one document per session in the collection\n"
	    "`sessions` (upserted by session_id and user_id: a rerun changes nothing).",
	    opts,
	    NULL,
	};
	struct ec_opts_result res;
	struct ec_input in = {0};
	struct ec_outfile *f = NULL;
	struct ec_mongo *mongo = NULL;
	struct ec_run *run = NULL;
	struct ec_err err = {0}, merr = {0};
	struct ec_session s;
	struct writer w;
	int started = 0;
	uint64_t n_rows = 0;
	char out_dir[1024], why[sizeof(err.msg)];
	int rc, mrc = 0;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 1)) >= 0)
		return rc;
	if (ec_opt_json && strcmp(out_path, "-") == 0) {
		ec_log_error("sessions: --json and -o - would both write to stdout");
		ec_opts_release();
		return 64;
	}
	ec_run_output_dir(out_path, out_dir, sizeof(out_dir));
	if ((rc = ec_run_begin(&run, "sessions", argc, argv, res.operands, res.n_operands, run_id,
			       runs_dir, &err)) < 0)
		goto done;
	if ((mrc = ec_mongo_start(&mongo, &mo, "sessions", ec_run_id(run), argc, argv, res.operands,
				  res.n_operands, out_dir, &merr)) < 0 &&
	    mrc != EC_EUNAVAIL) {
		rc = mrc;
		err = merr;
		mrc = 0;
		goto done;
	}
	if ((rc = ec_input_open(&in, &ro, &so, res.operands, res.n_operands, &err)) < 0 ||
	    (rc = ec_outfile_open(&f, out_path, EC_OUT_AUTO, &err)) < 0)
		goto done;
	ec_outfile_puts(f, SESSIONS_HEADER);
	if ((rc = writer_start(&w, f, &err)) < 0)
		goto done;
	started = 1;
	size_t n = 0;
	while ((rc = ec_sessionizer_next(in.z, &s, &err)) > 0) {
		struct row *r = &w.buf[w.fill][n];
		size_t id_len = strlen(s.id);
		if (id_len >= sizeof(r->id))
			id_len = sizeof(r->id) - 1;
		memcpy(r->id, s.id, id_len);
		r->id[id_len] = '\0';
		r->user_id = s.user_id;
		r->start = s.start;
		r->end = s.end;
		ec_session_summarize(&r->m, &s, in.z, (int)level);
		if (mongo)
			ec_mongo_add_session(mongo, &s, &r->m, in.z);
		n_rows++;
		if (++n == BATCH) {
			writer_pass(&w, n);
			n = 0;
		}
	}
	if (n > 0)
		writer_pass(&w, n);
	writer_stop(&w);
	started = 0;
	if (rc < 0 || (rc = ec_input_finish(&in, &err)) < 0)
		goto done;
	rc = ec_outfile_commit(f, &err);
	f = NULL;
	if (rc < 0)
		goto done;
	ec_run_output(run, out_path);
	struct ec_json *j = ec_json_object();
	ec_json_add_str(j, "command", "sessions");
	ec_json_add_str(j, "output", out_path);
	ec_input_json(&in, j);
	if (mongo) {
		mrc = ec_mongo_finish(mongo, 0, NULL, j, &merr);
		ec_mongo_json(mongo, j);
	}
	if (ec_opt_json) {
		ec_json_print_stdout(j);
		ec_json_free(j);
	} else {
		ec_json_free(j);
		ec_reader_report(in.reader);
		ec_sessionizer_report(in.z);
		ec_log_info("sessions: wrote %s in %.2f s", out_path, ec_now() - in.t0);
		if (mongo)
			ec_mongo_report(mongo);
	}
done:
	if (started)
		writer_stop(&w);
	snprintf(why, sizeof(why), "%s", rc < 0 ? err.msg : mrc < 0 ? merr.msg : "");
	rc = ec_mongo_end(mongo, "sessions", rc, &err, mrc, &merr);
	if (run) {
		ec_run_input(run, &in);
		ec_json_add_u64(ec_run_counts(run), "rows_written", n_rows);
		ec_run_mongo(run, mongo);
	}
	rc = ec_run_end(run, rc, why);
	ec_outfile_free(f);
	ec_mongo_free(mongo);
	ec_input_close(&in);
	ec_opts_release();
	return rc;
}
