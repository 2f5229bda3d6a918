# --category-negatives F keeps a share F of the sessions without a cart
# (chosen by a hash of the session id) to train the category model, their
# rows weighted 1/F, so memory shrinks and p_category stays calibrated over
# all sessions: with 0.2 the training rows drop, the manifest records it,
# and evaluate (over every session) finds the mean p_category_1 within 25%
# of the observed rate. Out of (0, 1]: exit 64.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 8 --rows 40000 --seed 21 -o r.csv
"$ECOMCTL" -q train r.csv --task category --valid-from 2019-10-05 --models all --threads 1 > /dev/null
"$ECOMCTL" -q train r.csv --task category --valid-from 2019-10-05 --models some --threads 1 \
	--category-negatives 0.2 > /dev/null
"$ECOMCTL" -q --json evaluate r.csv --from 2019-10-07 --models some --model category > eval.json
python3 - <<'PY'
import json
a = json.load(open("all/category/v1/manifest.json"))
s = json.load(open("some/category/v1/manifest.json"))
assert s["training"]["category_negatives"] == 0.2 and a["training"]["category_negatives"] == 1
assert s["split"]["train_rows"] < 0.5 * a["split"]["train_rows"], (s["split"], a["split"])
c = json.load(open("eval.json"))["category"]["metrics"]
k = c["calibration"][0]
assert abs(k["mean_p"] / k["observed"] - 1) < 0.25, k
print("rows %d -> %d; p_category_1 %.4f / %.4f; hit@3 %.4f" % (
    a["split"]["train_rows"], s["split"]["train_rows"], k["mean_p"], k["observed"],
    c["model"]["hit3"]))
PY
set +e
"$ECOMCTL" -q train r.csv --models bad --category-negatives 0 2> err
s=$?
grep -q 'category-negatives' err && [ $s = 64 ] || exit 1
