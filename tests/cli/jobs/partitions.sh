# --partition K/N: N runs, one per K, whose sessions, features and scores
# add up (as sets of rows, read with Python's csv module) to the run over
# all users; every row of partition K has a user whose id hashes to K by
# the documented hash (MurmurHash3's 64-bit finalizer of the id, mod N,
# computed here in Python); K from JOB_COMPLETION_INDEX or
# SLURM_ARRAY_TASK_ID (minus SLURM_ARRAY_TASK_MIN); bad specs exit 64.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" -q synth --rows 60000 --seed 12 -o ev.csv
"$ECOMCTL" -q train ev.csv --models m --rounds 5 --valid-from 2019-10-20 >/dev/null
N=3
run_all() { # NAME ARGS...: the whole run, then the N partitions
	name=$1
	shift
	"$ECOMCTL" -q "$@" -o "$name.all.csv" ev.csv
	k=0
	while [ "$k" -lt "$N" ]; do
		"$ECOMCTL" -q "$@" --partition "$k/$N" -o "$name.$k.csv" ev.csv
		k=$((k + 1))
	done
}
run_all sessions sessions
run_all intent features --task intent
run_all category features --task category
run_all score score --models m
# Kubernetes and Slurm give K through the environment.
JOB_COMPLETION_INDEX=2 "$ECOMCTL" -q sessions --partitions "$N" -o env.k8s.csv ev.csv
SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=1 "$ECOMCTL" -q sessions --partitions "$N" \
	-o env.slurm.csv ev.csv
cmp env.k8s.csv sessions.2.csv
cmp env.slurm.csv sessions.1.csv

python3 - "$N" <<'PY'
import collections, csv, sys
N = int(sys.argv[1])
M = (1 << 64) - 1
def part(user):
    x = int(user)
    x ^= x >> 33; x = (x * 0xff51afd7ed558ccd) & M
    x ^= x >> 33; x = (x * 0xc4ceb9fe1a85ec53) & M
    x ^= x >> 33
    return x % N
for name in ["sessions", "intent", "category", "score"]:
    def rows(path):
        with open(path, newline="") as f:
            r = csv.DictReader(f)
            # the run id differs from run to run
            return [tuple(v for k, v in row.items() if k != "run_id") for row in r], r.fieldnames
    whole, cols = rows(name + ".all.csv")
    ucol = cols.index("user_id")
    parts = collections.Counter()
    for k in range(N):
        got, c2 = rows("%s.%d.csv" % (name, k))
        assert c2 == cols, (name, k)
        assert got, (name, k, "empty partition")
        bad = [r for r in got if part(r[ucol]) != k]
        assert not bad, (name, k, bad[:2])
        parts.update(got)
    assert parts == collections.Counter(whole), (name, len(parts), len(whole))
    print("%s: %d rows in %d partitions, equal to the whole" % (name, len(whole), N))
PY

for bad in 3/3 -1/3 1/0 a/3 1/3/4 2 0/65537; do
	if "$ECOMCTL" -q sessions --partition "$bad" -o bad.csv ev.csv 2> err; then
		echo "--partition $bad was accepted"
		exit 1
	else
		rc=$?
	fi
	[ "$rc" -eq 64 ] && grep -q -- "--partition" err ||
		{ echo "--partition $bad: exit $rc: $(cat err)"; exit 1; }
done
if "$ECOMCTL" -q sessions --partitions 3 -o bad.csv ev.csv 2> err; then
	echo "--partitions without an index was accepted"; exit 1
fi
grep -q JOB_COMPLETION_INDEX err
if JOB_COMPLETION_INDEX=3 "$ECOMCTL" -q sessions --partitions 3 -o bad.csv ev.csv 2> err; then
	echo "index 3 of 3 was accepted"; exit 1
fi
test ! -e bad.csv
echo "bad partitions refused"
