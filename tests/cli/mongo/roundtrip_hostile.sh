# labels: mongo
# Session logs written with --with-events read back field by field, by an
# independent reader (find.mjs), equal what a small Python sessionizer
# computes from the CSV; brand, category and session strings holding $, .,
# quotes, backslashes, braces, commas and non-ASCII come back unchanged as
# values (a byte that is not UTF-8 as U+FFFD); `history export` agrees.
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
{
	echo 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session'
	echo '2019-10-01 10:00:00 UTC,view,100,2053013555631882655,$where.a.b,"say ""hi""",10.50,7,"{""$ne"":1}"'
	echo '2019-10-01 10:00:05 UTC,view,101,2053013555631882655,$where.a.b,$gt,20.00,7,"{""$ne"":1}"'
	echo '2019-10-01 10:01:00 UTC,cart,101,2053013555631882655,$where.a.b,$gt,20.00,7,"{""$ne"":1}"'
	echo '2019-10-01 10:02:00 UTC,purchase,101,2053013555631882655,$where.a.b,$gt,20.00,7,"{""$ne"":1}"'
	echo '2019-10-01 10:03:00 UTC,view,102,2232732093077520756,x.y,back\slash,5.25,7,"{""$ne"":1}"'
	echo '2019-10-01 11:00:00 UTC,view,200,2232732093077520756,,"comma,brand",1.00,7,a.b$c'
	echo '2019-10-01 11:00:30 UTC,cart,200,2232732093077520756,,"comma,brand",1.00,7,a.b$c'
	echo '2019-10-01 11:01:00 UTC,remove_from_cart,200,2232732093077520756,,"comma,brand",1.00,7,a.b$c'
	echo '2019-10-01 12:00:00 UTC,view,300,2053013555631882655,électronique.téléphone.x,ünïcødé 日本,99.99,8,s-8'
	printf '2019-10-01 12:00:10 UTC,view,301,2053013555631882655,électronique.téléphone.x,bad\377byte,0,8,s-8\n'
	echo '2019-10-01 12:00:20 UTC,cart,301,2053013555631882655,électronique.téléphone.x,,-1.5,8,s-8'
	echo '2019-10-01 12:00:30 UTC,view,302,1,a,.,3,8,s-8'
} > in.csv
U="$URI/rt"
"$ECOMCTL" -q sessions in.csv -o out/sessions.csv --with-events --mongo-uri "$U"
mfind rt sessions > got.jsonl
"$ECOMCTL" history export --user 7 --mongo-uri "$U" > export7.jsonl
"$ECOMCTL" history export --user 8 --mongo-uri "$U" > export8.jsonl
mfind rt runs > runs.jsonl
python3 - "$EC_SOURCE_DIR/tests/mongo" <<'PY'
import csv, datetime, json, sys
sys.path.insert(0, sys.argv[1])
from ejson import load, die

def epoch(t):
    fmt = "%Y-%m-%dT%H:%M:%SZ" if t.endswith("Z") else "%Y-%m-%d %H:%M:%S UTC"
    return int(datetime.datetime.strptime(t, fmt)
               .replace(tzinfo=datetime.timezone.utc).timestamp())

def key(code, cid):
    return ".".join(code.split(".")[:2]) if code else "id:" + cid

with open("in.csv", "rb") as f:
    text = f.read().decode("utf-8", errors="replace")   # \377 -> U+FFFD
rows = list(csv.DictReader(text.splitlines()))
sessions = {}
for r in rows:
    sessions.setdefault((r["user_session"], int(r["user_id"])), []).append(r)
want = {}
for (sid, uid), ev in sessions.items():
    ev.sort(key=lambda r: epoch(r["event_time"]))
    n = lambda t: sum(r["event_type"] == t for r in ev)
    keys = {}
    for r in ev:
        k = key(r["category_code"], r["category_id"])
        keys[k] = keys.get(k, 0) + 1
    buys = [r for r in ev if r["event_type"] == "purchase"]
    want[(sid, uid)] = {
        "session_id": sid, "user_id": uid,
        "start": ("date", epoch(ev[0]["event_time"]) * 1000),
        "end": ("date", epoch(ev[-1]["event_time"]) * 1000),
        "duration_s": epoch(ev[-1]["event_time"]) - epoch(ev[0]["event_time"]),
        "events": len(ev), "views": n("view"), "carts": n("cart"),
        "removes": n("remove_from_cart"), "purchases": n("purchase"),
        "products": len({r["product_id"] for r in ev}),
        "categories": len({r["category_id"] for r in ev}),
        "brands": len({r["brand"] for r in ev if r["brand"]}),
        "cart_value": sum(float(r["price"]) for r in ev if r["event_type"] == "cart"),
        "revenue": sum(float(r["price"]) for r in buys),
        "first_purchase": ("date", epoch(buys[0]["event_time"]) * 1000) if buys else None,
        "converted": bool(buys),
        "top_category": max(keys, key=keys.get),
        "event_log": [{"time": ("date", epoch(r["event_time"]) * 1000),
                       "type": r["event_type"], "product_id": int(r["product_id"]),
                       "category_id": int(r["category_id"]),
                       "category_code": r["category_code"], "brand": r["brand"],
                       "price": float(r["price"])} for r in ev],
    }

got = load("got.jsonl")
if len(got) != len(want):
    die(f"{len(got)} session logs, want {len(want)}")
for d in got:
    w = want.get((d.get("session_id"), d.get("user_id")))
    if w is None:
        die(f"unexpected session log {d.get('session_id')!r} {d.get('user_id')!r}")
    if not (isinstance(d["_id"], tuple) and d["_id"][0] == "oid"):
        die(f"_id is not an ObjectId: {d['_id']!r}")
    for f, v in w.items():
        g = d.get(f)
        if f == "event_log":
            if len(g) != len(v):
                die(f"{w['session_id']}: {len(g)} events, want {len(v)}")
            for ge, we in zip(g, v):
                for k, x in we.items():
                    y = ge[k]
                    # The test server keeps numbers as JavaScript doubles:
                    # 19-digit category ids come back rounded.
                    ok = float(y) == float(x) if k in ("category_id", "price") else y == x
                    if not ok:
                        die(f"{w['session_id']}: event {k} = {y!r}, want {x!r}")
        elif isinstance(v, float):
            if abs(g - v) > 1e-9:
                die(f"{w['session_id']}: {f} = {g!r}, want {v!r}")
        elif g != v:
            die(f"{w['session_id']}: {f} = {g!r}, want {v!r}")
    if d["event_log_truncated"] is not False or d["session_key"] != "session":
        die(f"{w['session_id']}: {d['event_log_truncated']!r} {d['session_key']!r}")

# history export: the same documents, JSON with times as text, by start.
def text(ms):
    return datetime.datetime.fromtimestamp(ms // 1000, datetime.timezone.utc) \
        .strftime("%Y-%m-%dT%H:%M:%SZ")
for uid in (7, 8):
    lines = [json.loads(l) for l in open(f"export{uid}.jsonl", encoding="utf-8")]
    mine = sorted((w for w in want.values() if w["user_id"] == uid),
                  key=lambda w: w["start"][1])
    if [l["session_id"] for l in lines] != [w["session_id"] for w in mine]:
        die(f"export of user {uid}: {[l['session_id'] for l in lines]}")
    for l, w in zip(lines, mine):
        if l["collection"] != "sessions" or l["user_id"] != uid:
            die(f"export: {l['collection']!r} {l['user_id']!r}")
        if l["start"] != text(w["start"][1]) or l["end"] != text(w["end"][1]):
            die(f"export: times {l['start']!r} {l['end']!r}")
        for f in ("brands", "top_category", "events", "carts", "purchases"):
            if l[f] != w[f]:
                die(f"export: {f} = {l[f]!r}, want {w[f]!r}")
        if [e["brand"] for e in l["event_log"]] != [e["brand"] for e in w["event_log"]]:
            die(f"export: brands {[e['brand'] for e in l['event_log']]!r}")

runs = load("runs.jsonl")
if len(runs) != 1 or runs[0]["outcome"] != "ok" or runs[0]["command"] != "sessions":
    die(f"runs: {runs!r}")
r = runs[0]
if r["inputs"] != [{"path": "in.csv", "size": len(open("in.csv", "rb").read())}]:
    die(f"runs inputs: {r['inputs']!r}")
if r["documents"]["sessions"] != {"written": 3, "acknowledged": 3, "not_acknowledged": 0}:
    die(f"runs documents: {r['documents']!r}")
print("ok")
PY
