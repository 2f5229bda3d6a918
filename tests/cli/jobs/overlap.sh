# Two runs on one output (a cron run overlapping the next): the second
# exits 75 at once, naming the first run's id and pid, and writes nothing;
# the first completes a valid file. --wait-lock waits instead; a run on
# another output is not blocked. Run A is held in the middle of its input
# with the test hook ECOMCTL_TEST_PAUSE (see cleanup.h).
set -e
"$ECOMCTL" -q synth --rows 20000 --seed 7 -o ev.csv
ECOMCTL_TEST_PAUSE="read:$PWD/held" "$ECOMCTL" -q sessions ev.csv -o out/s.csv \
	--run-id run-a --runs-dir runs > /dev/null 2> a.err &
a=$!
for i in $(seq 500); do [ -e held ] && break; sleep 0.02; done
[ -e held ] || { echo "run A never reached its pause"; exit 1; }
set +e
"$ECOMCTL" -q sessions ev.csv -o out/s.csv --run-id run-b --runs-dir runs 2> b.err
s=$?
set -e
[ $s -eq 75 ] || { echo "run B: exit $s, want 75"; cat b.err; exit 1; }
grep -q "out/s.csv: in use by run run-a (pid $a)" b.err || { cat b.err; exit 1; }
[ ! -e out/s.csv ] || { echo "run B wrote the output"; exit 1; }
# Another output in the same directory is not blocked.
"$ECOMCTL" -q sessions ev.csv -o out/other.csv --runs-dir runs
# --wait-lock: run C waits for A, then writes.
"$ECOMCTL" -q sessions ev.csv -o out/s.csv --run-id run-c --runs-dir runs --wait-lock 60s &
c=$!
sleep 0.3
kill -0 $c 2>/dev/null || { echo "run C did not wait"; exit 1; }
rm held
wait $a || { echo "run A failed"; cat a.err; exit 1; }
wait $c || { echo "run C failed"; exit 1; }
ls -a out | grep -v '^\.\.\?$' | sort > files
printf 'other.csv\ns.csv\n' | cmp -s - files || { echo "left behind:"; cat files; exit 1; }
python3 - <<'PY'
import csv, json
rows = list(csv.reader(open("out/s.csv", newline="")))
other = list(csv.reader(open("out/other.csv", newline="")))
assert rows == other, "the contended output differs from the uncontended one"
assert len(rows) > 100 and all(len(r) == len(rows[0]) for r in rows), "not a complete CSV"
b = json.load(open("runs/run-b.json"))
assert b["exit_status"] == 75 and "run-a" in b["error"], b
assert b["outputs"] == [], b["outputs"]
PY
echo ok
