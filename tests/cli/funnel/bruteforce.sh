# The matching rules, checked by brute force: random small sessions (a few
# events over a few seconds, so that many share a second, two products; two
# sessions a user, overlapping in time) and a Python reference that tries
# every order of same-second events and every choice of events, straight
# from the README's definitions. For session and user units, each steps
# list, order, window and --same-product, the units reaching each step equal
# the reference's.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
cat > ref.py <<'PY'
import csv, itertools, random, sys
from collections import Counter

STEPS = ["view,cart,purchase", "cart,view", "view,view,cart",
         "view,remove_from_cart,cart,purchase"]
ORDERS = ["ordered", "strict", "any"]
WINDOWS = ["none", "0", "2"]

def write(path, seed, n):
    rnd = random.Random(seed)
    types = ["view", "cart", "remove_from_cart", "purchase"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow("event_time,event_type,product_id,category_id,category_code,brand,"
                   "price,user_id,user_session".split(","))
        for s in range(n):
            for _ in range(rnd.randint(1, 7)):
                t = rnd.randint(0, 8)
                ty = rnd.choices(types, [4, 3, 1, 2])[0]
                p = rnd.randint(1, 2)
                w.writerow(["2019-10-01 10:00:%02d UTC" % t, ty, p, 7, "", "", 1, s // 2 + 1,
                            "s%d" % s])

def orders(ev):
    """Every order of the events consistent with their seconds."""
    secs = sorted(set(e[0] for e in ev))
    groups = [[e for e in ev if e[0] == t] for t in secs]
    for combo in itertools.product(*[list(itertools.permutations(g)) for g in groups]):
        yield [e for g in combo for e in g]

def depth(ev, steps, order, window, same):
    K = len(steps)
    best = 0
    prods = sorted(set(e[2] for e in ev)) if same else [None]
    for p in prods:
        evp = [e for e in ev if p is None or e[2] == p]
        if order == "any":
            for a in set(e[0] for e in evp):
                inside = Counter(e[1] for e in evp
                                 if e[0] >= a and (window is None or e[0] - a <= window))
                k = 0
                while k < K and Counter(steps[:k + 1]) <= inside:
                    k += 1
                best = max(best, k)
            continue
        for o in orders(ev):
            for i, e in enumerate(o):
                if e[1] != steps[0] or (p is not None and e[2] != p):
                    continue
                if order == "strict":
                    k = 0
                    while (k < K and i + k < len(o) and o[i + k][1] == steps[k] and
                           (p is None or o[i + k][2] == p) and
                           (window is None or o[i + k][0] - e[0] <= window)):
                        k += 1
                else:  # ordered: greedy from this start in this order
                    k, j = 1, i + 1
                    while k < K and j < len(o):
                        x = o[j]
                        if (x[1] == steps[k] and (p is None or x[2] == p) and
                                (window is None or x[0] - e[0] <= window)):
                            k += 1
                        j += 1
                best = max(best, k)
    return best

def reference(units, steps, order, window, same):
    reach = [0] * len(steps)
    for ev in units:
        for k in range(depth(ev, steps, order, window, same)):
            reach[k] += 1
    return reach

if sys.argv[1] == "write":
    write(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    sys.exit(0)
# ref.py FILE KEY: one line per combination, "steps order window same:
# counts", for units grouped by KEY (user_session or user_id).
units = {}
with open(sys.argv[1]) as f:
    for i, r in enumerate(csv.DictReader(f)):
        units.setdefault(r[sys.argv[2]], []).append(
            (int(r["event_time"][17:19]), r["event_type"], r["product_id"], i))
_orders = {}
def orders(ev, _gen=orders):
    key = tuple(ev)
    if key not in _orders:
        _orders[key] = list(_gen(ev))
    return _orders[key]
for steps in STEPS:
    for order in ORDERS:
        for window in WINDOWS:
            for same in ("0", "1"):
                r = reference(units.values(), steps.split(","), order,
                              None if window == "none" else int(window), same == "1")
                print("%s %s %s %s: %s" % (steps, order, window, same, " ".join(map(str, r))))
PY
python3 ref.py write events.csv 1 300
for unit in session user; do
	key=user_session
	[ "$unit" = user ] && key=user_id
	python3 ref.py events.csv $key > want
	: > got
	for steps in view,cart,purchase cart,view view,view,cart view,remove_from_cart,cart,purchase; do
		for order in ordered strict any; do
			for window in none 0 2; do
				for same in 0 1; do
					flag=
					[ "$same" = 1 ] && flag=--same-product
					"$ECOMCTL" -q funnel --unit $unit --keep-duplicates --steps "$steps" \
						--order "$order" --window "$window" $flag -o out events.csv
					echo "$steps $order $window $same: $(grep '^all,' out/funnel.csv |
						cut -d, -f5 | tr '\n' ' ' | sed 's/ $//')" >> got
				done
			done
		done
	done
	if ! cmp -s want got; then
		echo "$unit units: ecomctl differs from the reference (< reference, > ecomctl):"
		diff want got
		exit 1
	fi
	echo "$unit units: $(wc -l < got) combinations agree"
done
