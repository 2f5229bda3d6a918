# The model report page of hand-written model-report.json documents
# (report_html/*.json: an intent report with every section and hostile
# strings, a category report, and both with only schema_version, model and
# task), rendered by ec_model_report_html() through the test tool
# $EC_REPORT_HTML_RENDER and read back by Python's html.parser
# (report_html/check.py): well-formed, self-contained, the task's sections,
# tables and charts equal to the document, missing data said so.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
[ -x "${EC_REPORT_HTML_RENDER:-}" ] || { echo "EC_REPORT_HTML_RENDER is not set" >&2; exit 1; }
set -e
set --
for name in intent category minimal minimal_category; do
	"$EC_REPORT_HTML_RENDER" "$CASE_DIR/report_html/$name.json" "$name.html"
	set -- "$@" "$CASE_DIR/report_html/$name.json" "$name.html"
done
python3 "$CASE_DIR/report_html/check.py" "$@"
