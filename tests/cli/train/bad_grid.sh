# A grid that is not a list of parameter objects: exit 64 before reading data.
echo '[{"max_depth": 3}, [1, 2]]' > grid.json
"$ECOMCTL" -q train --grid grid.json --models m nowhere.csv 2> err
s=$?
grep -q 'trial 2 is not an object' err || exit 1
exit $s
