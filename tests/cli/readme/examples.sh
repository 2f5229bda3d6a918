# Every sh example of the README runs as written, in order, in one scratch
# directory that stands for the top of a clone (build/ is the build under
# test): each block under `set -e`, so any failing line fails the test with
# the block's line number. A block may be skipped only by an HTML comment
# `<!-- not run: REASON -->` on the line above it, and the reason must be
# said. JSON blocks must parse.
# labels: readme
set -e
mkdir -p clone
ln -s "$(cd "$(dirname "$ECOMCTL")" && pwd)" clone/build
python3 - "$EC_SOURCE_DIR/README.md" <<'PY'
import json, os, re, subprocess, sys

lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
blocks, i = [], 0
while i < len(lines):
    m = re.match(r"^```(\w*)\s*$", lines[i])
    if not m:
        i += 1
        continue
    lang, start = m.group(1), i + 1
    j = start
    while j < len(lines) and not lines[j].startswith("```"):
        j += 1
    skip = re.match(r"^<!-- not run: (.+?) -->$", lines[i - 1]) if i else None
    if i and lines[i - 1].startswith("<!-- not run") and not skip:
        sys.exit(f"README.md:{i}: a skipped block must say why: <!-- not run: REASON -->")
    blocks.append((lang, start, "\n".join(lines[start:j]), skip))
    i = j + 1

ran = skipped = 0
for lang, start, body, skip in blocks:
    if lang == "json":
        json.loads(body)
        continue
    if lang != "sh":
        continue
    if skip:
        skipped += 1
        print(f"README.md:{start}: not run: {skip.group(1)}")
        continue
    p = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", body], cwd="clone",
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        print(f"README.md:{start}: the block exits {p.returncode}:\n{body}\n--- stderr:\n{p.stderr[-3000:]}")
        sys.exit(1)
    ran += 1
print(f"{ran} blocks ran, {skipped} not run")
assert ran >= 10 and skipped <= 7, (ran, skipped)  # 7: the Slurm sketch of distributed training
PY
