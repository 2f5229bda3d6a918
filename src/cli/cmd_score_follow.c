/* ecomctl score --follow: the batch pipeline of cmd_score.c fed by a
 * follower (follow.h) instead of the reader, one prediction row written
 * and flushed as soon as the featurizer lets a session out.
 *
 * Why the rows equal batch: the sessionizer, the featurizer and the scorer
 * are the batch ones, and the featurizer lets a session out only once
 * nothing that could change its features or its history can still come
 * (featurizer.c); the scorer's predictions do not depend on the batch size.
 * What differs is only when: the input never ends on a followed file, and
 * a session waits for the watermark to pass its start + --max-session. */
#include <stdio.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/features.h"
#include "ecomctl/follow.h"
#include "ecomctl/job.h"
#include "ecomctl/json.h"
#include "ecomctl/learn.h"
#include "ecomctl/registry.h"
#include "ecomctl/schema.h"
#include "ecomctl/scorer.h"
#include "ecomctl/session.h"
#include "ecomctl/sink.h"
#include "ecomctl/sink_mongo.h"
#include "score_state.h"

/* --emit-on cart: each cart event puts its open session, as it stands, in
 * line for an early row (featurizer.h: ec_featurizer_probe). */
static void on_added(void *arg, struct ec_sessionizer *z, const struct ec_sev *e)
{
	struct ec_session s;
	if (e->type != EC_EV_CART)
		return;
	ec_sessionizer_open_session(z, &s);
	ec_featurizer_probe(arg, &s);
}

/* The end of the run on stderr: what was read and scored. */
static void summary(const struct ec_follow *fw, const struct ec_sessionizer *z,
		    const struct ec_featurizer *fz, const struct ec_score_tally *t,
		    struct ec_mongo *mongo)
{
	const struct ec_follow_stats *fs = ec_follow_stats(fw);
	const struct ec_session_stats *ss = ec_sessionizer_stats(z);
	uint64_t early = ec_featurizer_stats(fz)->probes;
	ec_log_info("score --follow: %llu rows (%llu bad), %llu sessions closed, %llu scored "
		    "(%llu rows written, %llu of them early at a cart), %llu late events dropped, "
		    "%llu files reopened",
		    (unsigned long long)fs->rows, (unsigned long long)fs->bad,
		    (unsigned long long)ss->sessions, (unsigned long long)(t->sessions - early),
		    (unsigned long long)t->sessions, (unsigned long long)early,
		    (unsigned long long)ss->late, (unsigned long long)fs->reopened);
	if (mongo)
		ec_mongo_report(mongo);
}

/* Featurized sessions to rows, each written before the next is looked
 * for: the featurizer blocks in the follower while no session may go. */
static int pump(struct ec_featurizer *fz, struct ec_scorer *sc, struct ec_sink *rows,
		struct ec_score_state *st, struct ec_err *err)
{
	struct ec_fsession s;
	int rc;
	while ((rc = ec_featurizer_next(fz, &s, err)) > 0) {
		st->rows++;
		if (st->skip > 0) { /* written before the restart */
			st->skip--;
			continue;
		}
		if ((rc = ec_scorer_add(sc, &s, err)) < 0 || (rc = ec_scorer_flush(sc, err)) < 0)
			return rc;
		if (ec_sink_failed(rows))
			return ec_fail(err, EC_EIO,
				       "cannot write a prediction row (output closed?)");
	}
	return rc;
}

/* --state: the checkpoint read, the journal replayed first, the followed
 * file resumed where the checkpoint left it, a checkpoint every interval. */
static int state_open(struct ec_score_state *st, const struct ec_score_args *a,
		      struct ec_follow *fw, const char *input, struct ec_err *err)
{
	int rc;
	if ((rc = ec_score_state_open(st, a->state, input, a->emit_on, a->state_interval, err)) <
		0 ||
	    (rc = ec_follow_journal(fw, st->jpath, err)) < 0 ||
	    (st->resumed && (rc = ec_follow_resume(fw, &st->at, err)) < 0))
		return rc;
	st->fw = fw;
	ec_follow_on_wait(fw, ec_score_state_tick, st);
	if (st->resumed)
		ec_log_info("score: resuming from %s: %llu rows written before", a->state,
			    (unsigned long long)st->skip);
	return 0;
}

int ec_score_follow_run(struct ec_score_args *a, int argc, char **argv, char **inputs, int n_inputs)
{
	struct ec_feature_opts fo;
	struct ec_follow *fw = NULL;
	struct ec_sessionizer *z = NULL;
	struct ec_featurizer *fz = NULL;
	struct ec_sink *rows = NULL;
	struct ec_mongo *mongo = NULL;
	struct ec_job *job = NULL;
	struct ec_scorer *scorer = NULL;
	struct ec_loaded_model m[EC_TASK_N];
	struct ec_score_state st = {0};
	struct ec_session_opts so = a->so;
	struct ec_err err = {0};
	char *dash = "-";
	int rc;

	memset(m, 0, sizeof(m));
	so.yield_on_move = 1; /* the featurizer hears of each watermark move */
	const char *refs[EC_TASK_N];
	unsigned flags = EC_SINK_FLUSH | (a->format == 1 ? EC_SINK_JSONL : 0);
	if (n_inputs == 0) {
		inputs = &dash;
		n_inputs = 1;
	}
	if (n_inputs > 1)
		rc = ec_fail(&err, EC_EUSAGE, "--follow reads one input (a file or -), got %d",
			     n_inputs);
	else if (strcmp(a->out_path, "-") != 0)
		rc = ec_fail(&err, EC_EUSAGE, "--follow writes its rows to stdout: no -o %s",
			     a->out_path);
	else if ((rc = ec_score_refs(a, refs, &err)) == 0)
		rc = ec_job_begin(&job, "score", argc, argv, inputs, n_inputs, &a->jo, &err);
	if (rc < 0)
		goto done;
	if ((rc = ec_job_mongo(job, &mongo, &a->mo, a->out_path, &err)) < 0 ||
	    (rc = ec_models_load(m, a->models, refs, &fo, &err)) < 0 ||
	    (rc = ec_partition_resolve(&a->po, &fo.part, &err)) < 0 ||
	    (rc = ec_follow_open(&fw, inputs[0], (int)a->poll_ms, a->ro.show_bad, &err)) < 0 ||
	    (a->state && (rc = state_open(&st, a, fw, inputs[0], &err)) < 0) ||
	    (rc = ec_sessionizer_new(&z, &so, ec_follow_next, fw, ec_follow_name, &err)) < 0 ||
	    (rc = ec_featurizer_new(&fz, &fo, z, &err)) < 0 ||
	    (rc = ec_job_rows(job, &rows, &ec_schema_predictions, a->out_path, flags, &err)) < 0)
		goto done;
	/* the tree walk checked on made-up rows in one batch, not on the
	 * first rows of the stream one by one through XGBoost */
	for (int k = 0; k < EC_TASK_N; k++)
		if (m[k].model && (rc = ec_model_check_forest(m[k].model, &err)) < 0)
			goto done;
	if (a->emit_on == 1)
		ec_sessionizer_on_added(z, on_added, fz);
	ec_scorer_new(&scorer, m, ec_job_id(job), rows);
	ec_scorer_no_thread(scorer);
	if ((rc = pump(fz, scorer, rows, &st, &err)) < 0 ||
	    (a->state && (rc = ec_score_state_save(&st, fw, 1, &err)) < 0) ||
	    (rc = ec_job_commit(job, &err)) < 0)
		goto done;
	if (mongo) {
		struct ec_json *c = ec_json_object();
		ec_json_add_u64(c, "scored_sessions", ec_scorer_tally(scorer)->sessions);
		ec_job_mongo_finish(job, c);
		ec_json_free(c);
	}
	if (!ec_opt_json)
		summary(fw, z, fz, ec_scorer_tally(scorer), mongo);
done:
	if (rc == EC_EINTR && scorer) {
		struct ec_err e2 = {0};
		/* not after the checkpoint of an ended stream (a signal during
		 * the end's flush): that one stands */
		if (a->state && !st.ended && ec_score_state_save(&st, fw, 0, &e2) < 0)
			ec_log_error("score: %s", e2.msg);
		summary(fw, z, fz, ec_scorer_tally(scorer), mongo);
	}
	ec_score_state_release(&st);
	ec_scorer_free(scorer);
	rc = job ? ec_job_end(job, rc, &err) : ec_cli_fail("score", rc, &err);
	ec_featurizer_free(fz);
	ec_sessionizer_free(z);
	ec_follow_free(fw);
	for (int k = 0; k < EC_TASK_N; k++)
		ec_loaded_model_release(&m[k]);
	return rc;
}
