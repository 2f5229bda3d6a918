/*
 * test_model.c -- unit tests of model.h: XGBoost learns a rule that is plain
 * from the data, early stopping keeps exactly the rounds up to the best one
 * (checked against a model trained for that many rounds), the JSON round
 * trip predicts the same, and XGBoost's errors come back as EC_EINTERNAL.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ecomctl/model.h"

#define N 400
#define D 3

static float X[N * D], Y[N];

/* y = 1 exactly when x0 > 0.5; x1 is noise; x2 is missing every 3rd row. */
static int setup(void **state)
{
	uint64_t s = 12345;
	for (int i = 0; i < N; i++) {
		for (int j = 0; j < D; j++) {
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			X[i * D + j] = (float)((s >> 11) / 9007199254740992.0);
		}
		if (i % 3 == 0)
			X[i * D + 2] = NAN;
		Y[i] = X[i * D] > 0.5f;
	}
	return 0;
}

static void base_params(struct ec_params *p)
{
	memset(p, 0, sizeof(*p));
	ec_params_set(p, "objective", "binary:logistic", NULL);
	ec_params_set(p, "max_depth", "3", NULL);
	ec_params_set(p, "eta", "0.3", NULL);
	ec_params_set(p, "nthread", "1", NULL);
	ec_params_set(p, "seed", "7", NULL);
}

static void test_model__params(void **state)
{
	struct ec_params p = {0};
	assert_int_equal(ec_params_set(&p, "eta", "0.1", NULL), 0);
	assert_int_equal(ec_params_set(&p, "max_depth", "4", NULL), 0);
	assert_int_equal(ec_params_set(&p, "eta", "0.2", NULL), 0);
	assert_int_equal(p.n, 2);
	assert_string_equal(ec_params_get(&p, "eta"), "0.2");
	assert_null(ec_params_get(&p, "gamma"));
	/* A value fills its slot but for the terminating NUL. */
	char longv[sizeof(p.value[0]) + 1];
	memset(longv, '1', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = 0;
	assert_int_equal(ec_params_set(&p, "x", longv, NULL), EC_EUSAGE);
	longv[sizeof(longv) - 2] = 0;
	assert_int_equal(ec_params_set(&p, "x", longv, NULL), 0);
	assert_string_equal(ec_params_get(&p, "x"), longv);
}

static void test_model__learns_rule(void **state)
{
	struct ec_params p;
	base_params(&p);
	struct ec_matrix tr = {.x = X, .n = 300, .d = D, .y = Y};
	struct ec_train_opts o = {.params = &p, .rounds = 20};
	struct ec_train_result r;
	struct ec_model *m = NULL;
	struct ec_err err = {0};
	assert_int_equal(ec_model_train(&m, &r, &o, &tr, NULL, &err), 0);
	assert_int_equal(r.rounds_run, 20);
	assert_int_equal(r.best_rounds, 20);
	assert_int_equal(ec_model_n_features(m), D);
	float pred[100];
	assert_int_equal(ec_model_predict(m, X + 300 * D, 100, D, pred, &err), 0);
	/* Unseen rows: a threshold at 0.5 gets at least 95 of 100 right (the
	 * rule is one split; only rows near the cut can be wrong). */
	int right = 0;
	for (int i = 0; i < 100; i++)
		right += (pred[i] > 0.5f) == (Y[300 + i] > 0.5f);
	assert_true(right >= 95);
	assert_int_equal(ec_model_predict(m, X, 10, D - 1, pred, &err), EC_EDATA);
	ec_model_free(m);
}

/* A metric that rises for 4 rounds then falls: training runs 4 + 3 rounds
 * with early_stop 3, and keeps 4. */
static double scripted(void *ctx, const float *pred, size_t n)
{
	static const double seq[] = {0.1, 0.2, 0.3, 0.4, 0.35, 0.4, 0.39, 0.5, 0.6};
	int *calls = ctx;
	return seq[(*calls)++];
}

static void test_model__early_stop_keeps_best(void **state)
{
	struct ec_params p;
	base_params(&p);
	struct ec_matrix tr = {.x = X, .n = 300, .d = D, .y = Y};
	struct ec_matrix va = {.x = X + 300 * D, .n = 100, .d = D, .y = Y + 300};
	int calls = 0;
	struct ec_train_opts o = {
	    .params = &p, .rounds = 9, .early_stop = 3, .metric = scripted, .metric_ctx = &calls};
	struct ec_train_result r;
	struct ec_model *m = NULL, *four = NULL, *back = NULL;
	struct ec_err err = {0};
	assert_int_equal(ec_model_train(&m, &r, &o, &tr, &va, &err), 0);
	/* 0.4 at round 4; 0.35, 0.4 (not better), 0.39: three without gain. */
	assert_int_equal(r.rounds_run, 7);
	assert_int_equal(r.best_rounds, 4);
	assert_true(fabs(r.best_metric - 0.4) < 1e-12);

	struct ec_train_opts o4 = {.params = &p, .rounds = 4};
	struct ec_train_result r4;
	assert_int_equal(ec_model_train(&four, &r4, &o4, &tr, NULL, &err), 0);
	float a[N], b[N], c[N];
	assert_int_equal(ec_model_predict(m, X, N, D, a, &err), 0);
	assert_int_equal(ec_model_predict(four, X, N, D, b, &err), 0);
	for (int i = 0; i < N; i++)
		assert_true(a[i] == b[i]);

	char *json;
	size_t len;
	assert_int_equal(ec_model_save(m, &json, &len, &err), 0);
	assert_true(len > 100 && json[0] == '{');
	assert_int_equal(ec_model_load(&back, json, len, "t", &err), 0);
	assert_int_equal(ec_model_n_features(back), D);
	assert_int_equal(ec_model_predict(back, X, N, D, c, &err), 0);
	for (int i = 0; i < N; i++)
		assert_true(a[i] == c[i]);
	free(json);
	ec_model_free(m);
	ec_model_free(four);
	ec_model_free(back);
}

static void test_model__errors(void **state)
{
	struct ec_params p;
	base_params(&p);
	struct ec_matrix empty = {.x = X, .n = 0, .d = D, .y = Y};
	struct ec_matrix tr = {.x = X, .n = 300, .d = D, .y = Y};
	struct ec_train_opts o = {.params = &p, .rounds = 3};
	struct ec_train_result r;
	struct ec_model *m = NULL;
	struct ec_err err = {0};
	assert_int_equal(ec_model_train(&m, &r, &o, &empty, NULL, &err), EC_EDATA);
	assert_null(m);

	ec_params_set(&p, "max_depth", "-4", NULL);
	assert_int_equal(ec_model_train(&m, &r, &o, &tr, NULL, &err), EC_EINTERNAL);
	assert_non_null(strstr(err.msg, "xgboost"));
	assert_null(m);

	const char *junk = "{\"learner\": {\"gradient_booster\": ";
	assert_int_equal(ec_model_load(&m, junk, strlen(junk), "junk.json", &err), EC_EINTERNAL);
	assert_non_null(strstr(err.msg, "junk.json"));
	assert_null(m);
	ec_model_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_model__params),
	    cmocka_unit_test(test_model__learns_rule),
	    cmocka_unit_test(test_model__early_stop_keeps_best),
	    cmocka_unit_test(test_model__errors),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
