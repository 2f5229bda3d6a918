# Distributed training on XGBoost's own collective (issue 18 item 4): XGBoost's
# tracker (Debian's python3-xgboost, /usr/bin/python3) with two local workers,
# `train --partition 0/2` and `1/2` with the DMLC_* variables it prints, on the
# same generated file, then a one-process model on it. Checked:
# - both workers exit 0; one says rank 0 and registers, the other registers
#   nothing: one version of each task in the shared registry, whose
#   manifest says 2 workers;
# - the distributed run counts every worker's sessions (its train and
#   validation sessions are the one-process run's);
# - the intent models of both runs, loaded by XGBoost's Python binding, have
#   ROC-AUCs within 0.02 on a held-out feature matrix (`ecomctl features` on
#   another generated file), each above 0.8; the category hit@3 as reported
#   within 0.02;
# - the summaries, manifests and run records follow data/schemas (when
#   python3-jsonschema is there);
# - the same with --matrix quantile (sketches all-reduced by XGBoost);
# - a worker whose partner fails exits (70) instead of waiting; workers
#   whose --partition K/N is not the tracker's number of workers exit 64.
# Everything runs under `timeout`, so a hang fails the case.
/usr/bin/python3 -c 'import xgboost, numpy' 2>/dev/null || {
	echo "skipped: /usr/bin/python3 cannot import xgboost" >&2
	exit 77
}
set -e
"$ECOMCTL" -q synth --days 8 --rows 40000 --seed 12 -o ev.csv
"$ECOMCTL" -q synth --days 4 --rows 20000 --seed 99 -o holdout.csv
"$ECOMCTL" -q features holdout.csv --task intent -o holdout.features.csv

# Starts a 2-worker tracker on 127.0.0.1 (its pid in $tracker) and exports
# the DMLC_* variables it prints.
start_tracker() {
	timeout 60 /usr/bin/python3 -m xgboost.tracker --num-workers 2 --host-ip 127.0.0.1 \
		>"$1.tracker.out" 2>"$1.tracker.err" &
	tracker=$!
	i=0
	until grep -qs DMLC_TRACKER_ENV_END "$1.tracker.out"; do
		i=$((i + 1))
		[ "$i" -le 100 ] || { echo "no tracker" >&2; cat "$1.tracker.err" >&2; return 1; }
		sleep 0.1
	done
	DMLC_TRACKER_URI=$(sed -n 's/^DMLC_TRACKER_URI=//p' "$1.tracker.out")
	DMLC_TRACKER_PORT=$(sed -n 's/^DMLC_TRACKER_PORT=//p' "$1.tracker.out")
	export DMLC_TRACKER_URI DMLC_TRACKER_PORT
}

# Runs two workers (train options after the name) into registry $1; their
# exit statuses in $1.exit0 and $1.exit1.
distributed() {
	name=$1
	shift
	start_tracker "$name"
	set +e
	DMLC_TASK_ID=0 timeout 60 "$ECOMCTL" train ev.csv --partition 0/2 --models "$name" \
		--threads 1 --rounds 80 --json "$@" >"$name.w0.json" 2>"$name.w0.err" &
	w0=$!
	DMLC_TASK_ID=1 timeout 60 "$ECOMCTL" train ev.csv --partition 1/2 --models "$name" \
		--threads 1 --rounds 80 --json "$@" >"$name.w1.json" 2>"$name.w1.err" &
	w1=$!
	wait $w0
	echo $? >"$name.exit0"
	wait $w1
	echo $? >"$name.exit1"
	wait $tracker
	set -e
	unset DMLC_TRACKER_URI DMLC_TRACKER_PORT
}

distributed dist
distributed distq --matrix quantile
for r in dist distq; do
	if [ "$(cat $r.exit0) $(cat $r.exit1)" != "0 0" ]; then
		echo "$r: workers exited $(cat $r.exit0) and $(cat $r.exit1)" >&2
		cat $r.w0.err $r.w1.err >&2
		exit 1
	fi
done
"$ECOMCTL" -q train ev.csv --models single --threads 1 --rounds 80 --json >single.json

/usr/bin/python3 - <<'PY'
import csv, json, os
import numpy as np
import xgboost as xgb

def roc_auc(y, p):
    o = np.argsort(p, kind="mergesort")
    p, y = p[o], y[o]
    ranks = np.empty(len(p))
    i = 0
    while i < len(p):  # average ranks over ties
        j = i
        while j + 1 < len(p) and p[j + 1] == p[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2 + 1
        i = j + 1
    n_pos = y.sum()
    n_neg = len(y) - n_pos
    return (ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)

with open("holdout.features.csv") as f:
    rows = list(csv.DictReader(f))
y = np.array([int(r["label"]) for r in rows])
assert 0 < y.sum() < len(y), "held-out labels of one class"

def auc_of(models):
    m = json.load(open(models + "/intent/v1/model.json"))
    names = m["learner"]["feature_names"]
    x = np.array([[float(r[n]) if r[n] != "" else np.nan for n in names] for r in rows])
    b = xgb.Booster(model_file=models + "/intent/v1/model.json")
    return roc_auc(y, b.predict(xgb.DMatrix(x, missing=np.nan, feature_names=names)))

single = json.load(open("single.json"))
a_single = auc_of("single")
print("single-process held-out ROC-AUC %.6f" % a_single)
assert a_single > 0.8, a_single
for run in ("dist", "distq"):
    docs = [json.load(open("%s.w%d.json" % (run, k))) for k in (0, 1)]
    assert sorted(d["rank"] for d in docs) == [0, 1], [d.get("rank") for d in docs]
    assert all(d["workers"] == 2 for d in docs)
    lead = [d for d in docs if d["rank"] == 0][0]
    other = [d for d in docs if d["rank"] == 1][0]
    assert "intent" not in other and "category" not in other, "rank 1 registered"
    for task in ("intent", "category"):
        assert os.listdir("%s/%s" % (run, task)) == ["v1"], (run, task, os.listdir(run + "/" + task))
        reg = json.load(open(run + "/registry.json"))[task]["versions"]
        assert [v["version"] for v in reg] == [1], (run, task, reg)
        man = json.load(open("%s/%s/v1/manifest.json" % (run, task)))
        assert man["training"]["workers"] == 2, man["training"]
        for k in ("train_sessions", "valid_sessions"):
            assert lead[task][k] == single[task][k], (run, task, k, lead[task][k], single[task][k])
    a = auc_of(run)
    print("%s: distributed held-out ROC-AUC %.6f, single-process %.6f" % (run, a, a_single))
    assert abs(a - a_single) <= 0.02, (run, a, a_single)
    h, hs = lead["category"]["metrics"]["model"]["hit3"], single["category"]["metrics"]["model"]["hit3"]
    assert abs(h - hs) <= 0.02, (run, h, hs)
PY

# The workers' summaries, manifests and run records follow the schemas.
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
	/usr/bin/python3 - "$EC_SOURCE_DIR/data/schemas" <<'PY'
import glob, json, os, sys, warnings
warnings.simplefilter("ignore", DeprecationWarning)
from jsonschema import Draft202012Validator, RefResolver
schemas = {os.path.basename(p): json.load(open(p))
           for p in glob.glob(os.path.join(sys.argv[1], "*.schema.json"))}
store = {s["$id"]: s for s in schemas.values()}
def check(name, path):
    s = schemas[name]
    v = Draft202012Validator(s, resolver=RefResolver.from_schema(s, store=store))
    bad = [e.message[:200] for e in v.iter_errors(json.load(open(path)))]
    assert not bad, (path, bad[:3])
docs = glob.glob("dist*.w?.json")
mans = glob.glob("dist*/*/v1/manifest.json")
runs = glob.glob("output/runs/*.json")
assert len(docs) == 4 and len(mans) == 4 and len(runs) >= 4, (docs, mans, runs)
for p in docs:
    check("summary.schema.json", p)
for p in mans:
    check("model-manifest.schema.json", p)
for p in runs:
    check("run.schema.json", p)
PY
fi

# A worker whose partner fails (an input that is not there) stops with
# XGBoost's error instead of waiting for it.
start_tracker fail
set +e
DMLC_TASK_ID=0 timeout 60 "$ECOMCTL" -q train ev.csv --partition 0/2 --models fail \
	--threads 1 --rounds 5 2>fail.w0.err &
w0=$!
DMLC_TASK_ID=1 timeout 60 "$ECOMCTL" -q train missing.csv --partition 1/2 --models fail \
	2>fail.w1.err
s1=$?
wait $w0
s0=$?
kill $tracker 2>/dev/null
wait $tracker
set -e
[ "$s1" -eq 66 ] || { echo "failing worker exited $s1" >&2; exit 1; }
[ "$s0" -eq 70 ] || { echo "its partner exited $s0" >&2; cat fail.w0.err >&2; exit 1; }
[ ! -e fail/registry.json ] || { echo "a model was registered" >&2; exit 1; }

# Two workers that say --partition K/3 to a tracker of two: both exit 64.
start_tracker three
set +e
DMLC_TASK_ID=0 timeout 60 "$ECOMCTL" -q train ev.csv --partition 0/3 --models three \
	2>three.w0.err &
w0=$!
DMLC_TASK_ID=1 timeout 60 "$ECOMCTL" -q train ev.csv --partition 1/3 --models three \
	2>three.w1.err
s1=$?
wait $w0
s0=$?
kill $tracker 2>/dev/null
wait $tracker
set -e
[ "$s0 $s1" = "64 64" ] || { echo "K/3 with 2 workers: exits $s0 $s1" >&2; exit 1; }
grep -q 'tracker has 2 workers, --partition says 3' three.w0.err
