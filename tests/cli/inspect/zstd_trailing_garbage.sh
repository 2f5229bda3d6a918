# Bytes after the last zstd frame that are not a frame: exit 65, naming the
# file and the offset where they start.
set -e
command -v zstd >/dev/null || { echo "no zstd: skipped"; exit 77; }
zstd -q -c "$CASE_DIR/small.csv" > t.zst
off=$(wc -c < t.zst)
printf 'garbage!' >> t.zst
set +e
"$ECOMCTL" -q inspect --max-bad-fraction 0.5 t.zst > /dev/null 2> err
s=$?
grep -q "t.zst: byte $off: trailing bytes that are not a zstd frame" err || { cat err; exit 1; }
exit $s
