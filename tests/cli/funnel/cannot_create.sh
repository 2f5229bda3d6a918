# An output directory that cannot be made (a file is in the way): exit 73.
: > file
"$ECOMCTL" -q funnel -o file/out "$CASE_DIR/small.csv"
