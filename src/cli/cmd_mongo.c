/* ecomctl mongo replay: sends spool files (documents MongoDB did not
 * acknowledge during a run) and removes each once it was read whole and all
 * of it is acknowledged; refuses files that are not spool files and keeps
 * damaged ones as <file>.damaged. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/json.h"
#include "ecomctl/sink_mongo.h"
#include "ecomctl/sink_mongo_spool.h"

static const char mongo_usage[] =
    "usage: ecomctl mongo replay [--spool DIR|FILE] [--mongo-uri URI]\n\n"
    "MongoDB maintenance.\n\n"
    "subcommands:\n"
    "  replay     send the documents of spool files (written when MongoDB did not\n"
    "             acknowledge them during a run) and remove each file once it was\n"
    "             read whole and all of it is acknowledged\n\n"
    "`ecomctl mongo replay --help` shows its options.\n";

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The spool files of a directory (sorted: run ids start with their time),
 * or the one file given. */
static int list_spool(const char *spool, char ***out, int *n, struct ec_err *err)
{
	struct stat st;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (stat(spool, &st) != 0)
		return ec_fail(err, EC_ENOINPUT, "%s: %s", spool, strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		*out = ec_xmalloc(sizeof(**out));
		(*out)[(*n)++] = ec_xstrdup(spool);
		return 0;
	}
	DIR *d = opendir(spool);
	if (!d)
		return ec_fail(err, EC_ENOINPUT, "%s: %s", spool, strerror(errno));
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !ends_with(e->d_name, ".bson"))
			continue;
		size_t len = strlen(spool) + strlen(e->d_name) + 2;
		char *p = ec_xmalloc(len);
		snprintf(p, len, "%s/%s", spool, e->d_name);
		EC_GROW(*out, cap, (size_t)*n + 1);
		(*out)[(*n)++] = p;
	}
	closedir(d);
	if (*n > 1)
		qsort(*out, (size_t)*n, sizeof(**out), cmp_str);
	return 0;
}

/* What happened to the files of one replay. */
struct tally {
	int n_files, sent, refused, damaged, not_acked;
	uint64_t docs, unreadable;
	int worst; /* the error that decides the exit: EC_EDATA before the others */
};

static void note_error(struct tally *t, int rc, const struct ec_err *e)
{
	ec_log_error("mongo replay: %s", e->msg);
	if (t->worst == 0 || rc == EC_EDATA)
		t->worst = rc;
}

/* Refuses, before connecting, the files that are not spool files (left as
 * they are); keeps the others in files[0..return). */
static int check_files(char **files, int n, struct tally *t)
{
	int k = 0;
	for (int i = 0; i < n; i++) {
		struct ec_err e = {0};
		int rc = ec_spool_check_file(files[i], &e);
		if (rc < 0) {
			t->refused++;
			note_error(t, rc, &e);
			free(files[i]);
		} else {
			files[k++] = files[i];
		}
	}
	return k;
}

static void replay_files(struct ec_mongo *m, char **files, int n, struct tally *t)
{
	for (int i = 0; i < n; i++) {
		struct ec_mongo_replay r;
		struct ec_err e = {0};
		int rc = ec_mongo_replay_file(m, files[i], &r, &e);
		t->docs += r.sent;
		t->unreadable += r.unreadable;
		if (rc == 0) {
			t->sent++;
			ec_log_info("mongo replay: %s: %" PRIu64 " documents acknowledged; removed",
				    files[i], r.sent);
			continue;
		}
		if (rc == EC_ETEMPFAIL)
			t->not_acked++;
		else if (r.damaged)
			t->damaged++;
		else
			t->refused++;
		note_error(t, rc, &e);
	}
}

static struct ec_json *tally_json(const struct tally *t)
{
	struct ec_json *j = ec_json_object();
	ec_json_add_int(j, "spool_files", t->n_files);
	ec_json_add_int(j, "files_sent", t->sent);
	ec_json_add_int(j, "files_damaged", t->damaged);
	ec_json_add_int(j, "files_not_spool", t->refused);
	ec_json_add_int(j, "files_not_acknowledged", t->not_acked);
	ec_json_add_u64(j, "documents", t->docs);
	ec_json_add_u64(j, "unreadable_records", t->unreadable);
	return j;
}

/* The runs document, the --json summary and the outcome of a replay: the
 * worst file's error, else MongoDB's, else 0. */
static int report(struct ec_mongo *m, const struct tally *t, struct ec_err *err)
{
	struct ec_json *counts = tally_json(t);
	char summary[256];
	int rc;
	snprintf(summary, sizeof(summary),
		 "%d of %d spool files not sent whole (%d not a spool file, %d damaged, %d not "
		 "acknowledged); none of them removed",
		 t->n_files - t->sent, t->n_files, t->refused, t->damaged, t->not_acked);
	rc = m ? ec_mongo_finish(m, t->worst, t->worst < 0 ? summary : NULL, counts, err) : 0;
	if (ec_opt_json) {
		ec_json_add_str(counts, "command", "mongo replay");
		if (m)
			ec_mongo_json(m, counts);
		/* the summary tells the outcome: the worst file's, else MongoDB's */
		ec_cli_json_summary(counts,
				    t->worst < 0 ? t->worst
				    : rc < 0	 ? rc
						 : 0,
				    t->worst < 0 ? summary
				    : rc < 0	 ? err->msg
						 : NULL);
	}
	ec_json_free(counts);
	if (t->worst < 0) {
		if (rc < 0)
			ec_log_error("mongo replay: %s", err->msg);
		snprintf(err->msg, sizeof(err->msg), "%s", summary);
		return t->worst;
	}
	if (rc >= 0)
		ec_log_info("mongo replay: %" PRIu64 " documents from %d spool files acknowledged",
			    t->docs, t->n_files);
	return rc;
}

static int replay(int argc, char **argv)
{
	struct ec_mongo_opts mo;
	static const char default_spool[] = "output/spool";
	const char *spool = default_spool;
	ec_mongo_opts_init(&mo);
	const struct ec_opt opts[] = {
	    {"spool", 0, EC_OPT_STR, &spool, "DIR|FILE",
	     "a spool file, or a directory of them (*.bson; default output/spool)", NULL, 0},
	    {"mongo-uri", 0, EC_OPT_STR, &mo.uri, "URI",
	     "the MongoDB to send them to (env MONGODB_URI; the password is never shown)", NULL,
	     EC_OPTF_SECRET},
	    {"mongo-write-concern", 0, EC_OPT_STR, &mo.write_concern, "W",
	     "majority (default) or a number of nodes that must acknowledge", NULL, 0},
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "mongo replay",
	    "[--spool DIR|FILE] [--mongo-uri URI]",
	    "Send the documents of spool files to MongoDB (ecomctl mongo replay). A run\n"
	    "whose documents MongoDB did not acknowledge writes them to\n"
	    "<output>/spool/<run_id>.bson and exits 75. Replaying upserts every\n"
	    "document by its _id, so sending one twice changes nothing. A file is\n"
	    "removed only when it was read whole and every document in it was\n"
	    "acknowledged. A damaged file (a record whose checksum fails, a cut end)\n"
	    "has every intact record sent and is renamed <file>.damaged. Exit 0: all\n"
	    "sent; 65: a file that is not a spool file (left as it is) or a damaged\n"
	    "one; 75: some not acknowledged (files kept: run it again); 69: MongoDB\n"
	    "unreachable.",
	    opts,
	    NULL,
	};
	struct ec_opts_result res;
	struct ec_mongo *m = NULL;
	struct ec_err err = {0};
	struct tally t = {0};
	char **files = NULL, run_id[32];
	int n = 0, rc;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 0)) >= 0)
		return rc;
	if (res.n_operands) {
		ec_log_error("mongo replay: unexpected argument '%s' (use --spool)",
			     res.operands[0]);
		return 64;
	}
	if (!mo.uri || !*mo.uri) {
		ec_log_error("mongo replay: no MongoDB URI: give --mongo-uri or set MONGODB_URI");
		return 64;
	}
	if ((rc = ec_mongo_check(&mo, &err)) < 0)
		goto done;
	/* The default folder not existing just means nothing was spooled. */
	if (spool == default_spool && access(spool, F_OK) != 0 && errno == ENOENT) {
		ec_log_info("mongo replay: no spool files in %s", spool);
		goto done;
	}
	if ((rc = list_spool(spool, &files, &n, &err)) < 0)
		goto done;
	if (n == 0) {
		ec_log_info("mongo replay: no spool files in %s", spool);
		goto done;
	}
	t.n_files = n;
	n = check_files(files, n, &t);
	if (n > 0) {
		ec_run_id_new(run_id);
		char *av[] = {"mongo", "replay", "--spool", (char *)spool};
		struct ec_mongo_run run = {run_id, "mongo replay", 4, av, n, files};
		if ((rc = ec_mongo_open(&m, &mo, &run, &err)) < 0)
			goto done;
		replay_files(m, files, n, &t);
	}
	rc = report(m, &t, &err);
done:
	rc = ec_cli_fail("mongo replay", rc, &err);
	ec_mongo_free(m);
	for (int i = 0; i < n; i++)
		free(files[i]);
	free(files);
	return rc;
}

int cmd_mongo(int argc, char **argv)
{
	char **sub = ec_xcalloc((size_t)argc + 1, sizeof(*sub));
	int n = ec_cli_subcommand(argc, argv, sub), rc = 64;
	if (n && strcmp(sub[0], "replay") == 0) {
		rc = replay(n, sub);
	} else if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(mongo_usage, stdout);
		rc = 0;
	} else {
		if (n)
			ec_log_error("mongo: unknown subcommand '%s' (replay)", sub[0]);
		else
			ec_log_error("mongo: which subcommand? (replay)");
		fputs(mongo_usage, stderr);
	}
	free(sub);
	return rc;
}
