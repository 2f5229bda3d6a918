# score --follow - on a paced pipe: the generated events are written in 20
# chunks, 0.15 s apart; prediction rows must be on stdout before the input
# ends (after the 10th chunk already), and once stdin closes, the rows equal
# batch `score` on the whole file row by row (every column, as sets keyed by
# session_id), in CSV and in JSON lines. timeout turns a hang into a failure.
[ -x /usr/bin/python3 ] || { echo "no /usr/bin/python3: skipped"; exit 77; }
command -v timeout >/dev/null || { echo "no timeout: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 5 --rows 20000 --seed 21 -o ev.csv
"$ECOMCTL" -q train ev.csv --models m --threads 1 --seed 5 --rounds 25 > /dev/null
"$ECOMCTL" -q score ev.csv --models m -o batch.csv --run-id r
ECOMCTL="$ECOMCTL" /usr/bin/python3 - <<'PY'
import csv, json, os, subprocess, time

E = os.environ["ECOMCTL"]
lines = open("ev.csv", "rb").read().splitlines(True)

def rows_in(path, jsonl):
    text = open(path).read()
    if jsonl:
        return [json.loads(l) for l in text.splitlines() if l.endswith("}")]
    # only complete lines: the writer may be between two rows
    return list(csv.DictReader(text[: text.rfind("\n") + 1].splitlines(True)))

def run(jsonl):
    out = "follow.jsonl" if jsonl else "follow.csv"
    cmd = ["timeout", "120", E, "-q", "score", "--follow", "-", "--models", "m", "--run-id", "r"]
    if jsonl:
        cmd += ["--format", "jsonl"]
    with open(out, "w") as o:
        p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=o)
        n, chunks, seen = len(lines), 20, []
        for k in range(chunks):
            p.stdin.write(b"".join(lines[k * n // chunks : (k + 1) * n // chunks]))
            p.stdin.flush()
            time.sleep(0.15)
            seen.append(len(rows_in(out, jsonl)))
        p.stdin.close()
        assert p.wait() == 0, p.returncode
    assert seen[9] > 0, ("no prediction before the input ended", seen)
    assert seen == sorted(seen), seen
    rows = rows_in(out, jsonl)
    assert seen[-1] < len(rows), seen  # the last ones come at the end of stdin
    print("rows seen after each chunk:", seen, "of", len(rows))
    return rows

batch = {r["session_id"]: r for r in csv.DictReader(open("batch.csv"))}
assert len(batch) > 1000
fc = run(False)
assert len(fc) == len(batch), (len(fc), len(batch))
assert {r["session_id"]: r for r in fc} == batch
fj = run(True)
assert len(fj) == len(batch)
for r in fj:
    b = batch[r["session_id"]]
    for k, v in r.items():
        if v is None:
            want = ""
        elif isinstance(v, bool):
            want = "1" if v else "0"
        elif isinstance(v, list):
            want = "|".join(v)
        elif isinstance(v, float):
            want = "%.6f" % v
        else:
            want = str(v)
        assert b[k] == want, (k, v, b)
PY
