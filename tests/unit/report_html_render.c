/*
 * report_html_render.c -- a test tool: renders a model-report.json document
 * (a hand-written fixture) with ec_model_report_html(), for the tests that
 * read the page with other parsers or a browser.
 * usage: report_html_render REPORT.json OUT.html
 */
#include <stdio.h>

#include "ecomctl/json.h"
#include "ecomctl/report.h"

int main(int argc, char **argv)
{
	struct ec_json *report = NULL;
	struct ec_err err = {0};
	FILE *f = NULL;
	int rc;

	if (argc != 3) {
		fputs("usage: report_html_render REPORT.json OUT.html\n", stderr);
		return 64;
	}
	if ((rc = ec_json_read_file(&report, argv[1], &err)) < 0)
		goto done;
	if (!(f = fopen(argv[2], "w"))) {
		rc = ec_fail(&err, EC_ECANTCREAT, "%s: cannot create", argv[2]);
		goto done;
	}
	rc = ec_model_report_html(f, report, &err);
	if (fclose(f) != 0 && rc == 0)
		rc = ec_fail(&err, EC_EIO, "%s: cannot write", argv[2]);
done:
	if (rc < 0)
		fprintf(stderr, "report_html_render: %s\n", err.msg);
	ec_json_free(report);
	return ec_exit_status(rc);
}
