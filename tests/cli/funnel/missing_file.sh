# A missing input: exit 66, naming the file; nothing is written.
"$ECOMCTL" funnel -o out nowhere.csv 2> err
s=$?
grep -q 'nowhere.csv' err || exit 1
[ ! -e out ] || exit 1
exit $s
