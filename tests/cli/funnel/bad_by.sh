# An unknown breakdown: exit 64, naming it.
"$ECOMCTL" funnel --by top --by colour "$CASE_DIR/small.csv" 2> err
s=$?
grep -q "'colour' is not one of" err || { cat err; exit 1; }
exit $s
