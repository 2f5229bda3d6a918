# labels: mongo
# Hostile URIs that libmongoc parses and the test server accepts (PLAIN
# authentication, which it takes with any password): passwords holding
# ? ; % @ / : (raw where libmongoc allows it, else percent-encoded), a
# tlsCertificateKeyFilePassword with tls=false, authMechanismProperties and a
# made-up mySecretToken. Through the channels that need a server: the --json
# summaries (mongo.uri), -v stderr with the driver's log, the run manifests,
# the `runs` documents (argv, error) of sessions, funnel and mongo replay,
# and history show. No output may hold the marker SEKRET.
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
A="authMechanism=PLAIN&authSource=%24external"
cat > uris <<EOF
mongodb://alice:pw?SEKRETa1;x@127.0.0.1:$PORT/s1?$A
mongodb://alice:pw%3FSEKRETb2%40c%2Fd%25e%3Af%3Bg@127.0.0.1:$PORT/s2?$A
mongodb://alice:SEKRETc3@127.0.0.1:$PORT/s3?$A&tls=false&tlsCertificateKeyFilePassword=SEKRETc4
mongodb://alice:SEKRETd5@127.0.0.1:$PORT/s4?$A&authMechanismProperties=AWS_SESSION_TOKEN:SEKRETd6
mongodb://alice:SEKRETe7@127.0.0.1:$PORT/s5?$A&mySecretToken=SEKRETe8
EOF
"$ECOMCTL" synth --rows 2000 --seed 3 -o ev.csv 2>/dev/null
python3 "$EC_SOURCE_DIR/tests/mongo/spool.py" write spool.bson r1 sessions 3
i=0
while IFS= read -r U; do
	i=$((i + 1))
	mkdir c$i
	cd c$i
	"$ECOMCTL" -v sessions ../ev.csv -o out/s.csv --runs-dir runs --json \
		--mongo-uri "$U" > run.out 2> run.err ||
		{ echo "uri $i: sessions failed"; cat run.err; exit 1; }
	"$ECOMCTL" -v funnel ../ev.csv -o out --runs-dir runs --json \
		"--mongo-uri=$U" > fun.out 2> fun.err ||
		{ echo "uri $i: funnel failed"; cat fun.err; exit 1; }
	mkdir sp && cp ../spool.bson sp/
	MONGODB_URI="$U" "$ECOMCTL" -v --json mongo replay --spool sp > rep.out 2> rep.err ||
		{ echo "uri $i: replay failed"; cat rep.err; exit 1; }
	"$ECOMCTL" -v history show --user 1 --mongo-uri "$U" > his.out 2> his.err ||
		{ echo "uri $i: history failed"; cat his.err; exit 1; }
	db=$(printf '%s' "$U" | sed 's|.*/\(s[0-9]\)?.*|\1|')
	mfind "$db" runs > runs.jsonl
	[ "$(wc -l < runs.jsonl)" -eq 3 ] || { echo "uri $i: $(wc -l < runs.jsonl) runs"; exit 1; }
	if grep -r -a -n SEKRET .; then
		echo "uri $i: a secret is shown: $U"
		exit 1
	fi
	python3 - <<'PY'
import json, sys
for f in ("run.out", "fun.out", "rep.out"):
    u = json.load(open(f))["mongo"]["uri"]
    if not u.startswith("mongodb://alice:***@127.0.0.1:"):
        sys.exit(f"{f}: mongo.uri {u!r}")
PY
	cd ..
done < uris
[ $i -eq 5 ] || { echo "$i URIs read"; exit 1; }
echo ok
