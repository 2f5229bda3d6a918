# --list prints every feature of both tasks as "task name description", needs
# no input, exits 0; its names are exactly the feature columns of the CSV
# headers, in order.
set -e
"$ECOMCTL" features --list > list.txt
awk '$1 != "intent" && $1 != "category" { print "bad task: " $0; exit 1 }
     NF < 3 { print "no description: " $0; exit 1 }
     $2 !~ /^[a-z][a-z0-9_]*$/ { print "not snake_case: " $2; exit 1 }' list.txt
printf 'event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session\n2019-10-01 00:00:00 UTC,view,1,2,a.b,x,1.00,3,s\n' > in.csv
for task in intent category; do
	"$ECOMCTL" -q features --task $task --all-sessions -o $task.csv in.csv
	skip=5; [ $task = category ] && skip=7
	head -1 $task.csv | tr ',' '\n' | tail -n +$((skip + 1)) > header.names
	awk -v t=$task '$1 == t { print $2 }' list.txt > list.names
	[ -s list.names ] || { echo "$task: no features listed"; exit 1; }
	cmp header.names list.names || { diff header.names list.names; exit 1; }
done
