# Strings from the data (brand, category_code) and the input's name hold
# markup, quotes and ampersands: the page has no <script at all, shows them
# escaped, and is well-formed (every tag closed, in order; no raw < or & in
# text), as python3's html.parser sees it.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
name='in<put>&"x'"'"'.csv'
cat > "$name" <<'CSV'
event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session
2019-10-01 10:00:00 UTC,view,1,100,"<script>alert(1)</script>.x",<script>alert('b')</script>,5,1,s1
2019-10-01 10:00:01 UTC,cart,1,100,"<script>alert(1)</script>.x",<script>alert('b')</script>,5,1,s1
2019-10-01 10:00:00 UTC,view,2,200,"a""b'c&amp;d<e>",Tom & Jerry's <b>,7,2,s2
2019-10-01 10:00:05 UTC,cart,2,200,"a""b'c&amp;d<e>",Tom & Jerry's <b>,7,2,s2
2019-10-01 10:00:09 UTC,purchase,2,200,"a""b'c&amp;d<e>",Tom & Jerry's <b>,7,2,s2
2019-10-01 10:00:00 UTC,view,3,300,</td></tr></table>,"</svg><!--",9,3,s3
2019-10-01 10:00:03 UTC,cart,3,300,</td></tr></table>,"</svg><!--",9,3,s3
CSV
"$ECOMCTL" -q funnel --by brand --by category --by top -o out "$name"
if grep -qi '<script' out/funnel.html; then
	echo "funnel.html holds <script:"
	grep -i '<script' out/funnel.html | head -3
	exit 1
fi
grep -q '&lt;script&gt;alert(&#39;b&#39;)&lt;/script&gt;' out/funnel.html
grep -q 'Tom &amp; Jerry&#39;s &lt;b&gt;' out/funnel.html
grep -q 'a&quot;b&#39;c&amp;amp;d&lt;e&gt;' out/funnel.html
grep -q 'in&lt;put&gt;&amp;&quot;x&#39;.csv' out/funnel.html
python3 - out/funnel.html <<'PY'
import sys
from html.parser import HTMLParser

VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"}

class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.stack, self.errors = [], []
    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.errors.append("a script element")
        if tag not in VOID:
            self.stack.append(tag)
    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes %s" % (tag, self.stack[-1:] or "nothing"))
        else:
            self.stack.pop()
    def handle_data(self, data):
        if "<" in data or ">" in data or "&" in data:
            self.errors.append("raw markup in text: %r" % data[:60])
    def handle_comment(self, data):
        self.errors.append("a comment: %r" % data[:60])

text = open(sys.argv[1], encoding="utf-8").read()
c = Check()
c.feed(text)
c.close()
if c.stack:
    c.errors.append("unclosed: %s" % c.stack)
if c.rawdata:
    c.errors.append("unparsed rest: %r" % c.rawdata[:60])
if not text.lstrip().startswith("<!DOCTYPE html>"):
    c.errors.append("no doctype")
for e in c.errors[:10]:
    print(e)
sys.exit(1 if c.errors else 0)
PY
