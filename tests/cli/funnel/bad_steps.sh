# A step that is not an event type: exit 64, naming it.
"$ECOMCTL" funnel --steps view,buy "$CASE_DIR/small.csv" 2> err
s=$?
grep -q "'buy' is not an event type" err || { cat err; exit 1; }
exit $s
