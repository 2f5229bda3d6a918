"""Reading run manifests (<runs_dir>/<run_id>.json) in the tests/cli/runs
cases: each is checked for what every manifest holds, independently of the
command that wrote it."""
import json
import os
import sys

KEYS = ["run_id", "command", "command_line", "argv", "inputs", "outputs", "counts",
        "timings", "versions", "outcome", "exit_status", "error"]


def die(msg):
    print(msg)
    sys.exit(1)


def check(path):
    """Parses one manifest and checks its common fields; returns it."""
    with open(path, encoding="utf-8") as f:
        m = json.load(f)
    name = os.path.basename(path)
    for k in KEYS:
        if k not in m:
            die(f"{name}: no {k!r}")
    if name != m["run_id"] + ".json":
        die(f"{name}: run_id {m['run_id']!r}")
    if not m["command_line"].startswith("ecomctl " + m["command"]):
        die(f"{name}: command_line {m['command_line']!r}")
    t = m["timings"]
    if not (t["started"] <= t["finished"] and t["wall_s"] >= 0 and t["max_rss_kb"] > 0):
        die(f"{name}: timings {t!r}")
    for k in ("ecomctl", "parsing", "cjson", "xgboost", "mongodb"):
        if not m["versions"].get(k):
            die(f"{name}: versions {m['versions']!r}")
    for o in m["outputs"]:
        size = os.path.getsize(o["path"]) if os.path.isfile(o["path"]) else None
        if o["size"] != size:
            die(f"{name}: output {o!r}, on disk {size}")
    for i in m["inputs"]:
        size = os.path.getsize(i["path"]) if os.path.isfile(i["path"]) else None
        if i["size"] != size:
            die(f"{name}: input {i!r}, on disk {size}")
    want = {0: "ok", 69: "mongodb_unavailable", 75: "temporary_failure"}.get(m["exit_status"],
                                                                           "failed")
    if m["outcome"] != want or (m["exit_status"] == 0) != (m["error"] is None):
        die(f"{name}: outcome {m['outcome']!r}, exit {m['exit_status']}, error {m['error']!r}")
    return m


def load_all(d):
    """Every manifest of a runs directory, by command; nothing else there."""
    out = {}
    for f in sorted(os.listdir(d)):
        if not f.endswith(".json"):
            die(f"{d}: unexpected file {f!r} (a temporary file left?)")
        m = check(os.path.join(d, f))
        out.setdefault(m["command"], []).append(m)
    return out


def one(d, command):
    ms = load_all(d).get(command, [])
    if len(ms) != 1:
        die(f"{d}: {len(ms)} manifests of {command}")
    return ms[0]


def lines(path):
    """Data rows of a CSV file (its lines but the header), as wc -l counts."""
    with open(path, "rb") as f:
        return f.read().count(b"\n") - 1
