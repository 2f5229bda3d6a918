# Every numeric option has a range: a value outside it is refused before
# any work, naming the option and the range: exit 64 for a flag, 78 for the
# environment or a configuration file. A negative --max-bad-rows or
# --max-bad-fraction no longer disables the limit. Every command's table
# declares its ranges (--print-config would fail with 70 otherwise).
set -u
fail() { echo "FAIL: $*"; exit 1; }
"$ECOMCTL" -q synth --rows 2000 --seed 3 --dirty -o ev.csv || fail synth
expect() { # STATUS MESSAGE COMMAND...
	want=$1 msg=$2
	shift 2
	"$@" > out 2> err
	s=$?
	[ "$s" = "$want" ] || fail "$*: exit $s, expected $want: $(cat err)"
	grep -qF -- "$msg" err || fail "$*: no '$msg' in: $(cat err)"
	[ ! -s out ] || fail "$*: wrote to stdout"
}
expect 64 'sessions: --max-bad-fraction: -0.1 is out of range [0, 1]' \
	"$ECOMCTL" sessions ev.csv --max-bad-fraction -0.1 -o s.csv
expect 64 'inspect: --max-bad-rows: -1 is out of range [0, 1000000000000000]' \
	"$ECOMCTL" inspect ev.csv --max-bad-rows -1
expect 64 'funnel: --top: 100001 is out of range [0, 100000]' \
	"$ECOMCTL" funnel ev.csv --top 100001
expect 64 'train: --valid-fraction: 1 is out of range (0, 1)' \
	"$ECOMCTL" train ev.csv --valid-fraction 1 --models m
expect 64 'train: --eta: 0 is out of range (0, 1]' "$ECOMCTL" train ev.csv --eta 0 --models m
expect 64 'train: --threads: -1 is out of range [0, 1024]' \
	"$ECOMCTL" train ev.csv --threads -1 --models m
expect 64 'sessions: --gap: 36601d is out of range [0s, 36600d]' "$ECOMCTL" sessions ev.csv --gap 36601d
expect 64 'synth: --days: 0 is out of range [1, 36600]' "$ECOMCTL" synth --days 0
expect 64 'score: --mongo-ttl-days: -3 is out of range [0, 36500]' \
	"$ECOMCTL" score ev.csv --mongo-ttl-days -3
ECOMCTL_MAX_BAD_FRACTION=-1 expect 78 \
	'ECOMCTL_MAX_BAD_FRACTION: -1 is out of range [0, 1]' "$ECOMCTL" inspect ev.csv
echo '{"sessions": {"max-bad-rows": -2}}' > cfg.json
expect 78 'cfg.json: sessions.max-bad-rows: -2 is out of range [0, 1000000000000000]' \
	"$ECOMCTL" sessions ev.csv --config cfg.json
[ ! -e m ] || fail "a refused train made the registry"
[ ! -e s.csv ] || fail "a refused sessions wrote its output"
# The limit works at its bounds: 0 bad rows allowed fails on dirty data.
"$ECOMCTL" -q inspect ev.csv --max-bad-rows 0 > /dev/null 2>&1
[ $? = 65 ] || fail "--max-bad-rows 0 on dirty data: not 65"
"$ECOMCTL" -q inspect ev.csv --max-bad-fraction 0 > /dev/null 2>&1
[ $? = 65 ] || fail "--max-bad-fraction 0 on dirty data: not 65"
for c in inspect sessions features train score evaluate models funnel synth demo; do
	"$ECOMCTL" $c --print-config > /dev/null 2> err || fail "$c --print-config: $(cat err)"
done
for c in "history export" "mongo replay"; do
	"$ECOMCTL" $c --print-config > /dev/null 2> err || fail "$c --print-config: $(cat err)"
done
exit 0
