# `demo -o DIR` writes its manifest and one per step that writes one
# (sessions, funnel, train, score) under DIR/runs, nothing under ./output;
# the demo's steps name those manifests' run ids; the sessions step read as
# many rows as the generated file has (zcat | wc -l); the demo's manifest
# lists every output of its steps and its own. With a password in
# --mongo-uri and nothing listening, every manifest hides it.
set -e
"$ECOMCTL" -q demo -n 3000 -o d
[ ! -e output ] || { echo "./output written"; exit 1; }
python3 - "$CASE_DIR" <<'PY'
import gzip, os, sys
sys.path.insert(0, sys.argv[1])
from manifest import load_all, die
ms = load_all("d/runs")
if sorted(ms) != ["demo", "funnel", "score", "sessions", "train"] or any(len(v) != 1 for v in ms.values()):
    die(f"manifests: {sorted(ms)}")
demo = ms["demo"][0]
steps = [(s["command"], s["run_id"], s["exit_status"]) for s in demo["steps"]]
want = [("synth", None, 0), ("inspect", None, 0)] + \
    [(c, ms[c][0]["run_id"], 0) for c in ("sessions", "funnel", "train", "score")]
if steps != want:
    die(f"steps {steps!r}, want {want!r}")
n = gzip.open("d/events.csv.gz").read().count(b"\n") - 1
if n != 3000 or ms["sessions"][0]["counts"]["rows"] != n or demo["counts"]["rows_generated"] != 3000:
    die(f"rows: file {n}, sessions {ms['sessions'][0]['counts']['rows']}")
# the demo's outputs: every step's, plus what it wrote itself, each a real file
mine = {o["path"] for o in demo["outputs"]}
for c in ("sessions", "funnel", "train", "score"):
    for o in ms[c][0]["outputs"]:
        if o["path"] not in mine:
            die(f"demo manifest lacks {c}'s {o['path']}")
for p in ("d/funnel.html", "d/funnel.csv", "d/events.csv.gz", "d/inspect.txt"):
    if p not in mine:
        die(f"demo manifest lacks {p}: {sorted(mine)}")
for o in demo["outputs"]:
    if os.path.getsize(o["path"]) != o["size"]:
        die(f"{o['path']}: size {o['size']}")
PY
set +e
"$ECOMCTL" -q demo -n 2000 -o d2 \
	--mongo-uri 'mongodb://u:Dem0%40Pw@127.0.0.1:1/x?serverSelectionTimeoutMS=2000' 2>/dev/null
s=$?
set -e
[ $s -eq 69 ] || { echo "exit $s, want 69"; exit 1; }
python3 - "$CASE_DIR" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from manifest import load_all, die
ms = load_all("d2/runs")
for c in ("sessions", "funnel", "score"):
    if ms[c][0]["exit_status"] != 69:
        die(f"{c}: exit {ms[c][0]['exit_status']}")
if ms["demo"][0]["exit_status"] != 69 or ms["train"][0]["exit_status"] != 0:
    die("demo or train exit status")
PY
if grep -r -e 'Dem0' -e '40Pw' d2/runs; then echo "password in a manifest"; exit 1; fi
echo ok
