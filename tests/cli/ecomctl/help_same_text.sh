# `ecomctl help inspect` and `ecomctl inspect --help` print the same text, exit 0.
set -e
"$ECOMCTL" help inspect > a
"$ECOMCTL" inspect --help > b
cmp a b
grep -q '^usage: ecomctl inspect' a
grep -q -- '--max-bad-rows' a
"$ECOMCTL" --help | grep -q '^  inspect'
