# --tz: days, hours and weekdays in an IANA zone. With one step (view) and
# user units, a user's step-1 event is their first view, so sqlite3 can
# count users by the local day, hour and weekday of their first view:
# Asia/Tokyo has a fixed +9 h (sqlite's '+9 hours'), and America/New_York
# crosses the end of daylight time (2019-11-03) inside the data, checked
# with Python's zoneinfo reading the same tzdata. The partial days are the
# first and last local days only, and an unknown zone is a usage error.
command -v sqlite3 >/dev/null || { echo "no sqlite3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --rows 20000 --start 2019-10-25 --days 14 --seed 21 -o ev.csv
for z in Asia/Tokyo America/New_York; do
	d=$(echo "$z" | tr / _)
	"$ECOMCTL" -q funnel ev.csv --unit user --steps view --keep-duplicates \
		--by day --by hour --by weekday --tz "$z" -o "$d"
done
# the users' first views, as epoch seconds
sqlite3 -batch db <<'SQL'
.mode csv
.import ev.csv ev
CREATE TABLE fv AS SELECT user_id, min(CAST(strftime('%s', substr(event_time, 1, 19)) AS INTEGER)) AS t
  FROM ev WHERE event_type = 'view' GROUP BY user_id;
SQL
tokyo() { sqlite3 -batch -csv db "SELECT '$1', strftime('$2', t, 'unixepoch', '+9 hours') AS v, count(*) FROM fv GROUP BY v ORDER BY v"; }
{ tokyo day '%Y-%m-%d'; tokyo hour '%H'; } > want_tokyo.csv
awk -F, '($1 == "day" || $1 == "hour") && $3 == 1 { print $1 "," $2 "," $5 }' Asia_Tokyo/funnel.csv > got_tokyo.csv
cmp want_tokyo.csv got_tokyo.csv || { echo "Tokyo differs from sqlite3:"; diff want_tokyo.csv got_tokyo.csv | head; exit 1; }
sqlite3 -batch -csv db "SELECT user_id, t FROM fv" > fv.csv
python3 - <<'PY'
import collections, csv, datetime, json
from zoneinfo import ZoneInfo
z = ZoneInfo("America/New_York")
want = {"day": collections.Counter(), "hour": collections.Counter(), "weekday": collections.Counter()}
for user, t in csv.reader(open("fv.csv")):
    l = datetime.datetime.fromtimestamp(int(t), z)
    want["day"][l.strftime("%Y-%m-%d")] += 1
    want["hour"][l.strftime("%H")] += 1
    want["weekday"][l.strftime("%a")] += 1
got = {k: collections.Counter() for k in want}
for r in csv.DictReader(open("America_New_York/funnel.csv")):
    if r["dimension"] in got and r["step"] == "1":
        got[r["dimension"]][r["value"]] = int(r["units"])
for k in want:
    assert got[k] == want[k], (k, sorted((got[k] - want[k]).items())[:5], sorted((want[k] - got[k]).items())[:5])
assert "2019-11-03" in want["day"], "the data must cross the clock change"
j = json.load(open("America_New_York/funnel.json"))
assert j["time_zone"] == "America/New_York", j["time_zone"]
days = [(t["day"], t["partial"]) for t in j["trend"]]
assert sorted(d for d, _ in days) == sorted(want["day"]), days
# partial: the local day is not wholly inside [first_event, last_event]
first = datetime.datetime.fromisoformat(j["first_event"].replace("Z", "+00:00"))
last = datetime.datetime.fromisoformat(j["last_event"].replace("Z", "+00:00"))
for d, partial in days:
    start = datetime.datetime.fromisoformat(d).replace(tzinfo=z)
    end = (start + datetime.timedelta(days=1)).replace(tzinfo=z)  # 23 or 25 h away near a change
    want_partial = first > start or last < end - datetime.timedelta(seconds=1)
    assert partial == want_partial, (d, partial, want_partial)
assert days[0][1] and days[-1][1] and not any(p for _, p in days[1:-1]), days
print("ok:", len(days), "days")
PY
grep -q "By hour of the first step (America/New_York)" America_New_York/funnel.html
set +e
"$ECOMCTL" -q funnel ev.csv --tz Mars/Olympus -o bad 2> err
s=$?
set -e
[ $s -eq 64 ] && grep -q "not a time zone" err && [ ! -e bad ] || { echo "bad zone: exit $s"; cat err; exit 1; }
echo ok
