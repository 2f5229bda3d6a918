# A training set without a single purchase has one class: nothing to learn.
# Exit 65 naming it, for --task intent.
set -e
"$ECOMCTL" -q synth --days 3 --rows 5000 --seed 3 -o ev.csv
grep -v ',purchase,' ev.csv > nobuy.csv
set +e
"$ECOMCTL" -q train nobuy.csv --task intent --models m 2> err
s=$?
grep -q 'one class' err || exit 1
exit $s
