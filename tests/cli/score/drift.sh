# Drift: train on generated data, then score (1) the same file: every PSI is
# 0 (the same sessions fall in the same bins) and nothing is warned about;
# (2) a file of the other store profile: the PSI of p_purchase, recomputed
# here from predictions.csv and the bins in the model's manifest (numpy-free
# Python), equals the one in the run record and in --json, passes 0.25, and
# the warning names it.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 6 --rows 30000 --seed 5 -o a.csv
"$ECOMCTL" -q synth --days 6 --rows 30000 --seed 6 --profile cosmetics -o b.csv
"$ECOMCTL" -q train a.csv --models m --threads 1
"$ECOMCTL" --json score a.csv --models m -o same.csv --run-id same > same.json 2> same.err
if grep -q drift same.err; then cat same.err; exit 1; fi
"$ECOMCTL" --json score b.csv --models m -o other.csv --run-id other > other.json 2> other.err
grep "moved since training" other.err | grep -q "p_purchase"
python3 - <<'PY'
import csv, json, math
same = json.load(open("same.json"))["drift"]
assert all(abs(d["psi"]) < 1e-12 for d in same["psi"]), same
names = {(d["task"], d["name"]) for d in same["psi"]}
assert ("intent", "p_purchase") in names and ("category", "p_category_1") in names, names
man = json.load(open("m/intent/v1/manifest.json"))
top = [i["feature"] for i in man["importance"][:10]]
assert {n for t, n in names if t == "intent"} == set(top) | {"p_purchase"}, (names, top)
ref = man["reference"]["score"]
edges, shares = ref["edges"], ref["shares"]
counts = [0] * (len(edges) + 2)
for row in csv.DictReader(open("other.csv")):
    if row["p_purchase"] == "":
        continue
    p = float(row["p_purchase"])
    counts[sum(1 for e in edges if e <= p)] += 1
n = sum(counts)
psi = 0.0
for c, e in zip(counts, shares):
    a = c / n
    if a == 0 and e == 0:
        continue
    a, e = max(a, 1e-4), max(e, 1e-4)
    psi += (a - e) * math.log(a / e)
run = json.load(open("output/runs/other.json"))["counts"]["drift"]
out = json.load(open("other.json"))["drift"]
for d in (run, out):
    got = [x for x in d["psi"] if x["name"] == "p_purchase"][0]
    assert abs(got["psi"] - psi) < 1e-9 and got["n"] == n, (got["psi"], psi, got["n"], n)
    assert got["warn"] and psi > 0.25, psi
print("p_purchase PSI %.3f on %d sessions" % (psi, n))
PY
