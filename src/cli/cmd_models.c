/* ecomctl models: the model registry (list, show, promote, rollback). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/cli.h"
#include "ecomctl/cmd.h"
#include "ecomctl/json.h"
#include "ecomctl/registry.h"

static void aliases_of(const struct ec_registry *r, int task, uint32_t v, char *buf, size_t cap)
{
	const struct ec_reg_task *t = &r->task[task];
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < t->n_alias && n < cap; i++)
		if (t->alias[i].version == v)
			n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? "," : "",
					      t->alias[i].name);
}

static int list(const struct ec_registry *r)
{
	char al[256];
	if (ec_opt_json) {
		struct ec_json *j = ec_registry_json(r);
		ec_json_set_str(j, "command", "models list");
		ec_cli_json_summary(j, 0, NULL);
		ec_json_free(j);
		return 0;
	}
	if (r->task[0].n_v == 0 && r->task[1].n_v == 0) {
		printf("no models registered in %s (ecomctl train registers them)\n", r->dir);
		return 0;
	}
	printf("%-9s %-7s %-24s %-8s %-8s %s\n", "task", "version", "created_at", "metric", "value",
	       "aliases");
	for (int t = 0; t < EC_REG_TASKS; t++)
		for (size_t i = 0; i < r->task[t].n_v; i++) {
			const struct ec_reg_version *v = &r->task[t].v[i];
			aliases_of(r, t, v->version, al, sizeof(al));
			printf("%-9s v%-6u %-24s %-8s %-8.4f %s\n", ec_registry_task_name(t),
			       v->version, v->created_at, v->metric_name, v->metric, al);
		}
	return 0;
}

static int show(const struct ec_registry *r, const char *ref_s, struct ec_err *err)
{
	struct ec_model_ref ref;
	struct ec_json *man = NULL;
	uint32_t v;
	char path[4200], al[256];
	int rc;
	if ((rc = ec_model_ref_parse(&ref, ref_s, err)) < 0 ||
	    (rc = ec_registry_resolve(r, &ref, &v, err)) < 0)
		return rc;
	if ((rc = ec_registry_read_manifest(r, ref.task, v, &man, path, sizeof(path), err)) < 0)
		return rc;
	aliases_of(r, ref.task, v, al, sizeof(al));
	ec_json_set_str(man, "aliases", al);
	ec_json_set_str(man, "path", path);
	if (ec_opt_json) {
		ec_json_set_str(man, "command", "models show");
		ec_cli_json_summary(man, 0, NULL);
	} else {
		char *text = ec_json_print(man, 1);
		puts(text);
		free(text);
	}
	ec_json_free(man);
	return 0;
}

/* --json of promote and rollback: the alias moved, from (null: new) and to. */
static void alias_json(const char *command, int task, const char *alias, uint32_t from, uint32_t to)
{
	struct ec_json *j = ec_json_object();
	ec_json_add_str(j, "command", command);
	ec_json_add_str(j, "task", ec_registry_task_name(task));
	ec_json_add_str(j, "alias", alias);
	if (from)
		ec_json_add_u64(j, "from_version", from);
	else
		ec_json_add_null(j, "from_version");
	ec_json_add_u64(j, "to_version", to);
	ec_cli_json_summary(j, 0, NULL);
	ec_json_free(j);
}

/* Points alias at the version of ref_s and saves the registry. */
static int promote(struct ec_registry *r, const char *ref_s, const char *alias, struct ec_err *err)
{
	struct ec_model_ref ref;
	uint32_t v, before;
	int rc;
	if ((rc = ec_model_ref_parse(&ref, ref_s, err)) < 0 ||
	    (rc = ec_registry_resolve(r, &ref, &v, err)) < 0)
		return rc;
	before = ec_registry_alias(r, ref.task, alias);
	if ((rc = ec_registry_set_alias(r, ref.task, alias, v, err)) < 0 ||
	    (rc = ec_registry_save(r, err)) < 0)
		return rc;
	if (ec_opt_json)
		alias_json("models promote", ref.task, alias, before, v);
	else if (ec_verbosity > 0 && before)
		printf("%s@%s: v%u -> v%u\n", ec_registry_task_name(ref.task), alias, before, v);
	else if (ec_verbosity > 0)
		printf("%s@%s: v%u\n", ec_registry_task_name(ref.task), alias, v);
	return 0;
}

/* Returns production to the version before and saves the registry. */
static int rollback(struct ec_registry *r, const char *task_s, struct ec_err *err)
{
	int task = ec_registry_task(task_s), rc;
	uint32_t before, now;
	if (task < 0)
		return ec_fail(err, EC_EUSAGE, "rollback: the task must be intent or category");
	before = ec_registry_alias(r, task, "production");
	if ((rc = ec_registry_rollback(r, task, &now, err)) < 0 ||
	    (rc = ec_registry_save(r, err)) < 0)
		return rc;
	if (ec_opt_json)
		alias_json("models rollback", task, "production", before, now);
	else if (ec_verbosity > 0)
		printf("%s@production: v%u -> v%u\n", task_s, before, now);
	return 0;
}

int cmd_models(int argc, char **argv)
{
	const char *models = "models", *alias = "production";
	int64_t lock_wait = 30;
	const struct ec_opt opts[] = {
	    {"models", 0, EC_OPT_STR, &models, "DIR", "the model registry (default models)", NULL,
	     0},
	    {"alias", 0, EC_OPT_STR, &alias, "NAME",
	     "promote: the alias to point at the version (default production)", NULL, 0},
	    {"lock-wait", 0, EC_OPT_DURATION, &lock_wait, "DUR",
	     "promote, rollback: wait this long for the registry lock, then exit 75 (default "
	     "30s)",
	     EC_OPT_RANGE(0, 86400), 0},
	    {NULL, 0, 0, NULL, NULL, NULL, NULL, 0},
	};
	const struct ec_cmd_usage usage = {
	    "models",
	    "list | show REF | promote REF [--alias NAME] | rollback TASK | report REF "
	    "[FILE...] | compare A B [FILE...]",
	    "The model registry (--models DIR): `list` its versions and aliases, `show`\n"
	    "a version's manifest, `promote` a version to production (or another alias),\n"
	    "`rollback` production to the version that held it before, `report` what a\n"
	    "version learned and how it does (HTML and JSON; `models report --help`),\n"
	    "`compare` two versions side by side (`models compare --help`). REF is TASK,\n"
	    "TASK@ALIAS, TASK@latest or TASK@vN, TASK being intent or category.",
	    opts,
	    "examples:\n"
	    "  ecomctl models list\n"
	    "  ecomctl models show intent@production\n"
	    "  ecomctl models promote category@v3\n"
	    "  ecomctl models promote intent@v4 --alias staging\n"
	    "  ecomctl models rollback intent\n"
	    "  ecomctl models report intent@production -o output/report\n"
	    "  ecomctl models compare intent@v2 intent@v3 data/2019-Nov.csv.gz\n",
	};
	struct ec_opts_result res;
	struct ec_registry *r = NULL;
	struct ec_err err = {0};
	int rc;

	char **word = ec_xcalloc((size_t)argc + 1, sizeof(*word));
	int n = ec_cli_subcommand(argc, argv, word);
	if (n && (strcmp(word[0], "report") == 0 || strcmp(word[0], "compare") == 0)) {
		rc = strcmp(word[0], "report") == 0 ? ec_models_report(n, word)
						    : ec_models_compare(n, word);
		free(word);
		return rc;
	}
	free(word);
	if ((rc = ec_cli_parse(&usage, argc, argv, &res, 0)) >= 0)
		return rc;
	const char *sub = res.n_operands ? res.operands[0] : "";
	int want = strcmp(sub, "list") == 0 ? 1 : 2;
	if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 && strcmp(sub, "promote") != 0 &&
	    strcmp(sub, "rollback") != 0) {
		rc = ec_fail(&err, EC_EUSAGE,
			     "expected list, show, promote, rollback, report or compare%s%s",
			     *sub ? ", got " : "", sub);
		goto done;
	}
	if (res.n_operands != want) {
		rc = ec_fail(&err, EC_EUSAGE, "%s takes %s", sub,
			     want == 1			    ? "no argument"
			     : strcmp(sub, "rollback") == 0 ? "one TASK"
							    : "one REF");
		goto done;
	}
	int writes = strcmp(sub, "promote") == 0 || strcmp(sub, "rollback") == 0;
	if ((rc = ec_registry_open(&r, models, writes ? (double)lock_wait : -1, &err)) < 0)
		goto done;
	if (strcmp(sub, "list") == 0) {
		rc = list(r);
	} else if (strcmp(sub, "show") == 0) {
		rc = show(r, res.operands[1], &err);
	} else if (strcmp(sub, "promote") == 0) {
		rc = promote(r, res.operands[1], alias, &err);
	} else {
		rc = rollback(r, res.operands[1], &err);
	}
done:
	rc = ec_cli_fail("models", rc, &err);
	ec_registry_free(r);
	return rc;
}
