# score --follow - --state: a stream stopped twice by SIGTERM mid-stream and
# restarted loses and repeats nothing. Each run is fed (in chunks, through a
# pipe) the lines after what the journal already holds, up to 30%, 60% and
# 100% of the file; the first two get SIGTERM while stdin is still open
# (exit 143, a checkpoint written), the last sees stdin close (exit 0).
# The journal is always a prefix of the file, and the rows of the three
# runs together equal batch `score` on the whole file: the same sessions,
# each once, every column equal. A fourth run on the ended state is refused
# (exit 78). The runs use --emit-on cart (rows of open sessions too) and a
# one-second --state-interval.
[ -x /usr/bin/python3 ] || { echo "no /usr/bin/python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 5 --rows 20000 --seed 21 -o ev.csv
"$ECOMCTL" -q train ev.csv --models m --threads 1 --seed 5 --rounds 25 > /dev/null
"$ECOMCTL" -q score ev.csv --models m -o batch.csv --run-id r
timeout 120 "$ECOMCTL" -q score --follow - --emit-on cart --models m --run-id r \
	< ev.csv > all.csv
ECOMCTL="$ECOMCTL" /usr/bin/python3 - <<'PY'
import csv, os, signal, subprocess, time

E = os.environ["ECOMCTL"]
data = open("ev.csv", "rb").read()
cmd = [E, "-q", "score", "--follow", "-", "--state", "st", "--state-interval", "1",
       "--emit-on", "cart", "--models", "m", "--run-id", "r"]

def journal():
    j = open("st.journal", "rb").read() if os.path.exists("st.journal") else b""
    assert data.startswith(j), "the journal is not a prefix of the input"
    return len(j)

def run(k, upto, stop):
    start = journal()
    upto = data.index(b"\n", upto) + 1 if upto < len(data) else len(data)
    with open(f"out{k}.csv", "w") as o:
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=o)
        for i in range(start, upto, 40000):
            p.stdin.write(data[i : min(i + 40000, upto)])
            p.stdin.flush()
            time.sleep(0.1)
        time.sleep(1.2)  # past one --state-interval
        if stop:
            p.send_signal(signal.SIGTERM)
            assert p.wait(timeout=60) == 143, p.returncode
            p.stdin.close()
        else:
            p.stdin.close()
            assert p.wait(timeout=60) == 0, p.returncode
    return list(csv.DictReader(open(f"out{k}.csv")))

rows = run(0, len(data) * 3 // 10, True)
n0 = len(rows)
rows += run(1, len(data) * 6 // 10, True)
n1 = len(rows) - n0
rows += run(2, len(data), False)
assert journal() == len(data)
assert n0 > 0 and n1 > 0, (n0, n1)
want = list(csv.DictReader(open("all.csv")))
assert rows == want, (len(rows), len(want))
batch = {r["session_id"]: r for r in csv.DictReader(open("batch.csv"))}
last = {r["session_id"]: r for r in rows}
assert last == batch
print("rows per run:", n0, n1, len(rows) - n0 - n1, "of", len(rows))
p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, text=True, timeout=60)
assert p.returncode == 78 and "ended" in p.stderr, (p.returncode, p.stderr)
PY
