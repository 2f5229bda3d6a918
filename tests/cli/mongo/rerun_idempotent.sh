# labels: mongo
# The same command twice on the same input leaves the same documents (count
# and content, compared as sorted Extended JSON): sessions with events, and
# the funnel report (all but its created_at and run_id, which name the last
# run); `runs` gains one document per run. The report's period is in BSON
# dates equal to funnel.json's times. Another funnel parameter makes another
# report and keeps the first.
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
U="$URI/idem"
"$ECOMCTL" synth --rows 6000 --seed 11 -o ev.csv 2>/dev/null
"$ECOMCTL" -q sessions ev.csv -o out/s.csv --with-events --mongo-uri "$U"
"$ECOMCTL" -q funnel ev.csv --by brand -o out --mongo-uri "$U"
mfind idem sessions | sort > s1
mfind idem funnel_reports | sort > f1
"$ECOMCTL" -q sessions ev.csv -o out/s.csv --with-events --mongo-uri "$U"
"$ECOMCTL" -q funnel ev.csv --by brand -o out --mongo-uri "$U"
mfind idem sessions | sort > s2
mfind idem funnel_reports | sort > f2
n=$(($(wc -l < out/s.csv) - 1))
[ "$(wc -l < s1)" -eq "$n" ] || { echo "$(wc -l < s1) session logs, CSV has $n sessions"; exit 1; }
[ "$n" -gt 1000 ] || { echo "only $n sessions: the test needs more than one batch"; exit 1; }
cmp s1 s2 || { echo "session logs changed on the rerun"; diff s1 s2 | head -5; exit 1; }
[ "$(wc -l < f1)" -eq 1 ] || { echo "$(wc -l < f1) funnel reports"; exit 1; }
strip() { python3 -c '
import json, sys
for l in sys.stdin:
    d = json.loads(l)
    d.pop("created_at", None)
    d.pop("run_id", None)
    print(json.dumps(d, sort_keys=True))'; }
strip < f1 > f1.s
strip < f2 > f2.s
cmp f1.s f2.s || { echo "funnel report changed on the rerun"; exit 1; }
[ "$(mfind idem runs | wc -l)" -eq 4 ] || { echo "runs: $(mfind idem runs | wc -l), want 4"; exit 1; }
# The report is the one in funnel.json, parameters and inputs beside it.
python3 - "$EC_SOURCE_DIR/tests/mongo" <<'PY'
import json, os, sys
sys.path.insert(0, sys.argv[1])
from ejson import load, die
d = load("f1")[0]
want = json.load(open("out/funnel.json"))
# funnel.json's header is the document's own run_id (and no schema_version)
assert want.pop("schema_version") == 1 and want.pop("run_id"), want
def same(a, b):  # funnel.json prints doubles with 15 digits (cJSON)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return abs(a - b) <= 1e-12 * max(1, abs(b))
    return a == b
if not same(d["report"], want):
    die("report differs from funnel.json")
if d["params"]["by"] != ["brand"] or d["params"]["steps"] != ["view", "cart", "purchase"]:
    die(f"params: {d['params']!r}")
if d["inputs"] != [{"path": "ev.csv", "size": os.path.getsize("ev.csv")}]:
    die(f"inputs: {d['inputs']!r}")
import datetime
def iso(v):  # ("date", ms), as ejson reads a date, written as funnel.json writes times
    assert v[0] == "date", v
    return datetime.datetime.fromtimestamp(v[1] / 1000, datetime.timezone.utc) \
        .strftime("%Y-%m-%dT%H:%M:%SZ")
if iso(d["first_event"]) != want["first_event"] or iso(d["last_event"]) != want["last_event"]:
    die(f"period: {d['first_event']!r} {d['last_event']!r}")
if d["created_at"][0] != "date" or not d["run_id"]:
    die(f"created_at, run_id: {d['created_at']!r} {d['run_id']!r}")
PY
# Another breakdown: a second report, the first unchanged.
"$ECOMCTL" -q funnel ev.csv --by top -o out2 --mongo-uri "$U"
mfind idem funnel_reports | sort > f3
[ "$(wc -l < f3)" -eq 2 ] || { echo "$(wc -l < f3) funnel reports after --by top"; exit 1; }
grep -qxFf f2 f3 || { echo "the first report changed"; exit 1; }
echo ok
