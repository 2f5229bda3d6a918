# An unknown command: one line on stderr, exit 64, nothing on stdout.
"$ECOMCTL" frobnicate
