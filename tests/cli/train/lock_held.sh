# The registry lock held by another process: train waits --lock-wait, then
# exits 75 (try again later) without registering anything.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
"$ECOMCTL" -q synth --days 4 --rows 8000 --seed 2 -o ev.csv || exit 1
mkdir m
python3 -c '
import fcntl, time
f = open("m/registry.lock", "w")
fcntl.lockf(f, fcntl.LOCK_EX)
open("locked", "w").close()
time.sleep(60)
' &
holder=$!
while [ ! -e locked ]; do sleep 0.1; done
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 10 --lock-wait 1s > /dev/null 2> err
s=$?
kill $holder
grep -q 'registry.lock: held by another run' err || exit 1
[ ! -e m/registry.json ] || exit 1
exit $s
