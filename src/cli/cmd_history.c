/* ecomctl history export|show|delete --user ID: one user's session logs and
 * predictions in MongoDB, as JSON lines, as a readable summary, or deleted
 * (e.g. on the user's request). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/event.h"
#include "ecomctl/sink_mongo.h"

static const char history_usage[] =
    "usage: ecomctl history export|show|delete --user ID [--mongo-uri URI]\n\n"
    "One user's history in MongoDB (collections sessions and predictions).\n\n"
    "subcommands:\n"
    "  export     the user's session logs and predictions as JSON lines on stdout,\n"
    "             sorted by start\n"
    "  show       a readable summary of them\n"
    "  delete     delete them, and print how many were deleted\n\n"
    "`ecomctl history SUBCOMMAND --help` shows the options.\n";

static const char *const summaries[] = {
    "Print the user's session logs and predictions as JSON lines on stdout, sorted\n"
    "by start (session logs first at equal starts), each with \"collection\" first.\n"
    "Times are ISO 8601 UTC (\"2019-10-01T00:00:00Z\"), _id 24 hex digits. With\n"
    "--format ejson, one collection's documents (--collection) as MongoDB's canonical\n"
    "Extended JSON, as mongoimport loads them back.",
    "Print a readable summary of the user's session logs and predictions.",
    "Delete the user's session logs and predictions (acknowledged by the write\n"
    "concern) and print how many of each were deleted. Funnel reports and runs\n"
    "hold no per-user data and are kept.",
};

static int run(const char *name, int which, int argc, char **argv)
{
	static const char *const formats[] = {"json", "ejson", NULL};
	static const char *const colls[] = {"both", "sessions", "predictions", NULL};
	struct ec_mongo_opts mo;
	const char *user = NULL;
	int format = 0, coll = 0;
	ec_mongo_opts_init(&mo);
	const struct ec_opt opts[] = {
	    {"user", 'u', EC_OPT_STR, &user, "ID", "the user_id (required)", NULL, EC_OPTF_NOENV},
	    {"format", 0, EC_OPT_CHOICE, &format, "FMT",
	     "export: json (default; times as text, a \"collection\" key) or ejson (canonical "
	     "Extended JSON of one collection, for mongoimport)",
	     formats, EC_OPTF_NOENV},
	    {"collection", 0, EC_OPT_CHOICE, &coll, "NAME",
	     "export: both (default with json), sessions or predictions", colls, EC_OPTF_NOENV},
	    {"mongo-uri", 0, EC_OPT_STR, &mo.uri, "URI",
	     "the MongoDB to read (env MONGODB_URI; the password is never shown)", NULL,
	     EC_OPTF_SECRET},
	    {"mongo-write-concern", 0, EC_OPT_STR, &mo.write_concern, "W",
	     "delete: majority (default) or a number of nodes that must acknowledge", NULL, 0},
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	char full[32];
	snprintf(full, sizeof(full), "history %s", name);
	const struct ec_cmd_usage usage = {full, "--user ID [--mongo-uri URI]", summaries[which],
					   opts, NULL};
	struct ec_opts_result res;
	struct ec_mongo *m = NULL;
	struct ec_err err = {0};
	uint64_t uid, n = 0, np = 0;
	uint8_t flags = 0;
	int rc;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 0)) >= 0)
		return rc;
	rc = 64;
	if (res.n_operands)
		ec_log_error("%s: unexpected argument '%s'", full, res.operands[0]);
	else if (!user)
		ec_log_error("%s: --user ID is required", full);
	else if (ec_parse_id(user, strlen(user), &uid, &flags) != 0)
		ec_log_error("%s: --user: expected an unsigned 64-bit user id, got '%s'", full,
			     user);
	else if (!mo.uri || !*mo.uri)
		ec_log_error("%s: no MongoDB URI: give --mongo-uri or set MONGODB_URI", full);
	else if (format == 1 && coll == 0)
		ec_log_error("%s: --format ejson exports one collection: give --collection "
			     "sessions or predictions",
			     full);
	else
		rc = 0;
	if (rc) {
		return rc;
	}
	if ((rc = ec_mongo_open(&m, &mo, NULL, &err)) < 0)
		goto done;
	if (which == 0) {
		rc = ec_mongo_history_export(m, uid, format == 1, coll - 1, &n, &err);
		if (rc >= 0)
			ec_log_debug("%s: %" PRIu64 " lines", full, n);
	} else if (which == 1) {
		rc = ec_mongo_history_show(m, uid, &err);
	} else if ((rc = ec_mongo_history_delete(m, uid, &n, &np, &err)) >= 0) {
		printf("deleted %" PRIu64 " session logs and %" PRIu64
		       " predictions of user %" PRIu64 "\n",
		       n, np, uid);
	}
done:
	rc = ec_cli_fail(full, rc, &err);
	ec_mongo_free(m);
	return rc;
}

int cmd_history(int argc, char **argv)
{
	static const char *const names[] = {"export", "show", "delete"};
	char **sub = ec_xcalloc((size_t)argc + 1, sizeof(*sub));
	int n = ec_cli_subcommand(argc, argv, sub), rc = -1;
	for (int i = 0; i < 3 && n && rc < 0; i++)
		if (strcmp(sub[0], names[i]) == 0)
			rc = run(names[i], i, n, sub);
	if (rc < 0) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
			fputs(history_usage, stdout);
			rc = 0;
		} else {
			if (n)
				ec_log_error(
				    "history: unknown subcommand '%s' (export, show, delete)",
				    sub[0]);
			else
				ec_log_error("history: which subcommand? (export, show, delete)");
			fputs(history_usage, stderr);
			rc = 64;
		}
	}
	free(sub);
	return rc;
}
