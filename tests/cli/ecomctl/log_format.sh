# Log lines on stderr (not a terminal here): text lines carry the ISO time
# and the run id before "ecomctl:"; with JOURNAL_STREAM naming stderr (its
# device:inode, as systemd sets it) they carry journald priorities instead
# (<6> info, <3> error), and with JOURNAL_STREAM naming another file they
# do not; --log-format json (also before the command) gives one JSON object
# per line with time, level, run_id and message.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --rows 2000 -o ev.csv
"$ECOMCTL" sessions ev.csv -o s.csv --run-id log-1 2> text.err
: > journal.err
JOURNAL_STREAM=$(stat -c '%d:%i' journal.err) "$ECOMCTL" sessions ev.csv -o s.csv 2>> journal.err
JOURNAL_STREAM=$(stat -c '%d:%i' journal.err) "$ECOMCTL" sessions nothere.csv -o s.csv \
	2>> journal.err && exit 1
: > other
JOURNAL_STREAM=$(stat -c '%d:%i' other) "$ECOMCTL" sessions ev.csv -o s.csv --run-id log-2 \
	2> notjournal.err
"$ECOMCTL" --log-format json sessions ev.csv -o s.csv --run-id log-3 2> json.err
"$ECOMCTL" sessions nothere.csv -o s.csv --log-format json --run-id log-4 2> jsonfail.err && exit 1
python3 - <<'PY'
import datetime, json, re
now = datetime.datetime.now(datetime.timezone.utc)
def recent(t):
    d = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    assert abs((now - d).total_seconds()) < 600, t
for f, rid in (("text.err", "log-1"), ("notjournal.err", "log-2")):
    lines = open(f).read().splitlines()
    assert lines, f
    for l in lines:
        m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) (\S+) ecomctl: ", l)
        assert m and m.group(2) == rid, (f, l)
        recent(m.group(1))
j = open("journal.err").read().splitlines()
assert any(l.startswith("<6>ecomctl: ") for l in j), j
assert any(l.startswith("<3>ecomctl: error: ") and "nothere.csv" in l for l in j), j
assert all(re.match(r"<[3-7]>ecomctl: ", l) for l in j), j
for f, rid, level in (("json.err", "log-3", "info"), ("jsonfail.err", "log-4", "error")):
    objs = [json.loads(l) for l in open(f).read().splitlines()]
    assert objs, f
    for o in objs:
        assert set(o) == {"time", "level", "run_id", "message"}, o
        assert o["run_id"] == rid, o
        recent(o["time"])
    assert any(o["level"] == level for o in objs), objs
assert any("nothere.csv" in o["message"] for o in map(json.loads, open("jsonfail.err")))
PY
