#!/bin/sh
# Fuzzes the parsers: builds the libFuzzer targets of tests/fuzz/ with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer in build-fuzz/, then runs
# each for SECONDS (default 60) on a scratch copy of its seed corpus
# (tests/fuzz/seeds/<target>/; the repository is never written to).
#
#   scripts/fuzz.sh [SECONDS]
#
# Exits 0 when every target ran clean, 1 when one crashed, leaked, timed out
# or broke an invariant (the reproducer is kept under build-fuzz/artifacts/
# and its path printed), and 0 with a message when clang or its libFuzzer
# runtime is missing. Replay a reproducer with:
#   build-fuzz/tests/fuzz/fuzz_<target> <file>
set -eu
cd "$(dirname "$0")/.."

secs=${1:-60}
case $secs in
'' | *[!0-9]*)
	echo "usage: scripts/fuzz.sh [SECONDS]" >&2
	exit 64
	;;
esac

if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: skipped: clang not found" >&2
	exit 0
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ecomctl-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
	'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return (int)(d && n > 99); }' \
	>"$scratch/probe.c"
if ! clang -fsanitize=fuzzer,address,undefined "$scratch/probe.c" -o "$scratch/probe" \
	>/dev/null 2>&1; then
	echo "fuzz: skipped: clang cannot link -fsanitize=fuzzer (Debian: install libclang-rt-<version>-dev)" >&2
	exit 0
fi

echo "fuzz: building build-fuzz (clang, ASan + UBSan, libFuzzer)" >&2
CC=clang cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DEC_FUZZ=ON -DEC_SANITIZE=ON >"$scratch/configure.log" 2>&1 ||
	{ cat "$scratch/configure.log" >&2; exit 1; }
cmake --build build-fuzz -j"$(nproc)" --target fuzz_row fuzz_reader fuzz_spool >"$scratch/build.log" 2>&1 ||
	{ cat "$scratch/build.log" >&2; exit 1; }

# max_len: a row is at most a few hundred bytes; a reader input holds a
# header and some rows (its first byte is a control byte, see fuzz_reader.c);
# a spool input, a header and a few records.
status=0
for target in row reader spool; do
	case $target in
	row) max_len=1024 ;;
	reader) max_len=8192 ;;
	spool) max_len=4096 ;;
	esac
	corpus=$scratch/corpus-$target
	artifacts=$PWD/build-fuzz/artifacts/$target
	mkdir -p "$corpus" "$artifacts"
	cp tests/fuzz/seeds/$target/* "$corpus/"
	log=$scratch/$target.log
	echo "fuzz: fuzz_$target for ${secs}s" >&2
	if ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		build-fuzz/tests/fuzz/fuzz_$target -max_total_time="$secs" -max_len=$max_len \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "fuzz: fuzz_$target: ok, ${runs:-?} runs" >&2
	else
		status=1
		tail -n 60 "$log" >&2
		repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		echo "fuzz: fuzz_$target FAILED; reproducer: ${repro:-see the log above}" >&2
		[ -z "$repro" ] || echo "fuzz: replay with: build-fuzz/tests/fuzz/fuzz_$target $repro" >&2
	fi
done
exit $status
