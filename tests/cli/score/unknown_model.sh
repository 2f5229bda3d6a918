# An alias or version that does not exist: exit 66, listing what exists;
# a malformed reference: exit 64; an empty registry: exit 66.
set -e
"$ECOMCTL" -q synth --days 3 --rows 6000 --seed 6 -o ev.csv
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 10 > /dev/null
set +e
"$ECOMCTL" -q score ev.csv --models m --intent-model intent@nightly 2> err1; s1=$?
"$ECOMCTL" -q score ev.csv --models m --category-model category@v9 2> err2; s2=$?
"$ECOMCTL" -q score ev.csv --models m --intent-model 'intent@Bad!' 2> err3; s3=$?
"$ECOMCTL" -q score ev.csv --models empty 2> err4; s4=$?
set -e
grep -q 'intent@nightly: no such alias (registered: v1..v1; aliases production=v1)' err1
grep -q 'category@v9: no such version' err2
grep -q 'after @ comes vN' err3
grep -q 'no intent model is registered in empty' err4
[ $s1 = 66 ] && [ $s2 = 66 ] && [ $s3 = 64 ] && [ $s4 = 66 ]
[ ! -e output/predictions.csv ]
