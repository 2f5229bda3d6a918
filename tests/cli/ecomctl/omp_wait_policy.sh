# XGBoost's OpenMP threads wait passively (no spinning on a shared
# machine): libgomp reads OMP_WAIT_POLICY when it is loaded, before main, so
# ecomctl runs itself again with it set. libgomp's OMP_DISPLAY_ENV shows
# the spin count each image ends up with: the last one must be 0. A policy
# the user sets is kept. And the second start must not make libmongoc warn.
# Only the commands that run XGBoost (train, score, evaluate, demo) start
# twice: `version` starts once.
set -u
fail() { echo "FAIL: $*"; exit 1; }
OMP_DISPLAY_ENV=verbose "$ECOMCTL" train --help > out 2> err || fail "train: $(cat err)"
spin=$(grep -h 'GOMP_SPINCOUNT' out err | tail -1)
echo "$spin" | grep -q "'0'" || fail "spin count with the default policy: $spin"
grep -q 'mongoc' err && fail "libmongoc warned: $(cat err)"
OMP_WAIT_POLICY=active OMP_DISPLAY_ENV=verbose "$ECOMCTL" train --help > out 2> err ||
	fail "train: $(cat err)"
spin=$(grep -h 'GOMP_SPINCOUNT' out err | tail -1)
echo "$spin" | grep -q "'0'" && fail "OMP_WAIT_POLICY=active was overridden: $spin"
[ "$(cat out err | grep -c 'OMP_WAIT_POLICY')" = 1 ] ||
	fail "ran itself again with the user's policy"
OMP_DISPLAY_ENV=verbose "$ECOMCTL" version > out 2> err || fail "version: $(cat err)"
[ "$(cat out err | grep -c 'OMP_WAIT_POLICY')" = 1 ] || fail "version started twice"
exit 0
