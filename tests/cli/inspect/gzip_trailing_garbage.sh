# Bytes after the last gzip member that are not a gzip member (here a line
# of text) are an error, exit 65, naming the file and the offset where they
# start; zlib's gzread would ignore them.
set -e
gzip -c "$CASE_DIR/small.csv" > t.gz
off=$(wc -c < t.gz)
printf 'not gzip\n' >> t.gz
set +e
"$ECOMCTL" -q inspect --max-bad-fraction 0.5 t.gz > /dev/null 2> err
s=$?
grep -q "t.gz: byte $off: trailing bytes that are not a gzip member" err || { cat err; exit 1; }
exit $s
