# The feature rows of `train` go to a spill file in --cache-dir that is
# unlinked as soon as it is made (the process holds it open), and the
# validation matrix's XGBoost pages sit beside it while a task trains. A
# run that ends and a run stopped by SIGTERM mid-training (after its first
# round, through the test pause "round") both leave the directory empty.
set -e
"$ECOMCTL" -q synth --days 6 --rows 20000 --seed 4 -o ev.csv
mkdir cache
"$ECOMCTL" -q train ev.csv --models m --cache-dir cache --matrix quantile --threads 1 \
	--rounds 20 > /dev/null
[ -z "$(ls -A cache)" ] || { echo "left in cache after a run:"; ls -la cache; exit 1; }
rm -f held
ECOMCTL_TEST_PAUSE="round:$PWD/held" "$ECOMCTL" -q train ev.csv --models m2 \
	--cache-dir cache --matrix quantile --threads 1 --rounds 20 > /dev/null 2> err &
pid=$!
for i in $(seq 1500); do [ -e held ] && break; sleep 0.02; done
[ -e held ] || { echo "never paused"; cat err; kill $pid; exit 1; }
# mid-training: the spill is open and already unlinked; XGBoost's pages are there
spill=$(ls -l /proc/$pid/fd | grep -c '\.ecomctl-train-.*(deleted)' || true)
[ "$spill" -ge 1 ] || { echo "no unlinked spill file open"; ls -l /proc/$pid/fd; kill $pid; exit 1; }
ls -A cache | grep -q '^\.ecomctl-valid-' || { echo "no validation pages"; ls -la cache; kill $pid; exit 1; }
ls -A cache | grep -q '^\.ecomctl-train-' && { echo "spill has a name"; kill $pid; exit 1; }
kill -TERM $pid
set +e
wait $pid
s=$?
set -e
[ $s -eq 143 ] || { echo "exit $s, want 143"; cat err; exit 1; }
grep -q "interrupted by SIGTERM" err || { cat err; exit 1; }
[ -z "$(ls -A cache)" ] || { echo "left in cache after SIGTERM:"; ls -la cache; exit 1; }
[ ! -e m2/registry.json ] || { echo "an interrupted train registered a model"; exit 1; }
echo ok
