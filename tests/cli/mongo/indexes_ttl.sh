# labels: mongo
# The indexes exist after a run (user_id + start, start, model versions,
# runs by start) and a second run does not duplicate them; --mongo-ttl-days
# adds a TTL index on the session logs' end.
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
"$ECOMCTL" synth --rows 500 --seed 1 -o ev.csv 2>/dev/null
"$ECOMCTL" -q sessions ev.csv -o out/s.csv --mongo-uri "$URI/ix"
"$ECOMCTL" -q sessions ev.csv -o out/s.csv --mongo-uri "$URI/ix" --mongo-ttl-days 7
"$ECOMCTL" -q sessions ev.csv -o out/s.csv --mongo-uri "$URI/ix" --mongo-ttl-days 7
for c in sessions predictions runs; do
	mcmd ix "{\"listIndexes\": \"$c\"}" > $c.json
done
python3 - "$EC_SOURCE_DIR/tests/mongo" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from ejson import plain, die
def idx(c):
    return {i["name"]: i for i in plain(json.load(open(c + ".json")))["cursor"]["firstBatch"]}
s, p, r = idx("sessions"), idx("predictions"), idx("runs")
if set(s) != {"_id_", "user_id_start", "start", "ttl_end"}:
    die(f"sessions indexes: {sorted(s)}")
if list(s["user_id_start"]["key"]) != ["user_id", "start"]:
    die(f"{s['user_id_start']}")
if s["ttl_end"]["key"] != {"end": 1} or s["ttl_end"]["expireAfterSeconds"] != 7 * 86400:
    die(f"{s['ttl_end']}")
if set(p) != {"_id_", "user_id_start", "models"} or \
        list(p["models"]["key"]) != ["intent_model", "category_model"]:
    die(f"predictions indexes: {p}")
if set(r) != {"_id_", "started"}:
    die(f"runs indexes: {sorted(r)}")
PY
echo ok
