#!/bin/sh
# Benchmarks (not part of the test run). Generates a file with `ecomctl synth`
# (10 M rows by default; BENCH_ROWS to change), plain and gzip, and times
# each case beside simple peers on the same files in the same run. One line
# per case: wall seconds, MB/s of CSV, rows/s, peak RSS, and a check value
# of the output (so a faster build that computes something else shows).
# usage: scripts/bench.sh [WORKDIR]   (default: bench-work/, not committed)
# DuckDB (scripts/peers, from npm) is the peer for sessions and funnel.
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
# DuckDB, the peer for sessions and funnel, from npm (scripts/peers/package-lock.json)
duck=
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
	(cd scripts/peers && [ -d node_modules/@duckdb ] || npm ci --no-audit --no-fund >&2); then
	duck=scripts/peers/duckdb.mjs
else
	echo "bench: DuckDB peer skipped (node/npm missing or npm ci failed)" >&2
fi
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
run "ecomctl funnel --by top (gz)" /dev/null "$bin" -q funnel --by top -o "$work/funnel" "$gz"
run "ecomctl funnel (gz)" /dev/null "$bin" -q funnel -o "$work/funnel" "$gz"

# Peak RSS of `ecomctl sessions` as the input grows (BENCH_SCALE="1000000
# 10000000 30000000" for the issue's figures; gz files kept in WORKDIR).
for n in ${BENCH_SCALE:-}; do
	f=$work/synth-$n.csv.gz
	[ -s "$f" ] || "$bin" -q synth --rows "$n" --seed 1 -o "$f"
	bytes=$(zcat "$f" | wc -c)
	rows=$n
	run "ecomctl sessions ${n} rows" /dev/null "$bin" -q sessions -o - "$f"
done
bytes=$(wc -c < "$plain")
rows=${BENCH_ROWS:-10000000}

[ -n "$duck" ] || exit 0
# Like for like: DuckDB's sessions are (user_id, user_session) with no gap
# or length cut and duplicates kept; so are ecomctl's with these options.
l4l="--gap 1000d --max-session 1000d --keep-duplicates"
run "duckdb count (plain)" "$work/duckdb-count-plain.csv" node "$duck" count "$plain" -
run "duckdb count (gz)" "$work/duckdb-count-gz.csv" node "$duck" count "$gz" -
# shellcheck disable=SC2086
run "ecomctl sessions l4l (plain)" /dev/null "$bin" -q sessions $l4l -o - "$plain"
# shellcheck disable=SC2086
run "ecomctl sessions l4l (gz)" /dev/null "$bin" -q sessions $l4l -o - "$gz"
run "duckdb sessions (plain)" /dev/null node "$duck" sessions "$plain" "$work/duckdb-sessions.csv"
run "duckdb sessions (gz)" /dev/null node "$duck" sessions "$gz" "$work/duckdb-sessions.csv"
# shellcheck disable=SC2086
run "ecomctl funnel l4l (plain)" /dev/null "$bin" -q funnel $l4l --by top -o "$work/funnel-l4l" "$plain"
# shellcheck disable=SC2086
run "ecomctl funnel l4l (gz)" /dev/null "$bin" -q funnel $l4l --by top -o "$work/funnel-l4l" "$gz"
run "duckdb funnel (plain)" "$work/duckdb-funnel-plain.csv" node "$duck" funnel "$plain" -
run "duckdb funnel (gz)" "$work/duckdb-funnel-gz.csv" node "$duck" funnel "$gz" -
# The whole funnels must agree. (The breakdowns differ by design: ecomctl
# takes the category of the view that starts the reported sequence, the
# peer the category of the unit's first view.)
awk -F, '$1 == "all" { print "all," $4 "," $5 }' "$work/funnel-l4l/funnel.csv" > "$work/ecomctl-funnel.csv"
grep '^all,' "$work/duckdb-funnel-gz.csv" > "$work/duckdb-funnel-all.csv"
if cmp -s "$work/ecomctl-funnel.csv" "$work/duckdb-funnel-all.csv"; then
	echo "funnel: ecomctl and DuckDB agree on the whole funnel"
else
	echo "funnel: ecomctl and DuckDB DIFFER (see $work/ecomctl-funnel.csv)"
fi
