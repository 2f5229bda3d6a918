/* The row schemas of the outputs. See schema.h. To add a column: add it
 * here, fill it where the command builds its row, and run
 * `ecomctl schema NAME --format md` into the README's table. */
#include "ecomctl/schema.h"

#include <string.h>

#include "ecomctl/common.h"

const char *const ec_type_names[] = {"str",  "u64",  "i64",   "time",	"money", "prob",
				     "flag", "list", "ratio", "object", "array"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* clang-format off */
static const struct ec_column sessions_cols[] = {
	{"session_id", EC_T_STR, EC_COLF_KEY, "the export's user_session (<id>/2, <id>/3... for the later parts of a cut session), or <user_id>-<start epoch> when keyed by user and gap"},
	{"user_id", EC_T_U64, EC_COLF_KEY, "the user"},
	{"start", EC_T_TIME, 0, "time of the first event"},
	{"end", EC_T_TIME, 0, "time of the last event"},
	{"duration_s", EC_T_I64, 0, "end - start, seconds"},
	{"events", EC_T_U64, 0, "events kept (duplicates dropped)"},
	{"views", EC_T_U64, 0, "view events"},
	{"carts", EC_T_U64, 0, "cart events"},
	{"removes", EC_T_U64, 0, "remove_from_cart events"},
	{"purchases", EC_T_U64, 0, "purchase events"},
	{"products", EC_T_U64, 0, "distinct products"},
	{"categories", EC_T_U64, 0, "distinct categories"},
	{"brands", EC_T_U64, 0, "distinct brands"},
	{"cart_value", EC_T_MONEY, 0, "sum of the prices of cart events"},
	{"revenue", EC_T_MONEY, 0, "sum of the prices of purchase events"},
	{"first_purchase", EC_T_TIME, 0, "time of the first purchase; null without one"},
	{"converted", EC_T_FLAG, 0, "1 when the session has a purchase"},
	{"top_category", EC_T_STR, 0, "the category key with most events (see --category-level)"},
	{"session_key", EC_T_STR, EC_COLF_DOC_ONLY, "session (the export's id) or gap (user and inactivity gap)"},
	{"part", EC_T_I64, EC_COLF_DOC_ONLY, "1 for a whole session; 2, 3... for the parts of a cut one"},
	{"cut", EC_T_STR, EC_COLF_DOC_ONLY, "why the session ended: idle (the gap), max_session, midnight, or end (of its events)"},
};

static const struct ec_column predictions_cols[] = {
	{"session_id", EC_T_STR, EC_COLF_KEY, "as in the sessions output"},
	{"user_id", EC_T_U64, EC_COLF_KEY, "the user"},
	{"start", EC_T_TIME, 0, "time of the first event"},
	{"end", EC_T_TIME, 0, "time of the last event"},
	{"events", EC_T_U64, 0, "events in the session"},
	{"p_purchase", EC_T_PROB, 0, "probability, over all scored sessions, that the session contains a purchase; null when it has no event before its first purchase"},
	{"decision", EC_T_FLAG, 0, "1 when p_purchase reaches the intent model's threshold"},
	{"category_1", EC_T_STR, 0, "the likeliest category key to be carted or bought; null without candidates"},
	{"p_category_1", EC_T_PROB, 0, "probability, over all scored sessions, that the session carts or buys in category_1"},
	{"category_2", EC_T_STR, 0, "the second likeliest"},
	{"p_category_2", EC_T_PROB, 0, "its score"},
	{"category_3", EC_T_STR, 0, "the third likeliest"},
	{"p_category_3", EC_T_PROB, 0, "its score"},
	{"purchased", EC_T_FLAG, 0, "1 when the session has a purchase in the data (the actual outcome)"},
	{"actual_categories", EC_T_LIST, 0, "the category keys carted or bought in the session"},
	{"intent_model", EC_T_STR, EC_COLF_KEY, "the intent model, e.g. intent@v3; null: none"},
	{"category_model", EC_T_STR, EC_COLF_KEY, "the category model; null: none"},
	{"run_id", EC_T_STR, 0, "the run that wrote the row (MongoDB: the first run that wrote the document)"},
};

static const struct ec_column funnel_cols[] = {
	{"dimension", EC_T_STR, 0, "the breakdown: all, or category, top, brand, price, hour, weekday, day"},
	{"value", EC_T_STR, 0, "the breakdown's value (empty for all)"},
	{"step", EC_T_I64, 0, "step number, from 1"},
	{"event_type", EC_T_STR, 0, "the step's event type"},
	{"units", EC_T_U64, 0, "units (sessions or users) that reached the step"},
	{"conversion_from_first", EC_T_RATIO, 0, "units / units at step 1"},
	{"conversion_from_previous", EC_T_RATIO, 0, "units / units at the previous step; null at step 1"},
	{"drop_off", EC_T_U64, 0, "units of the previous step that did not reach this one; null at step 1"},
	{"drop_off_rate", EC_T_RATIO, 0, "drop_off / units at the previous step"},
	{"median_s", EC_T_I64, 0, "median seconds from the previous step; null at step 1 or without units"},
	{"p90_s", EC_T_I64, 0, "90th percentile of the same"},
	{"from_first_low", EC_T_RATIO, 0, "lower bound of conversion_from_first, Wilson 95% score interval"},
	{"from_first_high", EC_T_RATIO, 0, "its upper bound"},
	{"from_previous_low", EC_T_RATIO, 0, "lower bound of conversion_from_previous, Wilson 95%; null at step 1"},
	{"from_previous_high", EC_T_RATIO, 0, "its upper bound"},
	{"small", EC_T_FLAG, 0, "1 when the row has fewer than 30 units at step 1 (its rates are unreliable)"},
	{"baseline_units", EC_T_U64, 0, "--baseline: units of the same row and step in the baseline period; null without a baseline or without the row there"},
	{"baseline_from_first", EC_T_RATIO, 0, "the baseline's conversion_from_first"},
	{"baseline_from_previous", EC_T_RATIO, 0, "the baseline's conversion_from_previous"},
	{"change_from_first", EC_T_RATIO, 0, "conversion_from_first minus the baseline's (negative: a drop)"},
	{"change_from_previous", EC_T_RATIO, 0, "conversion_from_previous minus the baseline's"},
	{"p_from_first", EC_T_PROB, 0, "two-sided p-value of a pooled two-proportion z-test of the two conversion_from_first"},
	{"p_from_previous", EC_T_PROB, 0, "the same for conversion_from_previous"},
	{"label", EC_T_STR, 0, "category and top rows of a category without a code (id:<category_id>): what it holds, \"brands: a, b, c\" (its three brands most seen at the breakdown's step); null otherwise"},
};

static const struct ec_column run_cols[] = {
	{"run_id", EC_T_STR, 0, "the run's id: YYYYMMDDTHHMMSSZ-xxxxxxxx, or --run-id"},
	{"command", EC_T_STR, 0, "the command: sessions, funnel, score..."},
	{"command_line", EC_T_STR, 0, "the command line as a shell takes it, secrets redacted"},
	{"argv", EC_T_ARRAY, 0, "the arguments, secrets redacted"},
	{"inputs", EC_T_ARRAY, 0, "{path, size, rows, good_rows, bad_rows} per input file"},
	{"counts", EC_T_OBJECT, 0, "the command's counts: rows, bad_rows, sessions, events...; score: also drift, the PSI against training (see Drift)"},
	{"rejects", EC_T_OBJECT, 0, "bad rows by reason"},
	{"outputs", EC_T_ARRAY, 0, "{path, size} of every output committed"},
	{"timings", EC_T_OBJECT, 0, "started, finished (ISO 8601 UTC), wall_s, user_cpu_s, system_cpu_s, max_rss_kb"},
	{"versions", EC_T_OBJECT, 0, "ecomctl and its libraries"},
	{"outcome", EC_T_STR, 0, "ok, failed, interrupted, mongodb_unavailable or temporary_failure"},
	{"exit_status", EC_T_I64, 0, "the process exit status"},
	{"signal", EC_T_STR, 0, "SIGINT, SIGTERM or SIGHUP when interrupted; absent otherwise"},
	{"error", EC_T_STR, 0, "the error message; null on success"},
	{"mongo", EC_T_OBJECT, 0, "with --mongo-uri: uri (redacted), database, documents, acknowledged, spooled, spool"},
	{"steps", EC_T_ARRAY, 0, "demo only: {command, run_id, exit_status} of each step"},
	{"schema_version", EC_T_I64, 0, "the version of this record's layout (1)"},
};
/* clang-format on */

_Static_assert(N(sessions_cols) == EC_SESSIONS_COLS, "EC_SESSIONS_COLS");
_Static_assert(N(predictions_cols) == EC_PREDICTIONS_COLS, "EC_PREDICTIONS_COLS");
_Static_assert(N(funnel_cols) == EC_FUNNEL_COLS, "EC_FUNNEL_COLS");

const struct ec_schema ec_schema_sessions = {
    "sessions", "sessions", "one row per session (`ecomctl sessions`; MongoDB `sessions`)",
    sessions_cols, N(sessions_cols)};
const struct ec_schema ec_schema_predictions = {
    "predictions", "predictions",
    "one row per scored session (`ecomctl score`; MongoDB `predictions`)", predictions_cols,
    N(predictions_cols)};
const struct ec_schema ec_schema_funnel = {"funnel", NULL,
					   "one row per step and breakdown value (`funnel.csv`)",
					   funnel_cols, N(funnel_cols)};
const struct ec_schema ec_schema_run = {
    "run", "runs", "the run record: output/runs/<run_id>.json and MongoDB `runs`", run_cols,
    N(run_cols)};

const struct ec_schema *const ec_schemas[] = {&ec_schema_sessions, &ec_schema_predictions,
					      &ec_schema_funnel, &ec_schema_run, NULL};

const struct ec_schema *ec_schema_find(const char *name)
{
	for (int i = 0; ec_schemas[i]; i++)
		if (strcmp(ec_schemas[i]->name, name) == 0)
			return ec_schemas[i];
	return NULL;
}

int ec_schema_col(const struct ec_schema *sc, const char *name)
{
	for (size_t i = 0; i < sc->n_cols; i++)
		if (strcmp(sc->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

char *ec_schema_csv_header(const struct ec_schema *sc)
{
	size_t cap = 2;
	for (size_t i = 0; i < sc->n_cols; i++)
		cap += strlen(sc->cols[i].name) + 1;
	char *s = ec_xmalloc(cap), *p = s;
	for (size_t i = 0; i < sc->n_cols; i++) {
		if (sc->cols[i].flags & EC_COLF_DOC_ONLY)
			continue;
		if (p != s)
			*p++ = ',';
		size_t n = strlen(sc->cols[i].name);
		memcpy(p, sc->cols[i].name, n);
		p += n;
	}
	*p++ = '\n';
	*p = '\0';
	return s;
}
