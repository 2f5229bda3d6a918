#!/bin/sh
# Benchmarks (not part of the test run). Generates a file with `ecomctl synth`
# (10 M rows by default; BENCH_ROWS to change), plain and gzip, and times
# each case beside simple peers on the same files in the same run (a case
# and its DuckDB peer in turn, so that drift moves both alike). One line
# per case: wall seconds, MB/s of CSV, rows/s, peak RSS, and a check value
# of the output (so a faster build that computes something else shows).
# usage: scripts/bench.sh [WORKDIR]   (default: bench-work/, not committed)
# DuckDB (scripts/peers, from npm) is the peer for sessions and funnel.
#
# BENCH_ONLY=duckdb runs only the cases beside DuckDB.
# BENCH_ONLY=follow: `score --follow -` fed at BENCH_FOLLOW_RATE events/s
# (50000) from a pipe: the delay from a session's closing event to its row,
# p50/p99/max (scripts/bench_follow.py; BENCH_FOLLOW_ROWS, 500000).
# Models (BENCH_XGB=1 adds this section to the run; BENCH_ONLY=xgb runs it
# alone, without the 10 M-row file): `ecomctl train` on ~1 M sessions
# (`synth --days 28 --rows 4750000 --seed 1`: 4.75 rows a session;
# BENCH_XGB_ROWS to change) for BENCH_XGB_ROUNDS (200) rounds without early
# stopping, and XGBoost's own Python binding (Debian python3-xgboost, installed
# with apt-get if missing; run with /usr/bin/python3) training on the same
# intent feature matrix (`ecomctl features --task intent`) with the
# manifest's parameters (objective, max_depth, eta, rounds, hist, nthread =
# BENCH_THREADS (2), seed, base_score) and split, in the same run
# (scripts/peers/xgb_train.py); then `ecomctl score` throughput in
# sessions/s. Check values: both models' validation PR-AUC and the largest
# difference between their predictions.
set -eu
cd "$(dirname "$0")/.."
[ -x build/ecomctl ] || scripts/setup.sh
bin=$PWD/build/ecomctl
work=${1:-bench-work}
rows=${BENCH_ROWS:-10000000}
mkdir -p "$work"

# xgb_bench: the models section (see the top).
xgb_bench() {
	if ! /usr/bin/python3 -c 'import xgboost' 2>/dev/null; then
		echo "bench: installing python3-xgboost" >&2
		apt-get install -y python3-xgboost >&2 ||
			{ echo "bench: python3-xgboost missing, models section skipped" >&2; return 0; }
	fi
	xrows=${BENCH_XGB_ROWS:-4750000}
	xrounds=${BENCH_XGB_ROUNDS:-200}
	xthreads=${BENCH_THREADS:-2}
	xf=$work/synth-xgb-$xrows.csv
	xm=$work/xgb-models
	[ -s "$xf" ] || "$bin" -q synth --days 28 --rows "$xrows" --seed 1 -o "$xf"
	cat "$xf" > /dev/null
	rm -rf "$xm"
	/usr/bin/time -f '%e %M' -o "$work/time" "$bin" -q --json train "$xf" --models "$xm" \
		--valid-from 2019-10-22 --rounds "$xrounds" --early-stop 0 \
		--threads "$xthreads" > "$work/train.json"
	read -r t_secs t_rss < "$work/time"
	/usr/bin/time -f '%e %M' -o "$work/time" "$bin" -q features --task intent "$xf" \
		-o "$work/x.csv"
	read -r f_secs _ < "$work/time"
	/usr/bin/time -f '%e %M' -o "$work/time" /usr/bin/python3 scripts/peers/xgb_train.py \
		"$work/x.csv" "$xm/intent/v1/manifest.json" "$xrounds" > "$work/xgb.json"
	read -r p_secs p_rss < "$work/time"
	/usr/bin/time -f '%e %M' -o "$work/time" "$bin" -q --json score "$xf" --models "$xm" \
		-o "$work/predictions.csv" > "$work/score.json"
	read -r s_secs s_rss < "$work/time"
	/usr/bin/python3 - "$work" "$t_secs" "$t_rss" "$f_secs" "$p_secs" "$p_rss" "$s_secs" \
		"$s_rss" <<'PY'
import json, sys
w, t_secs, t_rss, f_secs, p_secs, p_rss, s_secs, s_rss = sys.argv[1:]
t = json.load(open(w + "/train.json"))
p = json.load(open(w + "/xgb.json"))
s = json.load(open(w + "/score.json"))
ti, tc = t["intent"]["train_seconds"], t["category"]["train_seconds"]
n = t["intent"]["train_sessions"] + t["intent"]["valid_sessions"]
print("models: %d intent sessions (%d train), %d features, %d rounds, hist, nthread %s"
      % (p["rows"], p["train_rows"], p["features"], p["rounds"],
         json.load(open(w + "/xgb-models/intent/v1/manifest.json"))["params"]["nthread"]))
fmt = "%-34s %9s %10s %8s  %s"
print(fmt % ("case", "seconds", "sessions/s", "RSS MB", "check"))
def line(name, secs, rate, rss, check):
    print(fmt % (name, "%.2f" % secs, "%.0f" % rate if rate else "-",
                 "%.0f" % (float(rss) / 1024) if rss else "-", check))
line("ecomctl train (read+featurize)", t["featurize_seconds"], n / t["featurize_seconds"], None, "-")
line("ecomctl train intent (xgboost)", ti, None, None,
     "pr_auc %.4f" % t["intent"]["metrics"]["model"]["pr_auc"])
line("ecomctl train category (xgboost)", tc, None, None, "-")
line("ecomctl train (whole run)", float(t_secs), n / float(t_secs), t_rss, "-")
line("ecomctl features --task intent", float(f_secs), n / float(f_secs), None, "-")
line("python xgboost load CSV", p["load_seconds"], p["rows"] / p["load_seconds"], None, "-")
line("python xgboost train intent", p["train_seconds"], None, p_rss,
     "pr_auc %.4f" % p["pr_auc_python"])
sessions = s.get("sessions", 0)
line("ecomctl score (both models)", float(s_secs), sessions / float(s_secs), s_rss,
     "%d sessions" % sessions)
print("intent training, python / ecomctl: %.2f (%.2f s / %.2f s); "
      "predictions differ by at most %.2g (PR-AUC %.4f vs %.4f, ecomctl's model read by python)"
      % (p["train_seconds"] / ti, p["train_seconds"], ti, p["max_abs_diff"],
         p["pr_auc_python"], p["pr_auc_ecomctl"]))
PY
}
if [ "${BENCH_ONLY:-}" = xgb ]; then
	xgb_bench
	exit 0
fi
if [ "${BENCH_ONLY:-}" = follow ]; then
	/usr/bin/python3 scripts/bench_follow.py "$bin" "$work"
	exit 0
fi
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

# run NAME OUT CMD...: times CMD BENCH_REPEAT times (3) with stdout to OUT
# (/dev/null for peers) and prints one line: the median seconds, the
# largest peak RSS; the check is a cksum of OUT without timing fields.
# Each case also goes to $work/results.tsv (name, seconds, RSS KB) for the
# ratio table at the end.
reps=${BENCH_REPEAT:-3}
: > "$work/results.tsv"

# once SLOT NAME OUT CMD...: one timed run of CMD, appended to times.SLOT.
once() {
	slot=$1
	name=$2
	out=$3
	shift 3
	/usr/bin/time -f '%e %M' -o "$work/time" "$@" > "$out" 2> "$work/err" || {
		echo "$name failed:"; cat "$work/err"; return 1; }
	tail -n 1 "$work/time" >> "$work/times.$slot"
}

# report SLOT NAME OUT: the line of a case from its runs in times.SLOT.
report() {
	secs=$(sort -n "$work/times.$1" | awk -v n="$reps" 'NR == int((n + 1) / 2) { print $1 }')
	rss=$(sort -n -k2 "$work/times.$1" | tail -n 1 | cut -d' ' -f2)
	printf '%s\t%s\t%s\n' "$2" "$secs" "$rss" >> "$work/results.tsv"
	check=-
	[ "$3" = /dev/null ] || check=$(grep -v '"seconds"' "$3" | cksum | cut -d' ' -f1)
	awk -v n="$2" -v s="$secs" -v b="$bytes" -v r="$rows" -v m="$rss" -v c="$check" \
		'BEGIN { if (s <= 0) s = 0.01; printf "%-28s %8.2f %9.0f %11.0f %9.0f  %s\n", n, s, b / s / 1e6, r / s, m / 1024, c }'
}

run() {
	name=$1
	out=$2
	shift 2
	: > "$work/times.a"
	i=0
	while [ "$i" -lt "$reps" ]; do
		once a "$name" "$out" "$@" || return 1
		i=$((i + 1))
	done
	report a "$name" "$out"
}

# pair NAME OUT CMD PEER_NAME PEER_OUT PEER_CMD: a case and its peer, run in
# turn (case, peer, case, peer, ...) so that a drift in the machine's speed
# during the run moves both alike; then a line each, as run prints. CMD and
# PEER_CMD are strings split at blanks (so no blanks in paths; no globbing).
pair() {
	: > "$work/times.a"
	: > "$work/times.b"
	i=0
	while [ "$i" -lt "$reps" ]; do
		# shellcheck disable=SC2086
		(set -f && once a "$1" "$2" $3) || return 1
		# shellcheck disable=SC2086
		(set -f && once b "$4" "$5" $6) || return 1
		i=$((i + 1))
	done
	report a "$1" "$2"
	report b "$4" "$5"
}

# ratio LABEL CASE PEER: one row of the ratio table from results.tsv.
ratio() {
	awk -F '\t' -v l="$1" -v a="$2" -v b="$3" '
		$1 == a { ta = $2; ma = $3 }
		$1 == b { tb = $2; mb = $3 }
		END {
			if (ta == "" || tb == "") exit
			if (tb <= 0) tb = 0.01
			printf "| %s | %.2f s | %.2f s | %.2f | %.0f MB | %.0f MB | %.2f |\n",
			       l, ta, tb, ta / tb, ma / 1024, mb / 1024, ma / mb
		}' "$work/results.tsv"
}

# warm the page cache so every case reads from memory
cat "$plain" "$gz" > /dev/null
if [ "${BENCH_ONLY:-}" != duckdb ]; then
run "cat (plain)" /dev/null cat "$plain"
run "wc -l (plain)" /dev/null wc -l "$plain"
run "zcat (gz)" /dev/null zcat "$gz"
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

[ "${BENCH_XGB:-0}" = 1 ] && xgb_bench
fi
case "$work$bin" in *[[:space:]]*)
	echo "bench: the paired cases need paths without blanks" >&2; exit 2 ;;
esac
# gzip against plain input: each job on the gzip file in turn with the
# same job on the plain file, so that the ratio is taken in one stretch
# of the machine's speed (the ratio table's gz rows come from other runs).
# gap: ecomctl's own units without the 24 h cut, duplicates kept, as in
# the DuckDB cases below.
gap="--max-session 1000d --keep-duplicates"
# gz_pair JOB ARGS: `ecomctl -q ARGS FILE` on the gzip file, then the plain.
gz_pair() {
	pair "ecomctl $1, gz" /dev/null "$bin -q $2 $gz" "ecomctl $1, plain" /dev/null "$bin -q $2 $plain"
}
gz_pair "sessions gap" "sessions $gap -o -"
gz_pair "funnel gap" "funnel $gap --by top -o $work/funnel-gap"
gz_pair "inspect" "inspect"
[ -n "$duck" ] || exit 0
# Each case beside its peer, in turn (pair).
pair "ecomctl inspect (plain)" "$work/inspect-plain.json" "$bin -q inspect --json $plain" \
	"duckdb count (plain)" "$work/duckdb-count-plain.csv" "node $duck count $plain -"
pair "ecomctl inspect (gz)" "$work/inspect-gz.json" "$bin -q inspect --json $gz" \
	"duckdb count (gz)" "$work/duckdb-count-gz.csv" "node $duck count $gz -"
# Like for like: DuckDB's sessions are (user_id, user_session) with no gap
# or length cut and duplicates kept; so are ecomctl's with these options.
l4l="--gap 1000d --max-session 1000d --keep-duplicates"
pair "ecomctl sessions l4l (plain)" /dev/null "$bin -q sessions $l4l -o - $plain" \
	"duckdb sessions (plain)" /dev/null "node $duck sessions $plain $work/duckdb-sessions.csv"
pair "ecomctl sessions l4l (gz)" /dev/null "$bin -q sessions $l4l -o - $gz" \
	"duckdb sessions (gz)" /dev/null "node $duck sessions $gz $work/duckdb-sessions.csv"
pair "ecomctl funnel l4l (plain)" /dev/null "$bin -q funnel $l4l --by top -o $work/funnel-l4l $plain" \
	"duckdb funnel (plain)" "$work/duckdb-funnel-plain.csv" "node $duck funnel $plain -"
pair "ecomctl funnel l4l (gz)" /dev/null "$bin -q funnel $l4l --by top -o $work/funnel-l4l $gz" \
	"duckdb funnel (gz)" "$work/duckdb-funnel-gz.csv" "node $duck funnel $gz -"
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

# Like for like with ecomctl's own units: sessions cut at a 30-minute gap
# (DuckDB: window functions). The only ecomctl options changed are those
# the peer does not compute (the 24 h cut, dropping duplicates); its memory
# stays bounded by the open sessions ($gap, above). Outputs compared row
# for row.
pair "ecomctl sessions gap (plain)" "$work/ecomctl-sessions-gap.csv" "$bin -q sessions $gap -o - $plain" \
	"duckdb sessions gap (plain)" /dev/null "node $duck sessions-gap $plain $work/duckdb-sessions-gap.csv"
pair "ecomctl sessions gap (gz)" /dev/null "$bin -q sessions $gap -o - $gz" \
	"duckdb sessions gap (gz)" /dev/null "node $duck sessions-gap $gz $work/duckdb-sessions-gap.csv"
pair "ecomctl funnel gap (plain)" /dev/null "$bin -q funnel $gap --by top -o $work/funnel-gap $plain" \
	"duckdb funnel gap (plain)" "$work/duckdb-funnel-gap.csv" "node $duck funnel-gap $plain -"
pair "ecomctl funnel gap (gz)" /dev/null "$bin -q funnel $gap --by top -o $work/funnel-gap $gz" \
	"duckdb funnel gap (gz)" /dev/null "node $duck funnel-gap $gz $work/duckdb-funnel-gap-gz.csv"
tail -n +2 "$work/ecomctl-sessions-gap.csv" | cut -d, -f1-17 | LC_ALL=C sort > "$work/e.sorted"
tail -n +2 "$work/duckdb-sessions-gap.csv" | LC_ALL=C sort > "$work/d.sorted"
if cmp -s "$work/e.sorted" "$work/d.sorted"; then
	echo "sessions gap: ecomctl and DuckDB agree on every session ($(wc -l < "$work/e.sorted"))"
else
	echo "sessions gap: ecomctl and DuckDB DIFFER (see $work/e.sorted, $work/d.sorted)"
fi
rm -f "$work/e.sorted" "$work/d.sorted"
awk -F, '$1 == "all" { print "all," $4 "," $5 }' "$work/funnel-gap/funnel.csv" > "$work/ecomctl-funnel-gap.csv"
if grep '^all,' "$work/duckdb-funnel-gap.csv" | cmp -s "$work/ecomctl-funnel-gap.csv" -; then
	echo "funnel gap: ecomctl and DuckDB agree on the whole funnel"
else
	echo "funnel gap: ecomctl and DuckDB DIFFER (see $work/ecomctl-funnel-gap.csv)"
fi

# User units (`--unit user`: all of a user's events in one unit) against
# DuckDB's funnel grouped by user alone; the whole funnels must agree.
pair "ecomctl funnel user (plain)" /dev/null \
	"$bin -q funnel --unit user --keep-duplicates --by top -o $work/funnel-user $plain" \
	"duckdb funnel user (plain)" "$work/duckdb-funnel-user.csv" "node $duck funnel-user $plain -"
awk -F, '$1 == "all" { print "all," $4 "," $5 }' "$work/funnel-user/funnel.csv" > "$work/ecomctl-funnel-user.csv"
if grep '^all,' "$work/duckdb-funnel-user.csv" | cmp -s "$work/ecomctl-funnel-user.csv" -; then
	echo "funnel user: ecomctl and DuckDB agree on the whole funnel"
else
	echo "funnel user: ecomctl and DuckDB DIFFER (see $work/ecomctl-funnel-user.csv)"
fi

# The ratio table: ecomctl over DuckDB, wall time (median of BENCH_REPEAT
# runs) and peak RSS, in the README's format; BENCH_README=1 also puts it
# in README.md between its "bench: ratios" markers.
{
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($cpu), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo),"
	echo "$rows generated rows ($(awk -v b="$(wc -c < "$plain")" 'BEGIN { printf "%.2f GB", b / 1e9 }') plain),"
	echo "medians of $reps runs, DuckDB $(node -e 'console.log(require("./scripts/peers/node_modules/@duckdb/node-api/package.json").version)' 2>/dev/null || echo '?') on ${DUCKDB_THREADS:-2} threads: \`scripts/bench.sh\`."
	echo
	echo "| job | ecomctl | DuckDB | time ratio | ecomctl RSS | DuckDB RSS | RSS ratio |"
	echo "|---|---|---|---|---|---|---|"
	ratio "sessions, gap units (plain)" "ecomctl sessions gap (plain)" "duckdb sessions gap (plain)"
	ratio "sessions, gap units (gz)" "ecomctl sessions gap (gz)" "duckdb sessions gap (gz)"
	ratio "sessions, l4l units (plain)" "ecomctl sessions l4l (plain)" "duckdb sessions (plain)"
	ratio "funnel by top, gap units (plain)" "ecomctl funnel gap (plain)" "duckdb funnel gap (plain)"
	ratio "funnel by top, gap units (gz)" "ecomctl funnel gap (gz)" "duckdb funnel gap (gz)"
	ratio "funnel by top, l4l units (plain)" "ecomctl funnel l4l (plain)" "duckdb funnel (plain)"
	ratio "funnel by top, user units (plain)" "ecomctl funnel user (plain)" "duckdb funnel user (plain)"
	ratio "inspect / count by type (plain)" "ecomctl inspect (plain)" "duckdb count (plain)"
	ratio "inspect / count by type (gz)" "ecomctl inspect (gz)" "duckdb count (gz)"
	echo
	echo "gzip input against plain input, ecomctl alone (each gzip run in turn with a plain one):"
	echo
	echo "| job | gzip | plain | time ratio |"
	echo "|---|---|---|---|"
	for j in "sessions gap" "funnel gap" "inspect"; do
		awk -F '\t' -v a="ecomctl $j, gz" -v b="ecomctl $j, plain" -v l="$j" '
			$1 == a { ta = $2 }
			$1 == b { tb = $2 }
			END { if (ta != "" && tb > 0) printf "| %s | %.2f s | %.2f s | %.2f |\n", l, ta, tb, ta / tb }
		' "$work/results.tsv"
	done
} > "$work/bench.md"
echo
cat "$work/bench.md"
if [ "${BENCH_README:-0}" = 1 ]; then
	awk -v f="$work/bench.md" '
		/<!-- end bench: ratios -->/ { skip = 0 }
		!skip { print }
		/<!-- bench: ratios -->/ { while ((getline l < f) > 0) print l; skip = 1 }
	' README.md > "$work/README.new" && mv "$work/README.new" README.md
	echo "README.md: ratio table replaced"
fi
