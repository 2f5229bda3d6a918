#!/bin/sh
# Rewrites the README's column tables from the binary's row schemas
# (`ecomctl schema NAME`), between their <!-- schema NAME: --> and
# <!-- end schema NAME --> lines. Run after changing src/output/schema.c;
# the test cli.schema.readme_tables fails until the README matches.
#   scripts/readme-schemas.sh [BINARY]   (default build/ecomctl)
set -eu
cd "$(dirname "$0")/.."
bin=${1:-build/ecomctl}
for name in $("$bin" schema | cut -d' ' -f1); do
	"$bin" schema "$name" > "README.md.$name.tmp"
	awk -v name="$name" -v table="README.md.$name.tmp" '
		index($0, "<!-- schema " name ":") == 1 { print; while ((getline line < table) > 0) print line; skip = 1; next }
		index($0, "<!-- end schema " name " -->") == 1 { skip = 0 }
		!skip { print }
	' README.md > README.md.new.tmp
	mv README.md.new.tmp README.md
	rm -f "README.md.$name.tmp"
done
