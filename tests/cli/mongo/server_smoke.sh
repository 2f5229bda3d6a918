# labels: mongo
# The MongoDB wire-protocol test server installs from the committed lock,
# starts, answers a ping, and stops by its process id (nothing left running).
set -e
S=${EC_SOURCE_DIR:?}/scripts/mongo-test-server.sh
set +e
uri=$("$S" start "$PWD/srv")
s=$?
set -e
[ $s -eq 77 ] && exit 77
[ $s -eq 0 ] || { cat srv/*.log 2>/dev/null | tail -20; exit 1; }
trap '"$S" stop "$PWD/srv"' EXIT
case "$uri" in mongodb://127.0.0.1:*) ;; *) echo "bad uri: $uri"; exit 1 ;; esac
pid=$(cat srv/mongo.pid)
node "${EC_SOURCE_DIR}/tests/mongo/ping.mjs" "$(cat srv/mongo.port)"
"$S" stop "$PWD/srv"
trap - EXIT
# (a zombie waiting for its parent to reap it is not running)
state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
case "$state" in ""|Z*) ;; *) echo "server $pid still running ($state)"; exit 1 ;; esac
