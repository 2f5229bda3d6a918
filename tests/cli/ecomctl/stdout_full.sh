# A failed write to stdout is an error (exit 74), never a silent success.
[ -w /dev/full ] || exit 77
"$ECOMCTL" --version > /dev/full
