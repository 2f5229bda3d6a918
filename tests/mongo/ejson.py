"""Reading canonical Extended JSON lines (tests/mongo/find.mjs) in the
MongoDB CLI cases: plain Python values, keeping what type each had."""
import json
import sys


def plain(v):
    """{"$numberInt": "3"} -> 3, {"$date": ...} -> ("date", ms), etc."""
    if isinstance(v, dict):
        if len(v) == 1:
            (k, x), = v.items()
            if k in ("$numberInt", "$numberLong"):
                return int(x)
            if k == "$numberDouble":
                return float(x)
            if k == "$oid":
                return ("oid", x)
            if k == "$date":
                return ("date", int(x["$numberLong"]) if isinstance(x, dict) else x)
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def load(path):
    with open(path, encoding="utf-8") as f:
        return [plain(json.loads(line)) for line in f if line.strip()]


def die(msg):
    print(msg)
    sys.exit(1)
