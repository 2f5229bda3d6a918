# labels: mongo
# When the server dies and the spool cannot be written either (its folder
# cannot be created), the run says the documents are lost and exits 74;
# the file output is still complete.
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
"$ECOMCTL" synth --rows 12000 --seed 5 -o ev.csv 2>/dev/null
"$ECOMCTL" -q sessions ev.csv -o plain/s.csv
echo "a file" > blocker
ECOMCTL_TEST_MONGO_PAUSE_FILE="$PWD/pause" "$ECOMCTL" sessions ev.csv -o out/s.csv \
	--spool-dir blocker/spool --mongo-uri "$URI/u" > run.out 2> run.err &
pid=$!
i=0
while [ ! -e pause ] && [ $i -lt 600 ]; do i=$((i + 1)); sleep 0.1; done
kill -9 "$(cat srv/mongo.pid)"
rm -f pause
set +e
wait $pid
s=$?
set -e
[ $s -eq 74 ] || { echo "exit $s, want 74"; cat run.err; exit 1; }
grep -q "the spool could not be written (blocker/spool.*they are lost" run.err || { cat run.err; exit 1; }
cmp plain/s.csv out/s.csv
echo ok
