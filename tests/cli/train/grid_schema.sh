# A grid file is checked against its schema before any data is read: a
# usage error (64) naming the offending entry for an empty grid ({} or []),
# a file that is not JSON, an unknown or repeated parameter, an empty array,
# a value that is not a number, out of range or not whole where XGBoost
# wants an integer, a stray key beside intent/category. The object form is
# every combination of the values: 2 x 2 = 4 trials, recorded in order.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -u
fail() { echo "FAIL: $*"; exit 1; }
refused() { # GRID MESSAGE
	printf '%s' "$1" > grid.json
	"$ECOMCTL" -q train --grid grid.json --models m nowhere.csv > out 2> err
	s=$?
	[ "$s" = 64 ] || fail "$1: exit $s, expected 64: $(cat err)"
	grep -qF -- "grid.json$2" err || fail "$1: no 'grid.json$2' in: $(cat err)"
	[ ! -s out ] || fail "$1: printed to stdout"
}
refused '{}' ': expected a non-empty object of parameter arrays or a non-empty array of trials'
refused '[]' ': expected a non-empty object'
refused '{"intent": {}}' ': intent: expected a non-empty object'
refused 'max_depth = 3' ':1: not valid JSON'
refused '{"eta": [0.1, 0.2' ':1: not valid JSON'
refused '{"max_dept": [3]}' ': max_dept: unknown parameter (known: eta, gamma, max_depth'
refused '{"eta": [0.1], "eta": [0.2]}' ': eta: given twice'
refused '{"eta": []}' ': eta: expected a non-empty array of numbers'
refused '{"eta": 0.1}' ': eta: expected a non-empty array of numbers'
refused '{"eta": [0.1, "0.2"]}' ': eta, value 2: expected a number'
refused '{"intent": {"max_depth": [3, 0]}}' ': intent.max_depth, value 2: 0 is out of range [1, 64]'
refused '{"subsample": [0]}' ': subsample, value 1: 0 is out of range (0, 1]'
refused '{"max_depth": [2.5]}' ': max_depth, value 1: 2.5 is not a whole number'
refused '[{"max_depth": 3}, [1, 2]]' ': trial 2 is not an object'
refused '{"category": [{"max_depth": 3}, {}]}' ': category trial 2 is empty: name a parameter'
refused '[{"tree_method": "exact"}]' ': trial 1: tree_method: unknown parameter'
refused '[{"max_depth": true}]' ': trial 1: max_depth: expected a number'
refused '{"intent": [{"eta": 0.1}], "eta": [0.2]}' ': eta: a grid by task has only intent and category keys'
refused '{"eta": [0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1], "max_depth": [1,2,3,4,5,6,7,8,9,10], "gamma": [0,1,2,3,4,5,6,7,8,9,10]}' ': more than 1000 combinations'
[ ! -e m ] || fail "a refused grid made the registry"
# A missing grid file is missing input (66), as for data files.
"$ECOMCTL" -q train --grid none.json --models m nowhere.csv 2> err
[ $? = 66 ] || fail "missing grid: not 66"
# The product form, for the intent task only.
"$ECOMCTL" -q synth --days 3 --rows 6000 --seed 6 -o ev.csv || fail synth
printf '{"max_depth": [2, 4], "eta": [0.3, 0.1]}' > grid.json
"$ECOMCTL" -q train ev.csv --task intent --grid grid.json --models m --threads 1 --rounds 5 ||
	fail "a valid grid refused"
python3 - <<'PY' || fail "trials of the product grid"
import json
t = json.load(open("m/intent/v1/manifest.json"))["trials"]
got = [(x["params"]["max_depth"], x["params"]["eta"]) for x in t]
assert got == [("2", "0.3"), ("2", "0.1"), ("4", "0.3"), ("4", "0.1")], got
PY
exit 0
