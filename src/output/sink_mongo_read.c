/* The MongoDB sink's other side: replaying spool files (never removing
 * one that was not read whole), and a user's history (export as JSON lines, a readable summary,
 * deletion). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ecomctl/event.h"
#include "ecomctl/json.h"
#include "ecomctl/sink_mongo_spool.h"
#include "sink_mongo_int.h"

#define SHOW_ROWS 20

/* A damaged spool's new name, <path>.damaged (then .damaged.2 ...), taken
 * with link() so that no other file is ever replaced. 0, or -1 with the
 * file left under its name. */
static int keep_damaged(const char *path, char *out, size_t cap)
{
	const char *base = strrchr(path, '/');
	if (strstr(base ? base : path, ".damaged")) {
		snprintf(out, cap, "%s", path);
		return 0;
	}
	for (int i = 1; i < 100; i++) {
		struct stat st;
		if (i == 1)
			snprintf(out, cap, "%s.damaged", path);
		else
			snprintf(out, cap, "%s.damaged.%d", path, i);
		if (link(path, out) == 0) {
			if (unlink(path) != 0)
				ec_log_warn("%s: also kept as %s; cannot remove this name: %s",
					    path, out, strerror(errno));
			return 0;
		}
		if (errno == EEXIST)
			continue;
		/* A file system without hard links: rename to a name seen free. */
		if (lstat(out, &st) != 0 && errno == ENOENT && rename(path, out) == 0)
			return 0;
		break;
	}
	ec_log_warn("%s: cannot rename the damaged spool file: %s", path, strerror(errno));
	snprintf(out, cap, "%s", path);
	return -1;
}

/* Maps the file at path: *data (NULL when empty) and *size. */
static int map_file(const char *path, void **data, size_t *size, struct ec_err *err)
{
	struct stat st;
	*data = NULL;
	*size = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ec_fail(err, EC_ENOINPUT, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ec_fail(err, EC_EDATA, "%s: not an ecomctl spool file (not a regular file)",
			       path);
	}
	if (st.st_size > 0) {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			int e = errno;
			close(fd);
			return ec_fail(err, EC_EIO, "%s: cannot read: %s", path, strerror(e));
		}
		*data = p;
		*size = (size_t)st.st_size;
	}
	close(fd);
	return 0;
}

int ec_mongo_replay_file(struct ec_mongo *m, const char *path, struct ec_mongo_replay *out,
			 struct ec_err *err)
{
	struct ec_spool_reader r;
	struct ec_spool_record rec;
	void *data;
	size_t size;
	memset(out, 0, sizeof(*out));
	snprintf(out->kept_as, sizeof(out->kept_as), "%s", path);
	int rc = map_file(path, &data, &size, err);
	if (rc < 0 || (rc = ec_spool_reader_init(&r, data ? data : "", size, path, err)) < 0) {
		if (data)
			munmap(data, size);
		return rc;
	}
	m->replaying = 1;
	uint64_t failed0 = ec_mongo_sum(m->failed);
	while (ec_spool_reader_next(&r, &rec)) {
		bson_t *doc = bson_new_from_data(rec.doc, rec.doc_len);
		if (doc)
			ec_mongo_queue(m, rec.coll, doc);
	}
	ec_mongo_flush_all(m);
	if (data)
		munmap(data, size);
	out->sent = r.n_records;
	out->unreadable = r.n_unreadable;
	out->damaged = !ec_spool_reader_whole(&r);
	out->not_acked = ec_mongo_sum(m->failed) - failed0;
	char damage[160] = "";
	if (out->damaged)
		snprintf(damage, sizeof(damage), "%" PRIu64 " unreadable (%s at byte %" PRIu64 ")",
			 out->unreadable,
			 r.header_damaged ? "the header is damaged; first damage" : "first damage",
			 r.first_damage);
	if (out->not_acked)
		return ec_mongo_fail(m, err, EC_ETEMPFAIL,
				     "%s: %" PRIu64 " of %" PRIu64
				     " documents were not acknowledged (%s); the file is kept%s%s",
				     path, out->not_acked, out->sent, m->first_error,
				     out->damaged ? "; it is also damaged: " : "", damage);
	if (out->damaged) {
		keep_damaged(path, out->kept_as, sizeof(out->kept_as));
		return ec_fail(err, EC_EDATA,
			       "%s: damaged spool file: %" PRIu64 " records sent, %s; kept as %s",
			       path, out->sent, damage, out->kept_as);
	}
	out->kept_as[0] = '\0';
	if (unlink(path) != 0) {
		snprintf(out->kept_as, sizeof(out->kept_as), "%s", path);
		ec_log_warn("%s: sent, but cannot remove it: %s", path, strerror(errno));
	}
	return 0;
}

/* ---- history ------------------------------------------------------------- */

static void user_filter(bson_t *f, uint64_t user_id)
{
	bson_init(f);
	ec_mongo_append_u64(f, "user_id", user_id);
}

static mongoc_cursor_t *find_user(struct ec_mongo *m, int coll, uint64_t user_id)
{
	bson_t f;
	user_filter(&f, user_id);
	bson_t *opts =
	    BCON_NEW("sort", "{", "start", BCON_INT32(1), "session_id", BCON_INT32(1), "}");
	mongoc_cursor_t *c = mongoc_collection_find_with_opts(m->coll[coll], &f, opts, NULL);
	bson_destroy(opts);
	bson_destroy(&f);
	return c;
}

static int cursor_failed(struct ec_mongo *m, mongoc_cursor_t *c, int coll, struct ec_err *err)
{
	bson_error_t e;
	if (!mongoc_cursor_error(c, &e))
		return 0;
	return ec_mongo_fail(m, err, ec_mongo_error_code(&e), "mongodb: reading %s: %s",
			     ec_mongo_coll_names[coll], e.message);
}

static int64_t start_ms(const bson_t *d)
{
	bson_iter_t it;
	if (!bson_iter_init_find(&it, d, "start"))
		return INT64_MIN;
	return BSON_ITER_HOLDS_DATE_TIME(&it) ? bson_iter_date_time(&it) : bson_iter_as_int64(&it);
}

static void print_line(const char *coll, const bson_t *d)
{
	struct ec_json *j = ec_json_object();
	ec_json_add_str(j, "collection", coll);
	ec_mongo_json_fields(j, d);
	char *s = ec_json_print(j, 0);
	fputs(s, stdout);
	fputc('\n', stdout);
	free(s);
	ec_json_free(j);
}

/* One document as canonical Extended JSON on a line (mongoimport reads it;
 * every type kept, int64 ids beyond 2^53 included). */
static void print_ejson(const bson_t *d)
{
	size_t len;
	char *s = bson_as_canonical_extended_json(d, &len);
	if (!s)
		return;
	fwrite(s, 1, len, stdout);
	fputc('\n', stdout);
	bson_free(s);
}

int ec_mongo_history_export(struct ec_mongo *m, uint64_t user_id, int ejson, int only, uint64_t *n,
			    struct ec_err *err)
{
	mongoc_cursor_t *cs = find_user(m, EC_MC_SESSIONS, user_id);
	mongoc_cursor_t *cp = find_user(m, EC_MC_PREDICTIONS, user_id);
	const bson_t *ds = NULL, *dp = NULL;
	int rc = 0;
	*n = 0;
	int more_s = only != 1 && mongoc_cursor_next(cs, &ds);
	int more_p = only != 0 && mongoc_cursor_next(cp, &dp);
	while (more_s || more_p) {
		if (more_s && (!more_p || start_ms(ds) <= start_ms(dp))) {
			if (ejson)
				print_ejson(ds);
			else
				print_line("sessions", ds);
			more_s = mongoc_cursor_next(cs, &ds);
		} else {
			if (ejson)
				print_ejson(dp);
			else
				print_line("predictions", dp);
			more_p = mongoc_cursor_next(cp, &dp);
		}
		++*n;
	}
	if ((rc = cursor_failed(m, cs, EC_MC_SESSIONS, err)) == 0)
		rc = cursor_failed(m, cp, EC_MC_PREDICTIONS, err);
	mongoc_cursor_destroy(cs);
	mongoc_cursor_destroy(cp);
	return rc;
}

static int64_t get_i64(const bson_t *d, const char *key)
{
	bson_iter_t it;
	if (!bson_iter_init_find(&it, d, key))
		return 0;
	if (BSON_ITER_HOLDS_DATE_TIME(&it))
		return bson_iter_date_time(&it) / 1000;
	return bson_iter_as_int64(&it);
}

static double get_num(const bson_t *d, const char *key)
{
	bson_iter_t it;
	return bson_iter_init_find(&it, d, key) ? bson_iter_as_double(&it) : 0.0;
}

/* The string at key (borrowed from d), or fallback. */
static const char *get_str(const bson_t *d, const char *key, const char *fallback)
{
	bson_iter_t it;
	if (bson_iter_init_find(&it, d, key) && BSON_ITER_HOLDS_UTF8(&it))
		return bson_iter_utf8(&it, NULL);
	return fallback;
}

int ec_mongo_history_show(struct ec_mongo *m, uint64_t user_id, struct ec_err *err)
{
	mongoc_cursor_t *c = find_user(m, EC_MC_SESSIONS, user_id);
	const bson_t *d;
	uint64_t n = 0, events = 0, purchases = 0, converted = 0;
	double revenue = 0;
	int64_t first = INT64_MAX, last = INT64_MIN;
	char t0[24], t1[24];
	int rc;
	printf("user %" PRIu64 "\n\nsession logs (oldest first; the last %d shown):\n", user_id,
	       SHOW_ROWS);
	printf("  %-23s  %8s  %6s  %5s  %5s  %9s  %-24s  %s\n", "start", "duration", "events",
	       "carts", "buys", "revenue", "top_category", "session_id");
	/* Rows are printed when a later one pushes them out of the window. */
	char **rows = ec_xcalloc(SHOW_ROWS, sizeof(*rows));
	while (mongoc_cursor_next(c, &d)) {
		int64_t s = get_i64(d, "start"), e = get_i64(d, "end");
		first = s < first ? s : first;
		last = e > last ? e : last;
		events += (uint64_t)get_i64(d, "events");
		purchases += (uint64_t)get_i64(d, "purchases");
		revenue += get_num(d, "revenue");
		converted += get_i64(d, "purchases") > 0;
		ec_time_format_iso(s, t0);
		char line[512];
		snprintf(line, sizeof(line),
			 "  %-23s  %7llds  %6lld  %5lld  %5lld  %9.2f  %-24.24s  %s", t0,
			 (long long)(e - s), (long long)get_i64(d, "events"),
			 (long long)get_i64(d, "carts"), (long long)get_i64(d, "purchases"),
			 get_num(d, "revenue"), get_str(d, "top_category", ""),
			 get_str(d, "session_id", ""));
		free(rows[n % SHOW_ROWS]);
		rows[n % SHOW_ROWS] = ec_xstrdup(line);
		n++;
	}
	for (uint64_t i = n > SHOW_ROWS ? n - SHOW_ROWS : 0; i < n; i++)
		printf("%s\n", rows[i % SHOW_ROWS]);
	for (int i = 0; i < SHOW_ROWS; i++)
		free(rows[i]);
	free(rows);
	rc = cursor_failed(m, c, EC_MC_SESSIONS, err);
	mongoc_cursor_destroy(c);
	if (rc < 0)
		return rc;
	if (n) {
		ec_time_format_iso(first, t0);
		ec_time_format_iso(last, t1);
		printf("\n%" PRIu64 " session logs from %s to %s: %" PRIu64 " events, %" PRIu64
		       " purchases in %" PRIu64 " sessions, revenue %.2f\n",
		       n, t0, t1, events, purchases, converted, revenue);
	} else {
		printf("  (none)\n");
	}

	c = find_user(m, EC_MC_PREDICTIONS, user_id);
	uint64_t np = 0;
	printf("\npredictions (oldest first):\n  %-23s  %9s  %8s  %-20s  %-20s  %s\n", "start",
	       "p_purchase", "decision", "top category", "models", "session_id");
	while (mongoc_cursor_next(c, &d)) {
		bson_iter_t it, cat, f;
		char p[16] = "-", dec[8] = "-", top[160] = "-", models[96];
		if (bson_iter_init_find(&it, d, "p_purchase") && !BSON_ITER_HOLDS_NULL(&it))
			snprintf(p, sizeof(p), "%.4f", bson_iter_as_double(&it));
		if (bson_iter_init_find(&it, d, "decision") && BSON_ITER_HOLDS_BOOL(&it))
			snprintf(dec, sizeof(dec), "%s", bson_iter_bool(&it) ? "yes" : "no");
		if (bson_iter_init_find(&it, d, "categories") && BSON_ITER_HOLDS_ARRAY(&it) &&
		    bson_iter_recurse(&it, &cat) && bson_iter_next(&cat) &&
		    BSON_ITER_HOLDS_DOCUMENT(&cat) && bson_iter_recurse(&cat, &f) &&
		    bson_iter_find(&f, "category") && BSON_ITER_HOLDS_UTF8(&f))
			snprintf(top, sizeof(top), "%s", bson_iter_utf8(&f, NULL));
		snprintf(models, sizeof(models), "%s/%s", get_str(d, "intent_model", "-"),
			 get_str(d, "category_model", "-"));
		ec_time_format_iso(get_i64(d, "start"), t0);
		if (np < SHOW_ROWS)
			printf("  %-23s  %9s  %8s  %-20.20s  %-20.20s  %s\n", t0, p, dec, top,
			       models, get_str(d, "session_id", ""));
		np++;
	}
	rc = cursor_failed(m, c, EC_MC_PREDICTIONS, err);
	mongoc_cursor_destroy(c);
	if (rc < 0)
		return rc;
	if (np > SHOW_ROWS)
		printf("  ... %" PRIu64 " more (ecomctl history export shows them all)\n",
		       np - SHOW_ROWS);
	printf("%s%" PRIu64 " predictions\n", np ? "\n" : "  (none)\n\n", np);
	return 0;
}

int ec_mongo_history_delete(struct ec_mongo *m, uint64_t user_id, uint64_t *n_sessions,
			    uint64_t *n_predictions, struct ec_err *err)
{
	const int colls[2] = {EC_MC_SESSIONS, EC_MC_PREDICTIONS};
	uint64_t *counts[2] = {n_sessions, n_predictions};
	for (int i = 0; i < 2; i++) {
		bson_t f, reply;
		bson_error_t e;
		bson_iter_t it;
		user_filter(&f, user_id);
		int ok = mongoc_collection_delete_many(m->coll[colls[i]], &f, NULL, &reply, &e);
		bson_destroy(&f);
		*counts[i] = 0;
		if (ok && bson_iter_init_find(&it, &reply, "deletedCount"))
			*counts[i] = (uint64_t)bson_iter_as_int64(&it);
		bson_destroy(&reply);
		if (!ok)
			return ec_mongo_fail(m, err, ec_mongo_error_code(&e),
					     "mongodb: deleting from %s: %s",
					     ec_mongo_coll_names[colls[i]], e.message);
	}
	return 0;
}
