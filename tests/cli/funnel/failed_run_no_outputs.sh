# A run that fails while reading (a header without price: exit 65) leaves
# no funnel.* file, final or temporary, in the output directory.
printf 'event_time,event_type,product_id,category_id,category_code,brand,user_id,user_session\n' > a.csv
"$ECOMCTL" -q funnel -o out a.csv 2> err
s=$?
grep -q "no column 'price'" err || { cat err; exit 1; }
if [ -n "$(ls -A out 2>/dev/null)" ]; then
	echo "left behind:"; ls -A out
	exit 1
fi
exit $s
