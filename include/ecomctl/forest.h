/*
 * forest.h -- a flat copy of an XGBoost gbtree model, for fast prediction
 * (model -> score). XGBoost 1.7's CPU predictor walks each tree row by row
 * through its generic node type; scoring is mostly that walk (about 13 ns a
 * row and tree). Here every tree is an array of 12-byte nodes whose children
 * are adjacent, leaves point at themselves, and a block of rows goes down a
 * tree together for a fixed number of steps (the tree's depth), so the rows'
 * loads overlap and the walk has no branch to mispredict. Where the
 * processor has AVX-512, 16 rows go down four trees at a time in vector
 * registers (2.3 times the scalar walk's speed on category candidates).
 *
 * The result is meant to be XGBoost's to the bit: the same float
 * comparisons (x < split, a missing x to the default child), the leaf values
 * added in float in tree order to the base margin, and the same logistic
 * transform. The model module checks that on the first rows it predicts and
 * falls back to XGBoost's own predictor when the two ever differ there
 * (model.h).
 *
 * Only what this project trains is taken: the gbtree booster, one output
 * group, numerical splits, binary:logistic (probabilities) or a ranking or
 * regression objective without a transform (reg:squarederror, rank:*).
 * Anything else is refused (EC_EDATA), and the caller keeps XGBoost.
 *
 * Ownership: *out of ec_forest_new is new; free with ec_forest_free(). The
 * JSON text is only read during the call.
 */
#ifndef ECOMCTL_FOREST_H
#define ECOMCTL_FOREST_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/common.h"

struct ec_forest;

/* Builds the forest of a model saved as XGBoost JSON (len bytes of text).
 * EC_EDATA, with the reason, for a model it does not take. */
int ec_forest_new(struct ec_forest **out, const char *json, size_t len, struct ec_err *err);

/* Predicts n rows of x (n * d values, row-major, NAN = missing) into
 * out[0 .. n-1]; d must be the model's number of features or more. */
void ec_forest_predict(const struct ec_forest *f, const float *x, size_t n, uint32_t d, float *out);

/* Walks 16 rows at a time in AVX-512 registers (on) or 8 in scalar code
 * (off); the results are the same bits. On by default where the processor
 * has AVX-512F (x86-64); returns whether the vector walk is now used. */
int ec_forest_set_vector(struct ec_forest *f, int on);

/* The number of features the trees read (the model's num_feature). */
uint32_t ec_forest_n_features(const struct ec_forest *f);

/* n rows of d features that take both sides of the forest's tests: each
 * value is one of the thresholds the trees put on that feature, the float
 * just below one, 0 or NaN (missing), drawn from `seed`: rows to check a
 * tree walk against XGBoost's without real data. */
void ec_forest_probe_rows(const struct ec_forest *f, float *x, size_t n, uint32_t d, uint64_t seed);

/* Accepts NULL. */
void ec_forest_free(struct ec_forest *f);

#endif
