# The leakage property of DESIGN §3 on generated data. For a sample of
# sessions S with a purchase (intent cutoff P = the first purchase's time):
#  1. delete S's own events at or after P: the features of S, and the whole
#     rows of every other session that started before P, are unchanged;
#  2. delete every event of the file at or after P: the features of S and of
#     every session that started before P with its cutoff at or before P
#     (all its inputs are before P) are unchanged. (A session that started
#     before P but has its cutoff after it loses events it had used, so it
#     may change: that is not a leak.)
# Both tasks; category rows with --all-sessions (S may lose its label).
set -e
export LC_ALL=C
fail=0
# intent: cols 1-3 and 6- are the session and its features (4 cutoff, 5 label);
# category: 1-3, 5 (candidate) and 8- (6 label, 7 truth).
feat() { # task file -> "id<TAB>row-without-labels"
	if [ "$1" = intent ]; then
		awk -F, 'NR > 1 { o = $1 "," $2 "," $3; for (i = 6; i <= NF; i++) o = o "," $i; print $1 "\t" o }' "$2"
	else
		awk -F, 'NR > 1 { o = $1 "," $2 "," $3 "," $5; for (i = 8; i <= NF; i++) o = o "," $i; print $1 "\t" o }' "$2"
	fi
}
whole() { awk -F, 'NR > 1 { print $1 "\t" $0 }' "$1"; }
# the rows of stdin (in their order: start order) whose first tab field is in file $1
only() { awk -F'\t' 'NR == FNR { k[$1] = 1; next } ($1 in k) { print $2 }' "$1" -; }

run() { # task input output
	if [ "$1" = intent ]; then
		"$ECOMCTL" -q features --task intent -o "$3" "$2"
	else
		"$ECOMCTL" -q features --task category --all-sessions -o "$3" "$2"
	fi
}

for seed in 7 46; do
	"$ECOMCTL" -q synth --rows 20000 --days 2 --seed $seed -o ev.csv
	for task in intent category; do
		run $task ev.csv full.$task.csv
		whole full.$task.csv > full.$task.whole
		feat $task full.$task.csv > full.$task.feat
	done
	# three purchasing sessions spread over the file (ids without a /N part)
	awk -F, 'NR > 1 && $5 == 1 && $1 !~ /\// { print $1 "," $4 }' full.intent.csv > buyers
	n=$(wc -l < buyers)
	[ "$n" -ge 12 ] || { echo "seed $seed: only $n purchasing sessions"; exit 1; }
	awk -v n="$n" 'NR % int(n / 3) == 0' buyers | head -3 > sample
	checked=0
	while IFS=, read -r sid P; do
		# P as the input writes times (the outputs write ISO 8601)
		Pin=$(echo "$P" | sed 's/T/ /; s/Z$/ UTC/')
		# 1: S's own events at or after P (user_session is column 9)
		awk -F, -v s="$sid" -v p="$Pin" 'NR == 1 || !($9 == s && $1 >= p)' ev.csv > v1.csv
		# 2: every event at or after P
		awk -F, -v p="$Pin" 'NR == 1 || $1 < p' ev.csv > v2.csv
		[ "$(wc -l < v1.csv)" -lt "$(wc -l < ev.csv)" ] || { echo "$sid: nothing deleted"; exit 1; }
		for task in intent category; do
			run $task v1.csv cut1.csv
			run $task v2.csv cut2.csv
			# variant 1: S by features, other sessions started before P whole
			awk -F, -v p="$P" -v s="$sid" 'NR > 1 && $3 < p && $1 != s { print $1 }' \
				full.$task.csv | sort -u > others
			echo "$sid" > self
			only others < full.$task.whole > want1
			whole cut1.csv | only others > got1
			only self < full.$task.feat > want1s
			feat $task cut1.csv | only self > got1s
			# variant 2: sessions started before P with their cutoff <= P
			awk -F, -v p="$P" 'NR > 1 && $3 < p && $4 <= p { print $1 }' \
				full.$task.csv | sort -u > early
			only early < full.$task.feat > want2
			feat $task cut2.csv | only early > got2
			[ -s want1s ] && [ -s want2 ] || { echo "$sid $task: no rows to compare"; exit 1; }
			for v in 1 1s 2; do
				if ! cmp -s want$v got$v; then
					echo "seed $seed, $sid (cutoff $P), $task, variant $v: rows changed"
					diff want$v got$v | head -6
					fail=1
				fi
			done
			checked=$((checked + $(wc -l < want2)))
		done
	done < sample
	echo "seed $seed: $(wc -l < sample) sessions, $checked rows compared in variant 2"
done
exit $fail
