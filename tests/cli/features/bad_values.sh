# Bad option values are usage errors (exit 64) with a message naming the
# option, and write nothing.
printf 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n' > in.csv
for args in "--max-candidates 0" "--max-candidates 5000" "--prior-weight -1" \
	"--category-level -2" "--prior-weight x" "--gap soon"; do
	"$ECOMCTL" features $args -o out.csv in.csv 2> err
	s=$?
	opt=${args%% *}
	[ "$s" -eq 64 ] || { echo "$args: exit $s"; cat err; exit 1; }
	grep -q -- "${opt#--}" err || { echo "$args: message does not name it"; cat err; exit 1; }
	[ ! -e out.csv ] || { echo "$args: wrote out.csv"; exit 1; }
done
