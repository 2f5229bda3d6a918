# labels: mongo
# `score --mongo-uri`: one predictions document per session, read back
# field by field by an independent reader (find.mjs) and checked against a
# hand-built export whose sessions tests/mongo/score_fixture.py works out
# itself (ids, times, events, the outcome, which sessions have nothing to
# score or no event before the first cart); the probabilities and
# categories equal the CSV's, the decision is p >= the model's threshold
# (from its manifest). The runs document and the run manifest have the
# CSV's run_id. `history export` shows each user's predictions.
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
U="$URI/sc"
"$ECOMCTL" synth --rows 8000 --seed 12 -o train.csv 2>/dev/null
"$ECOMCTL" -q train train.csv --models m --threads 1 --rounds 20 > /dev/null
python3 "$EC_SOURCE_DIR/tests/mongo/score_fixture.py" fx.csv 5
"$ECOMCTL" -q score fx.csv --models m -o out/p.csv --mongo-uri "$U"
mfind sc predictions > got.jsonl
mfind sc runs > runs.jsonl
ls output/runs > manifests
"$ECOMCTL" history export --user 600000007 --mongo-uri "$U" > h1.jsonl
"$ECOMCTL" history export --user 600000014 --mongo-uri "$U" > h2.jsonl
python3 - "$EC_SOURCE_DIR/tests/mongo" <<'PY'
import csv, datetime, json, sys
sys.path.insert(0, sys.argv[1])
from ejson import load, die

fx = {s["session_id"]: s for s in json.load(open("fx.csv.json"))}
rows = {r["session_id"]: r for r in csv.DictReader(open("out/p.csv"))}
threshold = json.load(open("m/intent/v1/manifest.json"))["threshold"]
manifests = [f for f in open("manifests").read().split()
             if json.load(open(f"output/runs/{f}"))["command"] == "score"]
if len(manifests) != 1:
    die(f"score manifests: {manifests}")
run_id = manifests[0][:-len(".json")]

got = load("got.jsonl")
if len(got) != len(fx) or len(rows) != len(fx):
    die(f"{len(got)} predictions, {len(rows)} CSV rows, {len(fx)} sessions")
ids = set()
for d in got:
    s = fx.get(d["session_id"])
    if s is None:
        die(f"unexpected session {d['session_id']!r}")
    r = rows[d["session_id"]]
    if not (isinstance(d["_id"], tuple) and d["_id"][0] == "oid"):
        die(f"_id {d['_id']!r}")
    # an honest ObjectId: its timestamp (getTimestamp()) is the session's start
    if int(d["_id"][1][:8], 16) != s["start"]:
        die(f"{s['session_id']}: _id {d['_id'][1]} has time {int(d['_id'][1][:8], 16)}, start {s['start']}")
    ids.add(d["_id"])
    want = {"user_id": s["user_id"], "start": ("date", s["start"] * 1000),
            "end": ("date", s["end"] * 1000), "events": s["events"],
            "purchased": s["purchased"], "intent_model": "intent@v1",
            "category_model": "category@v1", "run_id": run_id}
    for k, v in want.items():
        if d[k] != v:
            die(f"{s['session_id']}: {k} = {d[k]!r}, want {v!r}")
    if r["run_id"] != run_id:
        die(f"CSV run_id {r['run_id']!r}, manifest {run_id!r}")
    p = d["p_purchase"]
    if s["first_is_purchase"]:
        if p is not None or d["decision"] is not None:
            die(f"{s['session_id']}: nothing to score, got {p!r} {d['decision']!r}")
    else:
        if not isinstance(p, float) or not 0 <= p <= 1 or abs(p - float(r["p_purchase"])) > 5e-7:
            die(f"{s['session_id']}: p_purchase {p!r}, CSV {r['p_purchase']!r}")
        if d["decision"] is not (p >= threshold):
            die(f"{s['session_id']}: decision {d['decision']!r} at p {p} threshold {threshold}")
    cats = [{"category": d[f"category_{i}"], "p": d[f"p_category_{i}"]}
            for i in (1, 2, 3) if d[f"category_{i}"] is not None]
    csv_cats = [(r[f"category_{i}"], float(r[f"p_category_{i}"]))
                for i in (1, 2, 3) if r[f"category_{i}"]]
    if (not cats) != (not s["keys_before_cart"]) or len(cats) > 3:
        die(f"{s['session_id']}: categories {cats!r}, viewed before the cart "
            f"{s['keys_before_cart']!r}")
    if [c["category"] for c in cats] != [c for c, _ in csv_cats] or \
            any(abs(c["p"] - q) > 5e-7 for c, (_, q) in zip(cats, csv_cats)):
        die(f"{s['session_id']}: categories {cats!r}, CSV {csv_cats!r}")
    if [c["p"] for c in cats] != sorted((c["p"] for c in cats), reverse=True):
        die(f"{s['session_id']}: categories not best first: {cats!r}")
if len(ids) != len(got):
    die("duplicate _id")

runs = load("runs.jsonl")
if len(runs) != 1 or runs[0]["command"] != "score" or runs[0]["run_id"] != run_id \
        or runs[0]["outcome"] != "ok":
    die(f"runs: {runs!r}")
if runs[0]["documents"]["predictions"] != {"written": len(fx), "acknowledged": len(fx),
                                           "not_acknowledged": 0}:
    die(f"runs documents: {runs[0]['documents']!r}")
m = json.load(open(f"output/runs/{run_id}.json"))
if m["mongo"]["run_id"] != run_id or m["mongo"]["acknowledged"] != len(fx) + 1:
    die(f"manifest mongo: {m['mongo']!r}")

for f, uid in (("h1.jsonl", 600000007), ("h2.jsonl", 600000014)):
    lines = [json.loads(l) for l in open(f)]
    preds = [l for l in lines if l["collection"] == "predictions"]
    mine = sorted((s for s in fx.values() if s["user_id"] == uid), key=lambda s: s["start"])
    if [l["session_id"] for l in preds] != [s["session_id"] for s in mine]:
        die(f"history of {uid}: {[l['session_id'] for l in preds]}")
    for l in preds:
        s = fx[l["session_id"]]
        t = datetime.datetime.fromtimestamp(s["start"], datetime.timezone.utc)
        if l["user_id"] != uid or l["start"] != f"{t:%Y-%m-%dT%H:%M:%SZ}":
            die(f"history line {l!r}")
        r = rows[l["session_id"]]
        if (l["p_purchase"] is None) != (r["p_purchase"] == "") or \
                (r["p_purchase"] and abs(l["p_purchase"] - float(r["p_purchase"])) > 5e-7):
            die(f"history p_purchase {l['p_purchase']!r}, CSV {r['p_purchase']!r}")
print("ok")
PY
