# User units span sessions: a user's events are folded into their unit as
# soon as no earlier event of that user can come (the sessionizer's
# watermark minus --max-session). Folding early must not change a thing:
# with sessions cut at 30 minutes (events folded all along the run) and at
# 1000 days (everything folded at the end), every mode gives the same
# funnel.csv and funnel.json.
set -e
"$ECOMCTL" -q synth --rows 40000 --days 4 --seed 9 -o events.csv
for mode in "" "--window 1h" "--order strict" "--order strict --window 10m" \
	"--order any --window 2h" "--same-product" "--same-product --window 30m" \
	"--steps view,view,cart --window 20m"; do
	"$ECOMCTL" -q funnel --unit user --keep-duplicates --max-session 30m --by top \
		--run-id same $mode -o a events.csv
	"$ECOMCTL" -q funnel --unit user --keep-duplicates --max-session 1000d --by top \
		--run-id same $mode -o b events.csv
	cmp a/funnel.csv b/funnel.csv || { echo "'$mode': folding early changed the counts"; exit 1; }
	cmp a/funnel.json b/funnel.json || { echo "'$mode': folding early changed the JSON"; exit 1; }
	echo "'$mode': $(grep '^all,' a/funnel.csv | cut -d, -f5 | tr '\n' ' ')"
done
