# --limit N: category, top and brand tables keep their N rows with most
# units and sum the rest as one "(other)" row, whose median and p90 are
# those of the merged times (not an average of medians). On a generated
# file, (other)'s units are the sums of the rows a run without --limit has
# past the first N; on a hand-made file of one-view-one-cart sessions, its
# median and p90 are recomputed here (nearest rank) from the times written.
set -e
"$ECOMCTL" -q synth --rows 20000 --seed 12 -o ev.csv
"$ECOMCTL" -q funnel ev.csv --by brand --by top --by hour --limit 4 -o lim
"$ECOMCTL" -q funnel ev.csv --by brand --by top --by hour -o all
python3 - <<'PY'
import collections, csv
def table(p):
    t = collections.defaultdict(list)
    for r in csv.DictReader(open(p)):
        t[(r["dimension"], r["step"])].append(r)
    return t
lim, full = table("lim/funnel.csv"), table("all/funnel.csv")
for (dim, step), rows in full.items():
    got = lim[(dim, step)]
    if dim in ("brand", "top"):
        assert len(rows) > 5, (dim, len(rows))
        assert [r["value"] for r in got[:4]] == [r["value"] for r in rows[:4]], dim
        assert got[4]["value"] == "(other)" and len(got) == 5, (dim, [r["value"] for r in got])
        assert int(got[4]["units"]) == sum(int(r["units"]) for r in rows[4:]), (dim, step)
    else:
        assert got == rows, dim  # hour (and all) untouched
PY
# brand a: 30 sessions, b: 20, c: 10; each a view, then (most) a cart d s later
python3 - <<'PY'
import random
random.seed(5)
rows = ["event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session"]
want = {"b": [], "c": []}
t = 1569888000  # 2019-10-01
import datetime
def ts(x):
    return datetime.datetime.fromtimestamp(x, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
n = 0
for brand, count in (("a", 30), ("b", 20), ("c", 10)):
    for i in range(count):
        n += 1
        t += 4000
        rows.append(f"{ts(t)},view,{n},7,x.y,{brand},9.99,{n},s{n}")
        if i % 5 != 4:
            d = random.randint(1, 900)
            rows.append(f"{ts(t + d)},cart,{n},7,x.y,{brand},9.99,{n},s{n}")
            if brand != "a":
                want[brand].append(d)
open("hand.csv", "w").write("\n".join(rows) + "\n")
d = sorted(want["b"] + want["c"])
rank = lambda q: d[-(-len(d) * q // 10) - 1]  # nearest rank: ceil(n q/10)
open("want.txt", "w").write(f"{len(d)} {rank(5)} {rank(9)}\n")
PY
"$ECOMCTL" -q funnel hand.csv --steps view,cart --by brand --limit 1 -o hand
grep '^brand,(other),2,' hand/funnel.csv | awk -F, '{ print $5, $10, $11 }' > got.txt
cmp want.txt got.txt || { echo "(other): got $(cat got.txt), want $(cat want.txt)"; exit 1; }
grep -q '^brand,(other),1,view,30,' hand/funnel.csv
echo ok
