#!/bin/sh
# Peak RSS of each streaming command as one store goes on for longer (the
# README's "Memory as the input grows"): `ecomctl synth --users 73088
# --seed 1` at about 33,000 rows a day, 1, 8, 10 and 30 M rows (gzip,
# made in WORKDIR when absent); `score` with models trained on the 1 M
# file. Prints one markdown row per command. Not part of the tests.
# usage: scripts/memcurve.sh [WORKDIR]   (default: bench-work/memcurve)
# MEMCURVE_ROWS="1000000 8000000" to measure fewer sizes (the first is the
# base of the ratio column, which is the second size over the first).
set -eu
cd "$(dirname "$0")/.."
[ -x build/ecomctl ] || scripts/setup.sh
bin=$PWD/build/ecomctl
work=${1:-bench-work/memcurve}
sizes=${MEMCURVE_ROWS:-1000000 8000000 10000000 30000000}
mkdir -p "$work"
first=
for n in $sizes; do
	f=$work/c$n.csv.gz
	[ -s "$f" ] || "$bin" -q synth --users 73088 --seed 1 --rows "$n" \
		--days $((n / 33333)) -o "$f"
	[ -n "$first" ] || first=$n
done
models=$work/models-$first
[ -s "$models/registry.json" ] || "$bin" -q train "$work/c$first.csv.gz" --models "$models"

# peak KB of one run, the command's output thrown away
peak() {
	/usr/bin/time -f '%M' -o "$work/time" "$@" > /dev/null 2> "$work/err" ||
		{ echo "memcurve: failed: $*" >&2; cat "$work/err" >&2; exit 1; }
	tail -n 1 "$work/time"
}

printf '| command |'
for n in $sizes; do awk -v n="$n" 'BEGIN { printf " %g M rows |", n / 1e6 }'; done
echo ' ratio |'
for c in inspect sessions funnel funnel-user features score; do
	case $c in
	inspect) label='`inspect`'; set -- inspect ;;
	sessions) label='`sessions`'; set -- sessions -o - ;;
	funnel) label='`funnel --by top`'; set -- funnel --by top -o "$work/out-funnel" ;;
	funnel-user) label='`funnel --unit user --by top`'
		set -- funnel --unit user --by top -o "$work/out-funnel-user" ;;
	features) label='`features`'; set -- features -o - ;;
	score) label='`score`'; set -- score --models "$models" -o - ;;
	esac
	printf '| %s |' "$label"
	base= second=
	for n in $sizes; do
		kb=$(peak "$bin" -q "$@" "$work/c$n.csv.gz")
		printf ' %d MB |' $((kb / 1024))
		if [ -z "$base" ]; then base=$kb; elif [ -z "$second" ]; then second=$kb; fi
	done
	awk -v a="$base" -v b="${second:-$base}" 'BEGIN { printf " %.2f |\n", b / a }'
done
