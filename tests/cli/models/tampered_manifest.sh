# The registry's digest covers the manifest (and, through the model's
# sha256 in it, model.json): a manifest changed after training is refused
# with 65 by score, evaluate and models show. A threshold that is not a
# number in [0, 1] is refused even when the digest was made to match, and
# a version registered without a digest (an older ecomctl) is refused with a
# message saying to retrain it.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -u
fail() { echo "FAIL: $*"; exit 1; }
"$ECOMCTL" -q synth --days 3 --rows 6000 --seed 6 -o ev.csv || fail synth
"$ECOMCTL" -q train ev.csv --task intent --models m --threads 1 --rounds 10 || fail train
cp m/intent/v1/manifest.json orig.json
cp m/registry.json orig-registry.json
"$ECOMCTL" -q score ev.csv --category-model none --models m -o ok.csv --run-id r1 || fail "untouched registry refused"
edit() { # PYTHON on m (the manifest); REHASH=1 also updates registry.json
	python3 - "$1" "${REHASH:-0}" <<'PY'
import hashlib, json, sys
m = json.load(open("orig.json"))
exec(sys.argv[1])
text = json.dumps(m).encode()
open("m/intent/v1/manifest.json", "wb").write(text)
r = json.load(open("orig-registry.json"))
if sys.argv[2] == "1":
    r["intent"]["versions"][0]["manifest_sha256"] = hashlib.sha256(text).hexdigest()
json.dump(r, open("m/registry.json", "w"))
PY
}
refused() { # MESSAGE: score, evaluate and models show all exit 65 with it
	"$ECOMCTL" -q score ev.csv --category-model none --models m -o pred.csv 2> e1; s1=$?
	"$ECOMCTL" -q evaluate ev.csv --models m --model intent > out 2> e2; s2=$?
	"$ECOMCTL" -q models show intent --models m > show.json 2> e3; s3=$?
	[ "$s1 $s2 $s3" = "65 65 65" ] || fail "$1: exits $s1 $s2 $s3: $(cat e1 e2 e3)"
	for e in e1 e2 e3; do
		grep -qF -- "$1" $e || fail "no '$1' in: $(cat $e)"
	done
	[ ! -e pred.csv ] || fail "$1: predictions written"
	[ ! -s out ] && [ ! -s show.json ] || fail "$1: printed a report"
}
edit 'm["threshold"] = 0.01'
refused 'manifest.json: sha256'
edit 'm["threshold"] = "0.3"'
refused 'manifest.json: sha256'
REHASH=1 edit 'm["threshold"] = "0.3"'
refused 'manifest.json: threshold is not a number in [0, 1]'
REHASH=1 edit 'm["threshold"] = 7'
refused 'manifest.json: threshold is not a number in [0, 1]'
REHASH=1 edit 'del m["threshold"]'
refused 'manifest.json: threshold is not a number in [0, 1]'
# one byte of whitespace is a change too
cp orig-registry.json m/registry.json
{ cat orig.json; echo; } > m/intent/v1/manifest.json
refused 'manifest.json: sha256'
# a registry written before digests: refused, with what to do
cp orig.json m/intent/v1/manifest.json
python3 -c '
import json
r = json.load(open("orig-registry.json"))
del r["intent"]["versions"][0]["manifest_sha256"]
json.dump(r, open("m/registry.json", "w"))'
refused 'intent@v1: registered without a manifest digest (by an older ecomctl), so its manifest cannot be verified: retrain it'
# put back: accepted again
cp orig-registry.json m/registry.json
"$ECOMCTL" -q score ev.csv --category-model none --models m -o pred.csv --run-id r1 || fail "restored registry refused"
cmp -s ok.csv pred.csv || fail "restored registry scores differently"
exit 0
