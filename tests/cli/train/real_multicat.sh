# The real multi-category sample (first 2h50 of October 2019; half its
# events in the last 15 minutes) with the defaults: the validation split is
# a share of the sessions, widened to 100 sessions with a purchase, so both
# models train and are registered, and each beats its baselines there (the
# category model ties at hit@3 1.0: in this store the carted category is
# nearly always the one viewed last, so no ranking can do better). Measured:
# intent PR-AUC 0.310 against 0.252 (cart count) on 2,686 sessions with 100
# purchases; category hit@3 1.000 on 100 sessions.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
f="$EC_SHARED_DATA/multicat_2019-10_head_17434.csv.gz"
[ -r "$f" ] || { echo "no real samples: skipped"; exit 77; }
set -e
"$ECOMCTL" -q --json train "$f" --models m --threads 1 > train.json
python3 - <<'PY'
import json
t = json.load(open("train.json"))
i, c = t["intent"], t["category"]
assert i["model"] == "intent@v1" and c["model"] == "category@v1", t
assert i["train_sessions"] > 2000 and i["metrics"]["purchases"] >= 100, i
assert c["train_sessions"] > 100 and c["valid_sessions"] > 100, c
im, cm = i["metrics"], c["metrics"]
for b in ("base_rate", "has_cart", "cart_count"):
    assert im["model"]["pr_auc"] > im[b]["pr_auc"], (b, im)
for b, v in cm.items():
    if isinstance(v, dict) and b not in ("model", "curves", "confusion"):
        assert cm["model"]["hit3"] >= v["hit3"], (b, cm)
assert cm["model"]["hit3"] > cm["popularity"]["hit3"], cm
PY
