/*
 * test_forest.c -- unit tests of forest.h: our walk of the trees gives
 * XGBoost's own predictions to the bit, for models trained here on rows
 * with missing values, values equal to the split points, signed zeros and
 * huge values; for binary:logistic with a base score away
 * from 0.5, pairwise ranking and squared error. A model read back by
 * ec_model_load predicts the same before and after its check (model.c),
 * and refuses an infinite value as XGBoost does; models the walk does not
 * take are refused.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ecomctl/forest.h"
#include "ecomctl/model.h"

#define N 30000
#define D 6

static float X[N * D], Y[N];
static int vector_walks; /* runs where the vector walk was checked */
static uint32_t G[N / 10];

static double unif(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(*s >> 11) / 9007199254740992.0;
}

/* x0 uniform; x1 whole numbers 0..9 (split points are values); x2 missing
 * in a third of the rows; x3 +-0 or small; x4 huge; x5 noise. */
static int setup(void **state)
{
	uint64_t s = 99;
	(void)state;
	for (int i = 0; i < N; i++) {
		float *x = X + (size_t)i * D;
		x[0] = (float)unif(&s);
		x[1] = (float)(int)(unif(&s) * 10);
		x[2] = i % 3 == 0 ? NAN : (float)unif(&s);
		double u = unif(&s);
		x[3] = u < 0.2 ? 0.0f : u < 0.4 ? -0.0f : (float)(u - 0.7);
		x[4] = (float)(unif(&s) * 1e30);
		x[5] = (float)unif(&s);
		double z =
		    x[0] + 0.1 * x[1] + (isnan(x[2]) ? 0.5 : x[2]) + (x[3] > 0) + 0.3 * unif(&s);
		Y[i] = z > 1.6;
	}
	for (int g = 0; g < N / 10; g++)
		G[g] = 10;
	return 0;
}

/* Trains with objective obj (and base_score when given), then checks the
 * forest of its JSON against XGBoost's predictions of every row. */
static void check_objective_at(const char *obj, const char *base, const float *y, int ranked,
			       const char *depth, int rounds)
{
	struct ec_params p = {0};
	struct ec_err err = {0};
	ec_params_set(&p, "objective", obj, NULL);
	ec_params_set(&p, "max_depth", depth, NULL);
	ec_params_set(&p, "eta", "0.3", NULL);
	ec_params_set(&p, "nthread", "1", NULL);
	ec_params_set(&p, "seed", "7", NULL);
	if (base)
		ec_params_set(&p, "base_score", base, NULL);
	struct ec_matrix tr = {.x = X, .n = N, .d = D, .y = y};
	if (ranked) {
		tr.group = G;
		tr.n_groups = N / 10;
	}
	struct ec_train_opts o = {.params = &p, .rounds = rounds};
	struct ec_train_result r;
	struct ec_model *m = NULL, *back = NULL;
	int rc = ec_model_train(&m, &r, &o, &tr, NULL, &err);
	if (rc < 0)
		fail_msg("%s", err.msg);
	static float want[N], got[N];
	assert_int_equal(ec_model_predict(m, X, N, D, want, &err), 0);
	char *json;
	size_t len;
	assert_int_equal(ec_model_save(m, &json, &len, &err), 0);
	struct ec_forest *f = NULL;
	assert_int_equal(ec_forest_new(&f, json, len, &err), 0);
	assert_int_equal(ec_forest_n_features(f), D);
	/* Odd counts and offsets: the last block of rows is partly empty. */
	ec_forest_predict(f, X, N, D, got);
	ec_forest_predict(f, X + 5 * D, 3, D, got + N - 3);
	for (int i = 0; i < N - 3; i++)
		assert_memory_equal(&want[i], &got[i], sizeof(float));
	for (int i = 0; i < 3; i++)
		assert_memory_equal(&want[5 + i], &got[N - 3 + i], sizeof(float));
	/* The scalar walk too (the vector walk is used above where the
	 * processor has it, and again below). */
	assert_int_equal(ec_forest_set_vector(f, 0), 0);
	memset(got, 0, sizeof(got));
	ec_forest_predict(f, X, N, D, got);
	assert_memory_equal(want, got, sizeof(got));
	vector_walks += ec_forest_set_vector(f, 1);
	/* Through the model module: checked on the first call, ours after. */
	assert_int_equal(ec_model_load(&back, json, len, "t", &err), 0);
	for (int pass = 0; pass < 2; pass++) {
		memset(got, 0, sizeof(got));
		assert_int_equal(ec_model_predict(back, X, N, D, got, &err), 0);
		assert_memory_equal(want, got, sizeof(got));
	}
	/* Probe rows (thresholds, the floats just below, 0, NaN): the walk
	 * equals XGBoost on them, they reach many leaves, and a model checked
	 * on them walks its own trees at once. */
	enum { P = 600 };
	static float px[P * D], pw[P], pg[P];
	ec_forest_probe_rows(f, px, P, D, 3);
	assert_int_equal(ec_model_predict(m, px, P, D, pw, &err), 0); /* XGBoost: m has no walk */
	ec_forest_predict(f, px, P, D, pg);
	assert_memory_equal(pw, pg, sizeof(pw));
	int distinct = 0;
	for (int i = 0; i < P; i++) {
		int seen = 0;
		for (int j = 0; j < i && !seen; j++)
			seen = memcmp(&pw[i], &pw[j], sizeof(float)) == 0;
		distinct += !seen;
	}
	assert_true(distinct >= 50);
	struct ec_model *probe = NULL;
	assert_int_equal(ec_model_load(&probe, json, len, "t", &err), 0);
	assert_false(ec_model_walks(probe));
	assert_int_equal(ec_model_check_forest(probe, &err), 0);
	assert_true(ec_model_walks(probe));
	assert_int_equal(ec_model_predict(probe, X, N, D, got, &err), 0);
	assert_memory_equal(want, got, sizeof(got));
	ec_model_free(probe);
	/* XGBoost refuses infinite values; so does the model with its walk. */
	float row[D] = {0.5f, 1, 2, INFINITY, 0, 0};
	assert_int_equal(ec_model_predict(back, row, 1, D, got, &err), EC_EINTERNAL);
	ec_forest_free(f);
	ec_model_free(back);
	ec_model_free(m);
	free(json);
}

/* 40 rounds six deep (levels and leaves past the 16 a register holds are
 * gathered), then 42 rounds four deep (all in registers, and trees left
 * over after the groups of four). */
static void check_objective(const char *obj, const char *base, const float *y, int ranked)
{
	check_objective_at(obj, base, y, ranked, "6", 40);
	check_objective_at(obj, base, y, ranked, "4", 42);
}

static void test_forest__logistic(void **state)
{
	(void)state;
	check_objective("binary:logistic", NULL, Y, 0);
	check_objective("binary:logistic", "0.0626341", Y, 0);
}

static void test_forest__ranking_and_regression(void **state)
{
	static float y[N];
	(void)state;
	for (int i = 0; i < N; i++)
		y[i] = X[(size_t)i * D] * 3 + Y[i];
	check_objective("rank:pairwise", NULL, Y, 1);
	check_objective("reg:squarederror", NULL, y, 0);
	if (!vector_walks)
		print_message("no AVX-512 here: the vector walk was not checked\n");
}

static void test_forest__refused(void **state)
{
	static const char *bad[] = {
	    "{}",
	    "{\"learner\": {\"gradient_booster\": {\"name\": \"gblinear\"}}}",
	    "{\"learner\": {\"learner_model_param\": {\"base_score\": \"5E-1\", \"num_class\": "
	    "\"3\", \"num_feature\": \"2\"}, \"objective\": {\"name\": \"multi:softprob\"}, "
	    "\"gradient_booster\": {\"name\": \"gbtree\", \"model\": {\"trees\": [{}]}}}}",
	    /* children not adjacent */
	    "{\"learner\": {\"learner_model_param\": {\"base_score\": \"5E-1\", \"num_class\": "
	    "\"0\", \"num_feature\": \"2\"}, \"objective\": {\"name\": \"binary:logistic\"}, "
	    "\"gradient_booster\": {\"name\": \"gbtree\", \"model\": {\"tree_info\": [0], "
	    "\"trees\": [{\"left_children\": [2, -1, -1], \"right_children\": [1, -1, -1], "
	    "\"split_indices\": [0, 0, 0], \"split_conditions\": [0.5, 1, 2], "
	    "\"default_left\": [0, 0, 0], \"split_type\": [0, 0, 0]}]}}}}",
	    "not json",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ec_forest *f = (struct ec_forest *)1;
		struct ec_err err = {0};
		assert_int_equal(ec_forest_new(&f, bad[i], strlen(bad[i]), &err) < 0, 1);
		assert_null(f);
		assert_true(err.msg[0] != '\0');
	}
	ec_forest_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_forest__logistic),
	    cmocka_unit_test(test_forest__ranking_and_regression),
	    cmocka_unit_test(test_forest__refused),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
