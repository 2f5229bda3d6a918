# model.json truncated after training: its sha256 no longer matches the
# manifest: exit 65 naming the file; no predictions file is left.
set -e
"$ECOMCTL" -q synth --days 3 --rows 6000 --seed 6 -o ev.csv
"$ECOMCTL" -q train ev.csv --models m --threads 1 --rounds 10 > /dev/null
head -c 500 m/intent/v1/model.json > t && mv t m/intent/v1/model.json
set +e
"$ECOMCTL" -q score ev.csv --models m -o pred.csv 2> err
s=$?
grep -q 'm/intent/v1/model.json: sha256' err || exit 1
[ ! -e pred.csv ] && [ ! -e pred.csv.tmp ] || exit 1
exit $s
