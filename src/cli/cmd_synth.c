/* ecomctl synth: a seeded synthetic export in the REES46 schema. */
#include <stdio.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/synth.h"

static const char *const profiles[] = {"multicat", "cosmetics", NULL};

int ec_synth_run(const struct ec_synth_opts *so, const char *out_path)
{
	struct ec_outfile *f = NULL;
	struct ec_synth_stats st;
	struct ec_err err = {0};
	int rc;

	double t0 = ec_now();
	if ((rc = ec_outfile_open(&f, out_path, EC_OUT_AUTO, &err)) < 0 ||
	    (rc = ec_synth_write(so, f, &st, &err)) < 0)
		goto done;
	rc = ec_outfile_commit(f, &err);
	f = NULL;
	if (rc < 0)
		goto done;
	double secs = ec_now() - t0;
	if (ec_opt_json) {
		struct ec_json *j = ec_json_object();
		ec_json_add_str(j, "command", "synth");
		ec_json_add_str(j, "output", out_path);
		ec_json_add_str(j, "profile", profiles[so->profile]);
		ec_json_add_u64(j, "rows", st.rows);
		struct ec_json *o = ec_json_add_object(j, "events");
		for (int t = 0; t < EC_EV_N; t++)
			ec_json_add_u64(o, ec_event_type_name(t), st.by_type[t]);
		ec_json_add_u64(j, "sessions", st.sessions);
		ec_json_add_u64(j, "users", st.users);
		ec_json_add_u64(j, "sessions_with_purchase", st.purchases_sessions);
		ec_json_add_u64(j, "dirty_duplicates", st.dirty_duplicates);
		ec_json_add_u64(j, "dirty_empty_session", st.dirty_empty_session);
		ec_json_add_u64(j, "dirty_malformed", st.dirty_malformed);
		ec_json_add_num(j, "seconds", secs);
		ec_cli_json_summary(j, 0, NULL);
		ec_json_free(j);
	} else if (strcmp(out_path, "-") != 0) {
		ec_log_info("synth: wrote %llu rows (%llu sessions, %llu users) to %s in %.2f s",
			    (unsigned long long)st.rows, (unsigned long long)st.sessions,
			    (unsigned long long)st.users, out_path, secs);
	}
done:
	rc = ec_cli_fail("synth", rc, &err);
	ec_outfile_free(f);
	return rc;
}

int cmd_synth(int argc, char **argv)
{
	struct ec_synth_opts so;
	ec_synth_opts_init(&so);
	int64_t rows = 1000000, days = so.days, users = 0, seed = (int64_t)so.seed;
	int profile = 0;
	const char *out_path = "-";
	const struct ec_opt opts[] = {
	    {"output", 'o', EC_OPT_STR, &out_path, "FILE",
	     "write here (.gz: gzip; default -: stdout)", NULL, 0},
	    {"rows", 'n', EC_OPT_INT, &rows, "N", "data rows to write (default 1000000)",
	     EC_OPT_RANGE(0, 1e11), 0},
	    {"days", 0, EC_OPT_INT, &days, "N", "time span in days (default 30)",
	     EC_OPT_RANGE(1, 36600), 0},
	    {"start", 0, EC_OPT_TIME, &so.start, "TIME",
	     "first second, e.g. 2019-10-01 (the default)", NULL, 0},
	    {"users", 0, EC_OPT_INT, &users, "N",
	     "users in the pool (default: about rows/14 appear)", EC_OPT_RANGE(0, 1e12), 0},
	    {"profile", 0, EC_OPT_CHOICE, &profile, "NAME",
	     "multicat (the multi-category store, default) or cosmetics", profiles, 0},
	    {"seed", 0, EC_OPT_INT, &seed, "N", "random seed (default 1): same seed, same bytes",
	     EC_OPT_RANGE(0, 1e18), 0},
	    {"dirty", 0, EC_OPT_FLAG, &so.dirty, NULL,
	     "add dirt: exact duplicates, empty user_session, malformed rows", NULL, 0},
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "synth",
	    "[OPTIONS]",
	    "Generate a realistic export in the REES46 schema, calibrated to the real\n"
	    "datasets (event shares, session lengths, conversion, empty codes, seasonality),\n"
	    "in time order. Whether a session buys depends on its behaviour and its user's\n"
	    "history, learnably but noisily. Deterministic: the same options and seed give\n"
	    "the same bytes.",
	    opts,
	    "example:\n  ecomctl synth --rows 10000000 --profile cosmetics -o "
	    "data/cosmetics.csv.gz\n",
	};
	struct ec_opts_result res;
	int rc;

	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 0)) >= 0)
		return rc;
	if (res.n_operands > 0) {
		ec_log_error("synth: unexpected argument '%s' (use -o FILE)", res.operands[0]);
		rc = 64;
		goto out;
	}
	if (ec_opt_json && strcmp(out_path, "-") == 0) {
		ec_log_error("synth: --json and -o - would both write to stdout");
		rc = 64;
		goto out;
	}
	so.rows = (uint64_t)rows;
	so.days = (int)days;
	so.users = (uint64_t)users;
	so.seed = (uint64_t)seed;
	so.profile = (enum ec_synth_profile)profile;
	rc = ec_synth_run(&so, out_path);
out:
	return rc;
}
