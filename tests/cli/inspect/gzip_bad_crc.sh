# The second member of a two-member gzip file has a wrong CRC-32 in its
# trailer: exit 65 naming the file and a byte offset inside that member.
set -e
head -5 "$CASE_DIR/small.csv" | gzip -c > m1.gz
tail -n +6 "$CASE_DIR/small.csv" | gzip -c > m2.gz
python3 - <<'PY'
m2 = bytearray(open("m2.gz", "rb").read())
m2[-8] ^= 0x01  # first byte of the CRC-32
open("m2.bad", "wb").write(bytes(m2))
PY
cat m1.gz m2.bad > two.gz
off=$(wc -c < m1.gz)
set +e
"$ECOMCTL" -q inspect --max-bad-fraction 0.5 two.gz > /dev/null 2> err
s=$?
grep -q "two.gz: byte [0-9]*: .*member starting at byte $off" err || { cat err; exit 1; }
exit $s
