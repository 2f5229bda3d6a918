# A gzip file of two members whose second member's header is damaged: the
# rows of the second member are not silently dropped; exit 65 naming the
# file and the byte offset where the damage is (the first member's size).
set -e
head -5 "$CASE_DIR/small.csv" | gzip -c > m1.gz
tail -n +6 "$CASE_DIR/small.csv" | gzip -c > m2.gz
python3 - <<'PY'
m2 = bytearray(open("m2.gz", "rb").read())
m2[1] ^= 0xff  # 1f 8b -> 1f 74: no longer a gzip member
open("m2.bad", "wb").write(bytes(m2))
PY
cat m1.gz m2.bad > two.csv.gz
off=$(wc -c < m1.gz)
set +e
"$ECOMCTL" -q inspect --max-bad-fraction 0.5 two.csv.gz > /dev/null 2> err
s=$?
grep -q "two.csv.gz: byte $off: " err || { echo "no file and byte $off in:"; cat err; exit 1; }
exit $s
