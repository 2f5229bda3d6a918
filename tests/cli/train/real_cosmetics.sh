# The real cosmetics sample (first 7 hours of October 2019): trained on the
# sessions before 04:00 (validation from 03:00), backtested on those from
# 05:00; the metrics are printed for the report. The assertions are the
# ones that hold with a margin on so little data: the intent model beats
# the base rate and has_cart on PR-AUC, the category model beats
# popularity on hit@3.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
f="$EC_SHARED_DATA/cosmetics_2019-10_head_20000.csv.gz"
[ -r "$f" ] || { echo "no real samples: skipped"; exit 77; }
set -e
zcat "$f" | awk -F, 'NR == 1 || $1 < "2019-10-01 04:00:00"' > first.csv
"$ECOMCTL" -q train first.csv --valid-from "2019-10-01 03:00:00" --models m --threads 1
"$ECOMCTL" -q evaluate "$f" --from "2019-10-01 05:00:00" --models m
"$ECOMCTL" -q --json evaluate "$f" --from "2019-10-01 05:00:00" --models m > eval.json
python3 - <<'PY'
import json
e = json.load(open("eval.json"))
i, c = e["intent"]["metrics"], e["category"]["metrics"]
assert i["model"]["pr_auc"] > i["base_rate"]["pr_auc"], i
assert i["model"]["pr_auc"] > i["has_cart"]["pr_auc"], i
assert c["model"]["hit3"] > c["popularity"]["hit3"], c
PY
