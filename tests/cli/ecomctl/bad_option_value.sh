"$ECOMCTL" inspect --max-bad-rows=lots x.csv
