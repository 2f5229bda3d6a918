# score --follow FILE follows a growing file like tail -F: rows appended
# while it waits are read; a file renamed away and replaced by a new one
# (rotation) is read to its end and the new one from its start (its own
# header); a file truncated and rewritten is read again from its start. A
# followed file never ends, so the run stops on SIGTERM: exit 143, and every
# row written before equals batch `score` on all the events, and it wrote
# every session that the featurizer's rule lets out (start + --max-session
# before the watermark: at least those starting 25 h before the last event,
# none starting later than 24 h 10 m before it). Each step waits for the
# follower's read offset (/proc/PID/fdinfo) rather than a fixed time.
[ -x /usr/bin/python3 ] || { echo "no /usr/bin/python3: skipped"; exit 77; }
command -v timeout >/dev/null || { echo "no timeout: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 5 --rows 20000 --seed 3 -o ev.csv
"$ECOMCTL" -q train ev.csv --models m --threads 1 --seed 5 --rounds 25 > /dev/null
"$ECOMCTL" -q score ev.csv --models m -o batch.csv --run-id r
ECOMCTL="$ECOMCTL" /usr/bin/python3 - <<'PY'
import csv, datetime, os, signal, subprocess, time

E = os.environ["ECOMCTL"]
lines = open("ev.csv", "rb").read().splitlines(True)
head, data = lines[0], lines[1:]
n = len(data)
part = [b"".join(data[k * n // 4 : (k + 1) * n // 4]) for k in range(4)]

def rows():
    text = open("follow.csv").read()
    return list(csv.DictReader(text[: text.rfind("\n") + 1].splitlines(True)))

def follower_pos():
    """The follower's read offset in events.log (from /proc), or None."""
    kids = open(f"/proc/{p.pid}/task/{p.pid}/children").read().split()
    for pid in kids + [str(p.pid)]:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == os.path.abspath("events.log"):
                    for line in open(f"/proc/{pid}/fdinfo/{fd}"):
                        if line.startswith("pos:"):
                            return int(line.split()[1])
        except OSError:
            pass
    return None

def wait_pos(want, what):
    t0 = time.time()
    while time.time() - t0 < 60:
        if want(follower_pos()):
            return
        time.sleep(0.05)
    raise AssertionError(what)

def settle():
    # the follower has read the whole file (a slow machine may lag behind
    # the writes), then 1 s without a new row
    size = os.path.getsize("events.log")
    wait_pos(lambda pos: pos is not None and pos >= size, "the follower never caught up")
    last, same, t0 = -1, 0, time.time()
    while same < 10 and time.time() - t0 < 60:
        time.sleep(0.1)
        k = len(rows())
        same = same + 1 if k == last else 0
        last = k
    return last

with open("events.log", "wb") as f:
    f.write(head + part[0][:-7])  # the last line unfinished for now
err = open("follow.err", "w")
out = open("follow.csv", "w")
cmd = ["timeout", "120", E, "score", "--follow", "events.log", "--poll-ms", "20",
       "--models", "m", "--run-id", "r"]
p = subprocess.Popen(cmd, stdout=out, stderr=err)
time.sleep(0.5)
with open("events.log", "ab") as f:
    f.write(part[0][-7:])
    f.write(part[1])
a = settle()
assert a > 0, a
os.rename("events.log", "events.log.1")  # rotation
with open("events.log", "wb") as f:
    f.write(head + part[2])
b = settle()
assert b > a, (a, b)
with open("events.log", "wb"):  # truncation, then new content in the same file
    pass
# new content only once the follower has seen the file shrink (it reads it
# again from 0): written sooner, the file could be as long as before again
# and the truncation go unseen, as with tail -F
wait_pos(lambda pos: pos == 0, "the truncation was not seen")
with open("events.log", "ab") as f:
    f.write(head + part[3])
c = settle()
assert c > b, (a, b, c)
# to ecomctl itself: timeout(1) would pass the signal on twice (to its child,
# then to its process group), and a second SIGTERM ends ecomctl at once
kid = int(open(f"/proc/{p.pid}/task/{p.pid}/children").read().split()[0])
os.kill(kid, signal.SIGTERM)
assert p.wait() == 143, p.returncode
err.close()
log = open("follow.err").read()
assert "2 files reopened" in log, log
print("rows after each phase:", a, b, c)

batch = {r["session_id"]: r for r in csv.DictReader(open("batch.csv"))}
got = rows()
assert len(got) == c and len({r["session_id"] for r in got}) == c
for r in got:
    assert r == batch[r["session_id"]], (r, batch.get(r["session_id"]))
def t(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").timestamp()
tmax = max(t(r["end"]) for r in batch.values())
must = {k for k, r in batch.items() if t(r["start"]) < tmax - 25 * 3600}
cannot = {k for k, r in batch.items() if t(r["start"]) > tmax - 24 * 3600 + 600}
ids = {r["session_id"] for r in got}
assert must <= ids, len(must - ids)
assert not (cannot & ids), len(cannot & ids)
PY
