# ISA-L (the default gzip decoder when built with it) and zlib
# (ECOMCTL_GZIP=zlib) give the same sessions, byte for byte, as the plain
# file that Python's gzip module (the oracle) decompresses the .gz to: a
# multi-member file (`cat` of two `gzip -N` files) and a member whose header
# has FEXTRA, FNAME, FCOMMENT and FHCRC, its name longer than the reader's
# 256 KiB window. Damaged files fail the same way with both: a corrupt byte
# in the middle (exit 65 naming the file and the member), a truncated file,
# a wrong CRC-32 and a wrong header CRC (the same message, word for word).
set -e
"$ECOMCTL" --version | grep -q isa-l || { echo "built without ISA-L: skipped"; exit 77; }
"$ECOMCTL" -q synth --rows 20000 --seed 7 -o ev.csv
head -n 12001 ev.csv > a.csv
{ head -n 1 ev.csv; tail -n +12002 ev.csv; } > b.csv
gzip -N -6 a.csv
gzip -N -1 b.csv
cat a.csv.gz b.csv.gz > multi.gz
python3 - <<'PY'
import gzip, struct, zlib

multi = open("multi.gz", "rb").read()
a, b = gzip.open("a.csv.gz").read(), gzip.open("b.csv.gz").read()
assert multi[3] & 0x08, "gzip -N wrote no FNAME"
assert gzip.decompress(multi) == a + b
open("multi.csv", "wb").write(a + b)

# A's rows in one member with every optional header field, its name across a
# 256 KiB read, then b.csv.gz's member.
data = a
extra = b"EC" + struct.pack("<H", 5) + b"isal!"
name = b"n" * 300000 + b".csv"
head = b"\x1f\x8b\x08" + bytes([0x02 | 0x04 | 0x08 | 0x10]) + struct.pack("<I", 0) + b"\x00\x03"
head += struct.pack("<H", len(extra)) + extra + name + b"\x00" + b"a comment\x00"
head += struct.pack("<H", zlib.crc32(head) & 0xFFFF)
c = zlib.compressobj(6, zlib.DEFLATED, -15)
body = c.compress(data) + c.flush()
trailer = struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
hdr = head + body + trailer
assert gzip.decompress(hdr) == data
open("hdr.gz", "wb").write(hdr + open("b.csv.gz", "rb").read())
open("hdr.csv", "wb").write(a + b)

# Damage: a byte in the middle of the second member's data, the file cut in
# the middle, a wrong CRC-32, a wrong header CRC.
second = len(open("a.csv.gz", "rb").read())
mid = second + (len(multi) - second) // 2
bad = bytearray(multi); bad[mid] ^= 0x55
open("corrupt.gz", "wb").write(bytes(bad))
open("cut.gz", "wb").write(multi[:mid])
bad = bytearray(multi); bad[-8] ^= 0x01
open("crc.gz", "wb").write(bytes(bad))
bad = bytearray(hdr); bad[len(head) - 1] ^= 0x01
open("hcrc.gz", "wb").write(bytes(bad))
for f in ("corrupt.gz", "cut.gz", "crc.gz"):  # (python skips the header CRC)
    try:
        gzip.decompress(open(f, "rb").read())
        raise SystemExit(f + ": python's gzip reads it")
    except (OSError, EOFError, zlib.error):
        pass
open("second", "w").write(str(second))
PY

for x in multi hdr; do
	"$ECOMCTL" -q sessions -o "$x.plain.out" "$x.csv"
	"$ECOMCTL" -q sessions -o "$x.isal.out" "$x.gz"
	ECOMCTL_GZIP=zlib "$ECOMCTL" -q sessions -o "$x.zlib.out" "$x.gz"
	cmp "$x.plain.out" "$x.isal.out"
	cmp "$x.plain.out" "$x.zlib.out"
	[ "$(wc -l < "$x.plain.out")" -gt 1000 ]
done

# The message after "error: "; the run's time stamp is not compared.
msg() { sed -n 's/.*ecomctl: error: //p' "$1"; }
second=$(cat second)
for x in corrupt cut crc hcrc; do
	set +e
	"$ECOMCTL" -q sessions -o "$x.isal.out" "$x.gz" 2> "$x.isal.err"
	si=$?
	ECOMCTL_GZIP=zlib "$ECOMCTL" -q sessions -o "$x.zlib.out" "$x.gz" 2> "$x.zlib.err"
	sz=$?
	set -e
	[ "$si" -eq 65 ] && [ "$sz" -eq 65 ] || { echo "$x: exit $si (isa-l), $sz (zlib)"; exit 1; }
	[ ! -e "$x.isal.out" ] && [ ! -e "$x.zlib.out" ] || { echo "$x: output written"; exit 1; }
	case $x in
	corrupt)
		# Where in the deflate data the damage is noticed may differ by a
		# few bytes; the file and the member may not.
		for d in isal zlib; do
			grep -q "$x.gz: byte [0-9]*: corrupt gzip member starting at byte $second " \
				"$x.$d.err" || { echo "$d:"; cat "$x.$d.err"; exit 1; }
		done
		;;
	*)
		[ -n "$(msg "$x.isal.err")" ] && [ "$(msg "$x.isal.err")" = "$(msg "$x.zlib.err")" ] ||
			{ echo "$x differs:"; cat "$x.isal.err" "$x.zlib.err"; exit 1; }
		;;
	esac
done
grep -q "truncated gzip member starting at byte $second" cut.isal.err
grep -q "incorrect data check" crc.isal.err
grep -q "header crc mismatch" hcrc.isal.err

# A value that is neither decoder is a configuration error.
set +e
ECOMCTL_GZIP=zlibb "$ECOMCTL" -q sessions -o bogus.out multi.gz 2> bogus.err
s=$?
set -e
[ "$s" -eq 78 ] && grep -q "ECOMCTL_GZIP" bogus.err || { echo "exit $s"; cat bogus.err; exit 1; }
