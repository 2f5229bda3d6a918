#!/bin/sh
# Installs the Debian packages ecomctl needs to build and test (only the
# missing ones), then builds build/ecomctl (Release). Safe to run again.
# python3-xgboost is for the tests and the bench: an independent check of
# the models (XGBoost's own binding reading the same model file).
set -eu
cd "$(dirname "$0")/.."

PACKAGES="build-essential cmake pkg-config zlib1g-dev libcsv-dev libcjson-dev
libmongoc-dev libbson-dev libxgboost-dev xgboost libcmocka-dev libzstd-dev zstd libisal-dev libssl-dev sqlite3 clang
libclang-rt-14-dev clang-format python3 python3-xgboost python3-jsonschema tzdata gzip chromium dpkg-dev groff-base man-db"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing:$missing" >&2
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

# Node.js and npm (for the MongoDB test server) are often installed outside
# Debian's packages, and Debian's npm then conflicts: only when missing.
if ! command -v npm >/dev/null 2>&1; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null ||
		echo "setup: could not install nodejs and npm: MongoDB tests will be skipped" >&2
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
echo "setup: built build/ecomctl" >&2
