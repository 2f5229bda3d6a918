# --json: one JSON object on stdout naming the outputs and the units per
# step (small.csv: [5, 4, 2], see small_fixture); funnel.json holds the same.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" --json funnel -o out "$CASE_DIR/small.csv" > summary.json
python3 - <<'PY'
import json
s = json.load(open("summary.json"))
assert s["command"] == "funnel", s
assert s["step_units"] == [5, 4, 2], s
assert s["html"] == "out/funnel.html", s
f = json.load(open("out/funnel.json"))
assert f["steps"] == ["view", "cart", "purchase"], f["steps"]
assert [x["units"] for x in f["funnel"]] == [5, 4, 2]
assert f["funnel"][1]["median_s"] == 20 and f["funnel"][1]["p90_s"] == 120
assert f["funnel"][0]["conversion_from_previous"] is None
assert [d["day"] for d in f["trend"]] == ["2019-10-01"]
# Carts: s1 p1 (bought), s2 p2, s3 p3 (bought), s5 p1: p1 and p2 each
# abandoned once (p1 carted twice); ties go to the lower id.
a = f["abandoned"]
assert (a["carting_units"], a["abandoning_units"]) == (4, 2), a
assert [(p["product_id"], p["carted_units"], p["abandoned_units"]) for p in a["top"]] == \
    [(1, 2, 1), (2, 1, 1)], a
PY
