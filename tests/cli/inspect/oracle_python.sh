# labels: real
# Every count of inspect --json against Python's own reading of the same
# bytes (exact sets of the strings and ids, whole lines for duplicates):
# generated dirty data; the same rows shuffled within blocks of 500 rows
# (out of time order, inside the duplicate window); a file given twice
# (the second copy far behind the window: late rows, and every duplicate
# missed is a late row); the real samples when present.
set -e
"$ECOMCTL" -q synth --rows 200000 --dirty --seed 7 -o dirty.csv
python3 - <<'PY'
import random
rnd = random.Random(16)
head, *rows = open("dirty.csv", "rb").read().split(b"\n")[:-1]
out = []
for i in range(0, len(rows), 500):
    block = rows[i:i + 500]
    rnd.shuffle(block)
    out += block
open("shuffled.csv", "wb").write(b"\n".join([head] + out) + b"\n")
PY
cat > oracle.py <<'PY'
import csv, io, json, sys
from decimal import Decimal
out, *files = sys.argv[1:]
j = json.load(open(out))
bad = set()
with open("rejects.csv", newline="") as f:
    for r in list(csv.reader(f))[1:]:
        bad.add((r[0], int(r[1])))
users, sessions, bought, products, cats, codes, brands, seen = (set() for _ in range(8))
types = {"view": 0, "cart": 0, "remove_from_cart": 0, "purchase": 0}
empty = {"brand": 0, "category_code": 0, "user_session": 0}
rows = dups = 0
num = lambda s: int(Decimal(s))
for name in files:
    op = __import__("gzip").open if name.endswith(".gz") else open
    lines = op(name, "rb").read().split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    for no, raw in enumerate(lines[1:], start=2):
        if (name, no) in bad:
            continue
        rows += 1
        raw = raw.rstrip(b"\r")
        dups += raw in seen
        seen.add(raw)
        t, typ, prod, cat, code, brand, price, user, sess = next(csv.reader([raw.decode()]))
        types[typ] += 1
        users.add(num(user)); products.add(num(prod)); cats.add(num(cat))
        for k, v, s in (("brand", brand, brands), ("category_code", code, codes)):
            if v:
                s.add(v)
            else:
                empty[k] += 1
        if sess:
            sessions.add(sess)
            if typ == "purchase":
                bought.add(sess)
        else:
            empty["user_session"] += 1
want = {"good_rows": rows, "events": types, "users": len(users), "sessions": len(sessions),
        "products": len(products), "categories": len(cats), "category_codes": len(codes),
        "brands": len(brands), "sessions_with_purchase": len(bought), "empty": empty}
d = j["distinct"]
got = {"good_rows": j["good_rows"], "events": j["events"], "users": d["users"],
       "sessions": d["sessions"], "products": d["products"], "categories": d["categories"],
       "category_codes": d["category_codes"], "brands": d["brands"],
       "sessions_with_purchase": j["sessions_with_purchase"],
       "empty": {k: j["empty"][k] for k in empty}}
assert got == want, (files, "python", want, "inspect", got)
late, got_dups = j["late_rows"], j["duplicate_rows"]
if late == 0:
    assert got_dups == dups, (files, "duplicates: python", dups, "inspect", got_dups)
else:  # only a late row can miss its copy
    assert got_dups <= dups <= got_dups + late, (files, dups, got_dups, late)
print(" ".join(files), "rows", rows, "duplicates", dups, "late", late)
PY
check() { # WANT_LATE FILE...: inspect FILE... and compare
	want_late=$1
	shift
	"$ECOMCTL" -q inspect --json --rejects rejects.csv "$@" > out.json
	python3 oracle.py out.json "$@"
	python3 -c 'import json, sys; l = json.load(open("out.json"))["late_rows"]
sys.exit("late_rows %d, expected %s" % (l, sys.argv[1]) if (l > 0) != (sys.argv[1] == "yes") else 0)' "$want_late"
}
check no dirty.csv
check no shuffled.csv
check yes dirty.csv dirty.csv
D=${EC_SHARED_DATA:-}
# Without the real samples the generated files above were still checked.
[ -n "$D" ] && [ -d "$D" ] || { echo "no shared samples: generated files only" >&2; exit 0; }
for f in "$D"/*.csv.gz; do
	check no "$f"
done
