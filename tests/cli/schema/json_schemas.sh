# Every JSON document ecomctl writes validates against its JSON Schema in
# data/schemas (jsonschema, Draft 2020-12): the --json summary of every
# command, on success and on failure; run records; funnel.json;
# model-report.json of both tasks; model manifests; the registry. Every
# schema file is used, every command's summary is seen, and documents broken
# on purpose (a camelCase key, a time in the old " UTC" form, "ok" with a
# non-zero exit, a missing key) are refused, so the schemas can fail.
set -e
py=python3
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null && py=/usr/bin/python3
$py -c 'import jsonschema' 2>/dev/null || { echo "no python3-jsonschema: skipped"; exit 77; }
E=$ECOMCTL
mkdir -p sum
j() { name=$1; shift; "$E" --json "$@" > "sum/$name.json" 2>> stderr.log || true; }
"$E" -q synth --rows 12000 --seed 5 -o ev.csv
j synth synth --rows 50 -o small.csv
j inspect inspect ev.csv
j inspect_missing inspect missing.csv
j sessions sessions ev.csv -o s.csv --runs-dir runs
j features features ev.csv -o f.csv --runs-dir runs
j features_list features --list
j funnel funnel ev.csv -o fun --by top --by price --runs-dir runs
j train train ev.csv --models m --threads 1 --runs-dir runs
j train2 train ev.csv --models m --threads 1 --runs-dir runs --task intent
j score score ev.csv --models m -o p.csv --runs-dir runs
j evaluate evaluate ev.csv --models m
j models_list models list --models m
j models_show models show intent --models m
j models_promote models promote intent@v2 --models m
j models_rollback models rollback intent --models m
j report_intent models report intent --models m -o rep-i --runs-dir runs
j report_category models report category --models m -o rep-c --runs-dir runs
j compare models compare intent@v1 intent@v2 --models m
j schema schema
j schema_one schema sessions
j version version
j demo demo -o demo --rows 8000 --runs-dir demo-runs
j bad_option sessions ev.csv --bogus
j no_input sessions
j bad_command nosuchcommand
j bad_value funnel ev.csv --window -5
j no_model score ev.csv --models empty-registry -o q.csv --runs-dir runs
j no_spool mongo replay --spool nowhere --mongo-uri mongodb://127.0.0.1:1/x

$py - "$EC_SOURCE_DIR/data/schemas" <<'PY'
import copy, glob, json, os, sys, warnings
warnings.simplefilter("ignore", DeprecationWarning)
from jsonschema import Draft202012Validator, RefResolver

sdir = sys.argv[1]
schemas = {}
for path in sorted(glob.glob(os.path.join(sdir, "*.schema.json"))):
    s = json.load(open(path))
    Draft202012Validator.check_schema(s)
    schemas[os.path.basename(path)] = s
store = {s["$id"]: s for s in schemas.values()}
used = set()

def errors(name, doc):
    s = schemas[name]
    v = Draft202012Validator(s, resolver=RefResolver.from_schema(s, store=store))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"[:300] for e in v.iter_errors(doc)]

def check(name, path):
    used.add(name)
    doc = json.load(open(path))
    bad = errors(name, doc)
    assert not bad, (path, name, bad[:5])
    return doc

# --json summaries: one object each, ok or failed
seen = {}
for path in sorted(glob.glob("sum/*.json")):
    text = open(path).read()
    assert text.strip(), f"{path}: --json printed nothing"
    doc = check("summary.schema.json", path)
    seen[os.path.basename(path)[:-5]] = (doc["command"], doc["status"], doc["exit"])
fails = {k: v for k, v in seen.items() if v[1] != "ok"}
want_fail = {"inspect_missing": 66, "bad_option": 64, "no_input": 64, "bad_command": 64,
             "bad_value": 64, "no_model": 66, "no_spool": 66}
for k, code in want_fail.items():
    assert k in fails, (k, seen.get(k))
    assert fails[k][2] == code, (k, fails[k], code)
oks = {v[0] for k, v in seen.items() if v[1] == "ok"}
every = {"synth", "inspect", "sessions", "features", "features --list", "funnel", "train", "score",
         "evaluate", "models list", "models show", "models promote", "models rollback",
         "models report", "models compare", "schema", "version", "demo"}
assert every <= oks, ("no ok summary from", every - oks)

runs = glob.glob("runs/*.json") + glob.glob("demo-runs/*.json")
assert len(runs) >= 10, runs
for path in runs:
    check("run.schema.json", path)
for path in ["fun/funnel.json", "demo/funnel.json"]:
    check("funnel.schema.json", path)
for path in ["rep-i/model-report.json", "rep-c/model-report.json"]:
    check("model-report.schema.json", path)
manifests = glob.glob("m/*/v*/manifest.json")
assert len(manifests) == 3, manifests
for path in manifests:
    check("model-manifest.schema.json", path)
check("registry.schema.json", "m/registry.json")
used.add("common.schema.json")
assert used == set(schemas), ("schema files no output uses", set(schemas) - used)

# the schemas can fail
def refused(name, path, mutate, why):
    doc = json.load(open(path))
    mutate(doc)
    assert errors(name, doc), f"{name} accepted {why}"
refused("summary.schema.json", "sum/sessions.json", lambda d: d.update(runId="x"), "a camelCase key")
refused("summary.schema.json", "sum/sessions.json", lambda d: d.update(exit=1), "ok with exit 1")
refused("summary.schema.json", "sum/score.json", lambda d: d.pop("scored_sessions"), "a missing key")
refused("funnel.schema.json", "fun/funnel.json",
        lambda d: d.update(first_event="2019-10-01 00:00:00 UTC"), "a time ending in UTC")
refused("funnel.schema.json", "fun/funnel.json",
        lambda d: d["breakdowns"][0]["rows"][0]["steps"][0].update(fromFirstLow=0.1), "a camelCase step key")
refused("run.schema.json", runs[0], lambda d: d.update(outcome="done"), "an unknown outcome")
refused("model-manifest.schema.json", manifests[0], lambda d: d.update(model_sha256="abc"), "a short hash")
refused("model-report.schema.json", "rep-i/model-report.json", lambda d: d.pop("drift"), "a missing section")
refused("registry.schema.json", "m/registry.json",
        lambda d: d["intent"]["versions"][0].update(created_at="yesterday"), "a bad time")
print(f"{len(seen)} summaries, {len(runs)} run records, {len(manifests)} manifests: valid")
PY
