# A header without a required column: exit 65, naming the column.
printf 'event_time,event_type,product_id,category_id,category_code,brand,user_id,user_session\n' > a.csv
"$ECOMCTL" -q inspect a.csv 2> err
s=$?
grep -q "a.csv:1: header has no column 'price'" err || { cat err; exit 1; }
exit $s
