"$ECOMCTL" inspect --no-such-option x.csv
