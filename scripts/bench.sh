#!/bin/sh
# Benchmarks (not part of the test run). Generates a file with `ecomctl synth`
# (10 M rows by default; BENCH_ROWS to change), plain and gzip, and times
# each case beside simple peers on the same files in the same run. One line
# per case: wall seconds, MB/s of CSV, rows/s, peak RSS, and a check value
# of the output (so a faster build that computes something else shows).
# usage: scripts/bench.sh [WORKDIR]   (default: bench-work/, not committed)
set -eu
cd "$(dirname "$0")/.."
[ -x build/ecomctl ] || scripts/setup.sh
bin=$PWD/build/ecomctl
work=${1:-bench-work}
rows=${BENCH_ROWS:-10000000}
mkdir -p "$work"
plain=$work/synth-$rows.csv
gz=$work/synth-$rows.csv.gz
[ -s "$plain" ] || "$bin" -q synth --rows "$rows" --seed 1 -o "$plain"
[ -s "$gz" ] || gzip -6 -c "$plain" > "$gz"
bytes=$(wc -c < "$plain")
printf '%-28s %8s %9s %11s %9s  %s\n' case seconds "MB/s" "rows/s" "RSS MB" check

# run NAME OUT CMD...: times CMD with stdout to OUT (/dev/null for peers)
# and prints one line; the check is a cksum of OUT without timing fields.
run() {
	name=$1
	out=$2
	shift 2
	/usr/bin/time -f '%e %M' -o "$work/time" "$@" > "$out" 2> "$work/err" || {
		echo "$name failed:"; cat "$work/err"; return 1; }
	read -r secs rss < "$work/time"
	check=-
	[ "$out" = /dev/null ] || check=$(grep -v '"seconds"' "$out" | cksum | cut -d' ' -f1)
	awk -v n="$name" -v s="$secs" -v b="$bytes" -v r="$rows" -v m="$rss" -v c="$check" \
		'BEGIN { if (s <= 0) s = 0.01; printf "%-28s %8.2f %9.0f %11.0f %9.0f  %s\n", n, s, b / s / 1e6, r / s, m / 1024, c }'
}

# warm the page cache so every case reads from memory
cat "$plain" "$gz" > /dev/null
run "cat (plain)" /dev/null cat "$plain"
run "wc -l (plain)" /dev/null wc -l "$plain"
run "zcat (gz)" /dev/null zcat "$gz"
run "ecomctl inspect (plain)" "$work/inspect-plain.json" "$bin" -q inspect --json "$plain"
run "ecomctl inspect (gz)" "$work/inspect-gz.json" "$bin" -q inspect --json "$gz"
run "ecomctl sessions (plain)" "$work/sessions-plain.csv" "$bin" -q sessions -o - "$plain"
run "ecomctl sessions (gz)" "$work/sessions-gz.csv" "$bin" -q sessions -o - "$gz"
