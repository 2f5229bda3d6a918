#!/usr/bin/env bash
# Starts and stops the in-memory MongoDB wire-protocol test server
# (tests/mongo/server.mjs, CongoDB) for the test suite.
#
#   scripts/mongo-test-server.sh start DIR [PORT]
#       Installs tests/mongo's packages with `npm ci` if needed, starts the
#       server (on PORT, or on a free port the kernel picks), waits for it to
#       say "listening" and answer a ping, and prints mongodb://127.0.0.1:PORT.
#       DIR gets mongo.pid, mongo.port and mongo.log (the server's output).
#       If DIR already has a live server, just prints its URI.
#   scripts/mongo-test-server.sh stop DIR
#       Stops the server whose pid is in DIR/mongo.pid (TERM, KILL after 5 s).
#       Only ever signals that pid, and only if it is this script's server.
#
# Exit status: 0 ok, 77 node or npm missing (tests should skip), 1 otherwise.
# Environment: MONGO_TEST_DEBUG=1 is passed on to the server (see server.mjs).

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mongo_dir=$(cd "$here/../tests/mongo" && pwd)
server_js="$mongo_dir/server.mjs"
start_timeout=30   # seconds
stop_timeout=5     # seconds before KILL

die() { printf 'mongo-test-server: %s\n' "$*" >&2; exit 1; }
skip() { printf 'mongo-test-server: %s\n' "$*" >&2; exit 77; }
usage() {
  printf 'usage: %s start DIR [PORT]\n       %s stop DIR\n' "$0" "$0" >&2
  exit 1
}

# True if PID is running (not a zombie) and is node running our server.mjs,
# so a recycled pid is never taken for the server.
is_our_server() {
  local pid=$1 state cmdline
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r /proc/$pid/stat ]]; then
    state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
    [[ $state == Z ]] && return 1
  fi
  if [[ -r /proc/$pid/cmdline ]]; then
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)
  else
    cmdline=$(ps -o args= -p "$pid" 2>/dev/null)
  fi
  [[ $cmdline == *"$server_js"* ]]
}

is_alive() {
  local pid=$1 state
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r /proc/$pid/stat ]]; then
    state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
    [[ $state == Z ]] && return 1
  fi
  return 0
}

log_tail() {
  [[ -s $1 ]] || return 0
  printf 'mongo-test-server: last lines of %s:\n' "$1" >&2
  tail -n 20 "$1" | sed 's/^/  /' >&2
}

need_node() {
  command -v node >/dev/null 2>&1 || skip "node is not installed"
  command -v npm >/dev/null 2>&1 || skip "npm is not installed"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) ||
    skip "node does not run"
  if ! [[ $major =~ ^[0-9]+$ ]] || ((major < 18)); then
    skip "node $major is too old (need 18 or newer)"
  fi
}

# npm ci in tests/mongo when node_modules is missing or older than the lock.
# A lock file serialises concurrent starts (e.g. under ctest -j).
install_packages() {
  local marker="$mongo_dir/node_modules/.package-lock.json"
  local lock="$mongo_dir/package-lock.json"
  needs_install() { [[ ! -f $marker || $lock -nt $marker ]]; }
  needs_install || return 0
  local npmlog="$1/npm-ci.log"
  (
    if command -v flock >/dev/null 2>&1; then
      exec 9>"$mongo_dir/.install.lock"
      flock -w 300 9 || { echo "timed out waiting for another npm ci" >"$npmlog"; exit 1; }
    fi
    needs_install || exit 0
    cd "$mongo_dir" &&
      npm ci --no-audit --no-fund --loglevel=error </dev/null >"$npmlog" 2>&1 &&
      touch "$marker"
  ) || {
    # npm puts the reason first and its usage text after it.
    printf 'mongo-test-server: first lines of %s:\n' "$npmlog" >&2
    head -n 8 "$npmlog" | sed 's/^/  /' >&2
    die "npm ci failed in $mongo_dir (log: $npmlog)"
  }
}

cmd_start() {
  local dir=$1 want_port=${2:-0}
  if ! [[ $want_port =~ ^[0-9]+$ ]] || ((10#$want_port > 65535)); then
    die "bad port '$want_port'"
  fi
  want_port=$((10#$want_port))
  need_node
  mkdir -p "$dir" || die "cannot create $dir"
  dir=$(cd "$dir" && pwd)
  local pidfile="$dir/mongo.pid" portfile="$dir/mongo.port" log="$dir/mongo.log"

  # Already running?
  if [[ -f $pidfile ]]; then
    local oldpid oldport
    oldpid=$(<"$pidfile")
    if is_our_server "$oldpid"; then
      oldport=$(cat "$portfile" 2>/dev/null)
      if [[ $oldport =~ ^[0-9]+$ ]] && node "$mongo_dir/ping.mjs" "$oldport" 127.0.0.1 2000 2>/dev/null; then
        if ((want_port != 0 && want_port != oldport)); then
          die "a server is already running in $dir on port $oldport, not $want_port"
        fi
        printf 'mongodb://127.0.0.1:%s\n' "$oldport"
        exit 0
      fi
      die "server pid $oldpid in $dir is running but not answering; run: $0 stop $dir"
    fi
    rm -f "$pidfile" "$portfile"   # stale
  fi
  rm -f "$portfile"

  install_packages "$dir"

  node "$server_js" "$want_port" </dev/null >"$log" 2>&1 &
  local pid=$!
  printf '%s\n' "$pid" >"$pidfile"

  local deadline=$((SECONDS + start_timeout)) port="" line
  while ((SECONDS < deadline)); do
    if ! is_alive "$pid"; then
      rm -f "$pidfile"
      log_tail "$log"
      die "server exited during start-up (log: $log)"
    fi
    if [[ -z $port ]]; then
      line=$(grep -m1 -E '^listening [0-9]+$' "$log" 2>/dev/null)
      [[ -n $line ]] && port=${line#listening }
    fi
    if [[ -n $port ]] && node "$mongo_dir/ping.mjs" "$port" 127.0.0.1 2000 2>/dev/null; then
      printf '%s\n' "$port" >"$portfile"
      printf 'mongodb://127.0.0.1:%s\n' "$port"
      exit 0
    fi
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  rm -f "$pidfile"
  log_tail "$log"
  if [[ -z $port ]]; then
    die "server did not say 'listening' within ${start_timeout}s (log: $log)"
  fi
  die "server on port $port did not answer ping within ${start_timeout}s (log: $log)"
}

cmd_stop() {
  local dir=$1
  local pidfile="$dir/mongo.pid" portfile="$dir/mongo.port"
  [[ -f $pidfile ]] || exit 0   # nothing to stop
  local pid
  pid=$(<"$pidfile")
  if ! is_our_server "$pid"; then
    rm -f "$pidfile" "$portfile"   # stale: the pid is gone or is someone else's
    exit 0
  fi
  kill -TERM "$pid" 2>/dev/null
  local i
  for ((i = 0; i < stop_timeout * 10; i++)); do
    is_alive "$pid" || break
    sleep 0.1
  done
  if is_alive "$pid"; then
    printf 'mongo-test-server: pid %s ignored TERM for %ss, sending KILL\n' "$pid" "$stop_timeout" >&2
    kill -KILL "$pid" 2>/dev/null
    for ((i = 0; i < 20; i++)); do
      is_alive "$pid" || break
      sleep 0.1
    done
    is_alive "$pid" && die "pid $pid survived KILL"
  fi
  rm -f "$pidfile" "$portfile"
  exit 0
}

case "${1:-}" in
  start) [[ $# -ge 2 && $# -le 3 && -n $2 ]] || usage; cmd_start "$2" "${3:-}" ;;
  stop)  [[ $# -eq 2 && -n $2 ]] || usage; cmd_stop "$2" ;;
  *) usage ;;
esac
