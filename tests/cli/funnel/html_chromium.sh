# The HTML report renders in a real browser: headless Chromium takes a
# screenshot (a PNG of some size, not an error page) and its DOM holds the
# step labels. Without /usr/bin/chromium that part is skipped; the page's
# labels are then checked in the file itself.
set -e
"$ECOMCTL" -q synth --rows 20000 --seed 7 -o events.csv
"$ECOMCTL" -q funnel --by top --by brand --by price -o out events.csv
for label in '1. view' '2. cart' '3. purchase' 'Most abandoned products' 'Daily trend'; do
	grep -q "$label" out/funnel.html || { echo "funnel.html lacks '$label'"; exit 1; }
done
if [ ! -x /usr/bin/chromium ]; then
	echo "no /usr/bin/chromium: browser rendering not checked" >&2
	exit 0
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
browse() {
	timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic \
		--no-first-run --disable-background-networking --disable-component-update \
		--disable-sync --user-data-dir="$profile" "$@" "file://$PWD/out/funnel.html"
}
browse --screenshot="$PWD/shot.png" --window-size=1200,1600 2>chromium.log
test -f shot.png || { echo "no screenshot"; tail chromium.log; exit 1; }
size=$(wc -c < shot.png)
[ "$size" -gt 30000 ] || { echo "screenshot only $size bytes"; exit 1; }
[ "$(head -c 8 shot.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
	{ echo "screenshot is not a PNG"; exit 1; }
browse --dump-dom > dom.html 2>>chromium.log
for label in '1. view' '2. cart' '3. purchase' 'By top-level category'; do
	grep -q "$label" dom.html || { echo "the rendered DOM lacks '$label'"; exit 1; }
done
! grep -qi '<script' dom.html
