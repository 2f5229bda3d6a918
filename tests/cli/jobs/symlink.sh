# A symlink planted where a temporary file could go cannot redirect a
# write: temporary names are unpredictable and opened with O_EXCL and
# O_NOFOLLOW. Planted at the old fixed name <path>.tmp, and at the
# lock file, it is never followed; the victim file keeps its bytes.
set -e
"$ECOMCTL" -q synth --rows 2000 --seed 9 -o ev.csv
mkdir out
echo "precious" > victim
ln -s ../victim out/s.csv.tmp
ln -s ../victim out/.s.csv.tmp
"$ECOMCTL" -q sessions ev.csv -o out/s.csv
[ "$(cat victim)" = "precious" ] || { echo "the victim was written"; exit 1; }
[ -L out/s.csv.tmp ] || { echo "the planted link was replaced"; exit 1; }
head -1 out/s.csv | grep -q '^session_id,' || exit 1
# A symlink where the lock file goes: refused, not followed.
ln -s ../victim out/.f.csv.lock
set +e
"$ECOMCTL" -q features ev.csv -o out/f.csv 2> err
s=$?
set -e
[ $s -eq 73 ] || { echo "exit $s, want 73"; cat err; exit 1; }
[ "$(cat victim)" = "precious" ] || { echo "the victim was written through the lock"; exit 1; }
echo ok
