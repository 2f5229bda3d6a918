# labels: mongo
# A URI with a password (PLAIN authentication, which the test server
# accepts): the password, raw or percent-decoded, never appears in stdout,
# stderr (even with -v and the driver's log), the runs document, the spool
# file's name or content, --json summaries, or the demo's output; also when
# the server dies mid-run and when the URI comes from MONGODB_URI.
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
pw='Zq9%40xSecret'       # decoded: Zq9@xSecret
U="mongodb://alice:$pw@127.0.0.1:$PORT/sec?authMechanism=PLAIN&authSource=%24external"
"$ECOMCTL" synth --rows 9000 --seed 4 -o ev.csv 2>/dev/null
"$ECOMCTL" -v sessions ev.csv -o out/s.csv --mongo-uri "$U" > o1 2> e1
"$ECOMCTL" -v funnel ev.csv -o out --mongo-uri "$U" --json > o2 2> e2
MONGODB_URI="$U" "$ECOMCTL" -v history show --user 1 > o3 2> e3
"$ECOMCTL" -v demo -n 3000 -o dm --mongo-uri "$U" > o4 2> e4
grep -q "alice:\*\*\*@127" e1 && grep -q "alice:\*\*\*@127" o2 || { echo "no redacted URI in the log"; cat e1; exit 1; }
# Killed mid-run: the spool and the error message.
MONGODB_URI="$U" ECOMCTL_TEST_MONGO_PAUSE_FILE="$PWD/pause" "$ECOMCTL" -v sessions ev.csv \
	-o k/s.csv > o5 2> e5 &
pid=$!
i=0
while [ ! -e pause ] && [ $i -lt 600 ]; do i=$((i + 1)); sleep 0.1; done
mfind sec runs > runs.jsonl
kill -9 "$(cat srv/mongo.pid)"
rm -f pause
set +e
wait $pid
s=$?
set -e
[ $s -eq 75 ] || { echo "exit $s, want 75"; cat e5; exit 1; }
ls -R k > names
[ "$(wc -l < runs.jsonl)" -ge 4 ] || { echo "runs: $(wc -l < runs.jsonl)"; exit 1; }
for f in o1 o2 o3 o4 o5 e1 e2 e3 e4 e5 runs.jsonl names k/spool/*.bson dm/*; do
	if grep -a -q -e 'Zq9' -e 'xSecret' "$f"; then
		echo "password in $f:"; grep -a -e 'Zq9' -e 'xSecret' "$f" | head -3 | cut -c1-300
		exit 1
	fi
done
echo ok
