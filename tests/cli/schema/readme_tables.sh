# The README's column tables are `ecomctl schema NAME` verbatim, and the
# outputs agree with the schemas: the CSV headers of sessions, score and
# funnel are the schema's columns (MongoDB-only ones left out), and a run
# manifest's keys are the run schema's.
set -e
readme="$EC_SOURCE_DIR/README.md"
for name in $("$ECOMCTL" schema | cut -d' ' -f1); do
	"$ECOMCTL" schema "$name" > want.md
	sed -n "/^<!-- schema $name:/,/^<!-- end schema $name -->/p" "$readme" | sed '1d;$d' > got.md
	[ -s got.md ] || { echo "README has no table for $name"; exit 1; }
	cmp -s want.md got.md || { echo "README table $name differs:"; diff want.md got.md; exit 1; }
	"$ECOMCTL" schema "$name" --format json > "$name.json"
done
"$ECOMCTL" -q synth --rows 3000 --seed 4 -o ev.csv
"$ECOMCTL" -q sessions ev.csv -o s.csv --run-id r1 --runs-dir runs
"$ECOMCTL" -q funnel ev.csv -o fun --runs-dir runs
"$ECOMCTL" -q train ev.csv --models m --threads 1 --runs-dir runs > /dev/null
"$ECOMCTL" -q score ev.csv --models m -o p.csv --runs-dir runs
python3 - <<'PY'
import csv, glob, json
def cols(name, csv_only=True):
    sc = json.load(open(f"{name}.json"))
    return [c["name"] for c in sc["columns"] if not csv_only or c["in"] == "all"]
for name, path in [("sessions", "s.csv"), ("predictions", "p.csv"), ("funnel", "fun/funnel.csv")]:
    header = next(csv.reader(open(path, newline="")))
    assert header == cols(name), (name, header, cols(name))
    rows = list(csv.reader(open(path, newline="")))
    assert len(rows) > 1 and all(len(r) == len(header) for r in rows), name
run_keys = set(cols("run", False))
for f in glob.glob("runs/*.json"):
    m = json.load(open(f))
    extra = set(m) - run_keys
    assert not extra, (f, extra)
    assert m["schema_version"] == 1, f
PY
echo ok
