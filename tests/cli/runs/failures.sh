# Failed runs write their manifest too, with the exit status and the error:
# bad data (65, naming the file), a missing input (66, size null). A
# refused command line (64) or configuration (78) does nothing, so no
# manifest. A runs directory that cannot be made fails an otherwise good
# run with 73 (the CSV is complete). ECOMCTL_RUNS_DIR sets the directory.
set -e
printf 'event_time,event_type,product_id,category_id,category_code,brand,user_id,user_session\n' > noprice.csv
printf 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n2019-10-01 00:00:00 UTC,view,1,2,a.b,x,1.00,3,s\n' > ok.csv
st() { set +e; "$@" 2>/dev/null; s=$?; set -e; }
st "$ECOMCTL" -q sessions noprice.csv -o o/s.csv --runs-dir r65
[ $s -eq 65 ] || { echo "exit $s, want 65"; exit 1; }
st "$ECOMCTL" -q funnel nowhere.csv -o o --runs-dir r66
[ $s -eq 66 ] || { echo "exit $s, want 66"; exit 1; }
st "$ECOMCTL" -q sessions ok.csv -o o/s.csv --runs-dir r64 --no-such-option
[ $s -eq 64 ] || { echo "exit $s, want 64"; exit 1; }
st "$ECOMCTL" -q sessions ok.csv -o o/s.csv --runs-dir r78 --mongo-uri 'mongodb://a:b@@h'
[ $s -eq 78 ] || { echo "exit $s, want 78"; exit 1; }
[ ! -e r64 ] && [ ! -e r78 ] || { echo "a manifest for a refused run"; exit 1; }
: > file
st "$ECOMCTL" -q sessions ok.csv -o o73/s.csv --runs-dir file/runs
[ $s -eq 73 ] || { echo "exit $s, want 73"; exit 1; }
[ "$(wc -l < o73/s.csv)" -eq 2 ] || { echo "the CSV is not complete"; exit 1; }
ECOMCTL_RUNS_DIR=envdir "$ECOMCTL" -q sessions ok.csv -o o/s.csv
python3 - "$CASE_DIR" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from manifest import one, die
m = one("r65", "sessions")
if m["exit_status"] != 65 or m["outcome"] != "failed" or "noprice.csv" not in m["error"] \
        or "price" not in m["error"] or m["outputs"] != []:
    die(f"65: {m['exit_status']} {m['error']!r} {m['outputs']!r}")
m = one("r66", "funnel")
if m["exit_status"] != 66 or "nowhere.csv" not in m["error"] or m["inputs"][0]["size"] is not None:
    die(f"66: {m['exit_status']} {m['error']!r} {m['inputs']!r}")
m = one("envdir", "sessions")
if m["counts"]["rows"] != 1 or m["counts"]["sessions"] != 1:
    die(f"env: {m['counts']!r}")
PY
echo ok
