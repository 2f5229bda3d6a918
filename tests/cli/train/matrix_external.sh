# --matrix external: the training rows also go to XGBoost's external-memory
# pages (named .ecomctl-xtrain-* in --cache-dir) instead of a QuantileDMatrix
# in memory. Against --matrix quantile on the same rows and rounds: the same
# validation metrics within 0.01 (XGBoost sketches its cuts page by page, so
# the models may differ a little). The pages are there mid-training and
# gone after the run and after a SIGTERM.
set -e
"$ECOMCTL" -q synth --days 6 --rows 20000 --seed 12 -o ev.csv
mkdir cache
"$ECOMCTL" -q train ev.csv --models q --threads 1 --rounds 30 --json --matrix quantile > q.json
"$ECOMCTL" -q train ev.csv --models x --threads 1 --rounds 30 --json --matrix external \
	--cache-dir cache > x.json
[ -z "$(ls -A cache)" ] || { echo "left in cache after a run:"; ls -la cache; exit 1; }
python3 - <<'PY'
import json
q, x = json.load(open("q.json")), json.load(open("x.json"))
for task in ("intent", "category"):
    a, b = q[task]["metrics"]["model"], x[task]["metrics"]["model"]
    names = [k for k, v in a.items() if isinstance(v, float)]
    assert len(names) >= 5, (task, names)
    for name in names:
        assert abs(a[name] - b[name]) < 0.01, (task, name, a[name], b[name])
    assert json.load(open("x/%s/v1/manifest.json" % task))["training"]["matrix"] == "external"
print("ok")
PY
rm -f held
ECOMCTL_TEST_PAUSE="round:$PWD/held" "$ECOMCTL" -q train ev.csv --models x2 \
	--cache-dir cache --matrix external --threads 1 --rounds 20 > /dev/null 2> err &
pid=$!
for i in $(seq 1500); do [ -e held ] && break; sleep 0.02; done
[ -e held ] || { echo "never paused"; cat err; kill $pid; exit 1; }
ls -A cache | grep -q '^\.ecomctl-xtrain-.*\.page$' || { echo "no training pages"; ls -la cache; kill $pid; exit 1; }
kill -TERM $pid
set +e
wait $pid
s=$?
set -e
[ $s -eq 143 ] || { echo "exit $s, want 143"; cat err; exit 1; }
[ -z "$(ls -A cache)" ] || { echo "left in cache after SIGTERM:"; ls -la cache; exit 1; }
echo ok
