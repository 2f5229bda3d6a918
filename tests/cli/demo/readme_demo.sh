# The README's first command (ecomctl demo), smaller: every result it names
# exists and is named on stdout, and the events of all its sessions are the
# distinct rows of the generated file as sqlite3 counts them (exact
# duplicates dropped, nothing else lost).
set -e
"$ECOMCTL" demo --rows 30000 -o out > stdout.txt
for f in out/events.csv.gz out/inspect.txt out/sessions.csv out/funnel.html out/predictions.csv; do
	[ -s "$f" ] || { echo "missing $f"; exit 1; }
	grep -q "$f" stdout.txt || { echo "demo does not say where $f is"; exit 1; }
done
[ -s out/models/registry.json ] && [ -s out/models/intent/v1/model.json ] || exit 1
gzip -dc out/events.csv.gz > events.csv
sqlite3 -csv db <<'SQL' > counts.csv
.import events.csv ev
.import --csv out/sessions.csv s
SELECT (SELECT COUNT(*) FROM (SELECT DISTINCT * FROM ev)), (SELECT SUM(events) FROM s);
SQL
IFS=, read -r distinct_rows events < counts.csv
[ "$distinct_rows" -eq "$events" ] || { echo "events $events, distinct rows $distinct_rows"; exit 1; }
