/* ecomctl schema: the row schemas of the outputs (schema.h), for people
 * (a Markdown table, as in the README) and for programs (CSV, JSON). */
#include <stdio.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/json.h"
#include "ecomctl/schema.h"

static const char *const format_names[] = {"md", "csv", "json", NULL};

static const char *where(const struct ec_column *c)
{
	return c->flags & EC_COLF_DOC_ONLY ? "mongodb" : "all";
}

static void print_md(const struct ec_schema *sc)
{
	printf("| column | type | meaning |\n|---|---|---|\n");
	for (size_t i = 0; i < sc->n_cols; i++) {
		const struct ec_column *c = &sc->cols[i];
		printf("| `%s` | %s | %s%s |\n", c->name, ec_type_names[c->type], c->meaning,
		       c->flags & EC_COLF_DOC_ONLY ? " (MongoDB only)" : "");
	}
}

static void print_csv(const struct ec_schema *sc)
{
	printf("column,type,key,in,meaning\n");
	for (size_t i = 0; i < sc->n_cols; i++) {
		const struct ec_column *c = &sc->cols[i];
		printf("%s,%s,%d,%s,\"", c->name, ec_type_names[c->type],
		       (c->flags & EC_COLF_KEY) != 0, where(c));
		for (const char *p = c->meaning; *p; p++)
			printf(*p == '"' ? "\"\"" : "%c", *p);
		printf("\"\n");
	}
}

static void add_json(struct ec_json *j, const struct ec_schema *sc)
{
	ec_json_add_str(j, "name", sc->name);
	ec_json_add_str(j, "collection", sc->collection);
	ec_json_add_str(j, "summary", sc->summary);
	struct ec_json *a = ec_json_add_array(j, "columns");
	for (size_t i = 0; i < sc->n_cols; i++) {
		const struct ec_column *c = &sc->cols[i];
		struct ec_json *o = ec_json_add_object(a, NULL);
		ec_json_add_str(o, "name", c->name);
		ec_json_add_str(o, "type", ec_type_names[c->type]);
		ec_json_add_bool(o, "key", (c->flags & EC_COLF_KEY) != 0);
		ec_json_add_str(o, "in", where(c));
		ec_json_add_str(o, "meaning", c->meaning);
	}
}

int cmd_schema(int argc, char **argv)
{
	int format = 0;
	const struct ec_opt opts[] = {
	    {"format", 'f', EC_OPT_CHOICE, &format, "FORMAT",
	     "md (a Markdown table, the default), csv or json", format_names, 0},
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "schema",
	    "[OPTIONS] [NAME]",
	    "Print the columns of an output, in order, with their type and meaning:\n"
	    "sessions, predictions, funnel (funnel.csv) or run (the run record). The\n"
	    "CSV headers, the MongoDB documents and the README's tables come from the\n"
	    "same tables. Without NAME, list the outputs.",
	    opts,
	    "examples:\n"
	    "  ecomctl schema sessions\n"
	    "  ecomctl schema predictions --format json\n",
	};
	struct ec_opts_result res;
	int rc;
	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 0)) >= 0)
		return rc;
	if (ec_opt_json && format == 0)
		format = 2;
	if (res.n_operands == 0 && format == 2) {
		struct ec_json *j = ec_json_object();
		ec_json_add_str(j, "command", "schema");
		struct ec_json *a = ec_json_add_array(j, "outputs");
		for (int i = 0; ec_schemas[i]; i++)
			add_json(ec_json_add_object(a, NULL), ec_schemas[i]);
		ec_cli_json_summary(j, 0, NULL);
		ec_json_free(j);
		return 0;
	}
	if (res.n_operands == 0) {
		for (int i = 0; ec_schemas[i]; i++)
			printf("%-12s %s\n", ec_schemas[i]->name, ec_schemas[i]->summary);
		return 0;
	}
	const struct ec_schema *sc = ec_schema_find(res.operands[0]);
	if (!sc || res.n_operands > 1) {
		struct ec_err err = {0};
		return ec_cli_fail("schema",
				   ec_fail(&err, EC_EUSAGE,
					   "unknown output '%s' (see ecomctl schema)",
					   res.operands[0]),
				   &err);
	}
	if (format == 1) {
		print_csv(sc);
	} else if (format == 2) {
		struct ec_json *j = ec_json_object();
		if (ec_opt_json)
			ec_json_add_str(j, "command", "schema");
		add_json(j, sc);
		if (ec_opt_json)
			ec_cli_json_summary(j, 0, NULL);
		else
			ec_json_print_stdout(j);
		ec_json_free(j);
	} else {
		print_md(sc);
	}
	return 0;
}
