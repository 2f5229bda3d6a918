# Documented failures of `models`: an unknown subcommand or a missing
# argument (64), an unknown alias or version (66), a rollback with no
# earlier production version (66), a bad alias name (64), a registry.json
# that is not a registry (65), the lock held (75).
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 3 --rows 6000 --seed 6 -o ev.csv
"$ECOMCTL" -q train ev.csv --task intent --models m --threads 1 --rounds 5 > /dev/null
set +e
"$ECOMCTL" models frobnicate --models m 2> e1; s1=$?
"$ECOMCTL" models show --models m 2> e2; s2=$?
"$ECOMCTL" models show intent@nightly --models m 2> e3; s3=$?
"$ECOMCTL" models show category --models m 2> e4; s4=$?
"$ECOMCTL" models rollback intent --models m 2> e5; s5=$?
"$ECOMCTL" models promote intent@v1 --alias v2 --models m 2> e6; s6=$?
mkdir bad && echo '{"format": 1, "intent": {"versions": "x"}}' > bad/registry.json
"$ECOMCTL" models list --models bad 2> e7; s7=$?
python3 -c '
import fcntl, time
f = open("m/registry.lock", "w")
fcntl.lockf(f, fcntl.LOCK_EX)
open("locked", "w").close()
time.sleep(60)
' &
holder=$!
while [ ! -e locked ]; do sleep 0.1; done
"$ECOMCTL" models promote intent@v1 --alias staging --lock-wait 1 --models m 2> e8; s8=$?
"$ECOMCTL" models list --models m > list.txt; s9=$?
kill $holder
set -e
grep -q 'expected list, show, promote, rollback, report or compare, got frobnicate' e1
grep -q 'show takes one REF' e2
grep -q 'intent@nightly: no such alias' e3
grep -q 'no category model is registered in m' e4
grep -q 'no earlier production version' e5
grep -q "alias 'v2'" e6
grep -q 'bad/registry.json: not a model registry' e7
grep -q 'registry.lock: held by another run' e8
grep -q '^intent    v1 ' list.txt
echo "$s1 $s2 $s3 $s4 $s5 $s6 $s7 $s8 $s9" > statuses
[ "$(cat statuses)" = "64 64 66 66 66 64 65 75 0" ] || { cat statuses; exit 1; }
