# cmake --install into a prefix puts the binary, the man page, the bash and
# zsh completions and the scheduling examples where Debian keeps them, and
# the installed binary runs. Needs the build tree (EC_BUILD_DIR).
[ -n "$EC_BUILD_DIR" ] && [ -f "$EC_BUILD_DIR/CMakeCache.txt" ] || { echo "no build tree: skipped"; exit 77; }
set -e
cmake --install "$EC_BUILD_DIR" --prefix "$PWD/p" > install.log
for f in bin/ecomctl share/man/man1/ecomctl.1 share/bash-completion/completions/ecomctl \
	share/zsh/vendor-completions/_ecomctl share/doc/ecomctl/README.md \
	share/doc/ecomctl/examples/ecomctl-score.service share/doc/ecomctl/examples/ecomctl-score.timer \
	share/doc/ecomctl/examples/ecomctl-train.timer share/doc/ecomctl/examples/ecomctl-funnel.timer \
	share/doc/ecomctl/examples/ecomctl.cron share/ecomctl/schemas/summary.schema.json \
	share/ecomctl/schemas/common.schema.json; do
	[ -s "p/$f" ] || { echo "not installed: $f"; exit 1; }
done
p/bin/ecomctl version | grep -q '^ecomctl [0-9]'
cmp p/share/man/man1/ecomctl.1 "$EC_BUILD_DIR/share/ecomctl.1"
if command -v systemd-analyze > /dev/null 2>&1; then
	for u in p/share/doc/ecomctl/examples/*.timer; do
		systemd-analyze calendar "$(sed -n 's/^OnCalendar=//p' "$u")" > /dev/null
	done
fi
