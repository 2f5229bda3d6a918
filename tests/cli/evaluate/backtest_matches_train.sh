# evaluate on the training file from the split time reproduces the
# validation metrics train reported (same features, same rows, same model),
# for the model and every baseline.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 6 --rows 25000 --seed 12 -o ev.csv
"$ECOMCTL" -q --json train ev.csv --valid-from 2019-10-05 --models m --threads 1 --rounds 40 > train.json
"$ECOMCTL" -q --json evaluate ev.csv --from 2019-10-05 --models m --model intent@v1 --model category > eval.json
python3 - <<'PY'
import json
t, e = json.load(open("train.json")), json.load(open("eval.json"))
assert e["intent"]["model"] == "intent@v1" and e["category"]["model"] == "category@v1"
for task in ("intent", "category"):
    a, b = t[task]["metrics"], e[task]["metrics"]
    assert a == b, (task, a, b)
PY
