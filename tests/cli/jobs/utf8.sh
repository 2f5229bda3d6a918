# Invalid UTF-8 in every text field (category_code, brand, user_session,
# event_type of a bad row, the input's file name) gives JSON and HTML that a
# strict parser accepts; each invalid sequence becomes U+FFFD as Python's
# bytes.decode("utf-8", "replace") makes it (the oracle), and CSV outputs
# keep the input's bytes.
set -e
python3 - <<'PY'
bad = [b"\xff", b"\xc3", b"caf\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
       b"\xc0\xaf", b"ok\xe9t\xe9", b"\xf0\x9f\x98", b"\x80\x80x", b"\xe0\x80\xaf", b"ok"]
rows = [b"event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n"]
for i, b in enumerate(bad):
    for k, t in enumerate([b"view", b"cart", b"purchase"]):
        rows.append(b"2019-10-01 00:%02d:%02d UTC,%s,%d,5,c%s.x,br%s,1.00,%d,s%s%d\n"
                    % (i, k, t, i, b, b, 100 + i, b, i))
rows.append(b"2019-10-01 01:00:00 UTC,vi\xffew,1,5,,b,1.00,1,s\n")
open(b"in\xff.csv", "wb").write(b"".join(rows))
open("brands", "w", encoding="utf-8").write("\n".join(sorted("br" + b.decode("utf-8", "replace") for b in bad)) + "\n")
PY
f=$(printf 'in\377.csv')
"$ECOMCTL" sessions "$f" -o s.csv --runs-dir runs --json > sessions.json
"$ECOMCTL" funnel "$f" --by brand --by category -o fun --runs-dir runs --json > funnel-summary.json
"$ECOMCTL" features "$f" -o feat.csv --runs-dir runs --json > features.json
"$ECOMCTL" inspect "$f" --json > inspect.json
set +e
"$ECOMCTL" sessions "$f" "$(printf 'missing\376.csv')" -o s2.csv --runs-dir runs --json > failed.json 2> /dev/null
s=$?
set -e
[ $s -eq 66 ] || { echo "missing input: exit $s"; exit 1; }
python3 - <<'PY'
import csv, glob, json
def strict(path):
    return json.loads(open(path, "rb").read().decode("utf-8"))  # raises on bad bytes
files = ["sessions.json", "funnel-summary.json", "features.json", "inspect.json",
         "fun/funnel.json"] + glob.glob("runs/*.json")
docs = {f: strict(f) for f in files}
if open("failed.json", "rb").read().strip():
    strict("failed.json")
assert len(glob.glob("runs/*.json")) == 4, glob.glob("runs/*.json")
open("fun/funnel.html", "rb").read().decode("utf-8")
want = open("brands", encoding="utf-8").read().split()
got = sorted(r["value"] for b in docs["fun/funnel.json"]["breakdowns"] if b["dimension"] == "brand" for r in b["rows"])
assert got == want, (got, want)
failed = [d for f, d in docs.items() if f.startswith("runs/") and d["exit_status"] == 66]
assert failed and "missing\ufffd.csv" in failed[0]["error"], failed
ok = [d for f, d in docs.items() if f.startswith("runs/") and d["command"] == "sessions" and d["exit_status"] == 0]
assert ok[0]["inputs"][0]["path"] == "in\ufffd.csv", ok[0]["inputs"]
# CSV keeps the bytes as they came.
raw = open("s.csv", "rb").read()
assert b"s\xed\xa0\x804" in raw and b"\xef\xbf\xbd" not in raw
PY
echo ok
