/* score --follow --state FILE: checkpoints, and a restart from one.
 *
 * The state is the input itself. Point-in-time features make every
 * session ever closed part of the state (the users' histories, the
 * priors), so rather than serialize the sessionizer's and featurizer's
 * structures, the follower appends each line it consumes to FILE.journal,
 * and FILE records how far the journal, the followed file and the output
 * went (the rows written). A restart replays the journal through the same
 * pipeline, which gives the same rows in the same order (it is a function
 * of the lines, not of their timing), writes none of the first `rows`,
 * then goes on with the live input where the checkpoint left it. The
 * README ("Streaming") says what this costs and what a crash may repeat. */
#include "score_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/json.h"
#include "ecomctl/outfile.h"

static const char *const emit_names[] = {"close", "cart"};

static uint64_t num(const struct ec_json *j, const char *key)
{
	double v = ec_json_num(ec_json_get(j, key), 0);
	return v > 0 ? (uint64_t)v : 0;
}

int ec_score_state_open(struct ec_score_state *st, const char *path, const char *input, int emit_on,
			int64_t interval, struct ec_err *err)
{
	struct ec_json *j = NULL;
	memset(st, 0, sizeof(*st));
	st->path = path;
	st->input = input;
	st->emit_on = emit_on;
	st->interval = interval;
	st->last = ec_now();
	size_t n = strlen(path) + 9;
	st->jpath = ec_xmalloc(n);
	snprintf(st->jpath, n, "%s.journal", path);
	int rc = ec_json_read_file(&j, path, err);
	if (rc == EC_ENOINPUT) {
		memset(err, 0, sizeof(*err));
		return 0; /* a new stream */
	}
	if (rc < 0)
		return rc;
	const char *in = ec_json_str(ec_json_get(j, "input"), "");
	const char *emit = ec_json_str(ec_json_get(j, "emit_on"), "");
	if (ec_json_num(ec_json_get(j, "version"), 0) != 1)
		rc = ec_fail(err, EC_EDATA, "%s: not a score --follow state (version 1)", path);
	else if (strcmp(in, input) != 0 || strcmp(emit, emit_names[emit_on]) != 0)
		rc = ec_fail(err, EC_ECONFIG,
			     "%s: the state of --follow %s --emit-on %s, not of %s --emit-on %s",
			     path, in, emit, input, emit_names[emit_on]);
	else if (ec_json_bool(ec_json_get(j, "ended"), 0))
		rc = ec_fail(err, EC_ECONFIG,
			     "%s: its stream ended (stdin closed): remove it and %s to start anew",
			     path, st->jpath);
	st->at.dev = num(j, "dev");
	st->at.ino = num(j, "ino");
	st->at.offset = num(j, "offset");
	st->at.journal_bytes = num(j, "journal_bytes");
	st->skip = num(j, "rows");
	st->resumed = rc == 0;
	ec_json_free(j);
	return rc;
}

int ec_score_state_save(struct ec_score_state *st, struct ec_follow *fw, int ended,
			struct ec_err *err)
{
	struct ec_follow_pos pos;
	struct ec_outfile *f;
	int rc = ec_follow_sync(fw, &pos, err);
	if (rc <= 0)
		return rc; /* replaying: the last checkpoint still holds */
	struct ec_json *j = ec_json_object();
	ec_json_add_int(j, "version", 1);
	ec_json_add_str(j, "input", st->input);
	ec_json_add_str(j, "emit_on", emit_names[st->emit_on]);
	ec_json_add_u64(j, "dev", pos.dev);
	ec_json_add_u64(j, "ino", pos.ino);
	ec_json_add_u64(j, "offset", pos.offset);
	ec_json_add_u64(j, "journal_bytes", pos.journal_bytes);
	ec_json_add_u64(j, "rows", st->rows);
	ec_json_add_bool(j, "ended", ended);
	char *text = ec_json_print(j, 1);
	ec_json_free(j);
	if ((rc = ec_outfile_open(&f, st->path, EC_OUT_PLAIN, err)) == 0) {
		ec_outfile_puts(f, text);
		ec_outfile_putc(f, '\n');
		ec_outfile_commit_on_signal(f); /* the checkpoint of a SIGTERM */
		rc = ec_outfile_commit(f, err);
	}
	free(text);
	st->last = ec_now();
	st->ended = ended && rc == 0;
	return rc;
}

int ec_score_state_tick(void *arg, struct ec_err *err)
{
	struct ec_score_state *st = arg;
	if (ec_now() - st->last < (double)st->interval)
		return 0;
	return ec_score_state_save(st, st->fw, 0, err);
}

void ec_score_state_release(struct ec_score_state *st)
{
	free(st->jpath);
	st->jpath = NULL;
}
