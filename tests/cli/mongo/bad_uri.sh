# Malformed URIs and write concerns are bad configuration (78), reported
# before any work, with the password hidden; the history and replay
# commands without a URI are usage errors (64). No server needed.
set -e
printf 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n' > in.csv
check() { # want-status, then the command
	want=$1; shift
	set +e
	"$@" > out.txt 2> err.txt
	s=$?
	set -e
	[ $s -eq "$want" ] || { echo "exit $s, want $want: $*"; cat err.txt; exit 1; }
	if grep -q "Pa55w0rd" out.txt err.txt; then echo "password shown: $*"; cat err.txt; exit 1; fi
}
check 78 "$ECOMCTL" sessions in.csv -o o/s.csv --mongo-uri "mongodb://user:Pa55w0rd@@host"
grep -q -- "--mongo-uri mongodb://<unparseable URI>: " err.txt || { cat err.txt; exit 1; }
check 78 "$ECOMCTL" sessions in.csv -o o/s.csv --mongo-uri "http://user:Pa55w0rd@host"
check 78 "$ECOMCTL" funnel in.csv -o o --mongo-uri "mongodb://user:Pa55w0rd@h:99999"
MONGODB_URI="mongodb://user:Pa55w0rd@/" check 78 "$ECOMCTL" sessions in.csv -o o/s.csv
check 78 "$ECOMCTL" sessions in.csv -o o/s.csv --mongo-uri "mongodb://h/?w=0"
check 78 "$ECOMCTL" sessions in.csv -o o/s.csv --mongo-uri "mongodb://h/" --mongo-write-concern 0
check 78 "$ECOMCTL" sessions in.csv -o o/s.csv --mongo-uri "mongodb://h/" --mongo-write-concern most
[ ! -e o ] || { echo "outputs written despite a configuration error"; exit 1; }
check 64 "$ECOMCTL" mongo replay
check 64 "$ECOMCTL" mongo
check 64 "$ECOMCTL" mongo frobnicate
check 64 "$ECOMCTL" history export
check 64 "$ECOMCTL" history export --user 12 
check 64 "$ECOMCTL" history export --user x12 --mongo-uri mongodb://h/
check 64 "$ECOMCTL" history purge --user 12 --mongo-uri mongodb://h/
check 78 "$ECOMCTL" history show --user 12 --mongo-uri "mongodb://user:Pa55w0rd@@h"
check 78 "$ECOMCTL" mongo replay --mongo-uri "mongodb://user:Pa55w0rd@@h"
# --print-config shows the URI redacted, from the flag or the environment.
check 0 "$ECOMCTL" sessions in.csv --mongo-uri "mongodb://user:Pa55w0rd@h/db" --print-config
grep -q '"mongo-uri":.*"mongodb://user:\*\*\*@h/db"' out.txt || { cat out.txt; exit 1; }
MONGODB_URI="mongodb://user:Pa55w0rd@h/db" check 0 "$ECOMCTL" funnel in.csv --print-config
grep -q '"mongo-uri":.*"environment"' out.txt || { cat out.txt; exit 1; }
echo ok
