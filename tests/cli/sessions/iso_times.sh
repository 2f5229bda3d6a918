# Output times are ISO 8601 UTC: every start and end of the sessions CSV is
# read by Python's datetime.fromisoformat and by sqlite's datetime() (the
# sqlite3 CLI, an independent reader), and the parts of an export session
# (id, id/2, ... when idle gaps cut it) span exactly its first and last
# input event times, recomputed here from the input.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
command -v sqlite3 >/dev/null || { echo "no sqlite3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --rows 3000 --seed 4 -o ev.csv
"$ECOMCTL" -q sessions ev.csv -o s.csv --max-session 100d
python3 - <<'PY'
import csv, datetime
UTC = datetime.timezone.utc
first, last = {}, {}
for r in csv.DictReader(open("ev.csv")):
    if not r["user_session"]:
        continue
    t = datetime.datetime.strptime(r["event_time"], "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=UTC)
    s = r["user_session"]
    first[s] = min(first.get(s, t), t)
    last[s] = max(last.get(s, t), t)
lo, hi = {}, {}
for r in csv.DictReader(open("s.csv")):
    a = datetime.datetime.fromisoformat(r["start"])
    b = datetime.datetime.fromisoformat(r["end"])
    assert r["start"].endswith("Z") and a.tzinfo is not None and a <= b, r
    sid = r["session_id"].split("/")[0]
    lo[sid] = min(lo.get(sid, a), a)
    hi[sid] = max(hi.get(sid, b), b)
assert len(lo) > 100 and set(lo) == set(first), len(lo)
for sid in lo:
    assert lo[sid] == first[sid] and hi[sid] == last[sid], (sid, lo[sid], hi[sid])
PY
bad=$(sqlite3 :memory: ".import --csv s.csv s" \
	"select count(*) from s where datetime(start) is null or datetime(\"end\") is null \
	 or datetime(start) > datetime(\"end\")")
[ "$bad" = 0 ] || { echo "sqlite cannot read $bad rows"; exit 1; }
