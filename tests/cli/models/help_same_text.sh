# `ecomctl help CMD` and `ecomctl CMD --help` print the same text for the
# model commands.
set -e
for c in train score evaluate models; do
	"$ECOMCTL" help $c > a
	"$ECOMCTL" $c --help > b
	cmp a b
	grep -q "usage: ecomctl $c" a
done
