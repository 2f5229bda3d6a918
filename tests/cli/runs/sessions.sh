# `sessions` writes output/runs/<run_id>.json: inputs with their sizes and
# their rows and bad rows (known here by construction: bad rows inserted in
# the middle of each of two files), the run's rejects by reason, counts
# equal to what wc -l finds in the input and the output, the output with
# its size. A bad row as the very last row of a file is that file's too (the
# reader counts bad rows per file). A password in --mongo-uri is not in the
# manifest.
set -e
"$ECOMCTL" synth --rows 6000 --seed 41 -o ev.csv 2>/dev/null
head -n 3001 ev.csv > a.csv
{ head -n 1 ev.csv; tail -n +3002 ev.csv; } > b.csv
# a: 2 bad event types and a bad time after row 1000; b: a bad user id after row 2000
python3 - <<'PY'
def insert(path, at, bad):
    lines = open(path).read().splitlines(True)
    open(path, "w").writelines(lines[:at + 1] + bad + lines[at + 1:])
row = open("a.csv").read().splitlines()[1000].split(",")
insert("a.csv", 1000, [",".join(row[:1] + ["click"] + row[2:]) + "\n",
                       ",".join(row[:1] + ["View"] + row[2:]) + "\n",
                       ",".join(["2019-02-30 00:00:00 UTC"] + row[1:]) + "\n"])
row = open("b.csv").read().splitlines()[2000].split(",")
insert("b.csv", 2000, [",".join(row[:7] + ["-3"] + row[8:]) + "\n"])
PY
"$ECOMCTL" -q sessions a.csv b.csv -o out/s.csv
ls output/runs > list
[ "$(wc -l < list)" -eq 1 ] || { cat list; exit 1; }
python3 - "$CASE_DIR" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from manifest import one, lines, die
m = one("output/runs", "sessions")
a, b = m["inputs"]
if (a["path"], a["rows"], a["bad_rows"], a["good_rows"]) != ("a.csv", lines("a.csv"), 3, lines("a.csv") - 3):
    die(f"input a: {a!r}")
if (b["path"], b["rows"], b["bad_rows"], b["good_rows"]) != ("b.csv", lines("b.csv"), 1, lines("b.csv") - 1):
    die(f"input b: {b!r}")
c = m["counts"]
if c["rows"] != lines("a.csv") + lines("b.csv") or c["bad_rows"] != 4:
    die(f"counts {c!r}")
if c["sessions"] != lines("out/s.csv") or c["rows_written"] != lines("out/s.csv"):
    die(f"sessions {c['sessions']}, rows_written {c['rows_written']}, CSV {lines('out/s.csv')}")
if c["events"] != 6000:
    die(f"events {c['events']}")
r = m["rejects"]
if (r["event_type"], r["event_time"], r["user_id"], sum(r.values())) != (2, 1, 1, 4):
    die(f"rejects {r!r}")
if m["outputs"][0]["path"] != "out/s.csv" or m["outcome"] != "ok" or m.get("mongo") is not None:
    die(f"outputs {m['outputs']!r}")
if m["argv"][0] != "sessions" or sorted(m["argv"][1:]) != ["-o", "-q", "a.csv", "b.csv", "out/s.csv"]:
    die(f"argv {m['argv']!r}")
PY
# A bad row as the last row of a.csv: a.csv's, not b.csv's.
rm -r output
"$ECOMCTL" -q sessions a.csv b.csv -o out/s.csv --runs-dir r2 2>/dev/null
sed -n 2p a.csv | sed 's/,view,/,nope,/; s/,cart,/,nope,/; s/,purchase,/,nope,/' >> a.csv
"$ECOMCTL" -q sessions a.csv b.csv -o out/s2.csv --runs-dir r3 2>/dev/null
[ ! -e output ] || { echo "--runs-dir not used"; exit 1; }
python3 - "$CASE_DIR" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from manifest import one, lines, die
m = one("r3", "sessions")
a, b = m["inputs"]
if (a["bad_rows"], a["rows"], b["bad_rows"], b["rows"]) != (4, lines("a.csv"), 1, lines("b.csv")):
    die(f"bad rows at the end of a file: {a!r} {b!r}")
if a["good_rows"] + b["good_rows"] != 6000 or m["counts"]["bad_rows"] != 5:
    die(f"{a!r} {b!r} {m['counts']!r}")
PY
# A password: hidden (nothing listens on port 1: exit 69, manifest written).
set +e
"$ECOMCTL" -q sessions a.csv -o out/s3.csv --runs-dir r4 \
	--mongo-uri 'mongodb://u:Hid%40denPw@127.0.0.1:1/x?serverSelectionTimeoutMS=2000' 2>/dev/null
s=$?
set -e
[ $s -eq 69 ] || { echo "exit $s, want 69"; exit 1; }
python3 - "$CASE_DIR" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from manifest import one, die
m = one("r4", "sessions")
if m["exit_status"] != 69 or "mongodb://u:***@127.0.0.1:1/x" not in m["command_line"]:
    die(f"{m['exit_status']} {m['command_line']!r}")
PY
if grep -r -e 'Hid' -e 'denPw' r4; then echo "password in the manifest"; exit 1; fi
echo ok
