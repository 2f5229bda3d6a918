/* The file-based model registry: references, versions, aliases, the lock and
 * registry.json. See registry.h. */
#include "ecomctl/registry.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ecomctl/json.h"
#include "ecomctl/outfile.h"
#include "ecomctl/sha256.h"

static const char *const task_names[EC_REG_TASKS] = {"intent", "category"};

int ec_registry_task(const char *name)
{
	for (int t = 0; t < EC_REG_TASKS; t++)
		if (strcmp(name, task_names[t]) == 0)
			return t;
	return -1;
}

const char *ec_registry_task_name(int task)
{
	return task >= 0 && task < EC_REG_TASKS ? task_names[task] : "?";
}

/* "v" followed by 1-9 digits without a leading zero: *v gets the number. */
static int parse_vnum(const char *s, uint32_t *v)
{
	if (s[0] != 'v' || s[1] < '1' || s[1] > '9')
		return 0;
	uint64_t n = 0;
	for (const char *p = s + 1; *p; p++) {
		if (*p < '0' || *p > '9' || p - s > 9)
			return 0;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	*v = (uint32_t)n;
	return 1;
}

int ec_registry_alias_ok(const char *s)
{
	size_t n = strlen(s), digits = 0;
	if (n == 0 || n >= EC_REG_ALIAS_MAX || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return 0;
	while (digits + 1 < n && s[digits + 1] >= '0' && s[digits + 1] <= '9')
		digits++;
	/* "v" and only digits names a version, whatever its value */
	return strcmp(s, "latest") != 0 && !(s[0] == 'v' && n > 1 && digits == n - 1);
}

int ec_model_ref_parse(struct ec_model_ref *out, const char *s, struct ec_err *err)
{
	memset(out, 0, sizeof(*out));
	const char *at = strchr(s, '@');
	size_t tn = at ? (size_t)(at - s) : strlen(s);
	char task[16];
	if (tn >= sizeof(task))
		tn = sizeof(task) - 1;
	memcpy(task, s, tn);
	task[tn] = '\0';
	if ((out->task = ec_registry_task(task)) < 0)
		return ec_fail(err, EC_EUSAGE,
			       "model reference '%s': the task must be intent or category", s);
	const char *rest = at ? at + 1 : "production";
	if (parse_vnum(rest, &out->version))
		return 0;
	if (strcmp(rest, "latest") != 0 && !ec_registry_alias_ok(rest))
		return ec_fail(err, EC_EUSAGE,
			       "model reference '%s': after @ comes vN, latest or an alias "
			       "([a-z][a-z0-9_-]*)",
			       s);
	strcpy(out->alias, rest);
	return 0;
}

/* ---------------------------------------------------------------------- */

static int lock(struct ec_registry *r, double wait, struct ec_err *err)
{
	char path[4096];
	int rc;
	if ((rc = ec_mkdirs(r->dir, err)) < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/registry.lock", r->dir);
	r->lock_fd = open(path, O_RDWR | O_CREAT, 0666);
	if (r->lock_fd < 0)
		return ec_fail(err, EC_ECANTCREAT, "%s: %s", path, strerror(errno));
	double t0 = ec_now();
	for (;;) {
		struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
		if (fcntl(r->lock_fd, F_SETLK, &fl) == 0)
			return 0;
		if (errno != EACCES && errno != EAGAIN)
			return ec_fail(err, EC_EIO, "%s: cannot lock: %s", path, strerror(errno));
		if (ec_now() - t0 >= wait)
			return ec_fail(err, EC_ETEMPFAIL,
				       "%s: held by another run for %.0f s; try again later", path,
				       wait);
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

static int bad(struct ec_err *err, const char *path, const char *what)
{
	return ec_fail(err, EC_EDATA, "%s: not a model registry: %s", path, what);
}

static int load_task(struct ec_reg_task *t, const struct ec_json *j, const char *path,
		     struct ec_err *err)
{
	const struct ec_json *vs = ec_json_get(j, "versions");
	const struct ec_json *al = ec_json_get(j, "aliases");
	const struct ec_json *hi = ec_json_get(j, "production_history");
	if (ec_json_type(vs) != EC_JSON_ARRAY || ec_json_type(al) != EC_JSON_OBJECT ||
	    ec_json_type(hi) != EC_JSON_ARRAY)
		return bad(err, path, "a task needs versions, aliases and production_history");
	for (size_t i = 0; i < ec_json_size(vs); i++) {
		const struct ec_json *e = ec_json_at(vs, i);
		double v = ec_json_num(ec_json_get(e, "version"), 0);
		if (!(v >= 1 && v < 4e9) || v != floor(v))
			return bad(err, path, "a version number is not a positive integer");
		if (t->n_v && (uint32_t)v <= t->v[t->n_v - 1].version)
			return bad(err, path, "versions are not in ascending order");
		EC_GROW(t->v, t->cap_v, t->n_v + 1);
		struct ec_reg_version *rv = &t->v[t->n_v++];
		memset(rv, 0, sizeof(*rv));
		rv->version = (uint32_t)v;
		snprintf(rv->created_at, sizeof(rv->created_at), "%s",
			 ec_json_str(ec_json_get(e, "created_at"), ""));
		snprintf(rv->metric_name, sizeof(rv->metric_name), "%s",
			 ec_json_str(ec_json_get(e, "metric_name"), ""));
		rv->metric = ec_json_num(ec_json_get(e, "metric"), NAN);
		const char *sha = ec_json_str(ec_json_get(e, "manifest_sha256"), "");
		if (*sha && (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64))
			return bad(err, path, "a manifest_sha256 is not a sha256");
		snprintf(rv->manifest_sha256, sizeof(rv->manifest_sha256), "%s", sha);
	}
	for (size_t i = 0; i < ec_json_size(al); i++) {
		const struct ec_json *e = ec_json_at(al, i);
		const char *name = ec_json_key(e);
		double v = ec_json_num(e, 0);
		if (!name || !ec_registry_alias_ok(name) || v < 1 || v != floor(v) || v >= 4e9)
			return bad(err, path, "an alias is not a name and a version number");
		EC_GROW(t->alias, t->cap_alias, t->n_alias + 1);
		snprintf(t->alias[t->n_alias].name, EC_REG_ALIAS_MAX, "%s", name);
		t->alias[t->n_alias++].version = (uint32_t)v;
	}
	for (size_t i = 0; i < ec_json_size(hi); i++) {
		double v = ec_json_num(ec_json_at(hi, i), 0);
		if (v < 1 || v != floor(v) || v >= 4e9)
			return bad(err, path, "production_history holds a non-version");
		EC_GROW(t->history, t->cap_hist, t->n_hist + 1);
		t->history[t->n_hist++] = (uint32_t)v;
	}
	return 0;
}

int ec_registry_open(struct ec_registry **out, const char *dir, double lock_wait,
		     struct ec_err *err)
{
	struct ec_registry *r = ec_xcalloc(1, sizeof(*r));
	struct ec_json *j = NULL;
	char path[4096];
	int rc = 0;

	*out = NULL;
	r->dir = ec_xstrdup(dir);
	r->lock_fd = -1;
	if (lock_wait >= 0 && (rc = lock(r, lock_wait, err)) < 0)
		goto done;
	snprintf(path, sizeof(path), "%s/registry.json", dir);
	if (access(path, F_OK) != 0) {
		*out = r;
		return 0;
	}
	if ((rc = ec_json_read_file(&j, path, err)) < 0)
		goto done;
	if (ec_json_type(j) != EC_JSON_OBJECT || ec_json_num(ec_json_get(j, "format"), 0) != 1) {
		rc = bad(err, path, "no \"format\": 1");
		goto done;
	}
	for (int t = 0; t < EC_REG_TASKS; t++) {
		const struct ec_json *tj = ec_json_get(j, task_names[t]);
		if (tj && (rc = load_task(&r->task[t], tj, path, err)) < 0)
			goto done;
	}
done:
	ec_json_free(j);
	if (rc < 0)
		ec_registry_free(r);
	else
		*out = r;
	return rc;
}

const struct ec_reg_version *ec_registry_find(const struct ec_registry *r, int task,
					      uint32_t version)
{
	const struct ec_reg_task *t = &r->task[task];
	for (size_t i = 0; i < t->n_v; i++)
		if (t->v[i].version == version)
			return &t->v[i];
	return NULL;
}

uint32_t ec_registry_alias(const struct ec_registry *r, int task, const char *alias)
{
	const struct ec_reg_task *t = &r->task[task];
	for (size_t i = 0; i < t->n_alias; i++)
		if (strcmp(t->alias[i].name, alias) == 0)
			return t->alias[i].version;
	return 0;
}

/* What the task holds, for messages: "versions v1-v3; aliases production=v2". */
static void describe(const struct ec_registry *r, int task, char *buf, size_t cap)
{
	const struct ec_reg_task *t = &r->task[task];
	if (t->n_v == 0) {
		snprintf(buf, cap, "no %s model is registered in %s", task_names[task], r->dir);
		return;
	}
	int n =
	    snprintf(buf, cap, "registered: v%u..v%u", t->v[0].version, t->v[t->n_v - 1].version);
	for (size_t i = 0; i < t->n_alias && n > 0 && (size_t)n < cap; i++)
		n += snprintf(buf + n, cap - (size_t)n, "%s%s=v%u", i ? ", " : "; aliases ",
			      t->alias[i].name, t->alias[i].version);
}

int ec_registry_resolve(const struct ec_registry *r, const struct ec_model_ref *ref,
			uint32_t *version, struct ec_err *err)
{
	const struct ec_reg_task *t = &r->task[ref->task];
	char what[256];
	uint32_t v = ref->version;
	if (!v && strcmp(ref->alias, "latest") == 0 && t->n_v)
		v = t->v[t->n_v - 1].version;
	else if (!v)
		v = ec_registry_alias(r, ref->task, ref->alias);
	if (v && ec_registry_find(r, ref->task, v)) {
		*version = v;
		return 0;
	}
	describe(r, ref->task, what, sizeof(what));
	if (ref->version)
		return ec_fail(err, EC_ENOINPUT, "%s@v%u: no such version (%s)",
			       task_names[ref->task], ref->version, what);
	return ec_fail(err, EC_ENOINPUT, "%s@%s: no such alias (%s)", task_names[ref->task],
		       ref->alias, what);
}

void ec_registry_path(const struct ec_registry *r, int task, uint32_t version, const char *file,
		      char *buf, size_t cap)
{
	if (!buf || cap == 0) /* never, but GCC's -fsanitize inlining cannot tell */
		return;
	snprintf(buf, cap, "%s/%s/v%u%s%s", r->dir, task_names[task], version, *file ? "/" : "",
		 file);
}

int ec_registry_claim(struct ec_registry *r, int task, uint32_t *version, char *path, size_t cap,
		      struct ec_err *err)
{
	const struct ec_reg_task *t = &r->task[task];
	uint32_t v = t->n_v ? t->v[t->n_v - 1].version + 1 : 1;
	char dir[4096];
	int rc;
	snprintf(dir, sizeof(dir), "%s/%s", r->dir, task_names[task]);
	if ((rc = ec_mkdirs(dir, err)) < 0)
		return rc;
	for (;; v++) {
		ec_registry_path(r, task, v, "", path, cap);
		if (mkdir(path, 0777) == 0)
			break;
		if (errno != EEXIST)
			return ec_fail(err, EC_ECANTCREAT, "%s: cannot create directory: %s", path,
				       strerror(errno));
		ec_log_debug("registry: %s exists (an unregistered earlier run?): skipped", path);
	}
	*version = v;
	return 0;
}

static void set_alias(struct ec_reg_task *t, const char *alias, uint32_t version)
{
	for (size_t i = 0; i < t->n_alias; i++)
		if (strcmp(t->alias[i].name, alias) == 0) {
			t->alias[i].version = version;
			return;
		}
	EC_GROW(t->alias, t->cap_alias, t->n_alias + 1);
	snprintf(t->alias[t->n_alias].name, EC_REG_ALIAS_MAX, "%s", alias);
	t->alias[t->n_alias++].version = version;
}

static void push_history(struct ec_reg_task *t, uint32_t version)
{
	if (t->n_hist && t->history[t->n_hist - 1] == version)
		return;
	EC_GROW(t->history, t->cap_hist, t->n_hist + 1);
	t->history[t->n_hist++] = version;
}

void ec_registry_add(struct ec_registry *r, int task, const struct ec_reg_version *v)
{
	struct ec_reg_task *t = &r->task[task];
	size_t i = t->n_v;
	EC_GROW(t->v, t->cap_v, t->n_v + 1);
	while (i > 0 && t->v[i - 1].version > v->version) {
		t->v[i] = t->v[i - 1];
		i--;
	}
	t->v[i] = *v;
	t->n_v++;
	if (!t->v[i].manifest_sha256[0]) {
		char path[4200];
		struct ec_err ignored = {0};
		ec_registry_path(r, task, v->version, "manifest.json", path, sizeof(path));
		if (ec_sha256_file(path, t->v[i].manifest_sha256, NULL, &ignored) < 0)
			t->v[i].manifest_sha256[0] = '\0';
	}
	if (!ec_registry_alias(r, task, "production")) {
		set_alias(t, "production", v->version);
		push_history(t, v->version);
	}
}

int ec_registry_set_alias(struct ec_registry *r, int task, const char *alias, uint32_t version,
			  struct ec_err *err)
{
	struct ec_reg_task *t = &r->task[task];
	if (!ec_registry_alias_ok(alias))
		return ec_fail(
		    err, EC_EUSAGE,
		    "alias '%s': use [a-z][a-z0-9_-]*, at most %d bytes, not latest or vN", alias,
		    EC_REG_ALIAS_MAX - 1);
	if (!ec_registry_find(r, task, version))
		return ec_fail(err, EC_ENOINPUT, "%s@v%u: no such version", task_names[task],
			       version);
	set_alias(t, alias, version);
	if (strcmp(alias, "production") == 0)
		push_history(t, version);
	return 0;
}

int ec_registry_rollback(struct ec_registry *r, int task, uint32_t *now, struct ec_err *err)
{
	struct ec_reg_task *t = &r->task[task];
	if (t->n_hist < 2)
		return ec_fail(err, EC_ENOINPUT,
			       "%s: no earlier production version to roll back to",
			       task_names[task]);
	t->n_hist--;
	*now = t->history[t->n_hist - 1];
	set_alias(t, "production", *now);
	return 0;
}

struct ec_json *ec_registry_json(const struct ec_registry *r)
{
	struct ec_json *j = ec_json_object();
	ec_json_add_int(j, "format", 1);
	for (int k = 0; k < EC_REG_TASKS; k++) {
		const struct ec_reg_task *t = &r->task[k];
		if (!t->n_v && !t->n_alias)
			continue;
		struct ec_json *tj = ec_json_add_object(j, task_names[k]);
		struct ec_json *vs = ec_json_add_array(tj, "versions");
		for (size_t i = 0; i < t->n_v; i++) {
			struct ec_json *e = ec_json_add_object(vs, NULL);
			ec_json_add_int(e, "version", t->v[i].version);
			ec_json_add_str(e, "created_at", t->v[i].created_at);
			ec_json_add_str(e, "metric_name", t->v[i].metric_name);
			ec_json_add_num(e, "metric", t->v[i].metric);
			if (t->v[i].manifest_sha256[0])
				ec_json_add_str(e, "manifest_sha256", t->v[i].manifest_sha256);
		}
		struct ec_json *al = ec_json_add_object(tj, "aliases");
		for (size_t i = 0; i < t->n_alias; i++)
			ec_json_add_int(al, t->alias[i].name, t->alias[i].version);
		struct ec_json *hi = ec_json_add_array(tj, "production_history");
		for (size_t i = 0; i < t->n_hist; i++)
			ec_json_add_int(hi, NULL, t->history[i]);
	}
	return j;
}

int ec_registry_save(struct ec_registry *r, struct ec_err *err)
{
	char path[4096];
	if (r->lock_fd < 0)
		return ec_fail(err, EC_EINTERNAL, "registry: saving without the lock");
	snprintf(path, sizeof(path), "%s/registry.json", r->dir);
	struct ec_json *j = ec_registry_json(r);
	int rc = ec_json_write_file(j, path, err);
	ec_json_free(j);
	return rc;
}

void ec_registry_free(struct ec_registry *r)
{
	if (!r)
		return;
	if (r->lock_fd >= 0)
		close(r->lock_fd); /* releases the record lock */
	for (int k = 0; k < EC_REG_TASKS; k++) {
		free(r->task[k].v);
		free(r->task[k].alias);
		free(r->task[k].history);
	}
	free(r->dir);
	free(r);
}
