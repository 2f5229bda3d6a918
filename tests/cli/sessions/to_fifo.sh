# An output path that exists and is not a regular file (a fifo here, like
# /dev/null) is written in place: renaming a temporary file over it would
# replace the fifo with a regular file.
set -e
"$ECOMCTL" -q synth --rows 2000 --seed 3 -o in.csv
"$ECOMCTL" -q sessions -o want.csv in.csv
mkfifo out.fifo
timeout 60 cat out.fifo > got.csv &
reader=$!
timeout 60 "$ECOMCTL" -q sessions -o out.fifo in.csv || true
wait "$reader" || { echo "nothing came through the fifo"; exit 1; }
[ -p out.fifo ] || { echo "out.fifo is no longer a fifo"; exit 1; }
[ ! -e out.fifo.tmp ] || { echo "a temporary file was left"; exit 1; }
cmp want.csv got.csv
[ "$(wc -l < got.csv)" -gt 100 ]
