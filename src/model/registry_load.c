/* Loading a registered model: resolve, check the manifest against this
 * binary's features, check model.json's sha256, hand it to XGBoost. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ecomctl/features.h"
#include "ecomctl/json.h"
#include "ecomctl/model.h"
#include "ecomctl/registry.h"
#include "ecomctl/sha256.h"

int ec_manifest_check_features(const struct ec_json *manifest, const struct ec_feature_check *want,
			       const char *what, struct ec_err *err)
{
	const struct ec_json *f = ec_json_get(manifest, "features");
	const struct ec_json *names = ec_json_get(f, "names");
	if (ec_json_type(names) != EC_JSON_ARRAY)
		return ec_fail(err, EC_EDATA, "%s: no features.names", what);
	int version = (int)ec_json_num(ec_json_get(f, "version"), -1);
	if (version != want->version)
		return ec_fail(
		    err, EC_EDATA,
		    "%s: trained with features version %d, this ecomctl computes version "
		    "%d: retrain it",
		    what, version, want->version);
	size_t n = ec_json_size(names);
	for (size_t i = 0; i < n && i < want->n; i++) {
		const char *name = ec_json_str(ec_json_at(names, i), "");
		if (strcmp(name, want->defs[i].name) != 0)
			return ec_fail(
			    err, EC_EDATA,
			    "%s: feature %zu is '%s' in the model but '%s' in this ecomctl: "
			    "retrain it",
			    what, i + 1, name, want->defs[i].name);
	}
	if (n != want->n)
		return ec_fail(
		    err, EC_EDATA,
		    "%s: the model has %zu features, this ecomctl %u (first %s: '%s'): "
		    "retrain it",
		    what, n, want->n, n > want->n ? "extra in the model" : "missing from it",
		    n > want->n ? ec_json_str(ec_json_at(names, want->n), "") : want->defs[n].name);
	char hash[32];
	snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)want->hash);
	const char *got = ec_json_str(ec_json_get(f, "hash"), "");
	if (strcmp(got, hash) != 0)
		return ec_fail(
		    err, EC_EDATA,
		    "%s: feature hash %s differs from this ecomctl's %s (same names: the "
		    "manifest was edited?)",
		    what, got, hash);
	return 0;
}

static int read_all(const char *path, char **out, size_t *len, struct ec_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return ec_fail(err, EC_ENOINPUT, "%s: %s", path, strerror(errno));
	size_t cap = 1 << 16, n = 0, got;
	char *buf = ec_xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = ec_xrealloc(buf, cap *= 2);
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return ec_fail(err, EC_EIO, "%s: read error", path);
	}
	*out = buf;
	*len = n;
	return 0;
}

int ec_registry_check_manifest(const struct ec_registry *r, int task, uint32_t version,
			       const char *text, size_t n, const struct ec_json *man,
			       const char *what, struct ec_err *err)
{
	const struct ec_reg_version *v = ec_registry_find(r, task, version);
	const char *name = ec_registry_task_name(task);
	char sha[65];
	if (!v)
		return ec_fail(err, EC_ENOINPUT, "%s@v%u: no such version", name, version);
	if (!v->manifest_sha256[0])
		return ec_fail(
		    err, EC_EDATA,
		    "%s@v%u: registered without a manifest digest (by an older ecomctl), so "
		    "its manifest cannot be verified: retrain it",
		    name, version);
	ec_sha256_hex(text, n, sha);
	if (strcmp(sha, v->manifest_sha256) != 0)
		return ec_fail(err, EC_EDATA,
			       "%s: sha256 %.12s... does not match the registry's %.12s... "
			       "(changed since training)",
			       what, sha, v->manifest_sha256);
	if (task == 0) {
		const struct ec_json *t = ec_json_get(man, "threshold");
		double x = ec_json_num(t, NAN);
		if (ec_json_type(t) != EC_JSON_NUMBER || !(x >= 0 && x <= 1))
			return ec_fail(err, EC_EDATA, "%s: threshold is not a number in [0, 1]",
				       what);
	}
	return 0;
}

/* Reads and parses a manifest, keeping its bytes for the digest. */
static int read_manifest(const struct ec_registry *r, int task, uint32_t version,
			 struct ec_json **out, char **text, size_t *n, char *path, size_t cap,
			 struct ec_err *err)
{
	int rc;
	*out = NULL;
	*text = NULL;
	ec_registry_path(r, task, version, "manifest.json", path, cap);
	if ((rc = read_all(path, text, n, err)) < 0 ||
	    (rc = ec_json_parse(out, *text, *n, path, err)) < 0)
		return rc;
	return 0;
}

int ec_registry_read_manifest(const struct ec_registry *r, int task, uint32_t version,
			      struct ec_json **out, char *path, size_t cap, struct ec_err *err)
{
	char *text = NULL;
	size_t n = 0;
	int rc = read_manifest(r, task, version, out, &text, &n, path, cap, err);
	if (rc == 0)
		rc = ec_registry_check_manifest(r, task, version, text, n, *out, path, err);
	free(text);
	if (rc < 0) {
		ec_json_free(*out);
		*out = NULL;
	}
	return rc;
}

int ec_registry_load_model(struct ec_loaded_model *out, const char *dir, const char *ref,
			   const struct ec_feature_check *want, struct ec_err *err)
{
	struct ec_model_ref r;
	struct ec_registry *reg = NULL;
	char path[4200], sha[65], *buf = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->threshold = NAN;
	if ((rc = ec_model_ref_parse(&r, ref, err)) < 0 ||
	    (rc = ec_registry_open(&reg, dir, -1, err)) < 0 ||
	    (rc = ec_registry_resolve(reg, &r, &out->version, err)) < 0)
		goto done;
	out->task = r.task;
	snprintf(out->ref, sizeof(out->ref), "%s@v%u", ec_registry_task_name(r.task), out->version);
	if ((rc = read_manifest(reg, r.task, out->version, &out->manifest, &buf, &len, path,
				sizeof(path), err)) < 0)
		goto done;
	if (strcmp(ec_json_str(ec_json_get(out->manifest, "task"), ""),
		   ec_registry_task_name(r.task)) != 0) {
		rc = ec_fail(err, EC_EDATA, "%s: not the manifest of a %s model", path,
			     ec_registry_task_name(r.task));
		goto done;
	}
	/* The features first: a binary that computes others is the common case,
	 * and its message says what differs. */
	if ((rc = ec_manifest_check_features(out->manifest, want, path, err)) < 0 ||
	    (rc = ec_registry_check_manifest(reg, r.task, out->version, buf, len, out->manifest,
					     path, err)) < 0)
		goto done;
	out->threshold = ec_json_num(ec_json_get(out->manifest, "threshold"), NAN);
	free(buf);
	buf = NULL;
	ec_registry_path(reg, r.task, out->version, "model.json", path, sizeof(path));
	if ((rc = read_all(path, &buf, &len, err)) < 0)
		goto done;
	ec_sha256_hex(buf, len, sha);
	const char *want_sha = ec_json_str(ec_json_get(out->manifest, "model_sha256"), "");
	if (strcmp(sha, want_sha) != 0) {
		rc =
		    ec_fail(err, EC_EDATA,
			    "%s: sha256 %.12s... does not match the manifest's %.12s... (truncated "
			    "or changed since training)",
			    path, sha, want_sha);
		goto done;
	}
	if ((rc = ec_model_load(&out->model, buf, len, path, err)) < 0)
		goto done;
	if (ec_model_n_features(out->model) != want->n) {
		rc =
		    ec_fail(err, EC_EDATA, "%s: the model reads %u features, the manifest names %u",
			    path, ec_model_n_features(out->model), want->n);
		goto done;
	}
done:
	free(buf);
	ec_registry_free(reg);
	if (rc < 0)
		ec_loaded_model_release(out);
	return rc;
}

void ec_loaded_model_release(struct ec_loaded_model *m)
{
	ec_model_free(m->model);
	ec_json_free(m->manifest);
	memset(m, 0, sizeof(*m));
	m->threshold = NAN;
}

static void manifest_fo(const struct ec_json *man, struct ec_feature_opts *fo)
{
	const struct ec_json *o = ec_json_get(man, "feature_options");
	ec_feature_opts_init(fo);
	fo->category_level =
	    (int64_t)ec_json_num(ec_json_get(o, "category_level"), (double)fo->category_level);
	fo->prior_weight = ec_json_num(ec_json_get(o, "prior_weight"), fo->prior_weight);
	fo->max_candidates =
	    (uint32_t)ec_json_num(ec_json_get(o, "max_candidates"), (double)fo->max_candidates);
}

int ec_models_load(struct ec_loaded_model m[EC_REG_TASKS], const char *dir,
		   const char *const refs[EC_REG_TASKS], struct ec_feature_opts *fo,
		   struct ec_err *err)
{
	struct ec_feature_opts got[EC_REG_TASKS];
	int rc, have = -1;
	ec_feature_opts_init(fo);
	for (int t = 0; t < EC_REG_TASKS; t++) {
		memset(&m[t], 0, sizeof(m[t]));
		m[t].threshold = NAN;
	}
	for (int t = 0; t < EC_REG_TASKS; t++) {
		if (!refs[t])
			continue;
		struct ec_feature_check want = {ec_features(t), ec_features_count(t),
						ec_features_hash(t), EC_FEATURES_VERSION};
		if ((rc = ec_registry_load_model(&m[t], dir, refs[t], &want, err)) < 0)
			return rc;
		if (m[t].task != t)
			return ec_fail(err, EC_EUSAGE, "%s is not a%s %s model", refs[t],
				       t ? "" : "n", ec_registry_task_name(t));
		manifest_fo(m[t].manifest, &got[t]);
		if (have >= 0 && (got[t].category_level != got[have].category_level ||
				  got[t].prior_weight != got[have].prior_weight ||
				  got[t].max_candidates != got[have].max_candidates))
			return ec_fail(err, EC_EDATA,
				       "%s and %s were trained with different feature options "
				       "(category level, prior weight, candidates): use them in "
				       "separate runs",
				       m[have].ref, m[t].ref);
		have = t;
		*fo = got[t];
	}
	return 0;
}
