# cpack -G DEB builds a package: its control file depends on the shared
# libraries ecomctl links (found by dpkg-shlibdeps), its contents are the
# installed files, and the binary it carries runs (extracted, not installed:
# tests do not change the system).
[ -n "$EC_BUILD_DIR" ] && [ -f "$EC_BUILD_DIR/CMakeCache.txt" ] || { echo "no build tree: skipped"; exit 77; }
command -v dpkg-deb > /dev/null && command -v cpack > /dev/null || { echo "no dpkg-deb or cpack: skipped"; exit 77; }
set -e
cpack -G DEB --config "$EC_BUILD_DIR/CPackConfig.cmake" -B "$PWD/pkg" > cpack.log 2>&1 ||
	{ cat cpack.log; exit 1; }
deb=$(ls pkg/*.deb)
dpkg-deb -f "$deb" Package | grep -qx ecomctl
for lib in libxgboost0 libmongoc-1.0-0 libcjson1 libcsv3 libssl3 zlib1g libzstd1; do
	dpkg-deb -f "$deb" Depends | grep -q "$lib" || { echo "Depends lacks $lib"; exit 1; }
done
dpkg-deb -c "$deb" > contents
for f in ./usr/bin/ecomctl ./usr/share/man/man1/ecomctl.1 \
	./usr/share/bash-completion/completions/ecomctl ./usr/share/zsh/vendor-completions/_ecomctl \
	./usr/share/doc/ecomctl/examples/ecomctl-score.service; do
	grep -q " $f\$" contents || { echo "the package lacks $f"; exit 1; }
done
dpkg-deb -x "$deb" root
root/usr/bin/ecomctl version | grep -q '^ecomctl [0-9]'
