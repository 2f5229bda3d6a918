# A distributed run (DMLC_TRACKER_URI, --partition) whose tracker cannot be
# reached (nothing listens on port 1): exit 69 naming the tracker, nothing
# registered. One connection attempt (DMLC_WORKER_CONNECT_RETRY, read by
# XGBoost), not the default five over about 20 s.
set -e
"$ECOMCTL" -q synth --days 3 --rows 3000 --seed 3 -o ev.csv
set +e
DMLC_WORKER_CONNECT_RETRY=1 DMLC_TRACKER_URI=127.0.0.1 DMLC_TRACKER_PORT=1 timeout 60 \
	"$ECOMCTL" -q train ev.csv --partition 0/2 --models m 2>err
s=$?
grep -q 'cannot join the xgboost tracker at 127.0.0.1:1' err || exit 1
[ ! -e m/registry.json ] || exit 1
# a malformed port is bad configuration
DMLC_TRACKER_URI=127.0.0.1 DMLC_TRACKER_PORT=x "$ECOMCTL" -q train ev.csv --partition 0/2 \
	--models m 2>/dev/null
[ $? -eq 78 ] || exit 1
exit $s
