# score --follow: rows go to stdout only (-o FILE is refused, as is --json,
# which would share stdout), one input at most; each is a usage error (64)
# before anything is read. A state file of another input is refused (78).
set -u
fail=0
expect() {
	want=$1
	shift
	"$ECOMCTL" "$@" < /dev/null > /dev/null 2> err
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "exit $got, expected $want: ecomctl $*"
		cat err
		fail=1
	fi
}
expect 64 score --follow - -o out.csv
expect 64 score --follow --json -
expect 64 score --follow a.csv b.csv
"$ECOMCTL" -q synth --days 1 --rows 500 --seed 1 -o ev.csv
"$ECOMCTL" -q train ev.csv --models m --rounds 2 > /dev/null
"$ECOMCTL" -q score --follow - --models m --state st < ev.csv > /dev/null || fail=1
expect 78 score --follow ev.csv --models m --state st
grep -q "the state of --follow -" err || { cat err; fail=1; }
exit $fail
