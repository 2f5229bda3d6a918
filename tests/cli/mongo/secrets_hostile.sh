# A table of hostile URIs (passwords holding ? @ / % : ;, one without its
# scheme, and the secret options tlsCertificateKeyFilePassword,
# authMechanismProperties and a made-up mySecretToken), some that libmongoc
# parses and some it refuses,
# through every channel that shows a URI without a server: --print-config
# (flag, MONGODB_URI, config file), a failing run's stdout (--json) and
# stderr (-v, the driver's log too), its run manifest (command line, argv,
# error), `mongo replay` and `history show`. Every secret holds the marker
# SEKRET; no output may hold it. Nothing listens on the port (exit 69 for a
# URI that parses, 78 for one that does not).
set -e
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
H="127.0.0.1:$port"
T="serverSelectionTimeoutMS=300&connectTimeoutMS=300"
cat > uris <<EOF
mongodb://alice:pw?SEKRETa1@$H/db?$T
mongodb://alice:pw@SEKRETb2@$H/db?$T
mongodb://alice:pw/SEKRETc3@$H/db?$T
mongodb://alice:pw%25SEKRETd4%3A%3B%2F%3F%40@$H/db?$T
mongodb://alice:pw:SEKRETe5;x@$H/db?$T
mongodb://$H/db?$T&tls=true&tlsCertificateKeyFilePassword=SEKRETf6
mongodb://$H/db?$T&authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:SEKRETg7
mongodb://$H/db?$T&mySecretToken=SEKRETh8
mongodb://alice:SEKRETi9@$H/db?$T&zlibCompressionLevel=99&tlsCertificateKeyFilePassword=SEKRETj10
mongodb://alice:SEKRETk11@@$H/db?authMechanismProperties=AWS_SESSION_TOKEN:SEKRETk12
mongodb://alice:SEKRETl13@$H/db?$T;tlsCertificateKeyFilePassword=SEKRETl14;tls=true
alice:SEKRETn15@$H/db?$T
EOF
"$ECOMCTL" synth --rows 2000 --seed 3 -o ev.csv 2>/dev/null
python3 "$EC_SOURCE_DIR/tests/mongo/spool.py" write spool.bson r1 sessions 3
i=0
while IFS= read -r U; do
	i=$((i + 1))
	mkdir c$i
	cd c$i
	"$ECOMCTL" sessions ../ev.csv --mongo-uri "$U" --print-config > pc1 2> pce1 || true
	MONGODB_URI="$U" "$ECOMCTL" funnel ../ev.csv --print-config > pc2 2> pce2 || true
	python3 -c 'import json, sys; json.dump({"mongo-uri": sys.argv[1]}, open(sys.argv[2], "w"))' \
		"$U" ../cfg$i.json
	"$ECOMCTL" sessions ../ev.csv --config ../cfg$i.json --print-config > pc3 2> pce3 || true
	set +e
	"$ECOMCTL" -v sessions ../ev.csv -o out/s.csv --runs-dir runs --json \
		--mongo-uri "$U" > run.out 2> run.err
	s1=$?
	"$ECOMCTL" -v funnel ../ev.csv -o out --runs-dir runs --json \
		"--mongo-uri=$U" > fun.out 2> fun.err
	s2=$?
	mkdir sp && cp ../spool.bson sp/x.bson
	MONGODB_URI="$U" "$ECOMCTL" -v mongo replay --spool sp > rep.out 2> rep.err
	s3=$?
	"$ECOMCTL" -v history show --user 1 --mongo-uri "$U" > his.out 2> his.err
	s4=$?
	set -e
	for s in $s1 $s2 $s3 $s4; do
		case $s in
		69 | 78) ;;
		*) echo "uri $i: exit $s1 $s2 $s3 $s4, want 69 or 78"; cat run.err; exit 1 ;;
		esac
	done
	# A URI that parses: both runs record themselves (exit 69); one that
	# does not is bad configuration (78), refused before any run starts.
	want=2
	[ $s1 -eq 69 ] || want=0
	[ "$(ls runs 2>/dev/null | wc -l)" -eq $want ] || { echo "uri $i: manifests: $(ls runs)"; exit 1; }
	if grep -r -a -n SEKRET .; then
		echo "uri $i: a secret is shown: $U"
		exit 1
	fi
	# What is shown is still a URI (or says it cannot be shown), never empty.
	python3 - "$s1" <<'PY'
import json, sys
shown = [json.load(open(f))["options"]["mongo-uri"] for f in ("pc1", "pc2", "pc3")]
if len(set(shown)) != 1:
    sys.exit(f"three channels, three forms: {shown!r}")
v = shown[0]
if sys.argv[1] == "69" and not (v.startswith("mongodb://") and "127.0.0.1" in v):
    sys.exit(f"a URI that parses is shown as {v!r}")
if sys.argv[1] == "78" and not v.endswith("<unparseable URI>") and "***" not in v:
    sys.exit(f"a URI that does not parse is shown as {v!r}")
import os
for f in ("runs/" + n for n in (os.listdir("runs") if os.path.isdir("runs") else [])):
    m = json.load(open(f))
    if not m["command_line"].startswith("ecomctl ") or "--mongo-uri" not in m["command_line"]:
        sys.exit(f"{f}: command line {m['command_line']!r}")
PY
	cd ..
done < uris
[ $i -eq 12 ] || { echo "$i URIs read"; exit 1; }
echo ok
