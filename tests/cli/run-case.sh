#!/bin/sh
# Runs one CLI case in the zstd style: tests/cli/<cmd>/<case>.sh is run with
# sh in a fresh scratch directory, with $ECOMCTL the binary under test, and
# its exit status and stdout are compared with <case>.exit (default 0) and
# <case>.stdout.exact (when present). A case exits 77 to be skipped.
# usage: run-case.sh CASE.sh BINARY SCRATCH_ROOT
set -u
case_file=$1
bin=$2
root=$3
dir=$(dirname "$case_file")
name=$(basename "$case_file" .sh)
cmd=$(basename "$dir")
work="$root/$cmd.$name"
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1

ECOMCTL=$bin CASE_DIR=$dir sh "$case_file" >stdout 2>stderr
status=$?
if [ "$status" -eq 77 ]; then
	cat stderr
	exit 77
fi
want=0
[ -f "$dir/$name.exit" ] && want=$(cat "$dir/$name.exit")
fail=0
if [ "$status" -ne "$want" ]; then
	echo "FAIL $cmd/$name: exit $status, expected $want"
	fail=1
fi
if [ -f "$dir/$name.stdout.exact" ] && ! cmp -s stdout "$dir/$name.stdout.exact"; then
	echo "FAIL $cmd/$name: stdout differs from $name.stdout.exact:"
	diff "$dir/$name.stdout.exact" stdout | head -40
	fail=1
fi
if [ "$fail" -ne 0 ]; then
	echo "--- stderr:"
	head -40 stderr
	exit 1
fi
exit 0
