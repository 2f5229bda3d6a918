# A header without user_session: bad input data, exit 65, the column named,
# no output left behind.
printf 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id\n2019-10-01 00:00:00 UTC,view,1,2,a.b,x,1.00,3\n' > in.csv
"$ECOMCTL" features -o out.csv in.csv 2> err
s=$?
grep -q "user_session" err || { cat err; exit 1; }
[ ! -e out.csv ] || exit 1
exit $s
