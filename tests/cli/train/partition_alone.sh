# Without DMLC_TRACKER_URI, train --partition K/N trains on partition K alone
# (a model of a sample of the users), says so on stderr, and registers it:
# its sessions are fewer than the whole run's, and the two partitions'
# together are the whole run's.
set -e
"$ECOMCTL" -q synth --days 6 --rows 20000 --seed 5 -o ev.csv
unset DMLC_TRACKER_URI
"$ECOMCTL" train ev.csv --task intent --rounds 20 --models all --json >all.json 2>/dev/null
"$ECOMCTL" train ev.csv --task intent --rounds 20 --models p0 --partition 0/2 --json \
	>p0.json 2>p0.err
"$ECOMCTL" train ev.csv --task intent --rounds 20 --models p1 --partition 1/2 --json \
	>p1.json 2>/dev/null
grep -q 'partition 0/2 alone' p0.err
python3 - <<'PY'
import json
a, p0, p1 = (json.load(open(f + ".json"))["intent"] for f in ("all", "p0", "p1"))
n = lambda r: r["train_sessions"] + r["valid_sessions"]
assert 0 < n(p0) < n(a) and 0 < n(p1) < n(a), (n(p0), n(p1), n(a))
assert n(p0) + n(p1) == n(a), (n(p0), n(p1), n(a))
PY
test -f p0/intent/v1/model.json
