#!/bin/sh
# The whole test suite, as CI runs it: set-up, then every test twice, on the
# normal build and on an AddressSanitizer + UndefinedBehaviorSanitizer build,
# then a short fuzzing run of the parsers when clang is present.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh

jobs=$(nproc)
echo "== clang-format" >&2
scripts/format.sh --check
echo "== tests: release build" >&2
(cd build && ctest --output-on-failure -j"$jobs" -LE slow)

echo "== tests: ASan + UBSan build" >&2
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DEC_SANITIZE=ON -DEC_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --output-on-failure -j"$jobs" -LE slow)

if command -v clang >/dev/null 2>&1 && [ -x scripts/fuzz.sh ]; then
	echo "== fuzzing the parsers (short run)" >&2
	scripts/fuzz.sh 20
fi
echo "== all tests passed" >&2
