/* ecomctl sessions: one row per session (schema "sessions"), to CSV and,
 * with --mongo-uri, to the collection `sessions`. The main thread
 * sessionizes and summarizes; the CSV sink formats and writes on a thread
 * of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cleanup.h"
#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/job.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/run.h"
#include "ecomctl/schema.h"
#include "ecomctl/sink.h"
#include "ecomctl/sink_mongo.h"

static const char *const cut_names[] = {"idle", "max_session", "midnight", "end"};

/* The row of the sessions schema (schema.c), in its column order. */
static void session_row(struct ec_value *v, const struct ec_session *s,
			const struct ec_session_summary *m)
{
	const unsigned counts[] = {m->events,
				   m->by_type[EC_EV_VIEW],
				   m->by_type[EC_EV_CART],
				   m->by_type[EC_EV_REMOVE],
				   m->by_type[EC_EV_PURCHASE],
				   m->products,
				   m->categories,
				   m->brands};
	int k = 0;
	v[k++] = ec_val_str(s->id, strlen(s->id));
	v[k++] = ec_val_u64(s->user_id);
	v[k++] = ec_val_i64(s->start);
	v[k++] = ec_val_i64(s->end);
	v[k++] = ec_val_i64(s->end - s->start);
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		v[k++] = ec_val_u64(counts[i]);
	v[k++] = ec_val_num(m->cart_value);
	v[k++] = ec_val_num(m->revenue);
	v[k++] = m->first_purchase != INT64_MIN ? ec_val_i64(m->first_purchase) : ec_val_null();
	v[k++] = ec_val_i64(m->by_type[EC_EV_PURCHASE] > 0);
	v[k++] = ec_val_str(m->top_category, strlen(m->top_category));
	v[k++] = ec_val_str(s->by_gap ? "gap" : "session", s->by_gap ? 3 : 7);
	v[k++] = ec_val_i64(s->part);
	const char *cut = s->cut < 4 ? cut_names[s->cut] : "";
	v[k++] = ec_val_str(cut, strlen(cut));
}

void ec_sessions_args_init(struct ec_sessions_args *a)
{
	memset(a, 0, sizeof(*a));
	ec_reader_opts_init(&a->ro);
	ec_session_opts_init(&a->so);
	ec_mongo_opts_init(&a->mo);
	a->out_path = "output/sessions.csv";
	a->level = 2;
}

int ec_sessions_run(struct ec_sessions_args *a, int argc, char **argv, char **inputs, int n_inputs)
{
	struct ec_input in = {0};
	struct ec_sink *rows = NULL;
	struct ec_mongo *mongo = NULL;
	struct ec_job *job = NULL;
	struct ec_err err = {0};
	struct ec_session s;
	struct ec_session_summary sum;
	struct ec_value v[EC_SESSIONS_COLS];
	uint64_t n_rows = 0;
	int rc;

	if ((rc = ec_partition_resolve(&a->po, &a->so.part, &err)) < 0 ||
	    (rc = ec_job_begin(&job, "sessions", argc, argv, inputs, n_inputs, &a->jo, &err)) < 0 ||
	    (rc = ec_job_mongo(job, &mongo, &a->mo, a->out_path, &err)) < 0 ||
	    (rc = ec_input_open(&in, &a->ro, &a->so, inputs, n_inputs, &err)) < 0 ||
	    (rc = ec_job_rows(job, &rows, &ec_schema_sessions, a->out_path, 1, &err)) < 0)
		goto done;
	ec_job_input(job, &in);
	while ((rc = ec_sessionizer_next(in.z, &s, &err)) > 0) {
		struct ec_session_extra x = {&s, in.z};
		ec_session_summarize(&sum, &s, in.z, (int)a->level);
		session_row(v, &s, &sum);
		ec_sink_row(rows, v, &x);
		if (++n_rows == 2048)
			ec_test_pause("write");
	}
	if (rc < 0 || (rc = ec_input_finish(&in, &err)) < 0 || (rc = ec_job_commit(job, &err)) < 0)
		goto done;
	struct ec_json *j = ec_json_object();
	ec_json_add_str(j, "command", "sessions");
	ec_json_add_str(j, "output", a->out_path);
	ec_input_json(&in, j);
	ec_job_mongo_finish(job, j);
	if (mongo)
		ec_mongo_json(mongo, j);
	if (ec_opt_json) {
		ec_job_json_summary(job, j);
	} else {
		ec_reader_report(in.reader);
		ec_sessionizer_report(in.z);
		ec_log_info("sessions: wrote %s in %.2f s", a->out_path, ec_now() - in.t0);
		if (mongo)
			ec_mongo_report(mongo);
	}
	ec_json_free(j);
done:
	if (job)
		ec_json_add_u64(ec_run_counts(ec_job_run(job)), "rows_written", n_rows);
	rc = job ? ec_job_end(job, rc, &err) : ec_cli_fail("sessions", rc, &err);
	ec_input_close(&in);
	return rc;
}

int cmd_sessions(int argc, char **argv)
{
	struct ec_sessions_args a;
	ec_sessions_args_init(&a);
	const struct ec_opt opts[] = {
	    {"output", 'o', EC_OPT_STR, &a.out_path, "FILE",
	     "write sessions here (.gz: gzip; - for stdout; default output/sessions.csv)", NULL, 0},
	    {"category-level", 0, EC_OPT_INT, &a.level, "N",
	     "category_code segments in category keys (default 2; 0: all)", EC_OPT_RANGE(0, 100),
	     0},
	    EC_SESSION_OPTS(a.so),
	    EC_PARTITION_OPTS(a.po),
	    EC_READER_OPTS(a.ro),
	    EC_MONGO_OPTS(a.mo),
	    EC_JOB_OPTS(a.jo),
	    {"with-events", 0, EC_OPT_FLAG, &a.mo.with_events, NULL,
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
	int rc;
	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 1)) >= 0)
		return rc;
	if (ec_opt_json && strcmp(a.out_path, "-") == 0) {
		ec_log_error("sessions: --json and -o - would both write to stdout");
		rc = 64;
	} else {
		rc = ec_sessions_run(&a, argc, argv, res.operands, res.n_operands);
	}
	return rc;
}
