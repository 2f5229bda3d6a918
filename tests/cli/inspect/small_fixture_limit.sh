# The same file under the default --max-bad-fraction (5%): 1 of 8 is too many.
# The report is still printed, and the error names the limit.
"$ECOMCTL" -q inspect "$CASE_DIR/small.csv" > out 2> err
s=$?
grep -q 'rows            8 (good 7, bad 1)' out || exit 1
grep -q 'max-bad-fraction' err || exit 1
exit $s
