# No input file: a usage error.
"$ECOMCTL" funnel
