/* ecomctl sessions: one row per session. */
#include <stdio.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/sink_mongo.h"

#define SESSIONS_HEADER                                                                      \
	"session_id,user_id,start,end,duration_s,events,views,carts,removes,purchases,"        \
	"products,categories,brands,cart_value,revenue,first_purchase,converted,top_category\n"

static void write_row(struct ec_outfile *f, const struct ec_session *s,
		      const struct ec_session_summary *m)
{
	char t0[24], t1[24], tp[24] = "";
	ec_time_format(s->start, t0);
	ec_time_format(s->end, t1);
	if (m->first_purchase != INT64_MIN)
		ec_time_format(m->first_purchase, tp);
	ec_outfile_csv_field(f, s->id, strlen(s->id));
	ec_outfile_printf(f, ",%llu,%s,%s,%lld,%u,%u,%u,%u,%u,%u,%u,%u,%.2f,%.2f,%s,%d,",
			  (unsigned long long)s->user_id, t0, t1, (long long)(s->end - s->start),
			  m->events, m->by_type[EC_EV_VIEW], m->by_type[EC_EV_CART],
			  m->by_type[EC_EV_REMOVE], m->by_type[EC_EV_PURCHASE], m->products,
			  m->categories, m->brands, m->cart_value, m->revenue, tp,
			  m->by_type[EC_EV_PURCHASE] > 0);
	ec_outfile_csv_field(f, m->top_category, strlen(m->top_category));
	ec_outfile_putc(f, '\n');
}

/* The directory of an output file: spool files go under it. */
static void output_dir(const char *path, char *buf, size_t cap)
{
	const char *slash = strrchr(path, '/');
	if (strcmp(path, "-") == 0)
		snprintf(buf, cap, "output");
	else if (!slash)
		snprintf(buf, cap, ".");
	else
		snprintf(buf, cap, "%.*s", (int)(slash - path), path);
}

int cmd_sessions(int argc, char **argv)
{
	struct ec_reader_opts ro;
	struct ec_session_opts so;
	struct ec_mongo_opts mo;
	const char *out_path = "output/sessions.csv";
	int64_t level = 2;
	ec_reader_opts_init(&ro);
	ec_session_opts_init(&so);
	ec_mongo_opts_init(&mo);
	const struct ec_opt opts[] = {
		{ "output", 'o', EC_OPT_STR, &out_path, "FILE",
		  "write sessions here (.gz: gzip; - for stdout; default output/sessions.csv)", NULL, 0 },
		{ "category-level", 0, EC_OPT_INT, &level, "N",
		  "category_code segments in category keys (default 2; 0: all)", NULL, 0 },
		EC_SESSION_OPTS(so),
		EC_READER_OPTS(ro),
		EC_MONGO_OPTS(mo),
		{ "with-events", 0, EC_OPT_FLAG, &mo.with_events, NULL,
		  "MongoDB session logs carry their events (array event_log)", NULL, 0 },
		{ NULL, 0, 0, NULL, NULL, NULL, NULL, 0 },
	};
	const struct ec_cmd_usage usage = {
		"sessions", "[OPTIONS] FILE...",
		"Cut the events of export files into sessions (see --session-key) and write\n"
		"one CSV row per session: ids, start, end, duration, counts by event type,\n"
		"distinct products, categories and brands, cart value, revenue, first\n"
		"purchase, converted, top category. Written atomically.\n"
		"With --mongo-uri, also one document per session in the collection\n"
		"`sessions` (upserted by session_id and user_id: a rerun changes nothing).",
		opts, NULL,
	};
	struct ec_opts_result res;
	struct ec_input in = { 0 };
	struct ec_outfile *f = NULL;
	struct ec_mongo *mongo = NULL;
	struct ec_err err = { 0 }, merr = { 0 };
	struct ec_session s;
	struct ec_session_summary m;
	char out_dir[1024];
	int rc, mrc = 0;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 1)) >= 0)
		return rc;
	if (ec_opt_json && strcmp(out_path, "-") == 0) {
		ec_log_error("sessions: --json and -o - would both write to stdout");
		ec_opts_release();
		return 64;
	}
	output_dir(out_path, out_dir, sizeof(out_dir));
	if ((mrc = ec_mongo_start(&mongo, &mo, "sessions", argc, argv, res.operands,
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
	while ((rc = ec_sessionizer_next(in.z, &s, &err)) > 0) {
		ec_session_summarize(&m, &s, in.z, (int)level);
		write_row(f, &s, &m);
		if (mongo)
			ec_mongo_add_session(mongo, &s, &m, in.z);
	}
	if (rc < 0 || (rc = ec_input_finish(&in, &err)) < 0)
		goto done;
	rc = ec_outfile_commit(f, &err);
	f = NULL;
	if (rc < 0)
		goto done;
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
	rc = ec_mongo_end(mongo, "sessions", rc, &err, mrc, &merr);
	ec_outfile_free(f);
	ec_mongo_free(mongo);
	ec_input_close(&in);
	ec_opts_release();
	return rc;
}
