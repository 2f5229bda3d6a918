# labels: real
# funnel --partition K/N on each K, then `funnel merge`, gives exactly the
# report of the run over all users: funnel.csv and funnel.html byte for
# byte, funnel.json equal (read by Python) but for its run_id; on session
# and user units, with breakdowns, --limit, --attribution, --exclude and a
# time zone, on a generated file and a real sample. Then the parts that
# do not make a whole are refused: one missing (65), one twice (65), other
# options (65), made with --baseline (64).
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --rows 40000 --seed 21 -o ev.csv
files=ev.csv
D=${EC_SHARED_DATA:-}
if [ -n "$D" ] && [ -d "$D" ]; then
	gzip -dc "$D/cosmetics_2019-10_head_20000.csv.gz" > real.csv
	files="$files real.csv"
fi

same() { # WHOLE MERGED
	cmp "$1/funnel.csv" "$2/funnel.csv"
	cmp "$1/funnel.html" "$2/funnel.html"
	python3 - "$1/funnel.json" "$2/funnel.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a.pop("run_id") != b.pop("run_id")
assert a == b, [k for k in a if a[k] != b.get(k)]
PY
}

check() { # N FILE OPTIONS...
	n=$1
	f=$2
	shift 2
	rm -rf whole part-* merged
	"$ECOMCTL" -q funnel "$@" -o whole "$f"
	k=0
	dirs=
	while [ "$k" -lt "$n" ]; do
		"$ECOMCTL" -q funnel "$@" --partition "$k/$n" -o "part-$k" "$f"
		dirs="$dirs part-$k"
		k=$((k + 1))
	done
	# shellcheck disable=SC2086
	"$ECOMCTL" -q funnel merge $dirs -o merged
	same whole merged
	echo "$f $*: $n partitions merge to the whole ($(grep -c '' whole/funnel.csv) rows)"
}

for f in $files; do
	check 3 "$f" --by top,brand,price,hour,weekday,day
	check 2 "$f" --unit user --by category,top --limit 5 --tz America/New_York
	check 4 "$f" --steps view,cart,remove_from_cart,purchase --attribution last --by top,price
	check 3 "$f" --exclude remove_from_cart --order strict --window 1h --by brand --top 50
done

# Parts that do not make a whole.
"$ECOMCTL" -q funnel --by top --partition 0/3 -o p0 ev.csv
"$ECOMCTL" -q funnel --by top --partition 1/3 -o p1 ev.csv
"$ECOMCTL" -q funnel --by top --partition 2/3 -o p2 ev.csv
"$ECOMCTL" -q funnel --by brand --partition 2/3 -o p2other ev.csv
"$ECOMCTL" -q funnel --by top --partition 2/3 --baseline ev.csv -o p2base ev.csv
refused() { # STATUS WORDS DIRS...
	want=$1
	words=$2
	shift 2
	rc=0
	"$ECOMCTL" -q funnel merge "$@" -o bad 2> err || rc=$?
	[ "$rc" -eq "$want" ] && grep -q "$words" err ||
		{ echo "merge $*: exit $rc, $(cat err)"; exit 1; }
	test ! -e bad/funnel.csv
}
refused 65 "2/3 is missing" p0 p1
refused 65 "twice" p0 p1 p1 p2
refused 65 "other options" p0 p1 p2other
refused 64 "baseline" p0 p1 p2base
refused 66 "funnel.part.json" p0 p1 whole
echo "parts that do not make a whole are refused"
