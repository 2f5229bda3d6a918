# No session starts before --valid-from: nothing to train on. Exit 65 with
# the reason; the registry gets no version.
set -e
"$ECOMCTL" -q synth --days 3 --rows 3000 --seed 3 -o ev.csv
set +e
"$ECOMCTL" -q train ev.csv --valid-from 2019-09-01 --models m 2> err
s=$?
grep -q 'no training sessions' err || exit 1
[ ! -e m/registry.json ] || exit 1
exit $s
