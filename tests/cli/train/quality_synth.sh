# Quality on generated data: four weeks of the seeded generator; the models
# are trained on the first three (validation: the third week) and
# backtested on the fourth, whose events training never saw. The intent
# model must beat every intent baseline on PR-AUC, the category model every
# category baseline (popularity, most viewed, most viewed + popular fill,
# last viewed, the user's last category) on hit@3, with no tolerance, and
# the candidates must hold 95% of the carted categories. Measured: hit@3
# 0.981 against 0.944 (most viewed), candidate recall 0.975; PR-AUC 0.819
# against 0.625 (cart count). The generator's carts go to an item viewed earlier in the
# session (back_p) or to one the user left in an earlier session (direct_p)
# often enough that neither "last viewed" nor "most viewed" is an oracle.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 28 --rows 300000 --seed 11 -o all.csv
awk -F, 'NR == 1 || $1 < "2019-10-22"' all.csv > weeks1-3.csv
"$ECOMCTL" -q train weeks1-3.csv --valid-from 2019-10-15 --models m --threads 1 > train.txt
"$ECOMCTL" -q --json evaluate all.csv --from 2019-10-22 --models m > eval.json
cat train.txt
python3 - <<'PY'
import json
e = json.load(open("eval.json"))
i, c = e["intent"]["metrics"], e["category"]["metrics"]
print("week 4: intent", {k: round(v["pr_auc"], 4) for k, v in i.items() if isinstance(v, dict) and "pr_auc" in v})
print("week 4: category", {k: round(v["hit3"], 4) for k, v in c.items() if isinstance(v, dict)},
      "ceiling", round(c["ceiling"], 4))
assert i["sessions"] > 10000 and i["purchases"] > 400, i
for b in ("base_rate", "has_cart", "cart_count"):
    assert i["model"]["pr_auc"] > i[b]["pr_auc"], (b, i["model"]["pr_auc"], i[b]["pr_auc"])
assert c["sessions"] > 1000, c
# Neither view baseline may sit at the ceiling (it would be an oracle).
assert c["most_viewed"]["hit3"] < c["ceiling"] - 0.01, c
assert c["last_viewed"]["hit3"] < c["ceiling"] - 0.01, c
m = c["model"]["hit3"]
assert c["candidate_recall"] > 0.95, c
for b, v in c.items():
    if isinstance(v, dict) and b not in ("model", "curves", "confusion"):
        assert m > v["hit3"], (b, m, v["hit3"])
PY
