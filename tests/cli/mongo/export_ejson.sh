# labels: mongo
# history export --format ejson: one collection of a user's documents as
# canonical Extended JSON, what mongoimport reads. Loaded back into another
# database of the test server (an insert command whose documents are those
# lines, parsed by the `bson` package's EJSON, independent of libmongoc),
# the documents equal the originals field for field, types included (dates,
# ObjectIds, int64): compared as canonical Extended JSON. Without
# --collection the ejson format is refused (64).
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
U="$URI/src"
"$ECOMCTL" synth --rows 3000 --seed 12 -o ev.csv 2>/dev/null
"$ECOMCTL" -q sessions ev.csv -o out/s.csv --with-events --mongo-uri "$U"
user=$(sed -n 2p out/s.csv | cut -d, -f2)
"$ECOMCTL" history export --user "$user" --format ejson --collection sessions \
	--mongo-uri "$U" > sessions.ejson
[ -s sessions.ejson ]
cat > load.mjs <<'JS'
import fs from 'node:fs';
import { EJSON } from 'bson';
const docs = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean)
  .map((l) => EJSON.parse(l, { relaxed: false }));
process.stdout.write(EJSON.stringify({ insert: 'sessions', documents: docs }, { relaxed: false }));
JS
# bson resolves from tests/mongo's node_modules: the script runs from there
cp load.mjs "$MONGO_JS/.load-$$.mjs"
trap 'rm -f "$MONGO_JS/.load-$$.mjs"; "$S" stop "$PWD/srv"' EXIT
node "$MONGO_JS/.load-$$.mjs" sessions.ejson > insert.json
mcmd back "$(cat insert.json)" > reply.json
grep -q '"ok"' reply.json
mfind src sessions "{\"user_id\": {\"\$numberLong\": \"$user\"}}" | sort > want
mfind back sessions | sort > got
[ "$(wc -l < want)" -ge 1 ] || { echo "no documents of user $user"; exit 1; }
cmp want got || { echo "loaded back differs"; diff want got | head -5; exit 1; }
set +e
"$ECOMCTL" history export --user "$user" --format ejson --mongo-uri "$U" > /dev/null 2> e
[ $? -eq 64 ] || { echo "ejson without --collection: expected 64"; exit 1; }
exit 0
