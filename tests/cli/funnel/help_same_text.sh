# `ecomctl help funnel` and `ecomctl funnel --help` print the same text, exit 0,
# with every funnel option; the command is in the top-level list.
set -e
"$ECOMCTL" help funnel > a
"$ECOMCTL" funnel --help > b
cmp a b
grep -q '^usage: ecomctl funnel' a
for o in --steps --unit --order --same-product --window --by --category-level --top \
	--gap --max-bad-rows --output; do
	grep -q -- "$o" a || { echo "help lacks $o"; exit 1; }
done
"$ECOMCTL" --help | grep -q '^  funnel'
