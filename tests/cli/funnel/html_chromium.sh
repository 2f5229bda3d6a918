# The HTML report renders in a real browser: headless Chromium takes a
# screenshot (a PNG of some size, not an error page) and its DOM holds the
# step labels. Without /usr/bin/chromium that part is skipped; the page's
# labels are then checked in the file itself. The daily trend is legible:
# one panel per step, each with round ticks (0, then equal steps of 1, 2,
# 2.5 or 5 times a power of ten) and its line reaching at least 40% of its
# panel's height (no series squashed against the axis); every point has a
# tooltip; categories without a code name the brands seen in them.
set -e
"$ECOMCTL" -q synth --rows 20000 --seed 7 -o events.csv
"$ECOMCTL" -q funnel --by top --by brand --by price -o out events.csv
for label in '1. view' '2. cart' '3. purchase' 'Most abandoned products' 'Daily trend'; do
	grep -q "$label" out/funnel.html || { echo "funnel.html lacks '$label'"; exit 1; }
done
if [ ! -x /usr/bin/chromium ]; then
	echo "no /usr/bin/chromium: browser rendering not checked" >&2
	exit 0
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
browse() {
	timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$profile" "$@" "file://$PWD/out/funnel.html"
}
browse --screenshot="$PWD/shot.png" --window-size=1200,1600 2>chromium.log
test -f shot.png || { echo "no screenshot"; tail chromium.log; exit 1; }
size=$(wc -c < shot.png)
[ "$size" -gt 30000 ] || { echo "screenshot only $size bytes"; exit 1; }
[ "$(head -c 8 shot.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
	{ echo "screenshot is not a PNG"; exit 1; }
browse --dump-dom > dom.html 2>>chromium.log
for label in '1. view' '2. cart' '3. purchase' 'By top-level category'; do
	grep -q "$label" dom.html || { echo "the rendered DOM lacks '$label'"; exit 1; }
done
! grep -qi '<script' dom.html
python3 - <<'PY'
import math, re
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.svgs, self.cur, self.text_of, self.titles = [], None, None, 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and "trend" in (a.get("class") or ""):
            self.cur = {"ticks": [], "lines": [], "titles": 0}
            self.svgs.append(self.cur)
        elif self.cur is not None and tag == "text" and a.get("text-anchor") == "end":
            self.text_of = float(a["y"])
        elif self.cur is not None and tag == "polyline":
            self.cur["lines"].append([tuple(map(float, p.split(","))) for p in a["points"].split()])
        elif self.cur is not None and tag == "title":
            self.cur["titles"] += 1
    def handle_endtag(self, tag):
        if tag == "svg":
            self.cur = None
    def handle_data(self, d):
        if self.text_of is not None:
            self.cur["ticks"].append((self.text_of - 4, float(d.replace(",", "").rstrip("%"))))
            self.text_of = None
p = P()
p.feed(open("dom.html").read())
assert len(p.svgs) == 2, len(p.svgs)  # units, and conversion
for svg, panels in zip(p.svgs, (3, 2)):
    assert len(svg["lines"]) == panels, (panels, len(svg["lines"]))
    assert svg["titles"] >= panels * 20, svg["titles"]  # a tooltip per point
    # the ticks of each panel: from 0 up, equal round steps
    groups, g = [], []
    for y, v in svg["ticks"]:
        if v == 0 and g:
            groups.append(g)
            g = []
        g.append((y, v))
    groups.append(g)
    assert len(groups) == panels, groups
    for ticks, line in zip(groups, svg["lines"]):
        vals = [v for _, v in ticks]
        step = vals[1] - vals[0]
        assert all(abs((b - a) - step) < 1e-9 for a, b in zip(vals, vals[1:])), vals
        mant = step / 10 ** math.floor(math.log10(step))
        assert any(abs(mant - m) < 1e-9 for m in (1, 2, 2.5, 5)), (step, vals)
        y0, ytop = ticks[0][0], ticks[-1][0]
        reach = max((y0 - y) / (y0 - ytop) for _, y in line)
        assert 0.4 <= reach <= 1.0001, (vals, reach)
text = open("dom.html").read()
ids = re.findall(r"id:[0-9]+ <span class=\"ci\">\(brands: [^<]+\)</span>", text)
assert ids, "no brands beside an id: category"
print("trend panels ok;", len(ids), "id: categories labeled")
PY
