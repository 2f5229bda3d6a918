/*
 * grid.h -- the grid file of `train --grid FILE`: which XGBoost parameter
 * sets to try, read and checked against its schema before any data is read
 * (cli -> grid -> train, which runs one trial per parameter set).
 *
 * A grid is JSON, one of:
 *
 *   {"eta": [0.05, 0.1], "max_depth": [4, 6]}    every combination (4 trials)
 *   [{"max_depth": 4}, {"max_depth": 6, "eta": 0.05}]    these trials
 *   {"intent": GRID, "category": GRID}    a grid per task (either may be absent)
 *
 * Parameters are known XGBoost tree-booster parameters only (ec_grid_params),
 * each with a range; values are numbers (integers where XGBoost wants one).
 * Empty objects, empty arrays, unknown or repeated parameters, values out of
 * range, more than EC_GRID_MAX_TRIALS trials: EC_EUSAGE (exit 64) naming the
 * entry ("grid.json: intent.max_depth[2]: 0 is out of range [1, 64]"); a
 * file that is not JSON is EC_EUSAGE too; a missing file EC_ENOINPUT.
 *
 * Ownership: the trial arrays are new; free with ec_json_free(). No
 * third-party headers.
 */
#ifndef ECOMCTL_GRID_H
#define ECOMCTL_GRID_H

#include "ecomctl/common.h"

struct ec_json;

#define EC_GRID_MAX_TRIALS 1000

/* A grid parameter: its XGBoost name and range (integer: whole numbers). */
struct ec_grid_param {
	const char *name;
	double min, max;
	unsigned open; /* EC_RANGE_OPEN_MIN | EC_RANGE_OPEN_MAX of opts.h */
	int integer;
};
extern const struct ec_grid_param ec_grid_params[]; /* ends with name NULL */

/* Reads and checks the grid at path. out[0] (intent) and out[1] (category)
 * are each a new JSON array of trial objects ({"name": number, ...}), or
 * NULL when the file has no grid for that task. */
int ec_grid_load(struct ec_json *out[2], const char *path, struct ec_err *err);

/* The same for a grid already parsed (what names it in messages). */
int ec_grid_expand(struct ec_json *out[2], const struct ec_json *grid, const char *what,
		   struct ec_err *err);

#endif
