# The README's `ecomctl train` section states how training uses memory:
# the spill in --cache-dir, the quantized training matrix, the external-memory
# validation pages, --matrix memory, and a table of measured peak RSS at
# 1 M and 4 M rows. Each option it names is one `train --help` lists.
set -e
python3 - "$EC_SOURCE_DIR/README.md" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
sec = text[text.index("### `ecomctl train`"):]
sec = sec[:sec.index("\n### ", 1)]
mem = sec[sec.index("**Memory.**"):]
for want in ("--cache-dir", "unlinked", "XGQuantileDMatrixCreateFromCallback",
             "external-memory", "--matrix memory", "--matrix external",
             "cli.train.spill_cleanup", "cli.train.matrix_same", "cli.train.matrix_external"):
    assert want in mem, "README train section, Memory: no " + want
rows = [l for l in mem.splitlines() if re.match(r"\| *[0-9.]+ M rows", l)]
assert any(l.startswith("| 1 M") for l in rows) and any(l.startswith("| 4 M") for l in rows), rows
assert "| `--cache-dir DIR` |" in sec and "| `--matrix auto\\|quantile\\|memory\\|external` |" in sec
PY
"$ECOMCTL" train --help > help.txt
grep -q -- "--cache-dir DIR" help.txt
grep -q -- "--matrix auto|quantile|memory|external" help.txt
echo ok
