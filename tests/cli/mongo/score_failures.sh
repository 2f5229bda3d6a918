# labels: mongo
# `score` fails as `sessions` does: nothing listening -> exit 69 with the
# CSV complete (the same bytes as without MongoDB) and a manifest saying
# mongodb_unavailable; a malformed URI -> 78 before any work (no CSV, no
# manifest); MONGODB_URI is read. A password in the URI (PLAIN, which the
# test server accepts) never appears in stdout, stderr (-v), --json, the
# manifest or the runs document. --json says failed, exit 69.
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
"$ECOMCTL" synth --rows 3000 --seed 33 -o ev.csv 2>/dev/null
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 10 > /dev/null
"$ECOMCTL" -q score ev.csv --models m -o plain/p.csv --run-id r1
pw='Qv7%40ySecret'       # decoded: Qv7@ySecret
P="mongodb://bob:$pw@127.0.0.1:$PORT/scp?authMechanism=PLAIN&authSource=%24external"
"$ECOMCTL" -v score ev.csv --models m -o pw/p.csv --mongo-uri "$P" --json > o1 2> e1
MONGODB_URI="$P" "$ECOMCTL" -v score ev.csv --models m -o pw/p2.csv > o2 2> e2
mfind scp runs > runs.jsonl
[ "$(wc -l < runs.jsonl)" -eq 2 ] || { echo "runs: $(wc -l < runs.jsonl)"; exit 1; }
[ "$(mfind scp predictions | wc -l)" -eq $(($(wc -l < plain/p.csv) - 1)) ]
grep -q '"uri":[[:space:]]*"mongodb://bob:\*\*\*@127' o1 || { echo "no redacted URI in --json"; cat o1; exit 1; }
# Nothing listening: this case's server, stopped.
"$S" stop "$PWD/srv"
trap - EXIT
set +e
"$ECOMCTL" --json score ev.csv --models m -o down/p.csv --run-id r1 --runs-dir down/runs \
	--mongo-uri "mongodb://bob:$pw@127.0.0.1:$PORT/x" > o3 2> e3
s1=$?
"$ECOMCTL" score ev.csv --models m -o bad/p.csv --mongo-uri "mongodb://bob:$pw@@h" > o4 2> e4
s2=$?
set -e
[ $s1 -eq 69 ] || { echo "exit $s1, want 69"; cat e3; exit 1; }
[ $s2 -eq 78 ] || { echo "exit $s2, want 78"; cat e4; exit 1; }
cmp plain/p.csv down/p.csv
grep -q "error: score: mongodb: cannot reach mongodb://bob:\*\*\*@127.0.0.1:$PORT/x: .*the file outputs are complete" e3 ||
	{ cat e3; exit 1; }
[ ! -e bad ] || { echo "outputs written despite a bad URI"; exit 1; }
python3 - <<'PY'
import json, os, sys
m = json.load(open("down/runs/r1.json"))
if m["outcome"] != "mongodb_unavailable" or m["exit_status"] != 69 or "cannot reach" not in m["error"]:
    print(f"manifest: {m['outcome']!r} {m['exit_status']!r} {m['error']!r}"); sys.exit(1)
if m["outputs"] != [{"path": "down/p.csv", "size": os.path.getsize("down/p.csv")}]:
    print(f"outputs {m['outputs']!r}"); sys.exit(1)
# --json: one summary, and it tells the run's real outcome, not "ok"
s = json.loads(open("o3").read())
if (s["status"], s["exit"]) != ("failed", 69) or "cannot reach" not in s["error"]:
    print(f"--json: {s['status']!r} {s['exit']!r} {s['error']!r}"); sys.exit(1)
PY
for f in o1 o2 o3 o4 e1 e2 e3 e4 runs.jsonl output/runs/* down/runs/*; do
	if grep -a -q -e 'Qv7' -e 'ySecret' "$f"; then
		echo "password in $f:"; grep -a -e 'Qv7' -e 'ySecret' "$f" | head -3 | cut -c1-300
		exit 1
	fi
done
echo ok
