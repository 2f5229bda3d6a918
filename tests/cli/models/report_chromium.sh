# The model report renders in a real browser: for both tasks, headless
# Chromium takes a screenshot (a PNG of some size) and its rendered DOM, read
# by Python's html.parser, holds every section of the task with an SVG
# chart where one is due, the importance bars name features of `features
# --list`, and no script. A hostile feature-free string (a file name with
# markup) is escaped. Without /usr/bin/chromium the file itself is checked.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 6 --rows 20000 --seed 3 -o '<b>&x.csv'
"$ECOMCTL" -q train '<b>&x.csv' --models m --threads 1
"$ECOMCTL" -q models report intent --models m -o ri
"$ECOMCTL" -q models report category --models m -o rc
"$ECOMCTL" -q features --list > list.txt
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
for d in ri rc; do
	if [ -x /usr/bin/chromium ]; then
		timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic \
			--no-first-run --disable-background-networking --disable-component-update \
			--disable-sync --user-data-dir="$profile" --screenshot="$PWD/$d.png" \
			--window-size=1200,2000 "file://$PWD/$d/model-report.html" 2> chromium.log
		size=$(wc -c < $d.png)
		[ "$size" -gt 30000 ] || { echo "$d: screenshot only $size bytes"; exit 1; }
		timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic \
			--no-first-run --disable-background-networking --disable-component-update \
			--disable-sync --user-data-dir="$profile" --dump-dom \
			"file://$PWD/$d/model-report.html" > $d.dom 2>> chromium.log
	else
		echo "no /usr/bin/chromium: rendering not checked" >&2
		cp $d/model-report.html $d.dom
	fi
done
python3 - <<'PY'
from html.parser import HTMLParser
names = {l.split()[1] for l in open("list.txt") if len(l.split()) > 1}
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections, self.stack, self.svgs, self.scripts, self.text = {}, [], {}, 0, []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.stack.append(a.get("id"))
            self.sections[a.get("id")] = True
        if tag == "svg" and self.stack:
            self.svgs[self.stack[-1]] = self.svgs.get(self.stack[-1], 0) + 1
        if tag == "script":
            self.scripts += 1
    def handle_endtag(self, tag):
        if tag == "section" and self.stack:
            self.stack.pop()
    def handle_data(self, d):
        self.text.append((self.stack[-1] if self.stack else None, d))
for d, want, charts in (
        ("ri", ["summary", "metrics", "curves", "calibration", "gains", "confusion",
                "importance", "lineage", "trials"], ["curves", "calibration", "gains", "importance"]),
        ("rc", ["summary", "metrics", "calibration", "importance", "candidates", "lineage",
                "trials"], ["calibration", "importance"])):
    p = P()
    p.feed(open(d + ".dom").read())
    for s in want:
        assert s in p.sections, (d, s, list(p.sections))
    for s in charts:
        assert p.svgs.get(s), (d, s, p.svgs)
    assert p.scripts == 0
    imp = [t.strip() for s, t in p.text if s == "importance" and t.strip() in names]
    assert len(imp) >= 5, (d, imp)
    lineage = " ".join(t for s, t in p.text if s == "lineage")
    assert "<b>&x.csv" in lineage, lineage[:300]
raw = open("ri/model-report.html").read()
assert "<b>&x.csv" not in raw and "&lt;b&gt;&amp;x.csv" in raw
print("sections, charts and escaping checked")
PY
