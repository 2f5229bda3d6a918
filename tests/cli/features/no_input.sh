# No input file: usage error.
"$ECOMCTL" features -o out.csv
