# SIGTERM (systemd stop, a cron timeout) and SIGINT at several points of a
# run: reading, writing, committing (outputs synced, not renamed),
# registering a model. Each time: exit 128 + signal, the previous output
# untouched, no temporary file, a manifest with outcome "interrupted".
set -e
"$ECOMCTL" -q synth --rows 20000 --seed 8 -o ev.csv
"$ECOMCTL" -q sessions ev.csv -o out/s.csv --runs-dir runs0
"$ECOMCTL" -q funnel ev.csv -o fun --runs-dir runs0
cp out/s.csv before.csv
cp fun/funnel.json before.json
n=0
stop_at() { # point signal command...
	point=$1 sig=$2
	shift 2
	n=$((n + 1))
	rm -f held
	ECOMCTL_TEST_PAUSE="$point:$PWD/held" "$@" --run-id "r$n" --runs-dir runs \
		> /dev/null 2> "err$n" &
	pid=$!
	for i in $(seq 1500); do [ -e held ] && break; sleep 0.02; done
	[ -e held ] || { echo "$point: never paused"; cat "err$n"; exit 1; }
	kill -"$sig" $pid
	set +e
	wait $pid
	s=$?
	set -e
	case $sig in INT) num=2 ;; HUP) num=1 ;; *) num=15 ;; esac
	want=$((128 + num))
	[ $s -eq $want ] || { echo "$point/$sig: exit $s, want $want"; cat "err$n"; exit 1; }
	grep -q "interrupted by SIG$sig" "err$n" || { cat "err$n"; exit 1; }
	python3 - "runs/r$n.json" "SIG$sig" "$s" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["outcome"] == "interrupted", m["outcome"]
assert m["signal"] == sys.argv[2] and m["exit_status"] == int(sys.argv[3]), m
assert m["outputs"] == [], m["outputs"]
PY
}
stop_at read TERM "$ECOMCTL" -q sessions ev.csv -o out/s.csv
stop_at write TERM "$ECOMCTL" -q sessions ev.csv -o out/s.csv
stop_at commit TERM "$ECOMCTL" -q sessions ev.csv -o out/s.csv
stop_at commit INT "$ECOMCTL" -q sessions ev.csv -o out/s.csv.gz
stop_at read HUP "$ECOMCTL" -q funnel ev.csv -o fun
stop_at commit TERM "$ECOMCTL" -q funnel ev.csv -o fun
stop_at commit TERM "$ECOMCTL" -q features ev.csv -o out/f.csv
stop_at read TERM "$ECOMCTL" -q train ev.csv --models m --threads 1
stop_at register TERM "$ECOMCTL" -q train ev.csv --models m --threads 1
cmp -s before.csv out/s.csv || { echo "the previous sessions output changed"; exit 1; }
cmp -s before.json fun/funnel.json || { echo "the previous funnel output changed"; exit 1; }
[ ! -e out/s.csv.gz ] && [ ! -e out/f.csv ] || { echo "an interrupted run committed"; exit 1; }
[ ! -e m/registry.json ] || { echo "an interrupted train registered a model"; exit 1; }
left=$(find . -name '*.tmp' -o -name '*.lock' -o -path './m/*/v*')
[ -z "$left" ] || { echo "left behind: $left"; exit 1; }
echo ok
