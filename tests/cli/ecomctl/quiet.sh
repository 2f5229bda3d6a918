# -q prints nothing but errors, on every command: each one below runs with
# -q on small generated data and must leave stdout and stderr empty (cron
# mails every line). The exceptions are output asked for by name: --json,
# -o -, --print-config, --help, `inspect` without -o (its report is its
# output) and `models list|show`. (history and mongo need a server: the
# mongo cases cover them.)
set -u
fail() { echo "FAIL: $*"; exit 1; }
quiet() { # COMMAND...: exit 0, nothing printed
	"$ECOMCTL" -q "$@" > out 2> err
	s=$?
	[ "$s" = 0 ] || fail "$*: exit $s: $(head -5 err)"
	[ ! -s out ] || fail "$*: stdout: $(head -5 out)"
	[ ! -s err ] || fail "$*: stderr: $(head -5 err)"
}
quiet synth --rows 6000 --days 3 --seed 4 --dirty -o ev.csv
quiet inspect ev.csv -o inspect.txt --max-bad-fraction 0.5
quiet sessions ev.csv -o s.csv --max-bad-fraction 0.5
quiet features ev.csv -o f.csv --max-bad-fraction 0.5
quiet train ev.csv --models m --threads 1 --rounds 10 --max-bad-fraction 0.5
quiet train ev.csv --models m --threads 1 --rounds 10 --max-bad-fraction 0.5 --task intent
quiet score ev.csv --models m -o p.csv --max-bad-fraction 0.5
quiet evaluate ev.csv --models m --max-bad-fraction 0.5
quiet funnel ev.csv -o fun --max-bad-fraction 0.5
quiet models promote intent@v2 --models m
quiet models promote intent@v1 --alias staging --models m
quiet models rollback intent --models m
quiet demo -n 4000 -o d
[ -s s.csv ] && [ -s p.csv ] && [ -s inspect.txt ] && [ -f m/intent/v2/model.json ] ||
	fail "the quiet commands did not write their outputs"
exit 0
