/* ecomctl features: the point-in-time feature rows of one task as CSV
 * (intent: one row per session; category: one row per candidate). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/features.h"
#include "ecomctl/job.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/run.h"

static const char *const task_choices[] = {"intent", "category", NULL};

static void write_header(struct ec_outfile *f, int task)
{
	ec_outfile_puts(f, task == EC_TASK_INTENT
			       ? "session_id,user_id,start,cutoff,label"
			       : "session_id,user_id,start,cutoff,candidate,label,truth");
	const struct ec_feature_def *d = ec_features(task);
	for (uint32_t i = 0; i < ec_features_count(task); i++)
		ec_outfile_printf(f, ",%s", d[i].name);
	ec_outfile_putc(f, '\n');
}

/* Floats in the fewest of 7, 8 or 9 significant digits that read back as
 * the same float (so a peer loading the CSV sees exactly the matrix train
 * and score see; every float prints the same on every run); NAN as an
 * empty field; -0 as 0. Whole numbers below 10^7, most values here, take a
 * shortcut that prints the same digits as %.7g would. */
static void write_values(struct ec_outfile *f, const float *x, uint32_t n)
{
	char buf[48];
	for (uint32_t i = 0; i < n; i++) {
		float v = x[i];
		if (isnan(v)) {
			ec_outfile_putc(f, ',');
		} else if (v > -1e7f && v < 1e7f && v == (float)(int32_t)v) {
			int32_t k = (int32_t)v;
			char *p = buf + sizeof(buf);
			uint32_t u = k < 0 ? (uint32_t)-k : (uint32_t)k;
			do
				*--p = (char)('0' + u % 10);
			while (u /= 10);
			if (k < 0)
				*--p = '-';
			*--p = ',';
			ec_outfile_write(f, p, (size_t)(buf + sizeof(buf) - p));
		} else {
			/* the shortest of %.7g, %.8g, %.9g that reads back as v */
			int len = 0;
			buf[0] = ',';
			for (int prec = 7; prec <= 9; prec++) {
				len = snprintf(buf + 1, sizeof(buf) - 1, "%.*g", prec, (double)v);
				if (prec == 9 || strtof(buf + 1, NULL) == v)
					break;
			}
			ec_outfile_write(f, buf, (size_t)len + 1);
		}
	}
}

static void write_lead(struct ec_outfile *f, const struct ec_fsession *s, int64_t cutoff)
{
	char t0[24], tc[24];
	ec_time_format_iso(s->start, t0);
	ec_time_format_iso(cutoff, tc);
	ec_outfile_csv_field(f, s->session_id, strlen(s->session_id));
	ec_outfile_printf(f, ",%llu,%s,%s,", (unsigned long long)s->user_id, t0, tc);
}

/* Writes the rows of one session; returns how many. */
static uint64_t write_session(struct ec_outfile *f, const struct ec_fsession *s, int task,
			      int all_sessions, char *truth, size_t cap)
{
	if (task == EC_TASK_INTENT) {
		if (!s->intent_ok)
			return 0;
		write_lead(f, s, s->intent_cutoff);
		ec_outfile_putc(f, s->purchased ? '1' : '0');
		write_values(f, s->intent_x, ec_features_count(EC_TASK_INTENT));
		ec_outfile_putc(f, '\n');
		return 1;
	}
	if (!s->category_ok || (!s->category_labeled && !all_sessions))
		return 0;
	size_t len = 0;
	truth[0] = '\0';
	for (uint32_t i = 0; i < s->n_truth && len + 1 < cap; i++)
		len += (size_t)snprintf(truth + len, cap - len, "%s%s", i ? "|" : "", s->truth[i]);
	if (len >= cap)
		len = cap - 1;
	uint32_t nf = ec_features_count(EC_TASK_CATEGORY);
	for (uint32_t k = 0; k < s->n_cand; k++) {
		write_lead(f, s, s->category_cutoff);
		ec_outfile_csv_field(f, s->cand[k], strlen(s->cand[k]));
		ec_outfile_printf(f, ",%d,", s->cand_label[k]);
		ec_outfile_csv_field(f, truth, len);
		write_values(f, s->cand_x + (size_t)k * nf, nf);
		ec_outfile_putc(f, '\n');
	}
	return s->n_cand;
}

static void list_features(void)
{
	if (ec_opt_json) {
		struct ec_json *j = ec_json_object();
		ec_json_add_str(j, "command", "features --list");
		struct ec_json *a = ec_json_add_array(j, "features");
		for (int t = 0; t < EC_TASK_N; t++) {
			const struct ec_feature_def *d = ec_features(t);
			for (uint32_t i = 0; i < ec_features_count(t); i++) {
				struct ec_json *o = ec_json_add_object(a, NULL);
				ec_json_add_str(o, "task", ec_task_names[t]);
				ec_json_add_str(o, "name", d[i].name);
				ec_json_add_str(o, "description", d[i].description);
				ec_json_add_int(o, "monotone", d[i].monotone);
			}
		}
		ec_cli_json_summary(j, 0, NULL);
		ec_json_free(j);
		return;
	}
	for (int t = 0; t < EC_TASK_N; t++) {
		const struct ec_feature_def *d = ec_features(t);
		for (uint32_t i = 0; i < ec_features_count(t); i++)
			printf("%-9s %-25s %s\n", ec_task_names[t], d[i].name, d[i].description);
	}
}

static void summary_json(const struct ec_input *in, const struct ec_featurizer_stats *st, int task,
			 const char *out_path, uint64_t rows)
{
	char hash[24];
	struct ec_json *j = ec_json_object();
	ec_json_add_str(j, "command", "features");
	ec_json_add_str(j, "task", ec_task_names[task]);
	ec_json_add_str(j, "output", out_path);
	ec_json_add_u64(j, "feature_rows", rows);
	ec_json_add_int(j, "features", ec_features_count(task));
	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)ec_features_hash(task));
	ec_json_add_str(j, "features_hash", hash);
	ec_json_add_int(j, "features_version", EC_FEATURES_VERSION);
	ec_json_add_u64(j, "featurized_sessions", st->sessions);
	ec_json_add_u64(j, "intent_skipped", st->intent_skipped);
	ec_json_add_u64(j, "category_sessions", st->category_sessions);
	ec_json_add_u64(j, "category_skipped", st->category_skipped);
	ec_input_json(in, j);
	ec_cli_json_summary(j, 0, NULL);
	ec_json_free(j);
}

/* The options of a features run. */
struct features_args {
	struct ec_reader_opts ro;
	struct ec_session_opts so;
	struct ec_feature_opts fo;
	struct ec_job_opts jo;
	struct ec_partition_opts po;
	const char *out_path;
	int task, all_sessions;
	int64_t max_cand;
};

static int features_run(struct features_args *a, int argc, char **argv, char **inputs, int n_inputs)
{
	struct ec_input in = {0};
	struct ec_featurizer *fz = NULL;
	struct ec_outfile *f = NULL;
	struct ec_job *job = NULL;
	struct ec_err err = {0};
	struct ec_fsession s;
	uint64_t rows = 0;
	char truth[4096];
	int rc;

	if (a->max_cand < 1 || a->max_cand > 1000) {
		rc = ec_fail(&err, EC_EUSAGE, "--max-candidates: expected 1 to 1000, got %lld",
			     (long long)a->max_cand);
		goto done;
	}
	a->fo.max_candidates = (uint32_t)a->max_cand;
	if ((rc = ec_partition_resolve(&a->po, &a->fo.part, &err)) < 0 ||
	    (rc = ec_job_begin(&job, "features", argc, argv, inputs, n_inputs, &a->jo, &err)) < 0 ||
	    (rc = ec_input_open(&in, &a->ro, &a->so, inputs, n_inputs, &err)) < 0 ||
	    (rc = ec_featurizer_new(&fz, &a->fo, in.z, &err)) < 0 ||
	    (rc = ec_job_open_file(job, &f, a->out_path, EC_OUT_AUTO, &err)) < 0)
		goto done;
	ec_job_input(job, &in);
	write_header(f, a->task);
	while ((rc = ec_featurizer_next(fz, &s, &err)) > 0)
		rows += write_session(f, &s, a->task, a->all_sessions, truth, sizeof(truth));
	if (rc < 0 || (rc = ec_input_finish(&in, &err)) < 0 || (rc = ec_job_commit(job, &err)) < 0)
		goto done;
	const struct ec_featurizer_stats *st = ec_featurizer_stats(fz);
	struct ec_json *c = ec_run_counts(ec_job_run(job));
	ec_json_add_str(c, "task", ec_task_names[a->task]);
	ec_json_add_u64(c, "feature_rows", rows);
	ec_json_add_u64(c, "featurized_sessions", st->sessions);
	ec_json_add_u64(c, "intent_skipped", st->intent_skipped);
	ec_json_add_u64(c, "category_sessions", st->category_sessions);
	ec_json_add_u64(c, "category_skipped", st->category_skipped);
	if (ec_opt_json) {
		summary_json(&in, st, a->task, a->out_path, rows);
	} else {
		ec_reader_report(in.reader);
		ec_sessionizer_report(in.z);
		ec_log_info("features: %s: %llu rows from %llu sessions (%llu without an event "
			    "before the cutoff) to %s in %.2f s",
			    ec_task_names[a->task], (unsigned long long)rows,
			    (unsigned long long)st->sessions,
			    (unsigned long long)(a->task == EC_TASK_INTENT ? st->intent_skipped
									   : st->category_skipped),
			    a->out_path, ec_now() - in.t0);
	}
done:
	rc = job ? ec_job_end(job, rc, &err) : ec_cli_fail("features", rc, &err);
	ec_featurizer_free(fz);
	ec_input_close(&in);
	return rc;
}

int cmd_features(int argc, char **argv)
{
	struct features_args a = {.task = EC_TASK_INTENT, .max_cand = 10};
	int list = 0;
	char default_out[64];
	ec_reader_opts_init(&a.ro);
	ec_session_opts_init(&a.so);
	ec_feature_opts_init(&a.fo);
	const struct ec_opt opts[] = {
	    {"output", 'o', EC_OPT_STR, &a.out_path, "FILE",
	     "write the rows here (.gz: gzip; - for stdout; default output/features-TASK.csv)",
	     NULL, 0},
	    {"task", 0, EC_OPT_CHOICE, &a.task, "TASK",
	     "intent: one row per session (default); category: one row per candidate", task_choices,
	     0},
	    {"all-sessions", 0, EC_OPT_FLAG, &a.all_sessions, NULL,
	     "category: also sessions without a cart or purchase", NULL, 0},
	    {"max-candidates", 0, EC_OPT_INT, &a.max_cand, "N",
	     "candidate categories per session (default 10)", EC_OPT_RANGE(1, 1000), 0},
	    {"list", 0, EC_OPT_FLAG, &list, NULL,
	     "print the features of both tasks (task, name, description) and exit", NULL, 0},
	    EC_FEATURE_OPTS(a.fo),
	    EC_SESSION_OPTS(a.so),
	    EC_PARTITION_OPTS(a.po),
	    EC_READER_OPTS(a.ro),
	    EC_JOB_OPTS(a.jo),
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "features",
	    "[OPTIONS] FILE...",
	    "Sessionize export files and write the point-in-time features of one task as\n"
	    "CSV: each session sees only its events before its cutoff (the first purchase\n"
	    "for intent, the first cart or purchase for category), and history and priors\n"
	    "only from sessions closed at or before its start. Rows are in session start\n"
	    "order; a missing value is an empty field. Written atomically.",
	    opts,
	    "examples:\n"
	    "  ecomctl features data/2019-Oct.csv.gz -o output/features-intent.csv.gz\n"
	    "  ecomctl features --task category data/2019-Oct.csv.gz\n"
	    "  ecomctl features --list\n",
	};
	struct ec_opts_result res;
	int rc;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 0)) >= 0)
		return rc;
	if (list) {
		list_features();
		return 0;
	}
	if (res.n_operands == 0) {
		ec_log_error("features: no input files (use - for stdin)");
		fprintf(stderr, "usage: ecomctl features %s\n", usage.synopsis);
		return 64;
	}
	snprintf(default_out, sizeof(default_out), "output/features-%s.csv", ec_task_names[a.task]);
	if (!a.out_path)
		a.out_path = default_out;
	if (ec_opt_json && strcmp(a.out_path, "-") == 0) {
		ec_log_error("features: --json and -o - would both write to stdout");
		return 64;
	}
	rc = features_run(&a, argc, argv, res.operands, res.n_operands);
	return rc;
}
