# The predictions CSV: the documented header; one row per session, the
# same sessions `ecomctl sessions` cuts (ids, user, start, end, events,
# purchased compared row by row); decision = p_purchase >= the manifest's
# threshold; categories ranked by their score; model refs and one run id.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 5 --rows 20000 --seed 8 -o ev.csv.gz
"$ECOMCTL" -q train ev.csv.gz --models m --threads 1 --rounds 30 > /dev/null
"$ECOMCTL" -q score ev.csv.gz --models m -o out/pred.csv --run-id r1
"$ECOMCTL" -q sessions ev.csv.gz -o sessions.csv
head -1 out/pred.csv > header
python3 - <<'PY'
import csv, json
want = ("session_id,user_id,start,end,events,p_purchase,decision,category_1,p_category_1,"
        "category_2,p_category_2,category_3,p_category_3,purchased,actual_categories,"
        "intent_model,category_model,run_id\n")
assert open("header").read() == want
pred = list(csv.DictReader(open("out/pred.csv")))
sess = {r["session_id"]: r for r in csv.DictReader(open("sessions.csv"))}
assert len(pred) == len(sess) and len(pred) > 1000, (len(pred), len(sess))
thr = json.load(open("m/intent/v1/manifest.json"))["threshold"]
n_p = 0
for r in pred:
    s = sess[r["session_id"]]
    for k in ("user_id", "start", "end", "events"):
        assert r[k] == s[k], (k, r, s)
    assert r["purchased"] == s["converted"], (r, s)
    assert r["intent_model"] == "intent@v1" and r["category_model"] == "category@v1"
    assert r["run_id"] == "r1"
    if r["p_purchase"]:
        n_p += 1
        p = float(r["p_purchase"])
        assert 0 <= p <= 1
        assert r["decision"] == ("1" if p >= thr - 5e-7 else "0") or abs(p - thr) < 1e-6, (r, thr)
    else:
        assert r["decision"] == ""
    ps = [float(r[f"p_category_{i}"]) for i in (1, 2, 3) if r[f"p_category_{i}"]]
    assert ps == sorted(ps, reverse=True), r
    cats = [r[f"category_{i}"] for i in (1, 2, 3) if r[f"category_{i}"]]
    assert len(cats) == len(ps) and len(set(cats)) == len(cats), r
assert n_p > 0.9 * len(pred), n_p
PY
