# The README's funnel examples, on generated data (smaller than the README's
# million rows): the files they write, and the figures the README quotes
# hold together (step 1 >= step 2 >= step 3; the HTML names the steps).
set -e
mkdir -p output
"$ECOMCTL" -q synth --rows 50000 --seed 46 -o output/events.csv.gz
"$ECOMCTL" -q funnel output/events.csv.gz --by top --by price -o output
"$ECOMCTL" -q funnel output/events.csv.gz --unit user --window 1d --same-product \
	-o output/user-funnel
for d in output output/user-funnel; do
	for f in funnel.csv funnel.json funnel.html; do
		test -s "$d/$f" || { echo "no $d/$f"; exit 1; }
	done
	grep '^all,' "$d/funnel.csv" | cut -d, -f5 | awk 'NR > 1 && $1 > prev { exit 1 } { prev = $1 }'
	grep -q '3. purchase' "$d/funnel.html"
done
grep -q '^top,electronics,' output/funnel.csv
grep -q '^price,100-250,' output/funnel.csv
