/*
 * registry.h -- the file-based model registry (DESIGN §4), between `train`,
 * which registers versions, and `score` / `evaluate` / `models`, which
 * resolve references to them:
 *
 *   <dir>/<task>/v<N>/model.json      the XGBoost model
 *   <dir>/<task>/v<N>/manifest.json   features, params, metrics, inputs...
 *   <dir>/registry.json               versions and aliases of every task
 *
 * A reference is TASK, TASK@ALIAS or TASK@vN: "intent" is
 * "intent@production"; "intent@latest" is the highest version. Aliases are
 * lower-case names ([a-z][a-z0-9_-]*, at most 31 bytes, not "latest" and not
 * of the form vN). The first version of a task becomes its production
 * version; later ones only when promoted. Every move of "production" is
 * remembered, so that a rollback returns production to the version that
 * held it before.
 *
 * Concurrency: writers (train, promote, rollback) take <dir>/registry.lock
 * (a POSIX record lock, waited for up to lock_wait seconds, then
 * EC_ETEMPFAIL) before reading registry.json, and hold it until they are
 * done. A new version's directory is claimed with mkdir, which fails when it
 * exists, so two runs never share a v<N> even when one of them crashed
 * before registering. registry.json is replaced atomically (tmp + rename),
 * so readers need no lock.
 *
 * Ownership: struct ec_registry is new from ec_registry_open() and freed
 * with ec_registry_free() (which releases the lock); its fields are
 * read-only for callers. No third-party headers.
 */
#ifndef ECOMCTL_REGISTRY_H
#define ECOMCTL_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "ecomctl/common.h"

struct ec_json;

#define EC_REG_TASKS 2	    /* enum ec_task of features.h: intent, category */
#define EC_REG_ALIAS_MAX 32 /* bytes of an alias, with its NUL */

/* "intent", "category"; -1 for another name. */
int ec_registry_task(const char *name);
const char *ec_registry_task_name(int task);

struct ec_model_ref {
	int task;		      /* 0 intent, 1 category */
	char alias[EC_REG_ALIAS_MAX]; /* "" when a version is named */
	uint32_t version;	      /* 0 when an alias is named */
};

/* Parses "intent", "intent@staging", "category@v3". EC_EUSAGE with the
 * reason for anything else. */
int ec_model_ref_parse(struct ec_model_ref *out, const char *s, struct ec_err *err);
/* 1 when s is a valid alias name. */
int ec_registry_alias_ok(const char *s);

struct ec_reg_version {
	uint32_t version;
	char created_at[32];  /* ISO 8601 UTC, "YYYY-MM-DDTHH:MM:SSZ" */
	char metric_name[16]; /* "pr_auc", "hit3" */
	double metric;	      /* its validation value (NaN if undefined) */
	/* sha256 (hex) of the version's manifest.json as registered, which
	 * holds model.json's sha256: the digest covers both files. "" for a
	 * version registered by an older ecomctl, which kept none: loaders
	 * refuse it (retrain). */
	char manifest_sha256[65];
};

struct ec_reg_alias {
	char name[EC_REG_ALIAS_MAX];
	uint32_t version;
};

struct ec_reg_task {
	struct ec_reg_version *v; /* ascending version */
	size_t n_v, cap_v;
	struct ec_reg_alias *alias;
	size_t n_alias, cap_alias;
	uint32_t *history; /* production versions, oldest first; last = current */
	size_t n_hist, cap_hist;
};

struct ec_registry {
	char *dir;
	int lock_fd; /* -1 when not locked */
	struct ec_reg_task task[EC_REG_TASKS];
};

/* Opens the registry in dir (a missing dir or registry.json is an empty
 * registry). With lock_wait >= 0, creates dir and takes the lock first,
 * waiting up to lock_wait seconds (EC_ETEMPFAIL after that). EC_EDATA for
 * a registry.json that is not a valid registry. *out is new. */
int ec_registry_open(struct ec_registry **out, const char *dir, double lock_wait,
		     struct ec_err *err);

/* The version a reference names. EC_ENOINPUT (with the task's known
 * versions and aliases in the message) when there is none. */
int ec_registry_resolve(const struct ec_registry *r, const struct ec_model_ref *ref,
			uint32_t *version, struct ec_err *err);

/* The registered entry of a version, or NULL. Borrowed until the registry
 * changes. */
const struct ec_reg_version *ec_registry_find(const struct ec_registry *r, int task,
					      uint32_t version);

/* The version an alias points to, 0 when unset. */
uint32_t ec_registry_alias(const struct ec_registry *r, int task, const char *alias);

/* Claims the next version of a task: creates <dir>/<task>/v<N> for the
 * smallest N above every registered version whose directory does not exist
 * yet, and writes its path (buffer of `cap` bytes). Needs the lock.
 * EC_ECANTCREAT when the directory cannot be made. */
int ec_registry_claim(struct ec_registry *r, int task, uint32_t *version, char *path, size_t cap,
		      struct ec_err *err);

/* Records a claimed version (in memory; ec_registry_save() writes it). The
 * first version of a task also becomes its production version. When
 * v->manifest_sha256 is "", it is computed from the version's manifest.json,
 * which must be written before (left "" if it cannot be read: the version
 * will then be refused by loaders). */
void ec_registry_add(struct ec_registry *r, int task, const struct ec_reg_version *v);

/* Points an alias at a registered version (EC_ENOINPUT if it is not, EC_EUSAGE
 * for a bad alias name). Moving "production" to another version appends it
 * to the production history. */
int ec_registry_set_alias(struct ec_registry *r, int task, const char *alias, uint32_t version,
			  struct ec_err *err);

/* Returns production to the version that held it before the current one;
 * *now gets it. EC_ENOINPUT when there is no earlier production version. */
int ec_registry_rollback(struct ec_registry *r, int task, uint32_t *now, struct ec_err *err);

/* Writes registry.json atomically. Needs the lock. */
int ec_registry_save(struct ec_registry *r, struct ec_err *err);

/* "<dir>/<task>/v<N>/<file>" into buf (file may be ""). */
void ec_registry_path(const struct ec_registry *r, int task, uint32_t version, const char *file,
		      char *buf, size_t cap);

/* The registry as JSON (what registry.json holds); new, free with ec_json_free(). */
struct ec_json *ec_registry_json(const struct ec_registry *r);

/* Releases the lock and frees. Accepts NULL. */
void ec_registry_free(struct ec_registry *r);

/* ---------------------------------------------------------------------- */
/* Loading a registered model for score / evaluate (src/model/registry_load.c)  */

struct ec_model;
struct ec_feature_def;

struct ec_loaded_model {
	int task;
	uint32_t version;
	char ref[48]; /* "intent@v3" */
	struct ec_model *model;
	struct ec_json *manifest; /* the parsed manifest.json */
	double threshold;	  /* intent: the decision threshold; NaN otherwise */
};

/* What a model must have been trained with: this binary's feature table. */
struct ec_feature_check {
	const struct ec_feature_def *defs;
	uint32_t n;
	uint64_t hash;
	int version;
};

/*
 * Checks a version's manifest as read (text, n bytes; parsed: man) against
 * the registry: its sha256 is the one registry.json recorded, and an intent
 * manifest's threshold is a number in [0, 1]. EC_EDATA naming what is
 * wrong (what names the manifest): a digest that differs (the manifest was
 * changed since training), a version registered without a digest (by an
 * older ecomctl: retrain it), a bad threshold.
 */
int ec_registry_check_manifest(const struct ec_registry *r, int task, uint32_t version,
			       const char *text, size_t n, const struct ec_json *man,
			       const char *what, struct ec_err *err);

/* Reads, parses and checks (ec_registry_check_manifest) a version's
 * manifest.json; its path goes into path (cap bytes). *out is new; free
 * with ec_json_free(). EC_ENOINPUT when missing, EC_EDATA when not valid. */
int ec_registry_read_manifest(const struct ec_registry *r, int task, uint32_t version,
			      struct ec_json **out, char *path, size_t cap, struct ec_err *err);

/*
 * Resolves ref in the registry at dir and loads that version, refusing it
 * unless its manifest names exactly the features of `want` (version, count,
 * names in order, hash), the manifest passes ec_registry_check_manifest()
 * and model.json has the manifest's sha256.
 * Errors: EC_EUSAGE for a bad reference; EC_ENOINPUT for an unknown
 * version or alias or a missing file; EC_EDATA for a manifest that is not
 * valid or not the one registered, a feature difference (the message names
 * it) or a model.json that does not match its sha256 (truncated or edited);
 * EC_EINTERNAL when XGBoost refuses the model. *out is the caller's storage.
 */
int ec_registry_load_model(struct ec_loaded_model *out, const char *dir, const char *ref,
			   const struct ec_feature_check *want, struct ec_err *err);
void ec_loaded_model_release(struct ec_loaded_model *m);

/* Loads the model of each task whose ref is not NULL (refs[0] intent,
 * refs[1] category) against this binary's feature tables, and sets *fo to
 * the feature options they were trained with (EC_EDATA when the two
 * disagree: their features would need two passes). m[] is the caller's;
 * release each with ec_loaded_model_release(). */
struct ec_feature_opts;
int ec_models_load(struct ec_loaded_model m[EC_REG_TASKS], const char *dir,
		   const char *const refs[EC_REG_TASKS], struct ec_feature_opts *fo,
		   struct ec_err *err);

/* Compares a manifest's "features" with `want`: 0, or EC_EDATA naming the
 * first difference (what names the manifest in the message). */
int ec_manifest_check_features(const struct ec_json *manifest, const struct ec_feature_check *want,
			       const char *what, struct ec_err *err);

#endif
