/* ecomctl score: every session of new exports through the same sessionizer
 * and featurizer as training, scored by registered models: one CSV row per
 * session with p_purchase, the decision and the top-3 categories. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/event.h"
#include "ecomctl/features.h"
#include "ecomctl/job.h"
#include "ecomctl/json.h"
#include "ecomctl/learn.h"
#include "ecomctl/model.h"
#include "ecomctl/outfile.h"
#include "ecomctl/registry.h"
#include "ecomctl/run.h"
#include "ecomctl/sink_mongo.h"

#define SCORE_HEADER                                                                               \
	"session_id,user_id,start,end,events,p_purchase,decision,category_1,p_category_1,"         \
	"category_2,p_category_2,category_3,p_category_3,purchased,actual_categories,"             \
	"intent_model,category_model,run_id\n"

/* Sessions are scored in batches: one XGBoost call per task per batch. */
#define BATCH 4096

struct pending {
	size_t id_off, truth_off; /* into the batch's text */
	uint64_t user_id;
	int64_t start, end;
	uint32_t events;
	int intent_ok, purchased;
	size_t cand_row, n_cand; /* rows of the batch's candidate matrix */
	size_t cand_key;	 /* offsets of the keys in cand_off */
};

struct batch {
	struct pending *s;
	size_t n;
	char *text; /* ids, truth lists, candidate keys, NUL-separated */
	size_t len, cap_text;
	float *ix; /* intent rows, one per session with intent_ok */
	size_t n_ix, cap_ix;
	float *cx; /* candidate rows */
	size_t n_cx, cap_cx;
	size_t *cand_off; /* text offsets of candidate keys, one per row */
	size_t cap_cand_off;
	float *ip, *cp; /* predictions */
	size_t cap_ip, cap_cp;
};

struct tally {
	uint64_t sessions, with_p, decided, purchased, with_categories, cat_sessions, cat_hit3;
};

static size_t put_text(struct batch *b, const char *s, size_t n)
{
	size_t off = b->len;
	EC_GROW(b->text, b->cap_text, b->len + n + 1);
	memcpy(b->text + b->len, s, n);
	b->text[b->len + n] = '\0';
	b->len += n + 1;
	return off;
}

static void add_session(struct batch *b, const struct ec_fsession *s, int use_intent, int use_cat)
{
	uint32_t di = ec_features_count(EC_TASK_INTENT), dc = ec_features_count(EC_TASK_CATEGORY);
	struct pending *p = &b->s[b->n++];
	memset(p, 0, sizeof(*p));
	p->id_off = put_text(b, s->session_id, strlen(s->session_id));
	p->user_id = s->user_id;
	p->start = s->start;
	p->end = s->end;
	p->events = s->events;
	p->purchased = s->purchased;
	p->intent_ok = use_intent && s->intent_ok;
	if (p->intent_ok) {
		EC_GROW(b->ix, b->cap_ix, (b->n_ix + 1) * di);
		memcpy(b->ix + b->n_ix * di, s->intent_x, di * sizeof(float));
		b->n_ix++;
	}
	/* actual_categories: "a|b|c" */
	size_t t0 = b->len;
	for (uint32_t i = 0; i < s->n_truth; i++) {
		put_text(b, s->truth[i], strlen(s->truth[i]));
		b->text[b->len - 1] = '|';
	}
	if (b->len > t0)
		b->text[b->len - 1] = '\0';
	else
		put_text(b, "", 0);
	p->truth_off = t0;
	p->cand_row = b->n_cx;
	if (use_cat && s->category_ok && s->n_cand) {
		p->n_cand = s->n_cand;
		EC_GROW(b->cx, b->cap_cx, (b->n_cx + s->n_cand) * dc);
		EC_GROW(b->cand_off, b->cap_cand_off, b->n_cx + s->n_cand);
		memcpy(b->cx + b->n_cx * dc, s->cand_x, (size_t)s->n_cand * dc * sizeof(float));
		for (uint32_t i = 0; i < s->n_cand; i++)
			b->cand_off[b->n_cx + i] = put_text(b, s->cand[i], strlen(s->cand[i]));
		b->n_cx += s->n_cand;
	}
}

static void write_p(struct ec_outfile *f, double p)
{
	ec_outfile_printf(f, ",%.6f", p);
}

/* Whether key is one of the '|'-separated keys of list. */
static int in_list(const char *list, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, '|');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && memcmp(p, key, n) == 0)
			return 1;
		if (!e)
			break;
		p = e + 1;
	}
	return 0;
}

/* The prediction document of one row (strings borrowed from the batch). */
static void send_prediction(struct ec_mongo *mongo, const struct batch *b, const struct pending *p,
			    const struct ec_loaded_model *m, const uint32_t *idx, uint32_t n,
			    double prob, const char *run_id)
{
	struct ec_mongo_prediction mp;
	ec_mongo_prediction_init(&mp);
	mp.session_id = b->text + p->id_off;
	mp.user_id = p->user_id;
	mp.start = p->start;
	mp.end = p->end;
	mp.events = p->events;
	if (p->intent_ok) {
		mp.p_purchase = prob;
		mp.decision = prob >= m[0].threshold;
	}
	mp.n_categories = (int)(n < 3 ? n : 3);
	for (int j = 0; j < mp.n_categories; j++) {
		mp.category[j] = b->text + b->cand_off[p->cand_row + idx[j]];
		mp.category_p[j] = b->cp[p->cand_row + idx[j]];
	}
	mp.actual_purchase = p->purchased;
	mp.intent_model = m[0].model ? m[0].ref : NULL;
	mp.category_model = m[1].model ? m[1].ref : NULL;
	mp.run_id = run_id;
	ec_mongo_add_prediction(mongo, &mp);
}

static int flush(struct batch *b, struct ec_outfile *f, struct ec_loaded_model *m,
		 const char *run_id, struct tally *t, struct ec_mongo *mongo, struct ec_err *err)
{
	uint32_t di = ec_features_count(EC_TASK_INTENT), dc = ec_features_count(EC_TASK_CATEGORY);
	int rc;
	EC_GROW(b->ip, b->cap_ip, b->n_ix + 1);
	EC_GROW(b->cp, b->cap_cp, b->n_cx + 1);
	if (m[0].model && (rc = ec_model_predict(m[0].model, b->ix, b->n_ix, di, b->ip, err)) < 0)
		return rc;
	if (m[1].model && (rc = ec_model_predict(m[1].model, b->cx, b->n_cx, dc, b->cp, err)) < 0)
		return rc;
	size_t ii = 0;
	for (size_t k = 0; k < b->n; k++) {
		const struct pending *p = &b->s[k];
		char t0[24], t1[24];
		const char *id = b->text + p->id_off, *truth = b->text + p->truth_off;
		ec_time_format(p->start, t0);
		ec_time_format(p->end, t1);
		ec_outfile_csv_field(f, id, strlen(id));
		ec_outfile_printf(f, ",%llu,%s,%s,%u", (unsigned long long)p->user_id, t0, t1,
				  p->events);
		t->sessions++;
		t->purchased += p->purchased;
		double prob = NAN;
		if (p->intent_ok) {
			prob = b->ip[ii++];
			int d = prob >= m[0].threshold;
			write_p(f, prob);
			ec_outfile_printf(f, ",%d", d);
			t->with_p++;
			t->decided += d;
		} else {
			ec_outfile_puts(f, ",,");
		}
		uint32_t idx[1024], n = (uint32_t)(p->n_cand < 1024 ? p->n_cand : 1024);
		ec_rank_order(b->cp + p->cand_row, n, idx);
		int hit = 0;
		for (uint32_t j = 0; j < 3; j++) {
			ec_outfile_putc(f, ',');
			if (j >= n) {
				ec_outfile_putc(f, ',');
				continue;
			}
			const char *key = b->text + b->cand_off[p->cand_row + idx[j]];
			ec_outfile_csv_field(f, key, strlen(key));
			write_p(f, b->cp[p->cand_row + idx[j]]);
			hit |= in_list(truth, key);
		}
		t->with_categories += n > 0;
		if (n > 0 && *truth) {
			t->cat_sessions++;
			t->cat_hit3 += hit;
		}
		ec_outfile_printf(f, ",%d,", p->purchased);
		ec_outfile_csv_field(f, truth, strlen(truth));
		ec_outfile_printf(f, ",%s,%s,%s\n", m[0].model ? m[0].ref : "",
				  m[1].model ? m[1].ref : "", run_id);
		if (mongo)
			send_prediction(mongo, b, p, m, idx, n, prob, run_id);
	}
	b->n = b->n_ix = b->n_cx = b->len = 0;
	return 0;
}

static void batch_release(struct batch *b)
{
	free(b->s);
	free(b->text);
	free(b->ix);
	free(b->cx);
	free(b->cand_off);
	free(b->ip);
	free(b->cp);
}

/* "none" skips a task. */
static const char *model_arg(const char *s)
{
	return strcmp(s, "none") == 0 ? NULL : s;
}

int cmd_score(int argc, char **argv)
{
	struct ec_reader_opts ro;
	struct ec_session_opts so;
	struct ec_feature_opts fo;
	const char *out_path = "output/predictions.csv", *models = "models";
	const char *intent_ref = "intent@production", *cat_ref = "category@production";
	struct ec_job_opts jo = {0};
	struct ec_mongo_opts mo;
	ec_reader_opts_init(&ro);
	ec_session_opts_init(&so);
	ec_mongo_opts_init(&mo);
	const struct ec_opt opts[] = {
	    {"output", 'o', EC_OPT_STR, &out_path, "FILE",
	     "write predictions here (.gz: gzip; - for stdout; default output/predictions.csv)",
	     NULL, 0},
	    {"models", 0, EC_OPT_STR, &models, "DIR", "the model registry (default models)", NULL,
	     0},
	    {"intent-model", 0, EC_OPT_STR, &intent_ref, "REF",
	     "intent model: intent, intent@ALIAS, intent@vN or none (default intent@production)",
	     NULL, 0},
	    {"category-model", 0, EC_OPT_STR, &cat_ref, "REF",
	     "category model, likewise (default category@production)", NULL, 0},
	    EC_SESSION_OPTS(so),
	    EC_READER_OPTS(ro),
	    EC_MONGO_OPTS(mo),
	    EC_JOB_OPTS(jo),
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "score",
	    "[OPTIONS] FILE...",
	    "Score every session of export files with registered models: the same\n"
	    "sessionizer and point-in-time features as training (feature options from\n"
	    "the models' manifests), one CSV row per session: ids, start, end, events,\n"
	    "p_purchase and the decision at the model's threshold, the three likeliest\n"
	    "categories with their scores, the actual outcome, model versions, run id.\n"
	    "Written atomically. With --mongo-uri, also one document per session in the\n"
	    "collection `predictions`, keyed by the session and the model versions (a\n"
	    "rerun changes nothing; a new model version adds documents).",
	    opts,
	    "examples:\n"
	    "  ecomctl score data/2019-Nov-01.csv.gz -o output/predictions.csv\n"
	    "  ecomctl score day.csv.gz --intent-model intent@v3 --category-model none\n",
	};
	struct ec_opts_result res;
	struct ec_input in = {0};
	struct ec_featurizer *fz = NULL;
	struct ec_outfile *f = NULL;
	struct ec_mongo *mongo = NULL;
	struct ec_job *job = NULL;
	struct ec_loaded_model m[EC_TASK_N];
	struct ec_err err = {0};
	struct ec_fsession s;
	struct batch b = {0};
	struct tally t = {0};
	const char *run_id;
	int rc;

	memset(m, 0, sizeof(m));
	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 1)) >= 0)
		return rc;
	if (ec_opt_json && strcmp(out_path, "-") == 0) {
		ec_log_error("score: --json and -o - would both write to stdout");
		ec_opts_release();
		return 64;
	}
	const char *refs[EC_TASK_N] = {model_arg(intent_ref), model_arg(cat_ref)};
	if (!refs[0] && !refs[1]) {
		rc = ec_fail(&err, EC_EUSAGE, "both models are none: nothing to score");
		goto done;
	}
	if ((rc = ec_job_begin(&job, "score", argc, argv, res.operands, res.n_operands, &jo,
			       &err)) < 0)
		goto done;
	run_id = ec_job_id(job);
	if ((rc = ec_job_mongo(job, &mongo, &mo, out_path, &err)) < 0 ||
	    (rc = ec_models_load(m, models, refs, &fo, &err)) < 0 ||
	    (rc = ec_input_open(&in, &ro, &so, res.operands, res.n_operands, &err)) < 0 ||
	    (rc = ec_featurizer_new(&fz, &fo, in.z, &err)) < 0 ||
	    (rc = ec_job_open_file(job, &f, out_path, EC_OUT_AUTO, &err)) < 0)
		goto done;
	ec_job_input(job, &in);
	ec_outfile_puts(f, SCORE_HEADER);
	b.s = ec_xmalloc(BATCH * sizeof(*b.s));
	while ((rc = ec_featurizer_next(fz, &s, &err)) > 0) {
		add_session(&b, &s, m[0].model != NULL, m[1].model != NULL);
		if (b.n == BATCH && (rc = flush(&b, f, m, run_id, &t, mongo, &err)) < 0)
			goto done;
	}
	if (rc < 0 || (rc = flush(&b, f, m, run_id, &t, mongo, &err)) < 0 ||
	    (rc = ec_input_finish(&in, &err)) < 0 || (rc = ec_job_commit(job, &err)) < 0)
		goto done;
	struct ec_json *c = ec_run_counts(ec_job_run(job));
	ec_json_add_str(c, "intent_model", m[0].model ? m[0].ref : "");
	ec_json_add_str(c, "category_model", m[1].model ? m[1].ref : "");
	ec_json_add_u64(c, "scored_sessions", t.sessions);
	ec_json_add_u64(c, "with_p_purchase", t.with_p);
	ec_json_add_u64(c, "predicted_purchases", t.decided);
	ec_json_add_u64(c, "actual_purchases", t.purchased);
	ec_json_add_u64(c, "with_categories", t.with_categories);
	if (mongo) {
		struct ec_json *counts = ec_json_dup(c);
		ec_input_json(&in, counts);
		ec_job_mongo_finish(job, counts);
		ec_json_free(counts);
	}
	if (ec_opt_json) {
		struct ec_json *j = ec_json_object();
		ec_json_add_str(j, "command", "score");
		ec_json_add_str(j, "output", out_path);
		ec_json_add_str(j, "run_id", run_id);
		ec_json_add_str(j, "intent_model", m[0].model ? m[0].ref : "");
		ec_json_add_str(j, "category_model", m[1].model ? m[1].ref : "");
		ec_json_add_num(j, "threshold", m[0].threshold);
		ec_json_add_u64(j, "scored_sessions", t.sessions);
		ec_json_add_u64(j, "with_p_purchase", t.with_p);
		ec_json_add_u64(j, "predicted_purchases", t.decided);
		ec_json_add_u64(j, "actual_purchases", t.purchased);
		ec_json_add_u64(j, "with_categories", t.with_categories);
		ec_json_add_num(j, "category_hit3",
				t.cat_sessions ? (double)t.cat_hit3 / (double)t.cat_sessions : NAN);
		ec_input_json(&in, j);
		if (mongo)
			ec_mongo_json(mongo, j);
		ec_json_print_stdout(j);
		ec_json_free(j);
	} else {
		ec_reader_report(in.reader);
		ec_log_info("score: %llu sessions to %s in %.2f s: %llu with p_purchase (%llu "
			    "predicted buyers, %llu actual), %llu with categories; models %s %s",
			    (unsigned long long)t.sessions, out_path, ec_now() - in.t0,
			    (unsigned long long)t.with_p, (unsigned long long)t.decided,
			    (unsigned long long)t.purchased, (unsigned long long)t.with_categories,
			    m[0].model ? m[0].ref : "-", m[1].model ? m[1].ref : "-");
		if (mongo)
			ec_mongo_report(mongo);
	}
done:
	rc = job ? ec_job_end(job, rc, &err) : ec_cli_fail("score", rc, &err);
	batch_release(&b);
	ec_featurizer_free(fz);
	ec_input_close(&in);
	for (int k = 0; k < EC_TASK_N; k++)
		ec_loaded_model_release(&m[k]);
	ec_opts_release();
	return rc;
}
