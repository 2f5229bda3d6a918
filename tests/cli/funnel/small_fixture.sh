# A hand-made file; every figure of the expected CSV was worked out by hand.
# s1: view 0, cart 30, purchase 60 (3). s2: view, cart 120 s later (2).
# s3: cart and view in the same second, the cart first in the file, purchase
# 5 s later: the cart may follow the view (3; 0 s and 5 s). s4: a view (1).
# s5: view, remove 10 s later, cart 20 s after the view (2; ordered allows
# the remove between). Units [5, 4, 2]; cart times 30 120 0 20 -> sorted
# 0 20 30 120: median (rank 2) 20, p90 (rank 4) 120; purchase times 30 5:
# median 5, p90 30. By top-level category (from the view that matched step
# 1): electronics s1 s4 s5 [3, 2, 1], appliances s2 [1, 1, 0], id:300 s3,
# labelled by its one brand ("brands: acme"); rows of categories with a
# code have no label.
set -e
"$ECOMCTL" -q funnel --by top -o out "$CASE_DIR/small.csv"
cat out/funnel.csv
test -s out/funnel.json
test -s out/funnel.html
ls out | grep -v '^funnel\.\(csv\|json\|html\)$' && exit 1
exit 0
