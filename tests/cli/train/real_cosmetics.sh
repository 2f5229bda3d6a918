# The real cosmetics sample (first 7 hours of October 2019): trained on the
# events before 05:00 (validation from 04:00), backtested on the sessions
# from 05:00 (history from all earlier ones); the metrics are printed for
# the report. Asserted (deterministic: one thread, fixed seed): the intent
# model beats every intent baseline on PR-AUC, and the category model every
# category baseline on hit@3. Measured with features version 2 and the
# monotone constraints: hit@3 0.840 against 0.215 / 0.827 / 0.830 for
# popularity / most viewed / last viewed on 405 sessions (a margin of 4
# sessions over last viewed: 132 training sessions that cart are few;
# without the constraints the model got 0.817 and lost to both).
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
f="$EC_SHARED_DATA/cosmetics_2019-10_head_20000.csv.gz"
[ -r "$f" ] || { echo "no real samples: skipped"; exit 77; }
set -e
zcat "$f" | awk -F, 'NR == 1 || $1 < "2019-10-01 05:00:00"' > first.csv
"$ECOMCTL" -q train first.csv --valid-from "2019-10-01 04:00:00" --models m --threads 1
"$ECOMCTL" -q evaluate "$f" --from "2019-10-01 05:00:00" --models m
"$ECOMCTL" -q --json evaluate "$f" --from "2019-10-01 05:00:00" --models m > eval.json
python3 - <<'PY'
import json
e = json.load(open("eval.json"))
i, c = e["intent"]["metrics"], e["category"]["metrics"]
for b in ("base_rate", "has_cart", "cart_count"):
    assert i["model"]["pr_auc"] > i[b]["pr_auc"], (b, i)
for b in ("popularity", "most_viewed", "last_viewed"):
    assert c["model"]["hit3"] > c[b]["hit3"], (b, c)
PY
