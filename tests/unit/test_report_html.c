/*
 * test_report_html.c -- unit tests of ec_model_report_html() (report.h): the
 * hand-written model-report.json fixtures of tests/cli/models/report_html/
 * are rendered and the page is read back by a small HTML tokenizer written
 * here (not the renderer's code): the sections due for the task are there
 * and no other, tags nest, text holds no raw markup, every string from the
 * document comes back unchanged once entities are decoded (so hostile ones
 * were escaped), missing values read "not available" or "–", and a failed
 * write is EC_EIO.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "ecomctl/common.h"
#include "ecomctl/json.h"
#include "ecomctl/report.h"

#define MAX_SECTIONS 32
#define MAX_DEPTH 64

struct section {
	char id[32];
	char *text; /* decoded text inside it, runs separated by '\n' */
	size_t len, cap;
};

/* What the tokenizer saw of a page. */
struct page {
	struct section sections[MAX_SECTIONS];
	int n_sections;
	int n_problems; /* bad nesting, raw markup in text, unknown entities */
	int n_scripts, n_comments;
	char problem[256]; /* the first one */
};

static void problem(struct page *p, const char *what, const char *at)
{
	if (p->n_problems++ == 0)
		snprintf(p->problem, sizeof(p->problem), "%s at '%.40s'", what, at);
}

static void append(struct section *s, const char *bytes, size_t n)
{
	EC_GROW(s->text, s->cap, s->len + n + 1);
	memcpy(s->text + s->len, bytes, n);
	s->len += n;
	s->text[s->len] = '\0';
}

static void append_code_point(struct section *s, unsigned long c)
{
	char u[4];
	if (c < 0x80) {
		u[0] = (char)c;
		append(s, u, 1);
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3f));
		append(s, u, 2);
	} else {
		u[0] = (char)(0xe0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		append(s, u, 3);
	}
}

/* Decodes the text run [s, end) into sec (may be NULL: checked only). */
static void text_run(struct page *p, struct section *sec, const char *s, const char *end)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {{"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"quot;", '"'}, {"apos;", '\''}};
	struct section scratch = {{0}, NULL, 0, 0};
	struct section *out = sec ? sec : &scratch;

	while (s < end) {
		if (*s == '<' || *s == '>') {
			problem(p, "raw markup in text", s);
			s++;
		} else if (*s == '&') {
			size_t i, n = 0;
			for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
				n = strlen(named[i].name);
				if ((size_t)(end - s - 1) >= n &&
				    strncmp(s + 1, named[i].name, n) == 0)
					break;
			}
			if (i < sizeof(named) / sizeof(named[0])) {
				append(out, &named[i].c, 1);
				s += 1 + n;
			} else if (s[1] == '#') {
				char *stop;
				int hex = s[2] == 'x' || s[2] == 'X';
				unsigned long c = strtoul(s + 2 + hex, &stop, hex ? 16 : 10);
				if (stop == s + 2 + hex || *stop != ';' || c == 0 || c > 0xffff) {
					problem(p, "bad character reference", s);
					s++;
				} else {
					append_code_point(out, c);
					s = stop + 1;
				}
			} else {
				problem(p, "bare &", s);
				s++;
			}
		} else {
			append(out, s, 1);
			s++;
		}
	}
	if (sec)
		append(sec, "\n", 1);
	free(scratch.text);
}

static int is_void(const char *tag)
{
	static const char *const v[] = {"meta", "br", "hr", "img", "input", "link", "wbr", "col"};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (strcmp(tag, v[i]) == 0)
			return 1;
	return 0;
}

/* Reads one start tag from s (just after '<'): its name into tag, the value
 * of its id attribute into id; returns the end (after '>'), *self_closing. */
static const char *start_tag(struct page *p, const char *s, char *tag, size_t tag_size, char *id,
			     size_t id_size, int *self_closing)
{
	size_t n = 0;
	*self_closing = 0;
	id[0] = '\0';
	while (isalnum((unsigned char)*s) && n + 1 < tag_size)
		tag[n++] = (char)tolower((unsigned char)*s++);
	tag[n] = '\0';
	if (n == 0)
		problem(p, "a tag without a name", s);
	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0') {
			problem(p, "unterminated tag", tag);
			return s;
		}
		if (*s == '>')
			return s + 1;
		if (s[0] == '/' && s[1] == '>') {
			*self_closing = 1;
			return s + 2;
		}
		const char *name = s;
		while (*s && !isspace((unsigned char)*s) && *s != '=' && *s != '>' && *s != '/')
			s++;
		size_t name_len = (size_t)(s - name);
		if (name_len == 0) {
			problem(p, "junk in a tag", s);
			s++;
			continue;
		}
		if (*s != '=')
			continue;
		s++;
		const char *value = s, *value_end;
		if (*s == '"' || *s == '\'') {
			char q = *s++;
			value = s;
			while (*s && *s != q)
				s++;
			value_end = s;
			if (*s)
				s++;
		} else {
			while (*s && !isspace((unsigned char)*s) && *s != '>')
				s++;
			value_end = s;
		}
		for (const char *c = value; c < value_end; c++)
			if (*c == '<')
				problem(p, "raw < in an attribute", value);
		if (name_len == 2 && strncmp(name, "id", 2) == 0) {
			size_t k = (size_t)(value_end - value);
			k = k < id_size - 1 ? k : id_size - 1;
			memcpy(id, value, k);
			id[k] = '\0';
		}
		if (name_len > 2 && strncmp(name, "on", 2) == 0)
			problem(p, "an event handler attribute", name);
	}
}

static void page_parse(struct page *p, const char *html)
{
	char stack[MAX_DEPTH][16];
	int sec_of[MAX_DEPTH]; /* index of the innermost section open at each depth */
	int depth = 0;
	const char *s = html;

	memset(p, 0, sizeof(*p));
	if (strncmp(s, "<!DOCTYPE html>", 15) != 0)
		problem(p, "no doctype", s);
	while (*s) {
		const char *lt = strchr(s, '<');
		const char *end = lt ? lt : s + strlen(s);
		int cur = depth ? sec_of[depth - 1] : -1;
		if (end > s && !(depth && strcmp(stack[depth - 1], "style") == 0))
			text_run(p, cur >= 0 ? &p->sections[cur] : NULL, s, end);
		if (!lt)
			break;
		if (strncmp(lt, "<!--", 4) == 0) {
			p->n_comments++;
			const char *close = strstr(lt, "-->");
			s = close ? close + 3 : lt + strlen(lt);
		} else if (lt[1] == '!') {
			const char *close = strchr(lt, '>');
			s = close ? close + 1 : lt + strlen(lt);
		} else if (lt[1] == '/') {
			char tag[16];
			size_t n = 0;
			s = lt + 2;
			while (isalnum((unsigned char)*s) && n + 1 < sizeof(tag))
				tag[n++] = (char)tolower((unsigned char)*s++);
			tag[n] = '\0';
			if (*s != '>')
				problem(p, "junk in an end tag", lt);
			else
				s++;
			if (depth == 0 || strcmp(stack[depth - 1], tag) != 0)
				problem(p, "end tag closes another element", lt);
			else
				depth--;
		} else {
			char tag[16], id[32];
			int self_closing;
			s = start_tag(p, lt + 1, tag, sizeof(tag), id, sizeof(id), &self_closing);
			if (strcmp(tag, "script") == 0)
				p->n_scripts++;
			if (self_closing || is_void(tag))
				continue;
			if (depth == MAX_DEPTH) {
				problem(p, "nested too deep", lt);
				continue;
			}
			snprintf(stack[depth], sizeof(stack[depth]), "%s", tag);
			sec_of[depth] = cur;
			if (strcmp(tag, "section") == 0 && p->n_sections < MAX_SECTIONS) {
				snprintf(p->sections[p->n_sections].id, sizeof(p->sections[0].id),
					 "%s", id);
				sec_of[depth] = p->n_sections++;
			}
			depth++;
		}
	}
	if (depth)
		problem(p, "unclosed elements", stack[depth - 1]);
}

static void page_release(struct page *p)
{
	for (int i = 0; i < p->n_sections; i++)
		free(p->sections[i].text);
}

/* The decoded text of section id, or NULL when the page has no such section. */
static const char *section_text(const struct page *p, const char *id)
{
	for (int i = 0; i < p->n_sections; i++)
		if (strcmp(p->sections[i].id, id) == 0)
			return p->sections[i].text ? p->sections[i].text : "";
	return NULL;
}

static const char *fixture_path(const char *name)
{
	static char path[1024];
	const char *src = getenv("EC_SOURCE_DIR");
	if (!src)
		fail_msg("EC_SOURCE_DIR is not set (run under ctest)");
	snprintf(path, sizeof(path), "%s/tests/cli/models/report_html/%s", src, name);
	return path;
}

static struct ec_json *load(const char *name)
{
	struct ec_json *j = NULL;
	struct ec_err err = {0};
	if (ec_json_read_file(&j, fixture_path(name), &err) < 0)
		fail_msg("%s", err.msg);
	return j;
}

/* Renders report and parses the page; returns the page's text (free()). */
static char *render(struct page *p, const struct ec_json *report)
{
	char *html = NULL;
	size_t n = 0;
	struct ec_err err = {0};
	FILE *f = open_memstream(&html, &n);
	assert_non_null(f);
	assert_int_equal(ec_model_report_html(f, report, &err), 0);
	assert_int_equal(fclose(f), 0);
	page_parse(p, html);
	if (p->n_problems)
		fail_msg("%d problems in the page, first: %s", p->n_problems, p->problem);
	assert_int_equal(p->n_scripts, 0);
	assert_int_equal(p->n_comments, 0);
	return html;
}

/* The page has exactly the sections named in want (NULL-terminated). */
static void assert_sections(const struct page *p, const char *const *want)
{
	int n_want = 0;
	for (; want[n_want]; n_want++)
		if (!section_text(p, want[n_want]))
			fail_msg("no section id=\"%s\"", want[n_want]);
	for (int i = 0; i < p->n_sections; i++) {
		int known = 0;
		for (int k = 0; k < n_want; k++)
			known |= strcmp(p->sections[i].id, want[k]) == 0;
		if (!known)
			fail_msg("unexpected section id=\"%s\"", p->sections[i].id);
	}
}

static void assert_contains(const char *text, const char *what, const char *where)
{
	if (!text || !strstr(text, what))
		fail_msg("section %s lacks \"%s\"", where, what);
}

static int says_not_available(const char *text)
{
	char *lower = ec_xstrdup(text);
	for (char *c = lower; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	int yes = strstr(lower, "not available") != NULL;
	free(lower);
	return yes;
}

/* No "nan" or "inf" word: a missing number must read "–". */
static void assert_no_nan_text(const struct page *p)
{
	for (int i = 0; i < p->n_sections; i++) {
		const char *t = p->sections[i].text ? p->sections[i].text : "";
		for (const char *c = t; *c; c++) {
			if (c > t && isalpha((unsigned char)c[-1]))
				continue;
			if ((strncasecmp(c, "nan", 3) == 0 || strncasecmp(c, "inf", 3) == 0) &&
			    !isalpha((unsigned char)c[3]))
				fail_msg("section %s shows '%.10s'", p->sections[i].id, c);
		}
	}
}

static void test_report_html__intent(void **state)
{
	static const char *const want[] = {"summary", "metrics",   "curves",	 "calibration",
					   "gains",   "confusion", "importance", "lineage",
					   "trials",  "drift",	   NULL};
	struct ec_json *r = load("intent.json");
	struct page p;
	char *html = render(&p, r);
	(void)state;

	assert_sections(&p, want);
	const struct ec_json *imp = ec_json_get(r, "importance");
	assert_int_equal(ec_json_size(imp), 12);
	for (size_t i = 0; i < ec_json_size(imp); i++)
		assert_contains(section_text(&p, "importance"),
				ec_json_str(ec_json_get(ec_json_at(imp, i), "feature"), "?"),
				"importance");
	/* escaped on the wire, intact once decoded */
	assert_contains(section_text(&p, "importance"), "<script>alert(1)</script>&\"",
			"importance");
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<b>bold"));
	assert_null(strstr(html, "<img"));
	assert_contains(section_text(&p, "summary"), "intent@v3", "summary");
	assert_contains(section_text(&p, "summary"), "production <i>&amp;</i>", "summary");
	assert_contains(section_text(&p, "summary"), "2019-10-01T00:00:00Z", "summary");
	assert_contains(section_text(&p, "summary"), "2060", "summary");
	const struct ec_json *lin = ec_json_get(r, "lineage");
	assert_contains(section_text(&p, "lineage"),
			ec_json_str(ec_json_get(lin, "command_line"), "?"), "lineage");
	assert_contains(section_text(&p, "lineage"), "data/<b>Oct</b> & 'Nov'.csv.gz", "lineage");
	assert_contains(section_text(&p, "lineage"), "</td></tr></table><!--", "lineage");
	assert_contains(section_text(&p, "drift"), "20191008T020000Z-<x>&y", "drift");
	assert_contains(section_text(&p, "drift"), "<img src=x onerror=alert(2)>", "drift");
	/* cart_count's log_loss and brier are null */
	assert_contains(section_text(&p, "metrics"), "\xe2\x80\x93", "metrics");
	assert_no_nan_text(&p);
	page_release(&p);
	free(html);
	ec_json_free(r);
}

static void test_report_html__category(void **state)
{
	static const char *const want[] = {"summary",	 "metrics", "calibration", "importance",
					   "candidates", "lineage", "trials",	   NULL};
	struct ec_json *r = load("category.json");
	struct page p;
	char *html = render(&p, r);
	(void)state;

	assert_sections(&p, want);
	/* the top 20 of 23 features by gain, no more */
	const struct ec_json *imp = ec_json_get(r, "importance");
	const char *text = section_text(&p, "importance");
	assert_int_equal(ec_json_size(imp), 23);
	for (size_t i = 0; i < ec_json_size(imp); i++) {
		const char *name = ec_json_str(ec_json_get(ec_json_at(imp, i), "feature"), "?");
		if (i < 20)
			assert_contains(text, name, "importance");
		else if (strstr(text, name))
			fail_msg("feature %zu (%s) is beyond the top 20 but shown", i + 1, name);
	}
	assert_contains(section_text(&p, "summary"), "later & <new>.csv", "summary");
	assert_contains(section_text(&p, "summary"), "b.csv.gz", "summary");
	for (int k = 1; k <= 3; k++) {
		char name[32];
		snprintf(name, sizeof(name), "p_category_%d", k);
		assert_contains(section_text(&p, "calibration"), name, "calibration");
	}
	assert_contains(section_text(&p, "candidates"), "0.9354", "candidates");
	assert_contains(section_text(&p, "candidates"), "0.9118", "candidates");
	assert_true(says_not_available(section_text(&p, "trials")));
	assert_no_nan_text(&p);
	page_release(&p);
	free(html);
	ec_json_free(r);
}

/* Only schema_version, model and task: every section of the task is there
 * and says its data is not available; no drift. */
static void test_report_html__minimal(void **state)
{
	static const char *const intent[] = {"summary", "metrics",   "curves",	   "calibration",
					     "gains",	"confusion", "importance", "lineage",
					     "trials",	NULL};
	static const char *const category[] = {"summary",    "metrics", "calibration", "importance",
					       "candidates", "lineage", "trials",      NULL};
	static const struct {
		const char *file, *model;
		const char *const *sections;
	} cases[] = {{"minimal.json", "intent@v1", intent},
		     {"minimal_category.json", "category@v7", category}};
	(void)state;

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct ec_json *r = load(cases[c].file);
		struct page p;
		char *html = render(&p, r);
		assert_sections(&p, cases[c].sections);
		assert_contains(section_text(&p, "summary"), cases[c].model, "summary");
		for (const char *const *id = cases[c].sections; *id; id++)
			if (!says_not_available(section_text(&p, *id)))
				fail_msg("%s: section %s does not say 'not available'",
					 cases[c].file, *id);
		assert_no_nan_text(&p);
		page_release(&p);
		free(html);
		ec_json_free(r);
	}
}

/* A stream that cannot be written (opened for reading): EC_EIO, err set. */
static void test_report_html__write_fails(void **state)
{
	struct ec_json *r = load("intent.json");
	struct ec_err err = {0};
	FILE *f = fopen(fixture_path("intent.json"), "r");
	(void)state;

	assert_non_null(f);
	assert_int_equal(ec_model_report_html(f, r, &err), EC_EIO);
	assert_int_equal(err.code, EC_EIO);
	assert_true(err.msg[0] != '\0');
	fclose(f);
	ec_json_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_html__intent),
	    cmocka_unit_test(test_report_html__category),
	    cmocka_unit_test(test_report_html__minimal),
	    cmocka_unit_test(test_report_html__write_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
