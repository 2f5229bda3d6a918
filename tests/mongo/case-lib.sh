# Sourced by the MongoDB CLI cases (tests/cli/mongo/*.sh), in their scratch
# directory: starts a private test server on a free port (so cases can run
# in parallel) and stops it on exit, whatever happens. Skips (77) when node
# is missing. Sets URI (mongodb://127.0.0.1:PORT), PORT, and:
#   mfind DB COLL [FILTER]     documents as canonical Extended JSON lines
#   mcmd DB COMMAND           a command's reply (Extended JSON)
#   mongo_restart             starts the server again on the same port
#   kill_at_pause PID COLL OUT  once the run PID (started with
#                             ECOMCTL_TEST_MONGO_PAUSE_FILE=$PWD/pause) has
#                             paused, saves COLL of DB k to OUT, kills the
#                             server with -9, lets the run go on and waits
#                             for it; its exit status is then in $s
# The reader is tests/mongo/find.mjs: OP_MSG and the `bson` npm package,
# independent of libmongoc.
S="${EC_SOURCE_DIR:?}/scripts/mongo-test-server.sh"
MONGO_JS="$EC_SOURCE_DIR/tests/mongo"

mongo_start() {
	set +e
	URI=$("$S" start "$PWD/srv" ${1:-})
	_s=$?
	set -e
	[ $_s -eq 77 ] && exit 77
	if [ $_s -ne 0 ]; then
		tail -20 srv/mongo.log 2>/dev/null
		exit 1
	fi
	trap '"$S" stop "$PWD/srv"' EXIT
	PORT=$(cat srv/mongo.port)
}
mongo_restart() { mongo_start "$PORT"; }
mfind() { node "$MONGO_JS/find.mjs" "$PORT" "$@"; }
mcmd() { node "$MONGO_JS/find.mjs" "$PORT" "$1" --command "$2"; }
kill_at_pause() {
	_i=0
	while [ ! -e pause ]; do
		_i=$((_i + 1))
		if [ $_i -gt 600 ] || ! kill -0 "$1" 2>/dev/null; then
			echo "the run never paused"; cat run.err; kill "$1" 2>/dev/null; exit 1
		fi
		sleep 0.1
	done
	mfind k "$2" > "$3"
	kill -9 "$(cat srv/mongo.pid)"
	rm pause
	set +e
	wait "$1"
	s=$?
	set -e
}
mongo_start
