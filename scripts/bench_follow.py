#!/usr/bin/python3
"""score --follow latency (scripts/bench.sh, BENCH_ONLY=follow).

Feeds generated events into `ecomctl score --follow -` through a pipe at a
fixed rate (BENCH_FOLLOW_RATE events/s, 50000), stamping each line when it
is written, and each prediction row when it is read back. A session's
closing event is the first event after which the featurizer's rule can let
it out (the watermark, the latest event time minus --lateness, past its
start plus --max-session); the delay is from that event's write to its
row's read (a bound from above: the featurizer's own watermark may move one
read later). Rows let out only by the end of stdin are not counted. Prints
the rate reached, the delays' p50, p99 and max, and as a check the number
of rows equal to batch `score` on the same file.

usage: bench_follow.py ECOMCTL WORKDIR
"""
import csv
import datetime
import os
import subprocess
import sys
import threading
import time

LATENESS, MAX_SESSION = 600, 86400


def stamp(s):
    return int(datetime.datetime.strptime(s[:19], "%Y-%m-%d %H:%M:%S")
               .replace(tzinfo=datetime.timezone.utc).timestamp())


def main():
    ecomctl, work = sys.argv[1], sys.argv[2]
    rows = int(os.environ.get("BENCH_FOLLOW_ROWS", "500000"))
    rate = float(os.environ.get("BENCH_FOLLOW_RATE", "50000"))
    ev = os.path.join(work, f"follow-{rows}.csv")
    models = os.path.join(work, "follow-models")
    if not os.path.exists(ev):
        subprocess.run([ecomctl, "-q", "synth", "--days", "4", "--rows", str(rows), "--seed", "7",
                        "-o", ev], check=True)
    if not os.path.exists(models):
        subprocess.run([ecomctl, "-q", "train", ev, "--models", models, "--rounds", "50",
                        "--threads", "1"], check=True, stdout=subprocess.DEVNULL)
    batch_csv = os.path.join(work, "follow-batch.csv")
    subprocess.run([ecomctl, "-q", "score", ev, "--models", models, "-o", batch_csv,
                    "--run-id", "bench"], check=True)
    batch = {r["session_id"]: r for r in csv.DictReader(open(batch_csv))}

    lines = open(ev, "rb").read().splitlines(True)
    times = [stamp(l.decode()) for l in lines[1:]]
    # the first event index after which W > t, for any t: W is nondecreasing
    w, wmax = [], None
    for t in times:
        wmax = t if wmax is None or t > wmax else wmax
        w.append(wmax - LATENESS)

    def closing(start):
        lo, hi, need = 0, len(w), start + MAX_SESSION
        while lo < hi:
            mid = (lo + hi) // 2
            if w[mid] > need:
                hi = mid
            else:
                lo = mid + 1
        return lo if lo < len(w) else None

    sent = [0.0] * len(lines)
    got = []
    p = subprocess.Popen([ecomctl, "-q", "score", "--follow", "-", "--models", models,
                          "--run-id", "bench"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def reader():
        for line in p.stdout:
            got.append((time.monotonic(), line))

    th = threading.Thread(target=reader)
    th.start()
    step = max(1, int(rate / 1000))  # lines a millisecond
    t0 = time.monotonic()
    for k in range(0, len(lines), step):
        due = t0 + k / rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        p.stdin.write(b"".join(lines[k:k + step]))
        p.stdin.flush()
        now = time.monotonic()
        for i in range(k, min(k + step, len(lines))):
            sent[i] = now
    t_end = time.monotonic()
    p.stdin.close()
    p.wait()
    th.join()
    header = got[0][1].decode().rstrip("\n").split(",")
    delays, equal = [], 0
    for when, line in got[1:]:
        r = dict(zip(header, next(csv.reader([line.decode()]))))
        equal += batch.get(r["session_id"]) == r
        i = closing(stamp(r["start"].replace("T", " ")))
        if i is not None and sent[i + 1] < t_end:  # lines[0] is the header
            delays.append((when - sent[i + 1]) * 1000)
    delays.sort()
    pct = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))]
    print("follow: %d events in %.2f s (%.0f events/s asked, %.0f reached); %d rows, "
          "%d timed: delay from closing event to row p50 %.2f ms, p99 %.2f ms, "
          "p99.9 %.2f ms, max %.2f ms; check: %d of %d rows equal batch"
          % (len(lines) - 1, t_end - t0, rate, (len(lines) - 1) / (t_end - t0), len(got) - 1,
             len(delays), pct(0.5), pct(0.99), pct(0.999), delays[-1], equal, len(batch)))


main()
