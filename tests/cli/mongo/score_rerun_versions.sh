# labels: mongo
# `score` twice on the same input with the same models leaves exactly the
# same predictions (count and content, sorted Extended JSON, run_id that of
# the first run); more than one batch. Scoring with a new model version adds
# that version's documents (one per session) and leaves the old ones byte
# for byte. `runs` gains one document per run.
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
U="$URI/sv"
"$ECOMCTL" synth --rows 12000 --seed 31 -o ev.csv 2>/dev/null
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 15 > /dev/null
"$ECOMCTL" -q score ev.csv --models m -o out/p1.csv --mongo-uri "$U" --run-id first
mfind sv predictions | sort > p1
"$ECOMCTL" -q score ev.csv --models m -o out/p2.csv --mongo-uri "$U" --run-id second
mfind sv predictions | sort > p2
n=$(($(wc -l < out/p1.csv) - 1))
[ "$n" -gt 1000 ] || { echo "only $n sessions: the test needs more than one batch"; exit 1; }
[ "$(wc -l < p1)" -eq "$n" ] || { echo "$(wc -l < p1) predictions, CSV has $n rows"; exit 1; }
cmp p1 p2 || { echo "predictions changed on the rerun"; diff p1 p2 | head -4; exit 1; }
[ "$(grep -c '"run_id":"first"' p2)" -eq "$n" ] || { echo "run_id not kept"; exit 1; }
# A new intent version (other parameters): production moves to v2.
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 25 --task intent --promote > /dev/null
"$ECOMCTL" -q score ev.csv --models m -o out/p3.csv --mongo-uri "$U" --run-id third
mfind sv predictions | sort > p3
[ "$(wc -l < p3)" -eq $((2 * n)) ] || { echo "$(wc -l < p3) predictions, want $((2 * n))"; exit 1; }
grep -v '"intent_model":"intent@v2"' p3 > old
cmp p1 old || { echo "the v1 predictions changed"; exit 1; }
[ "$(grep -c '"intent_model":"intent@v2","category_model":"category@v1","run_id":"third"' p3)" -eq "$n" ] ||
	{ echo "v2 predictions:"; grep -v '"intent@v1"' p3 | head -2; exit 1; }
python3 - "$EC_SOURCE_DIR/tests/mongo" "$n" <<'PY'
import csv, sys
sys.path.insert(0, sys.argv[1])
from ejson import load, die
n = int(sys.argv[2])
docs = load("p3")
keys = {(d["session_id"], d["user_id"], d["intent_model"]) for d in docs}
if len(keys) != 2 * n:
    die(f"{len(keys)} distinct (session, user, model) keys, want {2 * n}")
rows = {(r["session_id"], int(r["user_id"])): r for r in csv.DictReader(open("out/p3.csv"))}
for d in docs:
    if d["intent_model"] != "intent@v2":
        continue
    r = rows[(d["session_id"], d["user_id"])]
    if (d["p_purchase"] is None) != (r["p_purchase"] == "") or \
            (d["p_purchase"] is not None and abs(d["p_purchase"] - float(r["p_purchase"])) > 5e-7):
        die(f"{d['session_id']}: v2 p_purchase {d['p_purchase']!r}, CSV {r['p_purchase']!r}")
PY
[ "$(mfind sv runs | wc -l)" -eq 3 ] || { echo "runs: $(mfind sv runs | wc -l), want 3"; exit 1; }
echo ok
