# A manifest whose feature list differs from this binary's (a renamed
# feature; then the same names with another hash; then another features
# version): refused with exit 65 and a message naming the difference.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 3 --rows 6000 --seed 6 -o ev.csv
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 10 > /dev/null
cp m/intent/v1/manifest.json orig.json
edit() {
	python3 -c "
import json
m = json.load(open('orig.json'))
$1
json.dump(m, open('m/intent/v1/manifest.json', 'w'))"
}
edit 'm["features"]["names"][2] = "carts_renamed"'
set +e
"$ECOMCTL" -q score ev.csv --models m -o pred.csv 2> err1; s1=$?
edit 'm["features"]["hash"] = "0123456789abcdef"'
"$ECOMCTL" -q score ev.csv --models m -o pred.csv 2> err2; s2=$?
edit 'm["features"]["version"] = 999'
"$ECOMCTL" -q evaluate ev.csv --models m 2> err3; s3=$?
edit 'm["features"]["names"].append("extra")'
"$ECOMCTL" -q score ev.csv --models m -o pred.csv 2> err4; s4=$?
set -e
cat err1 err2 err3 err4
grep -q "feature 3 is 'carts_renamed' in the model but" err1
grep -q 'feature hash 0123456789abcdef differs' err2
grep -q 'features version 999' err3
grep -q "first extra in the model: 'extra'" err4
[ $s1 = 65 ] && [ $s2 = 65 ] && [ $s3 = 65 ] && [ $s4 = 65 ]
[ ! -e pred.csv ]
