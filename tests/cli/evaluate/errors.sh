# Two models of one task: 64; no model registered: 66; --from after the
# last session: 65 (nothing to evaluate).
set -e
"$ECOMCTL" -q synth --days 3 --rows 6000 --seed 6 -o ev.csv
set +e
"$ECOMCTL" -q evaluate ev.csv --models m --model intent@v1 --model intent@v2 2> err1; s1=$?
"$ECOMCTL" -q evaluate ev.csv --models m 2> err2; s2=$?
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 10 > /dev/null || exit 1
"$ECOMCTL" -q evaluate ev.csv --models m --from 2020-01-01 2> err3; s3=$?
set -e
grep -q 'two intent models' err1
grep -q 'no intent model is registered' err2
grep -q 'intent: no sessions to evaluate' err3
[ $s1 = 64 ] && [ $s2 = 66 ] && [ $s3 = 65 ]
