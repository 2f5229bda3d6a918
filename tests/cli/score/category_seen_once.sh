# A category that appears once in all the data (one session views it twice
# and carts it, after everything else): training is unaffected, and score
# still offers it to that session: candidates come from the session's own
# views, so a rare category is a candidate like any other (documented).
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --days 4 --rows 12000 --seed 4 -o ev.csv
python3 - <<'PY'
import datetime as dt
last = open("ev.csv").read().rstrip("\n").rsplit("\n", 1)[1].split(",")[0]
t = dt.datetime.strptime(last, "%Y-%m-%d %H:%M:%S UTC")
rows = [(1, "view"), (30, "view"), (60, "cart")]
with open("ev.csv", "a") as f:
    for s, kind in rows:
        ts = (t + dt.timedelta(seconds=s)).strftime("%Y-%m-%d %H:%M:%S UTC")
        f.write(f"{ts},{kind},99000001,7777777777777777777,,onlyonce,9.99,999000111,once-session\n")
PY
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 30 > /dev/null
"$ECOMCTL" -q score ev.csv --models m -o pred.csv
python3 - <<'PY'
import csv
rows = {r["session_id"]: r for r in csv.DictReader(open("pred.csv"))}
r = rows["once-session"]
cats = [r["category_1"], r["category_2"], r["category_3"]]
assert "id:7777777777777777777" in cats, r
assert r["actual_categories"] == "id:7777777777777777777", r
assert r["purchased"] == "0" and r["p_purchase"] != "", r
PY
