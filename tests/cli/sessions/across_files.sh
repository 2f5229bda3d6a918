# A session that spans two input files (October's last minute, November's
# first) is one session of both files' events; with --split-at-midnight it
# is cut at midnight into "s" and "s/2". Worked out by hand: the two events
# are 2 minutes apart (< 30m gap).
set -e
H=event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session
printf '%s\n2019-10-31 23:59:00 UTC,view,1,2,a.b,x,1.00,7,s\n' "$H" > oct.csv
printf '%s\n2019-11-01 00:01:00 UTC,cart,1,2,a.b,x,1.00,7,s\n' "$H" | gzip > nov.csv.gz
"$ECOMCTL" -q sessions -o one.csv oct.csv nov.csv.gz
[ "$(wc -l < one.csv)" -eq 2 ] || { cat one.csv; exit 1; }
awk -F, 'NR == 2 && !($1 == "s" && $5 == 120 && $6 == 2 && $7 == 1 && $8 == 1) { print; exit 1 }' one.csv
"$ECOMCTL" -q sessions --split-at-midnight -o two.csv oct.csv nov.csv.gz
awk -F, 'NR > 1 { print $1 "," $6 }' two.csv > got
printf 's,1\ns/2,1\n' > want
cmp want got || { cat two.csv; exit 1; }
