"""A small hand-built export for the `score` MongoDB cases, and what each of
its sessions is, worked out here rather than read from ecomctl.

usage: python3 score_fixture.py OUT.csv SEED
Writes OUT.csv (time-ordered; one user_session per session, sessions a day
apart, so none is cut or merged) and OUT.csv.json: one object per session
with session_id, user_id, start, end (epoch s), events, purchased,
first_is_purchase (nothing to score), keys_before_cart (category keys of the
events before the first cart or purchase: the candidates)."""
import datetime
import json
import random
import sys

out, seed = sys.argv[1], int(sys.argv[2])
rnd = random.Random(seed)
codes = ["electronics.smartphone.x", "electronics.audio.headphone", "computers.notebook",
         "appliances.kitchen.washer", "apparel.shoes", ""]
t0 = int(datetime.datetime(2019, 11, 1, tzinfo=datetime.timezone.utc).timestamp())
rows, sessions = [], []
for u in range(1, 41):
    uid = 600000000 + u * 7
    for k in range(1 + (u % 2)):
        sid = f"fx-{u}-{k}"
        start = t0 + k * 86400 + u * 600
        n = rnd.randint(1, 8)
        t = start
        evs = []
        for i in range(n):
            if u % 9 == 0 and i == 0:
                kind = "purchase"          # nothing before the cutoff
            elif u % 11 == 0 and i == 0:
                kind = "cart"              # no event before the first cart
            else:
                kind = rnd.choices(["view", "cart", "purchase"], [8, 2, 1])[0]
            code = rnd.choice(codes)
            cid = 2053013555631882600 + codes.index(code)
            evs.append((t, kind, 1000 + rnd.randint(0, 30), cid, code,
                        rnd.choice(["apple", "samsung", ""]), round(rnd.uniform(1, 900), 2)))
            t += rnd.randint(5, 240)
        key = lambda e: ".".join(e[4].split(".")[:2]) if e[4] else f"id:{e[3]}"
        before = []
        for e in evs:
            if e[1] in ("cart", "purchase"):
                break
            before.append(key(e))
        sessions.append({"session_id": sid, "user_id": uid, "start": evs[0][0],
                         "end": evs[-1][0], "events": len(evs),
                         "purchased": any(e[1] == "purchase" for e in evs),
                         "first_is_purchase": evs[0][1] == "purchase",
                         "keys_before_cart": sorted(set(before))})
        rows += [(e, uid, sid) for e in evs]
rows.sort(key=lambda r: r[0][0])
with open(out, "w") as f:
    f.write("event_time,event_type,product_id,category_id,category_code,brand,price,"
            "user_id,user_session\n")
    for (t, kind, pid, cid, code, brand, price), uid, sid in rows:
        ts = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
        f.write(f"{ts:%Y-%m-%d %H:%M:%S} UTC,{kind},{pid},{cid},{code},{brand},{price:.2f},"
                f"{uid},{sid}\n")
json.dump(sessions, open(out + ".json", "w"))
