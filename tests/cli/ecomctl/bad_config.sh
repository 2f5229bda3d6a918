# A configuration file that is not JSON, or has a bad value: exit 78.
printf '{ "max-bad-rows": ' > broken.json
"$ECOMCTL" inspect --config broken.json x.csv && exit 1
[ $? -eq 78 ] || exit 1
printf '{ "inspect": { "max-bad-rows": "lots" } }' > bad.json
"$ECOMCTL" inspect --config bad.json x.csv
