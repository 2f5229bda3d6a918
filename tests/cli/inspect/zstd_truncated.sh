# A zstd file cut short: exit 65, the file named with the byte offset where
# its input ended inside a frame.
set -e
command -v zstd >/dev/null || { echo "no zstd: skipped"; exit 77; }
i=0
{ echo 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session'
  while [ $i -lt 5000 ]; do echo "2019-10-01 00:00:00 UTC,view,$i,2,,,1.00,3,s$i"; i=$((i+1)); done; } | zstd -q -c > full.zst
size=$(wc -c < full.zst)
head -c $((size / 2)) full.zst > cut.csv
set +e
"$ECOMCTL" -q inspect cut.csv > /dev/null 2> err
s=$?
grep -q "cut.csv: byte $((size / 2)): truncated zstd frame" err || { cat err; exit 1; }
exit $s
