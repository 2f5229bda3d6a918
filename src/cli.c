#include "ecomctl/cli.h"

#include <stdio.h>

int ec_cli_parse(const struct ec_cmd_usage *u, int argc, char **argv,
		 struct ec_opts_result *res, int need_operands)
{
	struct ec_err err = { 0 };
	int rc = ec_opts_parse(u, argc, argv, res, &err);
	if (rc < 0) {
		ec_log_error("%s", err.msg);
		if (rc == EC_EUSAGE)
			fprintf(stderr, "see: ecomctl %s --help\n", u->name);
		return ec_exit_status(rc);
	}
	if (res->exit_now)
		return 0;
	if (need_operands && res->n_operands == 0) {
		ec_log_error("%s: no input files (use - for stdin)", u->name);
		fprintf(stderr, "usage: ecomctl %s %s\n", u->name, u->synopsis);
		return 64;
	}
	return -1;
}

int ec_cli_fail(const char *cmd, int rc, const struct ec_err *err)
{
	if (rc >= 0)
		return 0;
	ec_log_error("%s: %s", cmd, err->msg[0] ? err->msg : "failed");
	return ec_exit_status(rc);
}
