# The model report page of the hand-written fixtures (report_html/intent.json
# and category.json, rendered by $EC_REPORT_HTML_RENDER) in headless
# Chromium: the page itself gives a screenshot (a PNG of some size) and a
# DOM without script; a copy with a measuring script appended (the page
# has none of its own) reports, from the browser's layout, that every
# section due is displayed with a nonzero box, that every chart's <svg> and
# its drawing have a nonzero size, and that a drift row over the threshold
# has another background than the others. Skipped without Chromium.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
[ -x "${EC_REPORT_HTML_RENDER:-}" ] || { echo "EC_REPORT_HTML_RENDER is not set" >&2; exit 1; }
chromium=/usr/bin/chromium
[ -x "$chromium" ] || chromium=$(command -v chromium || command -v chromium-browser) ||
	{ echo "no chromium: browser rendering not checked"; exit 77; }
set -e
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
browse() {
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$profile" --window-size=1200,2000 "$@" 2>>chromium.log
}
cat > probe.js <<'JS'
(function () {
	var out = {sections: {}, svgs: [], warn: null};
	document.querySelectorAll("section").forEach(function (s) {
		var r = s.getBoundingClientRect(), st = getComputedStyle(s);
		out.sections[s.id] = {w: r.width, h: r.height, display: st.display,
			visibility: st.visibility, opacity: Number(st.opacity)};
	});
	document.querySelectorAll("section svg").forEach(function (g) {
		var r = g.getBoundingClientRect(), b = g.getBBox();
		out.svgs.push({section: g.closest("section").id,
			title: (g.querySelector("title") || {}).textContent || "",
			w: r.width, h: r.height, bw: b.width, bh: b.height});
	});
	var rows = document.querySelectorAll("#drift tr");
	if (rows.length) {
		out.warn = [];
		rows.forEach(function (tr, i) {
			if (i > 0)
				out.warn.push(getComputedStyle(tr.cells[0]).backgroundColor);
		});
	}
	var pre = document.createElement("pre");
	pre.id = "probe";
	pre.textContent = JSON.stringify(out);
	document.body.appendChild(pre);
})();
JS
for name in intent category; do
	"$EC_REPORT_HTML_RENDER" "$CASE_DIR/report_html/$name.json" "$name.html"
	browse --screenshot="$PWD/$name.png" "file://$PWD/$name.html"
	size=$(wc -c < "$name.png")
	[ "$size" -gt 30000 ] || { echo "$name: screenshot only $size bytes" >&2; exit 1; }
	[ "$(head -c 8 "$name.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
		{ echo "$name: screenshot is not a PNG" >&2; exit 1; }
	browse --dump-dom "file://$PWD/$name.html" > "$name.dom"
	if grep -qi '<script' "$name.dom"; then
		echo "$name: the page holds a script" >&2
		exit 1
	fi
	{ cat "$name.html"; printf '<script>\n'; cat probe.js; printf '</script>\n'; } > "$name.probe.html"
	browse --dump-dom "file://$PWD/$name.probe.html" > "$name.probe.dom"
done
python3 - "$CASE_DIR/report_html" <<'PY'
import html, json, re, sys
errors = []
for name in ("intent", "category"):
    r = json.load(open("%s/%s.json" % (sys.argv[1], name), encoding="utf-8"))
    want = (["summary", "metrics", "curves", "calibration", "gains", "confusion"]
            if r["task"] == "intent" else ["summary", "metrics", "calibration", "candidates"])
    want += ["importance", "lineage", "trials"] + (["drift"] if r.get("drift") else [])
    charts = {"curves": 2, "calibration": 1, "gains": 1, "importance": 1,
              "drift": len((r.get("drift") or {}).get("psi") or [])}
    dom = open(name + ".dom", encoding="utf-8").read()
    for s in want:
        if not re.search(r'<section id="%s"' % s, dom):
            errors.append("%s: the rendered DOM lacks section %s" % (name, s))
    m = re.search(r'<pre id="probe">(.*?)</pre>', open(name + ".probe.dom", encoding="utf-8").read(), re.S)
    if not m:
        errors.append("%s: the probe did not run" % name)
        continue
    probe = json.loads(html.unescape(m.group(1)))
    for s in want:
        p = probe["sections"].get(s)
        if not p:
            errors.append("%s: no section %s in the layout" % (name, s))
        elif not (p["w"] > 0 and p["h"] > 0 and p["display"] != "none" and
                  p["visibility"] == "visible" and p["opacity"] > 0):
            errors.append("%s: section %s not visible: %s" % (name, s, p))
    for s, n in charts.items():
        got = [g for g in probe["svgs"] if g["section"] == s]
        if s in want and len(got) != n:
            errors.append("%s: section %s has %d charts, want %d" % (name, s, len(got), n))
        for g in got:
            if not (g["w"] > 0 and g["h"] > 0 and g["bw"] > 0 and g["bh"] > 0):
                errors.append("%s: chart %r in %s has no size: %s" % (name, g["title"], s, g))
    if r.get("drift"):
        warn = [p["warn"] for p in r["drift"]["psi"]]
        colors = probe["warn"] or []
        hot = {c for c, w in zip(colors, warn) if w}
        cold = {c for c, w in zip(colors, warn) if not w}
        if len(colors) != len(warn) or not hot or hot & cold:
            errors.append("%s: drift warnings not highlighted: %s" % (name, colors))
for e in errors:
    print(e, file=sys.stderr)
sys.exit(1 if errors else 0)
PY
