# A gzip file cut short: exit 65 with "truncated" in the message.
set -e
i=0
{ echo 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session'
  while [ $i -lt 5000 ]; do echo "2019-10-01 00:00:00 UTC,view,$i,2,,,1.00,3,s$i"; i=$((i+1)); done; } | gzip -c > full.gz
size=$(wc -c < full.gz)
head -c $((size / 2)) full.gz > cut.csv.gz
set +e
"$ECOMCTL" -q inspect cut.csv.gz > /dev/null 2> err
s=$?
grep -q truncated err || { cat err; exit 1; }
exit $s
