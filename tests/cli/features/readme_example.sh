# The README's features examples, on generated data (smaller than the
# README's million rows): the files land where the README says, gzip where
# asked, and the category file's rows hold the README's promises (a label 1
# row per session, candidates distinct per session, truth keys joined by |).
set -e
mkdir -p output
"$ECOMCTL" -q synth --rows 20000 --seed 46 -o output/events.csv.gz
"$ECOMCTL" -q features output/events.csv.gz -o output/features-intent.csv.gz
"$ECOMCTL" -q features --task category output/events.csv.gz
"$ECOMCTL" features --list | grep -q '^category  *cand_view_share '
gzip -dc output/features-intent.csv.gz | head -1 | grep -q '^session_id,user_id,start,cutoff,label,'
test -s output/features-category.csv
awk -F, 'NR > 1 { if (seen[$1 "," $5]++) { print "duplicate candidate " $1 " " $5; exit 1 }
                  if ($6 == 1 && index("|" $7 "|", "|" $5 "|") == 0) { print "label 1 not in truth: " $0; exit 1 } }' \
	output/features-category.csv
