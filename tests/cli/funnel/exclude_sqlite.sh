# --exclude TYPE[:A-B] (PostHog's exclusion steps): a sequence with an
# event of TYPE after its step-A second and before its step-B second (or,
# never reaching B, anywhere after step A) is discarded. For view ->
# purchase by user with remove_from_cart excluded, sqlite3 follows every
# sequence: one starts at each view and reaches the first purchase at or
# after it; it is discarded when a removal falls strictly between the two
# seconds (or strictly after the view, without a purchase). A user counts at
# a step when a kept sequence reaches it; a user whose sequences were all
# discarded is in excluded_units. Also: a bad spec and an excluded type that
# is a step between A and B are usage errors.
command -v sqlite3 >/dev/null || { echo "no sqlite3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --rows 40000 --days 5 --seed 27 --profile cosmetics -o ev.csv
"$ECOMCTL" -q funnel ev.csv --unit user --steps view,purchase --keep-duplicates \
	--exclude remove_from_cart -o f
"$ECOMCTL" -q funnel ev.csv --unit user --steps view,purchase --keep-duplicates -o plain
sqlite3 -batch -csv db > want.csv <<'SQL'
.mode csv
.import ev.csv ev
CREATE TABLE e AS SELECT user_id AS u, event_type AS k,
  CAST(strftime('%s', substr(event_time, 1, 19)) AS INTEGER) AS t FROM ev;
CREATE INDEX ek ON e(u, k, t);
CREATE TABLE seq AS SELECT v.u, v.t AS tv,
  (SELECT min(p.t) FROM e p WHERE p.u = v.u AND p.k = 'purchase' AND p.t >= v.t) AS tp
  FROM e v WHERE v.k = 'view';
CREATE TABLE kept AS SELECT * FROM seq s WHERE NOT EXISTS (SELECT 1 FROM e r
  WHERE r.u = s.u AND r.k = 'remove_from_cart' AND r.t > s.tv AND (s.tp IS NULL OR r.t < s.tp));
SELECT (SELECT count(DISTINCT u) FROM kept), (SELECT count(DISTINCT u) FROM kept WHERE tp IS NOT NULL),
  (SELECT count(DISTINCT u) FROM seq WHERE u NOT IN (SELECT u FROM kept));
SQL
python3 - <<'PY'
import csv, json
want = [int(x) for x in next(csv.reader(open("want.csv")))]
j = json.load(open("f/funnel.json"))
got = [j["funnel"][0]["units"], j["funnel"][1]["units"], j["excluded_units"]]
assert got == want, (got, want)
p = json.load(open("plain/funnel.json"))
assert want[2] > 50 and got[0] < p["funnel"][0]["units"], (want, p["funnel"][0]["units"])
assert j["exclusions"] == [{"event_type": "remove_from_cart", "from_step": 1, "to_step": 2}], j["exclusions"]
assert p["exclusions"] == [] and p["excluded_units"] == 0
print("ok: reached", got[:2], "excluded", got[2], "of", p["funnel"][0]["units"])
PY
for bad in "remove:1-2" "remove_from_cart:2-1" "remove_from_cart:1-3" "purchase:1-2" "cart:x"; do
	set +e
	"$ECOMCTL" -q funnel ev.csv --steps view,purchase --exclude "$bad" -o bad 2> err
	s=$?
	set -e
	[ $s -eq 64 ] && grep -q -- "--exclude" err && [ ! -e bad ] || { echo "$bad: exit $s"; cat err; exit 1; }
done
echo ok
