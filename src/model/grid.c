/* The grid file of train --grid: schema check and expansion. See grid.h. */
#include "ecomctl/grid.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ecomctl/json.h"
#include "ecomctl/opts.h"

#define OPEN_MIN EC_RANGE_OPEN_MIN
#define BOTH (EC_RANGE_OPEN_MIN | EC_RANGE_OPEN_MAX)

/* XGBoost 1.7's tree-booster parameters worth searching, with the ranges
 * XGBoost accepts (upper bounds where it has none: far past any use). */
const struct ec_grid_param ec_grid_params[] = {
    {"eta", 0, 1, OPEN_MIN, 0},
    {"gamma", 0, 1e9, 0, 0},
    {"max_depth", 1, 64, 0, 1},
    {"min_child_weight", 0, 1e9, 0, 0},
    {"max_delta_step", 0, 1e9, 0, 0},
    {"subsample", 0, 1, OPEN_MIN, 0},
    {"colsample_bytree", 0, 1, OPEN_MIN, 0},
    {"colsample_bylevel", 0, 1, OPEN_MIN, 0},
    {"colsample_bynode", 0, 1, OPEN_MIN, 0},
    {"lambda", 0, 1e9, 0, 0},
    {"alpha", 0, 1e9, 0, 0},
    {"max_bin", 2, 65536, 0, 1},
    {"max_leaves", 0, 1e9, 0, 1},
    {"scale_pos_weight", 0, 1e9, OPEN_MIN, 0},
    {NULL, 0, 0, 0, 0},
};

static const char *const task_keys[2] = {"intent", "category"};

static const struct ec_grid_param *find_param(const char *name)
{
	for (const struct ec_grid_param *p = ec_grid_params; p->name; p++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

static int unknown(const char *what, const char *where, const char *name, struct ec_err *err)
{
	char known[512] = "";
	for (const struct ec_grid_param *p = ec_grid_params; p->name; p++) {
		strncat(known, p == ec_grid_params ? "" : ", ", sizeof(known) - strlen(known) - 1);
		strncat(known, p->name, sizeof(known) - strlen(known) - 1);
	}
	return ec_fail(err, EC_EUSAGE, "%s: %s%s: unknown parameter (known: %s)", what, where, name,
		       known);
}

/* One value of parameter p; where says which ("max_depth, value 2"). */
static int check_value(const struct ec_grid_param *p, const struct ec_json *v, const char *what,
		       const char *where, struct ec_err *err)
{
	double x = ec_json_num(v, NAN);
	if (ec_json_type(v) != EC_JSON_NUMBER || !isfinite(x))
		return ec_fail(err, EC_EUSAGE, "%s: %s: expected a number", what, where);
	if (p->integer && x != floor(x))
		return ec_fail(err, EC_EUSAGE, "%s: %s: %.15g is not a whole number", what, where,
			       x);
	int low = (p->open & EC_RANGE_OPEN_MIN) ? !(x > p->min) : !(x >= p->min);
	int high = (p->open & EC_RANGE_OPEN_MAX) ? !(x < p->max) : !(x <= p->max);
	if (low || high)
		return ec_fail(err, EC_EUSAGE, "%s: %s: %.15g is out of range %c%.15g, %.15g%c",
			       what, where, x, (p->open & EC_RANGE_OPEN_MIN) ? '(' : '[', p->min,
			       p->max, (p->open & EC_RANGE_OPEN_MAX) ? ')' : ']');
	return 0;
}

/* Parameter names of an object: known, each once. */
static int check_names(const struct ec_json *o, const char *what, const char *where,
		       struct ec_err *err)
{
	for (size_t i = 0; i < ec_json_size(o); i++) {
		const char *name = ec_json_key(ec_json_at(o, i));
		if (!find_param(name))
			return unknown(what, where, name, err);
		for (size_t k = 0; k < i; k++)
			if (strcmp(name, ec_json_key(ec_json_at(o, k))) == 0)
				return ec_fail(err, EC_EUSAGE, "%s: %s%s: given twice", what, where,
					       name);
	}
	return 0;
}

/* [{"max_depth": 4}, ...]: each trial as given. */
static int expand_list(struct ec_json *out, const struct ec_json *g, const char *what,
		       const char *task, struct ec_err *err)
{
	char where[160];
	int rc;
	if (ec_json_size(g) > EC_GRID_MAX_TRIALS)
		return ec_fail(err, EC_EUSAGE, "%s: %s%s%zu trials: at most %d", what, task,
			       *task ? ": " : "", ec_json_size(g), EC_GRID_MAX_TRIALS);
	for (size_t i = 0; i < ec_json_size(g); i++) {
		const struct ec_json *t = ec_json_at(g, i);
		snprintf(where, sizeof(where), "%s%strial %zu", task, *task ? " " : "", i + 1);
		if (ec_json_type(t) != EC_JSON_OBJECT)
			return ec_fail(err, EC_EUSAGE, "%s: %s is not an object", what, where);
		if (ec_json_size(t) == 0)
			return ec_fail(err, EC_EUSAGE, "%s: %s is empty: name a parameter", what,
				       where);
		snprintf(where + strlen(where), sizeof(where) - strlen(where), ": ");
		if ((rc = check_names(t, what, where, err)) < 0)
			return rc;
		struct ec_json *trial = ec_json_add_object(out, NULL);
		for (size_t k = 0; k < ec_json_size(t); k++) {
			const struct ec_json *v = ec_json_at(t, k);
			char at[240];
			snprintf(at, sizeof(at), "%s%s", where, ec_json_key(v));
			if ((rc = check_value(find_param(ec_json_key(v)), v, what, at, err)) < 0)
				return rc;
			ec_json_add_num(trial, ec_json_key(v), ec_json_num(v, 0));
		}
	}
	return 0;
}

/* {"eta": [0.05, 0.1], "max_depth": [4, 6]}: every combination, the last
 * parameter varying fastest. */
static int expand_product(struct ec_json *out, const struct ec_json *g, const char *what,
			  const char *task, struct ec_err *err)
{
	char where[160];
	size_t n = ec_json_size(g), total = 1, idx[64] = {0};
	int rc;
	snprintf(where, sizeof(where), "%s%s", task, *task ? "." : "");
	if ((rc = check_names(g, what, where, err)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const struct ec_json *a = ec_json_at(g, i);
		const char *name = ec_json_key(a);
		if (ec_json_type(a) != EC_JSON_ARRAY || ec_json_size(a) == 0)
			return ec_fail(err, EC_EUSAGE,
				       "%s: %s%s: expected a non-empty array of numbers", what,
				       where, name);
		for (size_t k = 0; k < ec_json_size(a); k++) {
			char at[240];
			snprintf(at, sizeof(at), "%s%s, value %zu", where, name, k + 1);
			if ((rc = check_value(find_param(name), ec_json_at(a, k), what, at, err)) <
			    0)
				return rc;
		}
		total *= ec_json_size(a);
		if (total > EC_GRID_MAX_TRIALS)
			return ec_fail(err, EC_EUSAGE, "%s: %smore than %d combinations", what,
				       where, EC_GRID_MAX_TRIALS);
	}
	for (size_t t = 0; t < total; t++) {
		struct ec_json *trial = ec_json_add_object(out, NULL);
		for (size_t i = 0; i < n; i++) {
			const struct ec_json *a = ec_json_at(g, i);
			ec_json_add_num(trial, ec_json_key(a),
					ec_json_num(ec_json_at(a, idx[i]), 0));
		}
		for (size_t i = n; i-- > 0;) {
			if (++idx[i] < ec_json_size(ec_json_at(g, i)))
				break;
			idx[i] = 0;
		}
	}
	return 0;
}

static int expand_one(struct ec_json **out, const struct ec_json *g, const char *what,
		      const char *task, struct ec_err *err)
{
	enum ec_json_type t = ec_json_type(g);
	int rc;
	if ((t != EC_JSON_ARRAY && t != EC_JSON_OBJECT) || ec_json_size(g) == 0)
		return ec_fail(err, EC_EUSAGE,
			       "%s: %s%sexpected a non-empty object of parameter arrays or a "
			       "non-empty array of trials",
			       what, task, *task ? ": " : "");
	*out = ec_json_array();
	rc = t == EC_JSON_ARRAY ? expand_list(*out, g, what, task, err)
				: expand_product(*out, g, what, task, err);
	if (rc < 0) {
		ec_json_free(*out);
		*out = NULL;
	}
	return rc;
}

static int task_of(const char *key)
{
	for (int t = 0; t < 2; t++)
		if (strcmp(key, task_keys[t]) == 0)
			return t;
	return -1;
}

int ec_grid_expand(struct ec_json *out[2], const struct ec_json *grid, const char *what,
		   struct ec_err *err)
{
	int per_task = 0, rc = 0;
	out[0] = out[1] = NULL;
	if (ec_json_type(grid) == EC_JSON_OBJECT)
		for (size_t i = 0; i < ec_json_size(grid); i++)
			per_task |= task_of(ec_json_key(ec_json_at(grid, i))) >= 0;
	if (!per_task) {
		if ((rc = expand_one(&out[0], grid, what, "", err)) == 0)
			out[1] = ec_json_dup(out[0]);
		return rc;
	}
	for (size_t i = 0; i < ec_json_size(grid) && rc == 0; i++) {
		const struct ec_json *m = ec_json_at(grid, i);
		int t = task_of(ec_json_key(m));
		if (t < 0)
			rc = ec_fail(err, EC_EUSAGE,
				     "%s: %s: a grid by task has only intent and category keys",
				     what, ec_json_key(m));
		else if (out[t])
			rc = ec_fail(err, EC_EUSAGE, "%s: %s: given twice", what, task_keys[t]);
		else
			rc = expand_one(&out[t], m, what, task_keys[t], err);
	}
	if (rc < 0) {
		ec_json_free(out[0]);
		ec_json_free(out[1]);
		out[0] = out[1] = NULL;
	}
	return rc;
}

int ec_grid_load(struct ec_json *out[2], const char *path, struct ec_err *err)
{
	struct ec_json *g = NULL;
	int rc = ec_json_read_file(&g, path, err);
	out[0] = out[1] = NULL;
	if (rc == EC_EDATA) /* not JSON: a bad option file, like a bad option */
		err->code = rc = EC_EUSAGE;
	if (rc == 0)
		rc = ec_grid_expand(out, g, path, err);
	ec_json_free(g);
	return rc;
}
