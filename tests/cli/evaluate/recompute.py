# Recomputes, from `ecomctl features` CSV files alone, what `ecomctl evaluate
# --json` reports: the hit@3 of every category baseline, the candidate recall,
# the PR-AUC of the intent baselines and, when python3-xgboost can read our
# model.json, the model's hit@3, PR-AUC and the mean of p_purchase and
# p_category_1..3. Used by the evaluate CLI cases; an independent oracle: no
# ecomctl code computes any of it.
# usage: recompute.py EVAL.json CATEGORY.csv INTENT.csv FROM [MODELS_DIR]
import csv
import json
import math
import sys

ev, cat_csv, int_csv, since = sys.argv[1:5]
models = sys.argv[5] if len(sys.argv) > 5 else None
e = json.load(open(ev))
NAN = float("nan")


def num(v):
    return float(v) if v != "" else NAN


def close(a, b, what):
    assert abs(a - b) <= 1e-9 * max(1.0, abs(b)), (what, a, b)


def order(rows, keys):
    """Candidate indices by keys [(column, sign)]: NaN last, ties by order."""
    def key(i):
        k = []
        for col, sign in keys:
            v = num(rows[i][col])
            k.append((1, 0.0) if math.isnan(v) else (0, -sign * v))
        return k + [(0, i)]
    return sorted(range(len(rows)), key=key)


sessions = {}
for r in csv.DictReader(open(cat_csv)):
    if r["start"] >= since:
        sessions.setdefault(r["session_id"], []).append(r)
baselines = {
    "popularity": [("cand_prior_carts_log", 1)],
    "most_viewed": [("cand_views", 1)],
    "viewed_popular": [("cand_views", 1), ("cand_prior_carts_log", 1)],
    "last_viewed": [("cand_viewed_last", 1), ("cand_secs_since_view", -1)],
    "user_last": [("cand_user_days_since_view", -1), ("cand_user_last_views", 1)],
}
cm = e["category"]["metrics"]
labeled = [rows for rows in sessions.values() if rows[0]["truth"]]
assert len(labeled) == cm["sessions"], (len(labeled), cm["sessions"])
for name, keys in baselines.items():
    hits = 0
    for rows in labeled:
        truth = set(rows[0]["truth"].split("|"))
        hits += any(rows[i]["candidate"] in truth for i in order(rows, keys)[:3])
    close(hits / len(labeled), cm[name]["hit3"], name)
n_truth = n_cand = 0
for rows in labeled:
    truth = set(rows[0]["truth"].split("|"))
    n_truth += len(truth)
    n_cand += len(truth & {r["candidate"] for r in rows})
close(n_cand / n_truth, cm["candidate_recall"], "candidate_recall")


def pr_auc(y, s):
    """Average precision, one step per distinct score (scikit-learn's)."""
    idx = sorted(range(len(y)), key=lambda i: -s[i])
    n_pos, tp, seen, ap, i = sum(y), 0, 0, 0.0, 0
    while i < len(idx):
        j = i
        while j < len(idx) and s[idx[j]] == s[idx[i]]:
            j += 1
        new = sum(y[k] for k in idx[i:j])
        tp += new
        seen = j
        ap += new / n_pos * (tp / seen)
        i = j
    return ap


irows = [r for r in csv.DictReader(open(int_csv)) if r["start"] >= since]
im = e["intent"]["metrics"]
y = [int(r["label"]) for r in irows]
assert len(y) == im["sessions"] and sum(y) == im["purchases"], (len(y), im)
carts = [num(r["carts"]) for r in irows]
close(pr_auc(y, carts), im["cart_count"]["pr_auc"], "cart_count")
close(pr_auc(y, [float(c > 0) for c in carts]), im["has_cart"]["pr_auc"], "has_cart")
print("baselines recomputed: hit@3", {k: round(cm[k]["hit3"], 4) for k in baselines},
      "recall", round(cm["candidate_recall"], 4), "cart_count pr_auc",
      round(im["cart_count"]["pr_auc"], 4))

try:
    import numpy as np
    import xgboost as xgb
except ImportError:
    models = None
if models:
    def predict(task, rows):
        m = json.load(open("%s/%s/v1/manifest.json" % (models, task)))
        names = m["features"]["names"]
        x = np.array([[num(r[n]) for n in names] for r in rows], dtype=np.float32)
        b = xgb.Booster()
        b.load_model("%s/%s/v1/model.json" % (models, task))
        assert b.feature_names == names, (b.feature_names, names)
        return b.predict(xgb.DMatrix(x, missing=np.nan, feature_names=names))

    p = predict("intent", irows)
    close(pr_auc(y, [float(v) for v in p]), im["model"]["pr_auc"], "intent model")
    allrows = [r for rows in sessions.values() for r in rows]
    sc = predict("category", allrows)
    at, hits, sums, obs, cnt = 0, 0, [0.0] * 3, [0] * 3, [0] * 3
    for rows in sessions.values():
        s = [float(v) for v in sc[at:at + len(rows)]]
        at += len(rows)
        top = sorted(range(len(rows)), key=lambda i: (-s[i], i))[:3]
        truth = set(rows[0]["truth"].split("|")) if rows[0]["truth"] else set()
        hits += bool(truth) and any(rows[i]["candidate"] in truth for i in top)
        for k, i in enumerate(top):
            sums[k] += s[i]
            obs[k] += rows[i]["candidate"] in truth
            cnt[k] += 1
    close(hits / len(labeled), cm["model"]["hit3"], "category model")
    for k in range(3):
        c = cm["calibration"][k]
        assert c["sessions"] == cnt[k], (k, c, cnt)
        assert abs(sums[k] / cnt[k] - c["mean_p"]) < 1e-6, (k, c, sums[k] / cnt[k])
        close(obs[k] / cnt[k], c["observed"], "observed p_category_%d" % (k + 1))
    print("model recomputed with xgboost", xgb.__version__)
