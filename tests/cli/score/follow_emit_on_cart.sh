# score --follow --emit-on cart: besides the row of each session as it goes
# out, an early row at each cart event, as of that event. Checked against
# an independent computation: for a sample of early rows (every 25th), the
# input cut right after that cart event for that session (its later rows
# removed, every other row kept) is scored in batch, and the batch row of
# the session equals the early row in every column. Also: the rows of a
# session come in order (its early rows, one per distinct cart event, then
# its final row), and the final rows equal batch on the whole file.
[ -x /usr/bin/python3 ] || { echo "no /usr/bin/python3: skipped"; exit 77; }
command -v timeout >/dev/null || { echo "no timeout: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 5 --rows 20000 --seed 21 -o ev.csv
"$ECOMCTL" -q train ev.csv --models m --threads 1 --seed 5 --rounds 25 > /dev/null
"$ECOMCTL" -q score ev.csv --models m -o batch.csv --run-id r
timeout 120 "$ECOMCTL" -q score --follow - --emit-on cart --models m --run-id r \
	< ev.csv > follow.csv
ECOMCTL="$ECOMCTL" /usr/bin/python3 - <<'PY'
import collections, csv, os, subprocess

E = os.environ["ECOMCTL"]
batch = list(csv.DictReader(open("batch.csv")))
ids = collections.Counter(r["session_id"] for r in batch)
batch = {r["session_id"]: r for r in batch}
rows = list(csv.DictReader(open("follow.csv")))
by_id = collections.defaultdict(list)
for r in rows:
    by_id[r["session_id"]].append(r)
assert set(by_id) == set(batch)
for k, rs in by_id.items():
    assert rs[-1] == batch[k], (rs[-1], batch[k])

lines = open("ev.csv").read().splitlines(True)
head = next(csv.reader([lines[0]]))
ev = [dict(zip(head, f)) for f in csv.reader(lines[1:])]
# the distinct cart events of each session, in input order (exact
# duplicates are dropped by the sessionizer)
carts = collections.defaultdict(list)
seen = collections.defaultdict(set)
for i, e in enumerate(ev):
    k = e["user_session"]
    t = tuple(e[c] for c in head)
    if t in seen[k]:
        continue
    seen[k].add(t)
    if e["event_type"] == "cart":
        carts[k].append(i)

early = [(k, j, r) for k, rs in by_id.items() for j, r in enumerate(rs[:-1])]
assert len(early) > 100, len(early)
n_checked = 0
for k, j, r in early[::25]:
    # sessions of one export id (not by gap, not split), one early row a cart
    if len(k) != 36 or "/" in k or ids[k] != 1 or len(by_id[k]) - 1 != len(carts[k]):
        continue
    cut = carts[k][j]
    assert r["end"].replace("T", " ").replace("Z", " UTC") == ev[cut]["event_time"], (r, ev[cut])
    keep = [lines[0]] + [l for i, l in enumerate(lines[1:]) if ev[i]["user_session"] != k or i <= cut]
    open("cut.csv", "w").writelines(keep)
    subprocess.run([E, "-q", "score", "cut.csv", "--models", "m", "-o", "cut-pred.csv",
                    "--run-id", "r"], check=True)
    want = [b for b in csv.DictReader(open("cut-pred.csv")) if b["session_id"] == k]
    assert want == [r], (want, r)
    n_checked += 1
assert n_checked >= 10, n_checked
print("early rows", len(early), "checked against batch on a cut input:", n_checked)
PY
