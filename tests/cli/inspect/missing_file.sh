# A missing input: exit 66 before anything is read, naming the file.
"$ECOMCTL" inspect nowhere.csv 2> err
s=$?
grep -q 'nowhere.csv' err || exit 1
exit $s
