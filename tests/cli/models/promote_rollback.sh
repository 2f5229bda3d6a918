# Three intent versions: the first is production; promote moves it (and
# remembers the move), another alias points anywhere, rollback returns
# production to the version that held it before, and score follows it.
set -e
"$ECOMCTL" -q synth --days 3 --rows 6000 --seed 6 -o ev.csv
for i in 1 2 3; do
	"$ECOMCTL" -q train ev.csv --task intent --models m --threads 1 --rounds 5 > /dev/null
done
"$ECOMCTL" models promote intent@v2 --models m
"$ECOMCTL" models promote intent@latest --alias staging --models m
"$ECOMCTL" models promote intent@v2 --models m
"$ECOMCTL" models promote intent@v3 --models m
"$ECOMCTL" models rollback intent --models m
"$ECOMCTL" -q score ev.csv --models m --category-model none -o p.csv
cut -d, -f16,17 p.csv | sed -n 2p
"$ECOMCTL" models rollback intent --models m
"$ECOMCTL" models show intent@staging --models m | grep -E '^\s"(version|aliases)"' | tr -d '\t'
