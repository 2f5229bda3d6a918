# A hand-made file; every figure of the expected output was counted by hand:
# 8 rows, one with Feb 30 (bad); views on lines 2, 6, 8; one exact duplicate
# (line 4 = line 3); user_session empty on line 7 (not a session); line 8 has
# a product id written 5802432.0 and a category id in exponent notation.
"$ECOMCTL" -q inspect --max-bad-fraction 0.2 "$CASE_DIR/small.csv"
