# A model.json that matches its manifest's sha256 but is not a model
# XGBoost can read (the manifest edited to match, and registry.json's digest
# of the manifest): XGBoost's refusal is an
# internal error, exit 70, with XGBoost's message.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 3 --rows 6000 --seed 6 -o ev.csv
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 10 > /dev/null
printf '{"learner": {"nonsense": true}}' > m/intent/v1/model.json
python3 - <<'PY'
import hashlib, json
p = "m/intent/v1/manifest.json"
m = json.load(open(p))
m["model_sha256"] = hashlib.sha256(open("m/intent/v1/model.json", "rb").read()).hexdigest()
json.dump(m, open(p, "w"))
# and registry.json's digest of the manifest
r = json.load(open("m/registry.json"))
r["intent"]["versions"][0]["manifest_sha256"] = hashlib.sha256(open(p, "rb").read()).hexdigest()
json.dump(r, open("m/registry.json", "w"))
PY
set +e
"$ECOMCTL" -q score ev.csv --models m -o pred.csv 2> err
s=$?
grep -q 'xgboost cannot load it' err || exit 1
exit $s
