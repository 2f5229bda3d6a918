# Trend days the input covers only in part are marked: events from
# 2019-10-01 10:00:00 to 2019-10-03 23:59:59 make 10-01 partial (the input
# starts after midnight) and 10-02 and 10-03 whole (the last second of
# 10-03 is in); cut the last event and 10-03 is partial too. funnel.json
# says so per day and funnel.html draws those days' points hollow, one per
# step.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
h=event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session
{
	echo "$h"
	echo '2019-10-01 10:00:00 UTC,view,1,10,a.b,x,1.00,1,s1'
	echo '2019-10-02 12:00:00 UTC,view,1,10,a.b,x,1.00,2,s2'
	echo '2019-10-03 08:00:00 UTC,view,1,10,a.b,x,1.00,3,s3'
	echo '2019-10-03 23:59:59 UTC,view,1,10,a.b,x,1.00,4,s4'
} > ev.csv
head -4 ev.csv > cut.csv
"$ECOMCTL" -q funnel ev.csv -o a
"$ECOMCTL" -q funnel cut.csv -o b
python3 - <<'PY'
import json, re
for d, want in (("a", {"2019-10-01": True, "2019-10-02": False, "2019-10-03": False}),
                ("b", {"2019-10-01": True, "2019-10-02": False, "2019-10-03": True})):
    j = json.load(open(d + "/funnel.json"))
    got = {t["day"]: t["partial"] for t in j["trend"]}
    assert got == want, (d, got)
    html = open(d + "/funnel.html").read()
    hollow = len(re.findall(r'class="partial"', html))
    # two trend charts (units, and rates from step 2): 3 + 2 points a day
    assert hollow == sum(want.values()) * 5, (d, hollow)
PY
