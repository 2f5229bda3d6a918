# The configuration search path: --config, then $ECOMCTL_CONFIG, then
# $XDG_CONFIG_HOME/ecomctl/config.json (~/.config when unset); the first
# found wins and the others are not read. A path in a config file is
# relative to that file; --workdir (or a workdir key) runs in a directory,
# so models/ and output/ land under it. An unknown key: exit 78 naming the
# file and the nearest key.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
mkdir -p xdg/ecomctl home/.config/ecomctl env cli work
echo '{"models": "xdg-models"}' > xdg/ecomctl/config.json
echo '{"models": "home-models"}' > home/.config/ecomctl/config.json
echo '{"models": "env-models"}' > env/c.json
echo '{"models": "cli-models"}' > cli/c.json
pc() { "$ECOMCTL" train --print-config "$@" | python3 -c 'import json,sys; print(json.load(sys.stdin)["options"]["models"])'; }
[ "$(HOME=$PWD/home XDG_CONFIG_HOME=$PWD/xdg ECOMCTL_CONFIG=$PWD/env/c.json pc --config cli/c.json)" = "$PWD/cli/cli-models" ]
[ "$(HOME=$PWD/home XDG_CONFIG_HOME=$PWD/xdg ECOMCTL_CONFIG=$PWD/env/c.json pc)" = "$PWD/env/env-models" ]
[ "$(HOME=$PWD/home XDG_CONFIG_HOME=$PWD/xdg pc)" = "$PWD/xdg/ecomctl/xdg-models" ]
[ "$(HOME=$PWD/home XDG_CONFIG_HOME= pc)" = "$PWD/home/.config/ecomctl/home-models" ]
[ "$(HOME=$PWD/nohome XDG_CONFIG_HOME= pc)" = "models" ] || [ -f /etc/ecomctl/config.json ]
# relative to the file even when named by a relative --config
[ "$(HOME=$PWD/nohome pc --config cli/c.json)" = "$PWD/cli/cli-models" ]
# --workdir: outputs under it
"$ECOMCTL" -q synth --rows 500 -o work/ev.csv
HOME=$PWD/nohome "$ECOMCTL" -q sessions --workdir work ev.csv
[ -s work/output/sessions.csv ] || { ls -R work; exit 1; }
ls work/output/runs/*.json > /dev/null
echo '{"workdir": "work"}' > w.json
HOME=$PWD/nohome "$ECOMCTL" -q funnel --config w.json ev.csv
[ -s work/output/funnel.csv ]
set +e
HOME=$PWD/nohome "$ECOMCTL" sessions --workdir no-such-dir ev.csv 2> nodir.err
[ $? -eq 66 ] || { echo "missing workdir: expected 66"; exit 1; }
echo '{"modles": "m"}' > typo.json
HOME=$PWD/nohome "$ECOMCTL" sessions --config typo.json work/ev.csv -o s.csv 2> typo.err
[ $? -eq 78 ] || { echo "unknown key: expected 78"; cat typo.err; exit 1; }
grep -q "typo.json: unknown key 'modles' (did you mean 'models'?)" typo.err || { cat typo.err; exit 1; }
# a key of another command is not unknown
echo '{"rounds": 5}' > other.json
HOME=$PWD/nohome "$ECOMCTL" -q sessions --config other.json work/ev.csv -o s2.csv || exit 1
exit 0
