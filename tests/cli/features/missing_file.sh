# A missing input: exit 66, no output.
"$ECOMCTL" features -o out.csv does-not-exist.csv 2> err
s=$?
grep -q "does-not-exist.csv" err || { cat err; exit 1; }
[ ! -e out.csv ] || exit 1
exit $s
