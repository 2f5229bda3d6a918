# flags > environment > config file > defaults, as --print-config shows; a
# path in a config file is relative to the file.
set -e
printf '{ "max-bad-rows": 7, "max-bad-fraction": 0.5, "inspect": { "rejects": "r.csv" } }' > c.json
"$ECOMCTL" inspect --config c.json --print-config > out1
grep -q '"max-bad-rows":	7' out1
grep -q '"max-bad-fraction":	0.5' out1
grep -q "\"rejects\":	\"$PWD/r.csv\"" out1
ECOMCTL_MAX_BAD_ROWS=8 "$ECOMCTL" inspect --config c.json --print-config > out2
grep -q '"max-bad-rows":	8' out2
grep -q '"max-bad-rows":	"environment"' out2
ECOMCTL_MAX_BAD_ROWS=8 "$ECOMCTL" inspect --config c.json --max-bad-rows 9 --print-config > out3
grep -q '"max-bad-rows":	9' out3
grep -q '"max-bad-rows":	"flag"' out3
grep -q '"max-bad-fraction":	"config"' out3
