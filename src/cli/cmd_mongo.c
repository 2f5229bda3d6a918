/* ecomctl mongo replay: sends spool files (documents MongoDB did not
 * acknowledge during a run) and removes each once all of it is acknowledged. */
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

static const char mongo_usage[] =
    "usage: ecomctl mongo replay [--spool DIR|FILE] [--mongo-uri URI]\n\n"
    "MongoDB maintenance.\n\n"
    "subcommands:\n"
    "  replay     send the documents of spool files (written when MongoDB did not\n"
    "             acknowledge them during a run) and remove each file once all of\n"
    "             it is acknowledged\n\n"
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

static int replay(int argc, char **argv)
{
	struct ec_mongo_opts mo;
	static const char default_spool[] = "output/spool";
	const char *spool = default_spool;
	ec_mongo_opts_init(&mo);
	const struct ec_opt opts[] = {
	    {"spool", 0, EC_OPT_STR, &spool, "DIR|FILE",
	     "a spool file, or a directory of them (default output/spool)", NULL, 0},
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
	    "document by its _id, so sending one twice changes nothing; a file is\n"
	    "removed only once every document in it is acknowledged. Exit 0: all sent;\n"
	    "75: some not acknowledged (files kept: run it again); 69: MongoDB\n"
	    "unreachable; 65: a file that is not a spool file.",
	    opts,
	    NULL,
	};
	struct ec_opts_result res;
	struct ec_mongo *m = NULL;
	struct ec_err err = {0};
	char **files = NULL, run_id[32];
	int n = 0, rc, worst = 0;
	uint64_t docs = 0, sent_files = 0;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 0)) >= 0)
		return rc;
	if (res.n_operands) {
		ec_log_error("mongo replay: unexpected argument '%s' (use --spool)",
			     res.operands[0]);
		ec_opts_release();
		return 64;
	}
	if (!mo.uri || !*mo.uri) {
		ec_log_error("mongo replay: no MongoDB URI: give --mongo-uri or set MONGODB_URI");
		ec_opts_release();
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
	ec_run_id_new(run_id);
	char *av[] = {"mongo", "replay", "--spool", (char *)spool};
	struct ec_mongo_run run = {run_id, "mongo replay", 4, av, n, files};
	if ((rc = ec_mongo_open(&m, &mo, &run, &err)) < 0)
		goto done;
	for (int i = 0; i < n; i++) {
		uint64_t k = 0;
		struct ec_err e = {0};
		int r = ec_mongo_replay_file(m, files[i], &k, &e);
		docs += k;
		if (r < 0) {
			ec_log_error("mongo replay: %s", e.msg);
			if (worst == 0 || r == EC_EDATA)
				worst = r;
		} else {
			sent_files++;
			ec_log_info("mongo replay: %s: %" PRIu64 " documents acknowledged; removed",
				    files[i], k);
		}
	}
	struct ec_json *counts = ec_json_object();
	ec_json_add_int(counts, "spool_files", n);
	ec_json_add_u64(counts, "files_sent", sent_files);
	ec_json_add_u64(counts, "documents", docs);
	rc = ec_mongo_finish(m, worst, worst < 0 ? "some spool files were not sent" : NULL, counts,
			     &err);
	if (ec_opt_json) {
		ec_json_add_str(counts, "command", "mongo replay");
		ec_mongo_json(m, counts);
		ec_json_print_stdout(counts);
	}
	ec_json_free(counts);
	if (worst < 0) {
		if (rc < 0)
			ec_log_error("mongo replay: %s", err.msg);
		rc = worst;
		snprintf(err.msg, sizeof(err.msg), "%d of %d spool files not sent (kept)",
			 n - (int)sent_files, n);
	} else if (rc >= 0) {
		ec_log_info("mongo replay: %" PRIu64 " documents from %d spool files acknowledged",
			    docs, n);
	}
done:
	rc = ec_cli_fail("mongo replay", rc, &err);
	ec_mongo_free(m);
	for (int i = 0; i < n; i++)
		free(files[i]);
	free(files);
	ec_opts_release();
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
