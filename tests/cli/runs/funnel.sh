# `funnel` writes a run manifest: on the hand-made file of the funnel cases
# (tests/cli/funnel/small.csv, worked out by hand there: units 5, 4, 2) its
# counts are those units, its rows the file's, its outputs the three files.
set -e
f="$CASE_DIR/../funnel/small.csv"
"$ECOMCTL" -q funnel --by top -o out "$f"
[ "$(ls out)" = "$(printf 'funnel.csv\nfunnel.html\nfunnel.json')" ] || { ls out; exit 1; }
python3 - "$CASE_DIR" "$f" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from manifest import one, lines, die
m = one("output/runs", "funnel")
c = m["counts"]
if c["units"] != 5 or c["step_units"] != [5, 4, 2]:
    die(f"units {c['units']!r} {c['step_units']!r}")
if c["rows"] != lines(sys.argv[2]) or c["bad_rows"] != 0 or c["sessions"] != 5:
    die(f"rows {c['rows']}, sessions {c['sessions']}")
if sorted(o["path"] for o in m["outputs"]) != ["out/funnel.csv", "out/funnel.html", "out/funnel.json"]:
    die(f"outputs {m['outputs']!r}")
PY
echo ok
