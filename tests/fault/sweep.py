#!/usr/bin/env python3
"""Fault-injection sweep (SQLite's test VFS and test_malloc.c, the Unix way).

For one command of ecomctl, on small generated data: a run with the shim
(fault_shim.c) counting only gives the fault-free outputs and how many
calls of each kind touch the outputs; then, for N over those calls (an
even sample; with --full or ECOMCTL_FAULT_FULL=1 every I/O call and
FULL_MALLOC allocations per caller), a run in which the Nth call fails,
checked for:

  1. a documented exit status (DESIGN §8), or 0 with outputs byte-identical
     to the fault-free ones (the failed call was harmless);
  2. no partial output: each output is as it was before the run (the
     outputs start as a stand-in "previous output"), or, at exit 0, the
     fault-free output; never half, never a mix of old and new;
  3. no temporary file (*.tmp) and no output lock (.<name>.lock) left;
  4. for train, a consistent model registry: registry.json parses, every
     version it lists has model.json and manifest.json whose sha256
     matches, and no vN directory is unlisted;
  5. no crash: no death by a signal, no sanitizer report, and an error
     message on stderr for every failure; the run manifest, when written,
     gives the exit status the process returned.

usage: sweep.py --ecomctl BIN --shim SO --work DIR [--full] [--only KIND:N]
                COMMAND

Exit 0 when every run passed, 1 otherwise, 77 when the shim cannot load.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

DOCUMENTED = {0, 65, 66, 69, 70, 73, 74, 75}
PREVIOUS = b"previous output of an earlier run\n"
RUN_ID = "fault"
COMMON = ["-q", "--runs-dir", "out/runs", "--run-id", RUN_ID]

# command -> (arguments, outputs compared, directories the faults target)
COMMANDS = {
    "sessions": (["sessions", "ev.csv", "-o", "out/s.csv.gz"], ["out/s.csv.gz"], "out"),
    "features": (["features", "ev.csv", "-o", "out/feat.csv"], ["out/feat.csv"], "out"),
    "score": (["score", "ev.csv", "--models", "models", "-o", "out/pred.csv"],
              ["out/pred.csv"], "out"),
    "funnel": (["funnel", "ev.csv", "-o", "out/f"],
               ["out/f/funnel.csv", "out/f/funnel.json", "out/f/funnel.html"], "out"),
    "train": (["train", "ev.csv", "--models", "models", "--threads", "1", "--rounds", "20"],
              [], "out:models"),
}

# Kinds of fault: (name in the shim, allocation callers or None, errno or None)
IO_KINDS = [("write", None, None), ("fsync", None, None), ("rename", None, None),
            ("open", None, None), ("open", None, "EACCES"), ("close", None, None),
            ("mkdir", None, None), ("gzwrite", None, None)]
# Allocations by caller: ecomctl itself (and cJSON, whose allocations go
# through json.c's hook), zlib, XGBoost (with libstdc++'s operator new and
# OpenMP), and any caller at all (libc's own, libmongoc...). libcsv
# allocates nothing on these paths.
MALLOC_KINDS = [("malloc", "main", None), ("malloc", "libz", None),
                ("malloc", "xgboost,stdc++,gomp", None), ("malloc", None, None)]

# Points every default run includes, each once a bug: (command, kind,
# position: N, -k for the kth call from the end, or "mid"), and why.
REGRESSIONS = [
    ("funnel", ("malloc", "main", None), "mid", "an exit(70) left the .lock files"),
    ("sessions", ("malloc", "main", None), "mid", "an exit(70) left the .lock file"),
    ("sessions", ("malloc", "main", None), -2, "an exit(70) left the manifest's .tmp"),
    ("sessions", ("malloc", "main", None), -1, "exit 70 after the manifest's rename"),
    ("funnel", ("malloc", None, None), 933, "a key cJSON could not copy was left "
     "out of funnel.json, exit 0"),
    ("funnel", ("rename", None, None), 3, "funnel.csv and funnel.json replaced, "
     "funnel.html not: a torn commit"),
    ("sessions", ("malloc", "libz", None), 1, "gzdopen out of memory was exit 73"),
    ("sessions", ("malloc", "libz", None), 11, "deflate out of memory was exit 74"),
    ("sessions", ("malloc", None, None), 99, "an exit(70) between the lock file's "
     "creation and its registration left it"),
    ("sessions", ("malloc", None, None), 117, "the reader thread's exit(70) came between "
     "the main thread's creation of the lock file and its registration"),
    ("train", ("fsync", None, None), 6, "a directory fsync failure after registry.json's "
     "rename made train remove the files of the version it lists"),
]

# Known defects outside src/output and src/base (owned by others): a run
# whose every problem matches one is listed as known, not failed.
# (commands or None for all, problem regex, stderr regex, where and what)
KNOWN = [
    (None, r"allocation failure reported as exit 6[56]",
     r"cannot open: Cannot allocate memory|corrupt gzip stream \(out of memory\)",
     "src/input/reader.c: zlib out of memory on an input is exit 66 (cannot open) or 65 "
     "(corrupt gzip stream), not 70"),
    (["train", "score"], r"exit -6", r"terminate called|aborted inside a library",
     "libxgboost 1.7.4: an allocation failing in xgboost::common::GetCfsCPUCount() (noexcept, "
     "from XGDMatrixCreateFromMat) calls std::terminate: SIGABRT, no message"),
    (["train"], r"a directory registry.json does not list", r"out of memory",
     "src/model/train.c: an exit(70) between ec_registry_claim()'s mkdir and "
     "registry.json's save leaves the claimed, unlisted vN directory"),
]

# Injection points per kind in the default (short) run; --full: all.
SAMPLE = {"malloc": 12, "mkdir": 6, "open": 8, "close": 8}
# With --full: every I/O point, and this many allocations per caller (train
# makes 36,000: all of them would take hours).
FULL_MALLOC = 150


def kind_label(kind):
    name, caller, errno = kind
    label = name
    if caller:
        label += "@" + caller.split(",")[0]
    if errno:
        label += ":" + errno
    return label


class Sweep:
    def __init__(self, args):
        self.bin = os.path.abspath(args.ecomctl)
        self.shim = os.path.abspath(args.shim)
        self.work = os.path.abspath(args.work)
        self.cmd = args.command
        self.argv, self.outputs, self.dirs = COMMANDS[self.cmd]
        self.full = args.full or os.environ.get("ECOMCTL_FAULT_FULL") == "1"
        self.asan = self._is_asan()
        self.failures = []
        self.late = []
        self.known = {}
        self.stats = {}

    def _is_asan(self):
        try:
            out = subprocess.run(["ldd", self.bin], capture_output=True, text=True).stdout
        except OSError:
            return False
        return "libasan" in out

    # ---- running ----------------------------------------------------------

    def env(self, fault=None, caller=None, count=None):
        e = dict(os.environ)
        e["LD_PRELOAD"] = self.shim
        e["ECOMCTL_FAULT_DIR"] = self.dirs
        e["OMP_NUM_THREADS"] = "1"
        e.pop("MONGODB_URI", None)
        for k in ("ECOMCTL_FAULT", "ECOMCTL_FAULT_CALLER", "ECOMCTL_FAULT_COUNT"):
            e.pop(k, None)
        if fault:
            e["ECOMCTL_FAULT"] = fault
        if caller:
            e["ECOMCTL_FAULT_CALLER"] = caller
        if count:
            e["ECOMCTL_FAULT_COUNT"] = count
        if self.asan:
            e["ASAN_OPTIONS"] = "verify_asan_link_order=0:detect_leaks=0"
        return e

    def run(self, env):
        p = subprocess.run([self.bin] + self.argv + COMMON, cwd=self.run_dir, env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
        return p.returncode, p.stderr.decode("utf-8", "replace")

    def reset(self):
        """The state before every run: outputs hold a previous version."""
        shutil.rmtree(self.run_dir, ignore_errors=True)
        os.makedirs(self.run_dir)
        os.symlink(os.path.join(self.work, "ev.csv"), os.path.join(self.run_dir, "ev.csv"))
        shutil.copytree(os.path.join(self.work, "models0"),
                        os.path.join(self.run_dir, "models"))
        for o in self.outputs:
            path = os.path.join(self.run_dir, o)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(PREVIOUS)

    def setup(self):
        os.makedirs(self.work, exist_ok=True)
        ev = os.path.join(self.work, "ev.csv")
        if not os.path.exists(ev):
            subprocess.run([self.bin, "-q", "synth", "--rows", "3000", "--seed", "1", "-o", ev],
                           check=True)
        models = os.path.join(self.work, "models0")
        if not os.path.exists(os.path.join(models, "registry.json")):
            shutil.rmtree(models, ignore_errors=True)
            subprocess.run([self.bin, "-q", "train", ev, "--models", models, "--threads", "1",
                            "--rounds", "20", "--runs-dir", os.path.join(self.work, "runs0")],
                           check=True, env=dict(os.environ, OMP_NUM_THREADS="1"))
        self.run_dir = os.path.join(self.work, "run")

    def counts(self, caller=None):
        self.reset()
        cnt = os.path.join(self.work, "count")
        if os.path.exists(cnt):
            os.remove(cnt)
        status, err = self.run(self.env(caller=caller, count=cnt))
        if status != 0:
            raise SystemExit("fault-free run of %s: exit %d\n%s" % (self.cmd, status, err))
        if not os.path.exists(cnt):
            print("the shim did not load (%s): skipped" % self.shim)
            sys.exit(77)
        with open(cnt) as f:
            return {k: int(v) for k, v in (line.split() for line in f if len(line.split()) == 2)}

    def expected(self):
        self.counts()
        self.want = {}
        for o in self.outputs:
            with open(os.path.join(self.run_dir, o), "rb") as f:
                self.want[o] = f.read()

    # ---- checks -----------------------------------------------------------

    def leftovers(self):
        bad = []
        for root, dirs, files in os.walk(self.run_dir):
            for name in files:
                if re.match(r"^\..*\.(tmp|lock|old)$", name):
                    bad.append(os.path.relpath(os.path.join(root, name), self.run_dir))
        return bad

    def output_states(self):
        states = {}
        for o in self.outputs:
            path = os.path.join(self.run_dir, o)
            if not os.path.exists(path):
                states[o] = "absent"
                continue
            with open(path, "rb") as f:
                data = f.read()
            states[o] = ("previous" if data == PREVIOUS
                         else "new" if data == self.want[o] else "other")
        return states

    def registry_problems(self):
        models = os.path.join(self.run_dir, "models")
        try:
            with open(os.path.join(models, "registry.json")) as f:
                reg = json.load(f)
        except (OSError, ValueError) as e:
            return ["registry.json: %s" % e]
        problems = []
        for task in ("intent", "category"):
            listed = {v["version"] for v in reg.get(task, {}).get("versions", [])}
            for alias, v in reg.get(task, {}).get("aliases", {}).items():
                if v not in listed:
                    problems.append("%s@%s -> v%d, not listed" % (task, alias, v))
            tdir = os.path.join(models, task)
            found = set()
            if os.path.isdir(tdir):
                found = {int(d[1:]) for d in os.listdir(tdir) if re.match(r"^v\d+$", d)}
            for v in sorted(found - listed):
                problems.append("%s/v%d: a directory registry.json does not list" % (task, v))
            for v in sorted(listed):
                problems += self.version_problems(os.path.join(tdir, "v%d" % v))
        return problems

    def version_problems(self, vdir):
        try:
            with open(os.path.join(vdir, "model.json"), "rb") as f:
                model = f.read()
            with open(os.path.join(vdir, "manifest.json")) as f:
                man = json.load(f)
        except (OSError, ValueError) as e:
            return ["%s: %s" % (os.path.relpath(vdir, self.run_dir), e)]
        sha = hashlib.sha256(model).hexdigest()
        text = json.dumps(man)
        if sha not in text:
            return ["%s: model.json's sha256 is not in its manifest" %
                    os.path.relpath(vdir, self.run_dir)]
        return []

    def manifest_problem(self, status):
        path = os.path.join(self.run_dir, "out", "runs", RUN_ID + ".json")
        if not os.path.exists(path):
            return "exit 0 without a run manifest" if status == 0 else None
        try:
            with open(path) as f:
                m = json.load(f)
        except ValueError as e:
            return "run manifest: %s" % e
        if m.get("exit_status") != status:
            return "run manifest says exit %s, the process exited %d" % (
                m.get("exit_status"), status)
        return None

    def check(self, kind, status, err):
        """Problems of one run (empty: it passed), and whether it committed
        its outputs and then failed."""
        p = []
        if status < 0 or status >= 128:
            p.append("crash: exit %d" % status)
        elif status not in DOCUMENTED:
            p.append("undocumented exit status %d" % status)
        if "AddressSanitizer" in err or "runtime error:" in err:
            p.append("sanitizer report")
        if kind[0] == "malloc" and status not in (0, 70):
            p.append("an allocation failure reported as exit %d, not 70" % status)
        if status != 0 and "error" not in err:
            p.append("exit %d without an error message" % status)
        left = self.leftovers()
        if left:
            p.append("left behind: " + ", ".join(sorted(left)))
        states = self.output_states()
        late = False
        seen = set(states.values())
        if status == 0 and seen - {"new"}:
            p.append("exit 0 but outputs %s" % states)
        elif status != 0:
            if "other" in seen or "absent" in seen:
                p.append("partial or missing output: %s" % states)
            elif seen == {"previous", "new"}:
                p.append("torn commit, some outputs replaced: %s" % states)
            elif seen == {"new"}:
                late = True
        mp = self.manifest_problem(status)
        if mp:
            p.append(mp)
        if self.cmd == "train":
            p += self.registry_problems()
        return p, late

    # ---- the sweep --------------------------------------------------------

    def points(self, kind, count):
        name = kind[0]
        must = set()
        for cmd, k, pos, _ in REGRESSIONS:
            if cmd == self.cmd and k == kind and count > 0:
                must.add(count // 2 if pos == "mid" else pos if pos > 0 else count + 1 + pos)
        n = SAMPLE.get(name, 0)
        if self.full and name == "malloc":
            n = FULL_MALLOC
        elif self.full:
            n = 0
        if n == 0 or count <= n:
            return list(range(1, count + 1))
        # the first and last calls, and an even spread between
        pts = {1, 2, count - 1, count}
        for i in range(n - 4):
            pts.add(1 + (count - 1) * (i + 1) // (n - 3))
        return sorted(x for x in pts | must if 1 <= x <= count)

    def one(self, kind, n):
        name, caller, errno = kind
        spec = "%s:%d" % (name, n) + (":" + errno if errno else "")
        self.reset()
        cnt = os.path.join(self.work, "count")
        if os.path.exists(cnt):
            os.remove(cnt)
        status, err = self.run(self.env(fault=spec, caller=caller, count=cnt))
        fired = os.path.exists(cnt) and "fired" in open(cnt).read()
        problems, late = self.check(kind, status, err)
        label = kind_label(kind)
        st = self.stats.setdefault(label, {"calls": 0, "runs": 0, "fired": 0, "exits": {}})
        st["runs"] += 1
        st["fired"] += 1 if fired else 0
        st["exits"][status] = st["exits"].get(status, 0) + 1
        where = "%s %s (%s)" % (self.cmd, spec, caller or "any caller") if caller else \
            "%s %s" % (self.cmd, spec)
        if late:
            self.late.append("%s: exit %d after the outputs were committed: %s" % (
                where, status, first_error(err)))
        known = self.known_defects(problems, err)
        if problems and known:
            for k in known:
                self.known.setdefault(k, []).append("%s (exit %d)" % (where, status))
        elif problems:
            self.failures.append("%s: exit %d: %s\n    stderr: %s" % (
                where, status, "; ".join(problems), first_error(err)))
            print("FAIL " + self.failures[-1], flush=True)

    def known_defects(self, problems, err):
        """The known defects that explain every problem, or []."""
        found = []
        for p in problems:
            k = [w for cmds, pr, er, w in KNOWN
                 if (cmds is None or self.cmd in cmds) and re.search(pr, p)
                 and re.search(er, err.strip())]
            if not k:
                return []
            found.append(k[0])
        return sorted(set(found))

    def kinds(self):
        ks = list(IO_KINDS)
        if not self.asan:
            ks += MALLOC_KINDS
        return ks

    def sweep(self, only=None):
        self.setup()
        self.expected()
        if only:
            m = re.match(r"^([a-z]+)(?:@([\w,+.-]+))?:(\d+)(?::(\w+))?$", only)
            if not m:
                raise SystemExit("--only: expected KIND[@CALLER]:N[:ERRNO], got " + only)
            self.one((m.group(1), m.group(2), m.group(4)), int(m.group(3)))
            return
        cache = {}
        for kind in self.kinds():
            name, caller, _ = kind
            if caller not in cache:
                cache[caller] = self.counts(caller)
            count = cache[caller].get(name, 0)
            self.stats.setdefault(kind_label(kind), {"calls": 0, "runs": 0, "fired": 0,
                                                     "exits": {}})["calls"] = count
            for n in self.points(kind, count):
                self.one(kind, n)

    def report(self):
        runs = sum(s["runs"] for s in self.stats.values())
        fired = sum(s["fired"] for s in self.stats.values())
        print("fault sweep of %s: %d runs, %d faults injected, %d failed%s" % (
            self.cmd, runs, fired, len(self.failures),
            " (full: every I/O call, %d allocations per caller)" % FULL_MALLOC if self.full
            else " (sampled; ECOMCTL_FAULT_FULL=1 for more)"))
        for label, s in self.stats.items():
            exits = " ".join("%d:%d" % (k, v) for k, v in sorted(s["exits"].items()))
            print("  %-22s calls %5d  injected %4d  exits %s" % (
                label, s["calls"], s["fired"], exits or "-"))
        for line in self.late:
            print("  note: " + line)
        for what, where in self.known.items():
            print("  known, not fixed here: %s\n    %d runs: %s" % (
                what, len(where), ", ".join(where[:4]) + (" ..." if len(where) > 4 else "")))
        print("SUMMARY " + json.dumps({"command": self.cmd, "runs": runs, "injected": fired,
                                       "failed": len(self.failures), "late": len(self.late),
                                       "known": sum(len(w) for w in self.known.values()),
                                       "kinds": self.stats}, sort_keys=True))


def first_error(err):
    for line in err.splitlines():
        if "error" in line or "Sanitizer" in line:
            return line.strip()
    return err.strip().splitlines()[-1] if err.strip() else "(nothing on stderr)"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ecomctl", required=True)
    ap.add_argument("--shim", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--full", action="store_true",
                    help="every I/O injection point, %d allocations per caller" % FULL_MALLOC)
    ap.add_argument("--only", help="one run: KIND[@CALLER]:N[:ERRNO], e.g. rename:2")
    ap.add_argument("command", choices=sorted(COMMANDS))
    args = ap.parse_args()
    s = Sweep(args)
    s.sweep(args.only)
    s.report()
    for f in s.failures:
        print("FAIL " + f)
    return 1 if s.failures else 0


if __name__ == "__main__":
    sys.exit(main())
