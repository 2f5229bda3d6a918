# Quoted fields that hold commas, doubled quotes and newlines, placed so
# that one straddles every 1 MiB boundary of the file (the reader's chunk
# size), the boundary falling at a different place in each: just after the
# opening quote, on a newline inside the field, just after one, just before
# the closing quote, and inside a doubled quote. Lines inside these fields
# look like rows of their own (nine comma-separated fields, no quote), so a
# parser that trusts a chunk's first newline as a row boundary reads them
# as rows. Python's csv module is the oracle: every row is its own session
# (one event each), and the session table must carry each row's user,
# time, event counts and category code (--category-level 0: all of it, up
# to the 159 bytes of a key) as Python reads them, and no row is rejected.
# Plain, gzip and stdin inputs must give the same table.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
command -v gzip >/dev/null || { echo "no gzip: skipped"; exit 77; }
set -e
python3 - <<'PY'
import csv, io, datetime, json

MIB = 1 << 20
TYPES = ["view", "cart", "remove_from_cart", "purchase"]
t0 = datetime.datetime(2019, 10, 1)
out = io.StringIO(newline="")
w = csv.writer(out, lineterminator="\n")
w.writerow(["event_time", "event_type", "product_id", "category_id", "category_code",
            "brand", "price", "user_id", "user_session"])

def row(i, code, brand):
    t = t0 + datetime.timedelta(seconds=i)
    w.writerow([t.strftime("%Y-%m-%d %H:%M:%S UTC"), TYPES[i % 4], 1000 + i % 97,
                2000 + i % 13, code, brand, "%d.%02d" % (i % 500, i % 100),
                500000 + i % 1000, "s%07d" % i])

def field_text():
    # Lines that would pass for rows, commas, and doubled quotes.
    s = ""
    for k in range(60):
        s += 'x%d,view,1,2,a.b,brand,1.00,7,sess\n' % k
        if k % 3 == 2:
            s += 'say ""hi"", '
    return s

# Where the boundary falls in each straddling field: the offset, in the
# field's bytes as written (quotes doubled), of the first byte of the next
# chunk; -1 is the opening quote. The file has one boundary per kind.
ESC = field_text()
KINDS = {
    "on_open_quote": -1,
    "after_open_quote": 0,
    "on_newline": ESC.index("\n", 500),
    "after_newline": ESC.index("\n", 700) + 1,
    "on_comma": ESC.index(",", 900),
    "in_doubled_quote": ESC.index('""', 1100) + 1,
    "middle": len(ESC) // 2,
    "on_close_quote": len(ESC),
    "after_close_quote": len(ESC) + 1,
}
TEXT = ESC.replace('""', '"')
i = 0
for b, (kind, want) in enumerate(KINDS.items(), 1):
    while out.tell() + 20000 < b * MIB:
        row(i, "plain.%d" % (i % 7), "b%d" % (i % 5) if i % 3 else "")
        i += 1
    # A filler row with a long brand puts the straddling row where it must
    # start for its field's byte `want` to be the boundary.
    t = t0 + datetime.timedelta(seconds=i + 1)
    prefix = "%s,%s,%d,%d," % (t.strftime("%Y-%m-%d %H:%M:%S UTC"), TYPES[(i + 1) % 4],
                                1000 + (i + 1) % 97, 2000 + (i + 1) % 13)
    row_start = b * MIB - len(prefix) - 1 - want
    mark = out.tell()
    row(i, "filler", "")
    short = out.tell() - mark
    out.seek(mark)
    out.truncate()
    row(i, "filler", "f" * (row_start - mark - short))
    i += 1
    assert out.tell() == row_start, kind
    row(i, TEXT, "brand,with\ncomma" if i % 2 else 'q"b')
    i += 1
for _ in range(500):
    row(i, "tail.x", "t")
    i += 1
data = out.getvalue().encode()
open("ev.csv", "wb").write(data)

# Each boundary falls inside the quoted field, or on its quotes.
for b, want in enumerate(KINDS.values(), 1):
    pos = b * MIB
    field = data.rindex(b',"x0,', 0, pos + 5) + 1
    assert pos - field == want + 1, (b, pos - field, want)

exp = []
for r in csv.DictReader(io.StringIO(data.decode(), newline="")):
    t = datetime.datetime.strptime(r["event_time"], "%Y-%m-%d %H:%M:%S UTC")
    iso = t.strftime("%Y-%m-%dT%H:%M:%SZ")
    ty = TYPES.index(r["event_type"])
    counts = ["1" if ty == j else "0" for j in range(4)]
    exp.append([r["user_session"], r["user_id"], iso, iso, "0", "1"] + counts +
               ["1", "1", "1" if r["brand"] else "0", r["category_code"]])
exp.sort()
json.dump(exp, open("expected.json", "w"))
PY
gzip -c ev.csv >ev.csv.gz
opts="--gap 1000d --max-session 1000d --keep-duplicates --category-level 0 --max-skew 0"
"$ECOMCTL" -q sessions $opts --rejects rej.csv -o s.csv ev.csv
"$ECOMCTL" -q sessions $opts -o s-gz.csv ev.csv.gz
cat ev.csv | "$ECOMCTL" -q sessions $opts -o s-stdin.csv -
cmp s.csv s-gz.csv
cmp s.csv s-stdin.csv
python3 - <<'PY'
import csv, json
exp = json.load(open("expected.json"))
got = []
for r in csv.DictReader(open("s.csv", newline="")):
    got.append([r["session_id"], r["user_id"], r["start"], r["end"], r["duration_s"],
                r["events"], r["views"], r["carts"], r["removes"], r["purchases"],
                r["products"], r["categories"], r["brands"], r["top_category"]])
got.sort()
rej = list(csv.reader(open("rej.csv", newline="")))
assert len(rej) == 1, rej[:3]
assert len(got) == len(exp), (len(got), len(exp))
for g, e in zip(got, exp):
    # top_category is the code cut to the summary's key size (159 bytes)
    top, code = g.pop(), e.pop()
    assert g == e and code.startswith(top) and len(top) >= min(len(code), 150), (g, e)
print("ok", len(got))
PY
