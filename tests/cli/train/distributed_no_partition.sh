# DMLC_TRACKER_URI set (a distributed run) without --partition: every
# worker would train on all the users; a usage error (64) saying so, before
# any tracker is contacted.
set -e
"$ECOMCTL" -q synth --days 3 --rows 3000 --seed 3 -o ev.csv
set +e
DMLC_TRACKER_URI=127.0.0.1 DMLC_TRACKER_PORT=1 "$ECOMCTL" -q train ev.csv --models m 2>err
s=$?
grep -q 'needs --partition' err || exit 1
[ ! -e m/registry.json ] || exit 1
exit $s
