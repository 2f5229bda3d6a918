"""Checks a rendered model-report.html against the model-report.json it was
rendered from, reading the page with Python's html.parser (not the C code):

  python3 check.py REPORT.json PAGE.html [REPORT.json PAGE.html ...]

The page must be well-formed (tags closed in order, no raw < > & in text),
self-contained (no script, no event handler, no URL to fetch) and hold the
sections due for the task and no other. Their content is compared with the
document: tables cell by cell (null as "–"), the best of each metric row
marked, charts point by point in pixels through the plot's own diagonal or
axis ticks (round numbers), importance bars proportional to gain for the
top 20 features, every chart element with a <title>. A document with a key
missing says "not available" in that key's section.
"""
import json
import math
import re
import sys
from html.parser import HTMLParser

VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col"}
DASH = "\u2013"
INTENT = ["summary", "metrics", "curves", "calibration", "gains", "confusion",
          "importance", "lineage", "trials"]
CATEGORY = ["summary", "metrics", "calibration", "importance", "candidates",
            "lineage", "trials"]
LOWER_IS_BETTER = {"log_loss", "brier"}

errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)
    return cond


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []  # Nodes and strings

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag):
        for c in self.children:
            if isinstance(c, Node):
                if c.tag == tag:
                    yield c
                yield from c.find_all(tag)

    def find(self, tag):
        return next(self.find_all(tag), None)

    def elements(self):
        return [c for c in self.children if isinstance(c, Node)]

    def classes(self):
        return set(self.attrs.get("class", "").split())


class Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.root = Node("#root", [], None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            check(not k.startswith("on"), "event handler attribute %s" % k)
            check(k not in ("src", "href", "xlink:href", "srcset", "action"),
                  "a URL attribute %s=%r" % (k, v))
            check(v is None or not re.search(r"url\(|https?:|@import", v),
                  "a URL in %s=%r" % (k, v))
        check(tag not in ("script", "link", "img", "iframe", "object", "embed", "base"),
              "a <%s> element" % tag)
        node = Node(tag, attrs, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.cur = self.cur.parent

    def handle_endtag(self, tag):
        if check(self.cur.tag == tag, "</%s> closes <%s>" % (tag, self.cur.tag)):
            self.cur = self.cur.parent

    def handle_data(self, data):
        if self.cur.tag == "style":
            check(not re.search(r"url\(|@import|https?:", data), "a URL in the style sheet")
            return
        check(not re.search(r"[<>&]", data), "raw markup in text: %r" % data[:60])
        self.cur.children.append(data)

    def handle_entityref(self, name):
        known = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
        check(name in known, "unknown entity &%s;" % name)
        self.cur.children.append(known.get(name, "?"))

    def handle_charref(self, name):
        self.cur.children.append(chr(int(name[1:], 16) if name[:1] in "xX" else int(name)))

    def handle_comment(self, data):
        errors.append("a comment: %r" % data[:60])


def number(cell):
    """A cell's number: None for "–", a float otherwise (a % sign divides)."""
    t = cell.strip()
    if t == DASH:
        return None
    scale = 100.0 if t.endswith("%") else 1.0
    try:
        return float(t.rstrip("%")) / scale
    except ValueError:
        errors.append("not a number: %r" % t)
        return float("nan")


def near(a, b, tol):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol


def rows(table):
    """[(tr node, [cell text, ...], [cell node, ...])] of a table."""
    out = []
    for tr in table.find_all("tr"):
        cells = [c for c in tr.elements() if c.tag in ("td", "th")]
        out.append((tr, [c.text() for c in cells], cells))
    return out


def points(polyline):
    return [tuple(map(float, p.split(","))) for p in polyline.attrs["points"].split()]


def fnum(node, key):
    return float(node.attrs[key])


def has_title(node):
    kids = node.elements()
    return bool(kids) and kids[0].tag == "title" and kids[0].text().strip() != ""


def check_svg_titles(section):
    for svg in section.find_all("svg"):
        check(has_title(svg), "#%s: an svg without a leading <title>" % section.attrs["id"])
        for tag in ("polyline", "circle", "rect"):
            for el in svg.find_all(tag):
                check(has_title(el), "#%s: a <%s> without a <title>" % (section.attrs["id"], tag))


def ticks(svg):
    """The tick labels of a plot as numbers, each round (two significant digits)."""
    vals = []
    for t in svg.find_all("text"):
        if "tick" in t.classes():
            v = float(t.text())
            check(v == float("%.2g" % v), "tick %r is not round" % t.text())
            vals.append(v)
    return vals


def unit_axes(svg, what):
    check(set(ticks(svg)) == {0, 0.2, 0.4, 0.6, 0.8, 1}, "%s: ticks %s" % (what, ticks(svg)))


def diagonal(svg):
    """The dashed diagonal: (x at 0, y at 0, x at the axis end, y at the axis end)."""
    for line in svg.find_all("line"):
        x1, y1, x2, y2 = (fnum(line, k) for k in ("x1", "y1", "x2", "y2"))
        if x2 > x1 and y2 < y1 and "grid" not in line.classes():
            return x1, y1, x2, y2
    errors.append("no diagonal line")
    return 0, 1, 1, 0


def on_curve(pts, x, y, what, tol=0.6):
    check(any(abs(px - x) <= tol and abs(py - y) <= tol for px, py in pts),
          "%s: no vertex at (%.1f, %.1f)" % (what, x, y))


def check_summary(sec, r):
    t = sec.text()
    for k in ("model", "task", "aliases", "created_at"):
        if r.get(k):
            check(r[k] in t, "#summary lacks %s %r" % (k, r[k]))
    if not r.get("created_at"):
        check("not available" in t.lower(), "#summary: no created_at, not said")
    on = r.get("evaluated_on") or {}
    for f in on.get("files") or []:
        check(f in t, "#summary lacks the file %r" % f)
    if on.get("sessions") is not None:
        check(str(on["sessions"]) in t, "#summary lacks the sessions")
    if on.get("from"):
        check(on["from"] in t, "#summary lacks evaluated_on.from")


def check_metrics(sec, r):
    m, base = r.get("metrics"), r.get("baselines") or {}
    table = sec.find("table")
    if not m:
        return
    if not check(table is not None, "#metrics: no table"):
        return
    rs = rows(table)
    head = [h.strip() for h in rs[0][1]]
    check(head[2:] == list(base), "#metrics: columns %s, baselines %s" % (head, list(base)))
    by_name = {texts[0].strip(): (texts, cells) for _, texts, cells in rs[1:]}
    for k, v in m.items():
        if not check(k in by_name, "#metrics: no row for %s" % k):
            continue
        texts, cells = by_name[k]
        values = [v] + [base[b].get(k) for b in base]
        in_base = any(k in base[b] for b in base)
        for i, want in enumerate(values):
            if i > 0 and not in_base:
                continue
            got = number(texts[1 + i])
            check(near(got, want, 5e-5), "#metrics %s column %d: %r, want %r" %
                  (k, i, texts[1 + i], want))
        present = [x for x in values if x is not None]
        ranked = in_base and "threshold" not in k and present
        best = (min if k in LOWER_IS_BETTER else max)(present) if ranked else None
        for i, want in enumerate(values):
            marked = "best" in cells[1 + i].classes()
            should = ranked and want is not None and want == best
            check(marked == bool(should), "#metrics %s column %s: marked %s, best %s" %
                  (k, head[1 + i], marked, best))


def check_curves(sec, r):
    c = r.get("curves")
    if not c:
        return
    svgs = {("roc" if "roc" in s.find("title").text().lower() else "pr"): s
            for s in sec.find_all("svg")}
    check(set(svgs) == {"roc", "pr"}, "#curves: svgs %s" % list(svgs))
    roc, pr = svgs.get("roc"), svgs.get("pr")
    if roc is not None and c.get("roc"):
        unit_axes(roc, "ROC")
        x0, y0, x1, y1 = diagonal(roc)
        pts = points(roc.find("polyline"))
        check(len(pts) == len(c["roc"]), "ROC: %d vertices for %d points" %
              (len(pts), len(c["roc"])))
        for p in c["roc"]:
            on_curve(pts, x0 + (x1 - x0) * p["fpr"], y0 + (y1 - y0) * p["tpr"], "ROC")
    if pr is not None and c.get("pr"):
        unit_axes(pr, "PR")
        pts = points(pr.find("polyline"))
        check(len(pts) == len(c["pr"]), "PR: %d vertices" % len(pts))
        base = ((r.get("baselines") or {}).get("base_rate") or {}).get("pr_auc")
        flat = [l for l in pr.find_all("line")
                if "grid" not in l.classes() and fnum(l, "y1") == fnum(l, "y2")]
        if base is None:
            check(not flat, "PR: a base-rate line without a base rate")
        elif check(len(flat) == 1, "PR: %d base-rate lines" % len(flat)):
            # the fixture's last PR point is recall 1 at precision = the base rate
            last, first = pts[-1], pts[0]
            check(abs(fnum(flat[0], "y1") - last[1]) <= 0.6, "PR: base rate line off")
            check(abs(fnum(flat[0], "x1") - first[0]) <= 0.6 and
                  abs(fnum(flat[0], "x2") - last[0]) <= 0.6, "PR: base rate line span")


def check_calibration(sec, r):
    d = r.get("calibration")
    if not d:
        return
    svg = sec.find("svg")
    top = max(ticks(svg))
    check(top >= max(max(x["predicted"] or 0, x["observed"] or 0) for x in d),
          "#calibration: axis ends at %g, below the data" % top)
    check(top <= 2.5 * max(max(x["predicted"] or 0, x["observed"] or 0) for x in d),
          "#calibration: axis ends at %g, far above the data" % top)
    x0, y0, x1, y1 = diagonal(svg)
    dots = [(fnum(c, "cx"), fnum(c, "cy")) for c in svg.find_all("circle")]
    full = [x for x in d if x["predicted"] is not None and x["observed"] is not None]
    check(len(dots) == len(full), "#calibration: %d dots, %d deciles" % (len(dots), len(full)))
    for x in full:
        on_curve(dots, x0 + (x1 - x0) * x["predicted"] / top,
                 y0 + (y1 - y0) * x["observed"] / top, "#calibration dots")
    tables = list(sec.find_all("table"))
    want = [d] + [k.get("deciles") or [] for k in (r.get("calibration_by_rank") or [])[1:]]
    check(len(tables) == len(want), "#calibration: %d tables" % len(tables))
    for table, dec in zip(tables, want):
        body = rows(table)[1:]
        check(len(body) == len(dec), "#calibration: %d rows for %d deciles" %
              (len(body), len(dec)))
        for (_, texts, _), x in zip(body, dec):
            got = [number(t) for t in texts[1:]]
            check(near(got[0], x["n"], 0.5) and near(got[1], x["predicted"], 5e-5) and
                  near(got[2], x["observed"], 5e-5), "#calibration row %s vs %s" % (texts, x))
    for k in r.get("calibration_by_rank") or []:
        check("p_category_%d" % k["k"] in sec.text(), "#calibration lacks rank %d" % k["k"])


def check_gains(sec, r):
    g = r.get("gains")
    if not g:
        return
    svg = sec.find("svg")
    unit_axes(svg, "gains")
    x0, y0, x1, y1 = diagonal(svg)
    pts = points(svg.find("polyline"))
    for p in g:
        on_curve(pts, x0 + (x1 - x0) * p["top"], y0 + (y1 - y0) * p["captured"], "gains")
    body = rows(sec.find("table"))[1:]
    check(len(body) == len(g), "#gains: %d rows" % len(body))
    for (_, texts, _), p in zip(body, g):
        got = [number(t) for t in texts]
        check(near(got[0], p["top"], 1e-6) and near(got[1], p["captured"], 5e-4) and
              near(got[2], p["lift"], 5e-3), "#gains row %s vs %s" % (texts, p))


def check_confusion(sec, r):
    c = r.get("confusion")
    if not c:
        return
    cells = sorted(number(t) for _, texts, _ in rows(sec.find("table"))[1:] for t in texts[1:])
    check(cells == sorted(float(c[k]) for k in ("tp", "fp", "fn", "tn")),
          "#confusion: cells %s" % cells)
    nums = [float(x) for x in re.findall(r"\d+\.\d+", sec.text())]
    for what, v in (("threshold", c["threshold"]), ("precision", c["tp"] / (c["tp"] + c["fp"])),
                    ("recall", c["tp"] / (c["tp"] + c["fn"]))):
        check(any(abs(n - v) <= 5e-5 for n in nums), "#confusion lacks %s %.4f" % (what, v))


def check_importance(sec, r):
    imp = r.get("importance") or []
    if not imp:
        return
    top = imp[:20]
    svg = sec.find("svg")
    bars = list(svg.find_all("rect"))
    check(len(bars) == len(top), "#importance: %d bars for %d features" % (len(bars), len(top)))
    labels = [t.text() for t in svg.find_all("text")]
    for i, f in enumerate(imp):
        shown = f["feature"] in labels
        check(shown == (i < 20), "#importance: %r shown %s" % (f["feature"], shown))
    names = [f["feature"] for f in top]
    order = [n for n in labels if n in names]
    check(order == names, "#importance: bars not in the order of gain")
    w0 = fnum(bars[0], "width") if bars else 0
    for b, f in zip(bars, top):
        want = w0 * f["gain"] / top[0]["gain"]
        check(abs(fnum(b, "width") - want) <= 0.2, "#importance: bar of %r is %s wide, want %.1f"
              % (f["feature"], b.attrs["width"], want))
        check(f["feature"] in b.find("title").text(), "#importance: bar title lacks its name")


def check_candidates(sec, r):
    m = r.get("metrics") or {}
    nums = [float(x) for x in re.findall(r"\d+\.\d+", sec.text())]
    for k in ("candidate_recall", "ceiling"):
        if m.get(k) is not None:
            check(any(abs(n - m[k]) <= 5e-5 for n in nums), "#candidates lacks %s" % k)


def check_lineage(sec, r):
    lin = r.get("lineage")
    t = sec.text()
    if not lin:
        return
    if lin.get("command_line"):
        check(lin["command_line"] in t, "#lineage lacks the command line")
    for i in lin.get("inputs") or []:
        for k in ("path", "sha256"):
            if i.get(k):
                check(i[k] in t, "#lineage lacks input %s %r" % (k, i[k]))
    for k, v in (lin.get("params") or {}).items():
        check(k in t and str(v) in t, "#lineage lacks param %s=%s" % (k, v))
    for k, v in (lin.get("rounds") or {}).items():
        check(str(v) in t, "#lineage lacks rounds.%s" % k)


def check_trials(sec, r):
    tr = r.get("trials")
    if not tr:
        return
    body = rows(sec.find("table"))[1:]
    check(len(body) == len(tr), "#trials: %d rows for %d trials" % (len(body), len(tr)))
    for (row, texts, _), x in zip(body, tr):
        check(("best" in row.classes()) == bool(x.get("selected")),
              "#trials: selected trial not marked, or another marked")
        for k, v in (x.get("params") or {}).items():
            check("%s=%s" % (k, v) in " ".join(texts), "#trials lacks %s=%s" % (k, v))


def check_drift(sec, r):
    d = r["drift"]
    check(d["run_id"] in sec.text(), "#drift lacks the run id")
    body = rows(sec.find("table"))[1:]
    check(len(body) == len(d["psi"]), "#drift: %d rows" % len(body))
    for (row, texts, _), p in zip(body, d["psi"]):
        check(texts[0] == p["name"], "#drift: row %r for %r" % (texts[0], p["name"]))
        check(near(number(texts[1]), p["psi"], 5e-4), "#drift: psi %r" % texts[1])
        check(("warn" in row.classes()) == bool(p["warn"]), "#drift: %r warn marking" % p["name"])
        svg = row.find("svg")
        check(svg is not None and len(list(svg.find_all("rect"))) == 2 * len(p["bins"]),
              "#drift: %r: not two bars a bin" % p["name"])


def check_page(report_path, page_path):
    r = json.load(open(report_path, encoding="utf-8"))
    text = open(page_path, encoding="utf-8").read()
    check(text.startswith("<!DOCTYPE html>"), "no doctype")
    tree = Tree()
    tree.feed(text)
    tree.close()
    check(tree.cur is tree.root, "unclosed <%s>" % tree.cur.tag)
    sections = {s.attrs.get("id"): s for s in tree.root.find_all("section")}
    want = list(INTENT if r["task"] == "intent" else CATEGORY)
    if r.get("drift"):
        want.append("drift")
    check(sorted(sections) == sorted(want), "sections %s, want %s" % (sorted(sections), want))
    key_of = {"curves": "curves", "calibration": "calibration", "gains": "gains",
              "confusion": "confusion", "importance": "importance", "lineage": "lineage",
              "trials": "trials", "metrics": "metrics", "candidates": "metrics"}
    for sid, sec in sections.items():
        check_svg_titles(sec)
        words = sec.text()
        check(not re.search(r"\b(nan|inf)\b", words, re.I), "#%s shows nan or inf" % sid)
        if sid in key_of and not r.get(key_of[sid]):
            check("not available" in words.lower(), "#%s: no data, not said" % sid)
    checks = {"summary": check_summary, "metrics": check_metrics, "curves": check_curves,
              "calibration": check_calibration, "gains": check_gains,
              "confusion": check_confusion, "importance": check_importance,
              "candidates": check_candidates, "lineage": check_lineage,
              "trials": check_trials, "drift": check_drift}
    for sid, sec in sections.items():
        if sid in checks:
            checks[sid](sec, r)
    for e in errors[:20]:
        print("%s: %s" % (page_path, e), file=sys.stderr)
    bad = bool(errors)
    del errors[:]
    return bad


def main():
    args = sys.argv[1:]
    if not args or len(args) % 2:
        sys.exit("usage: check.py REPORT.json PAGE.html [REPORT.json PAGE.html ...]")
    bad = [check_page(args[i], args[i + 1]) for i in range(0, len(args), 2)]
    return 1 if any(bad) else 0


if __name__ == "__main__":
    sys.exit(main())
