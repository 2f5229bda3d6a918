# `ecomctl help features` and `ecomctl features --help` print the same text.
set -e
"$ECOMCTL" help features > a
"$ECOMCTL" features --help > b
cmp a b
grep -q -- "--task" a
grep -q -- "--prior-weight" a
