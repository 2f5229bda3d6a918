# A task that cannot be trained does not discard the other: without a single
# purchase the intent model has one class (an error naming it, exit 65), and
# the category model is still trained and registered as production.
set -e
"$ECOMCTL" -q synth --days 3 --rows 5000 --seed 3 -o ev.csv
grep -v ',purchase,' ev.csv > nobuy.csv
set +e
"$ECOMCTL" train nobuy.csv --models m --threads 1 --rounds 20 > out 2> err
s=$?
grep -q 'intent: .*one class' err || exit 1
[ "$(grep -c 'error' err)" = 1 ] || exit 1
grep -q '^category@v1 (production)' out || exit 1
[ -e m/category/v1/model.json ] && [ ! -e m/intent ] || exit 1
grep -q '"category"' m/registry.json || exit 1
exit $s
