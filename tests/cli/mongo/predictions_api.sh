# labels: mongo
# The predictions API (ec_mongo_add_prediction, for `ecomctl score`) against
# the server: the unit test binary test_sink_mongo, whose live case runs
# when EC_MONGO_TEST_URI is set (a rerun updates without duplicating; a new
# model version adds documents).
set -e
. "$EC_SOURCE_DIR/tests/mongo/case-lib.sh"
bin="$(dirname "$ECOMCTL")/tests/test_sink_mongo"
[ -x "$bin" ] || { echo "no $bin"; exit 1; }
EC_MONGO_TEST_URI="$URI/pred" "$bin" > unit.out 2>&1 || { cat unit.out; exit 1; }
grep -q "OK \] test_sink_mongo__predictions_live" unit.out || { cat unit.out; exit 1; }
[ "$(mfind pred predictions | wc -l)" -eq 6 ]
echo ok
