# An unknown --task is a usage error: exit 64, nothing written.
printf 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n' > in.csv
"$ECOMCTL" features --task brand -o out.csv in.csv 2> err
s=$?
grep -q "task" err || { cat err; exit 1; }
[ ! -e out.csv ] || exit 1
exit $s
