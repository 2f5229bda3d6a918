#!/bin/sh
# Applies .clang-format to every C file of the project, or with --check
# lists the files that differ from it and exits 1 (CI runs the check).
set -eu
cd "$(dirname "$0")/.."
files=$(find src include tests/unit tests/fuzz tests/fault -name '*.[ch]' | sort)
if [ "${1:-}" = "--check" ]; then
	bad=$(for f in $files; do
		clang-format "$f" | cmp -s - "$f" || echo "$f"
	done)
	if [ -n "$bad" ]; then
		echo "format: not clang-format clean (run scripts/format.sh):" >&2
		echo "$bad" >&2
		exit 1
	fi
	exit 0
fi
# shellcheck disable=SC2086
clang-format -i $files
