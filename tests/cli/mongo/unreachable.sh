# labels: mongo
# Nothing listening at the URI: exit 69 with a clear message, and the file
# outputs are complete anyway (the same bytes as a run without MongoDB).
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
# A port that was free a moment ago: this case's server, stopped.
"$S" stop "$PWD/srv"
trap - EXIT
"$ECOMCTL" synth --rows 3000 --seed 2 -o ev.csv 2>/dev/null
"$ECOMCTL" -q sessions ev.csv -o plain/s.csv
"$ECOMCTL" -q funnel ev.csv -o plain --run-id r1
set +e
"$ECOMCTL" sessions ev.csv -o out/s.csv --mongo-uri "mongodb://127.0.0.1:$PORT/x" 2> err1
s1=$?
"$ECOMCTL" funnel ev.csv -o out --run-id r1 --mongo-uri "mongodb://127.0.0.1:$PORT/x" 2> err2
s2=$?
set -e
[ $s1 -eq 69 ] && [ $s2 -eq 69 ] || { echo "exit $s1 and $s2, want 69"; cat err1 err2; exit 1; }
cmp plain/s.csv out/s.csv
for f in funnel.csv funnel.json; do cmp plain/$f out/$f; done
grep -q "error: sessions: mongodb: cannot reach mongodb://127.0.0.1:$PORT/x: .*the file outputs are complete" err1 ||
	{ echo "message:"; cat err1; exit 1; }
[ ! -e out/spool ] || { echo "a spool was written"; exit 1; }
echo ok
