# 100,000 good rows mixed with 1,000 malformed rows of 25 kinds (40 each,
# placed at seeded random positions). The expected count of each reject
# reason follows from the kinds below, not from ecomctl's output. Exit 0 by
# default (1,000 of 101,000 is under 5%); exit 65 with --max-bad-rows 10.
set -e
python3 - <<'PY'
import random
rnd = random.Random(46)
H = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session"
def good(i):
    t = 1569888000 + i * 7
    d, s = divmod(t - 1569888000, 86400)
    hh, rest = divmod(s, 3600)
    mm, ss = divmod(rest, 60)
    ts = "2019-10-%02d %02d:%02d:%02d UTC" % (1 + d, hh, mm, ss)
    typ = ["view", "view", "view", "cart", "remove_from_cart", "purchase"][i % 6]
    return ",".join([ts, typ, str(1000 + i % 5000), str(2053013552326770905 + i % 40),
                     "" if i % 3 else "electronics.smartphone", "" if i % 7 == 0 else "brand%d" % (i % 50),
                     "%d.%02d" % (i % 300, i % 100), str(500000000 + i % 9000),
                     "%08x-aaaa-4bbb-8ccc-%012x" % (i // 5, i)])
T = "2019-10-05 10:00:00 UTC"
def row(time=T, typ="view", prod="1", cat="2", code="", brand="b", price="1.00", user="3", sess="s"):
    return ",".join([time, typ, prod, cat, code, brand, price, user, sess])
kinds = [  # (row, reason)
    (row(time="2019-02-30 10:00:00 UTC"), "event_time"),
    (row(time="2019-10-05 24:00:00 UTC"), "event_time"),
    (row(time="2019-10-05 10:00:00"), "event_time"),
    (row(time="2019-10-5 10:00:00 UTC"), "event_time"),
    (row(time="2019-10-05T10:00:00 UTC"), "event_time"),
    (row(time=""), "event_time"),
    (row(time="2019-10-05 10:60:00 UTC"), "event_time"),
    (row(time="2019-13-05 10:00:00 UTC"), "event_time"),
    (row(typ="click"), "event_type"),
    (row(typ="VIEW"), "event_type"),
    (row(prod="12a"), "product_id"),
    (row(prod="-5"), "product_id"),
    (row(prod="99999999999999999999"), "product_id"),
    (row(cat="1.5"), "category_id"),
    (row(cat=""), "category_id"),
    (row(price="abc"), "price"),
    (row(price=""), "price"),
    (row(price="1.2.3"), "price"),
    (row(user=""), "user_id"),
    (row(user="u123"), "user_id"),
    (",".join(row().split(",")[:8]), "field_count"),
    (row() + ",extra", "field_count"),
    (row(brand='ac"me'), "quoting"),
    (row(brand='"acme"x'), "quoting"),
    (row(sess="s" * 200), "user_session"),
]
assert len(kinds) == 25
bad = [k for k in kinds for _ in range(40)]
rows = [good(i) for i in range(100000)]
for b, _ in bad:
    rows.insert(rnd.randrange(len(rows) + 1), b)
with open("mixed.csv", "w") as f:
    f.write(H + "\n" + "\n".join(rows) + "\n")
want = {}
for _, reason in bad:
    want[reason] = want.get(reason, 0) + 1
with open("want.txt", "w") as f:
    for k in sorted(want):
        f.write("%s %d\n" % (k, want[k]))
PY
"$ECOMCTL" -q inspect --json --rejects rejects.csv mixed.csv > out.json
python3 - <<'PY'
import csv, json
j = json.load(open("out.json"))
want = dict((l.split()[0], int(l.split()[1])) for l in open("want.txt"))
got = {k: v for k, v in j["rejects"].items() if v}
assert got == want, (got, want)
assert j["rows"] == 101000 and j["good_rows"] == 100000 and j["bad_rows"] == 1000, j
rej = list(csv.DictReader(open("rejects.csv")))
assert len(rej) == 1000, len(rej)
lines = open("mixed.csv").read().split("\n")
for r in rej:  # every reject names the line that holds that very row
    assert lines[int(r["line"]) - 1] == r["row"], r
print("ok")
PY
set +e
"$ECOMCTL" -q inspect --max-bad-rows 10 mixed.csv > /dev/null 2> err
s=$?
[ $s -eq 65 ] || { echo "expected 65 with --max-bad-rows 10, got $s"; exit 1; }
grep -q 'more than --max-bad-rows 10' err
