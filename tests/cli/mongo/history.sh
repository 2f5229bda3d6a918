# labels: mongo
# history export lists one user's session logs and predictions sorted by
# start; history show summarises them; history delete removes exactly that
# user's documents and prints the counts; other users keep theirs.
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
U="$URI/h"
"$ECOMCTL" synth --rows 4000 --seed 8 -o ev.csv 2>/dev/null
"$ECOMCTL" -q sessions ev.csv -o out/s.csv --mongo-uri "$U"
# The user with the most sessions, counted from the CSV by sqlite3.
sqlite3 :memory: ".import --csv out/s.csv s" \
	"SELECT user_id, COUNT(*), SUM(events), SUM(purchases) FROM s GROUP BY user_id ORDER BY 2 DESC, 1 LIMIT 1" > top.txt
IFS='|' read -r user n events buys < top.txt
[ "$n" -ge 2 ] || { echo "no user with 2 sessions"; exit 1; }
total=$(($(wc -l < out/s.csv) - 1))
"$ECOMCTL" history export --user "$user" --mongo-uri "$U" > export.jsonl
sqlite3 :memory: ".import --csv out/s.csv s" \
	"SELECT session_id FROM s WHERE user_id = '$user' ORDER BY start, session_id" > want.ids
python3 - "$user" <<'PY'
import json, sys
user = int(sys.argv[1])
lines = [json.loads(l) for l in open("export.jsonl")]
want = open("want.ids").read().split()
got = [l["session_id"] for l in lines]
if got != want:
    print(f"export: {got} want {want}"); sys.exit(1)
starts = [l["start"] for l in lines]
if starts != sorted(starts) or any(l["user_id"] != user or l["collection"] != "sessions" for l in lines):
    print("export: not sorted, or another user"); sys.exit(1)
PY
"$ECOMCTL" history show --user "$user" --mongo-uri "$U" > show.txt
grep -q "^$n session logs from .*: $events events, $buys purchases" show.txt || { cat show.txt; exit 1; }
grep -q "^0 predictions" show.txt || { cat show.txt; exit 1; }
"$ECOMCTL" history delete --user "$user" --mongo-uri "$U" > del.txt
grep -qx "deleted $n session logs and 0 predictions of user $user" del.txt || { cat del.txt; exit 1; }
"$ECOMCTL" history export --user "$user" --mongo-uri "$U" > again.jsonl
[ ! -s again.jsonl ] || { echo "still exported after delete"; exit 1; }
[ "$(mfind h sessions | wc -l)" -eq $((total - n)) ] || { echo "other users' logs changed"; exit 1; }
"$ECOMCTL" history delete --user "$user" --mongo-uri "$U" > del2.txt
grep -qx "deleted 0 session logs and 0 predictions of user $user" del2.txt
echo ok
