# The same file as small_fixture, other modes; the whole-funnel rows only.
# strict: s5's remove sits between its view and cart: 1. Units [5, 3, 2];
# cart times 30 120 0: median 30, p90 120.
# --window 30s: s1's purchase (60 s) and s2's cart (120 s) are too late;
# s5's cart (20 s) is in. Units [5, 3, 1]; cart times 30 0 20: median 20.
# --window 29s: s1's cart at 30 s is one second over: units [5, 2, 1].
set -e
"$ECOMCTL" -q funnel --order strict -o a "$CASE_DIR/small.csv"
grep '^all,' a/funnel.csv
"$ECOMCTL" -q funnel --window 30s -o b "$CASE_DIR/small.csv"
grep '^all,' b/funnel.csv
"$ECOMCTL" -q funnel --window 29 -o c "$CASE_DIR/small.csv"
grep '^all,' c/funnel.csv
