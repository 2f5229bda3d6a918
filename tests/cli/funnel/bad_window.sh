# A window that is not a duration: exit 64; nothing is written.
"$ECOMCTL" funnel --window soon -o out "$CASE_DIR/small.csv" 2> err
s=$?
grep -q "window: expected a duration" err || { cat err; exit 1; }
[ ! -e out ] || exit 1
exit $s
