# The man page, generated from the tables of --help, holds every command
# and every option of every command and subcommand, as `ecomctl help CMD`
# lists them (parsed here from the --help text), its exit statuses and its
# environment; groff renders it without a warning.
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
set -e
"$ECOMCTL" help --format man > ecomctl.1
for page in inspect sessions features train score evaluate models funnel synth schema demo \
	"models report" "models compare" "mongo replay" "history export"; do
	# shellcheck disable=SC2086
	"$ECOMCTL" $page --help > "help.$(echo $page | tr ' ' _)"
done
"$ECOMCTL" help > commands
python3 - <<'PY'
import glob, re
man = open("ecomctl.1").read().replace("\\-", "-").replace("\\fB", "").replace("\\fR", "").replace("\\fI", "")
cmds = [l.split()[0] for l in open("commands") if l.startswith("  ") and l.split()]
assert len(cmds) >= 12, cmds
for c in cmds:
    assert re.search(r"^\.TP\n\.B %s$" % re.escape(c), man, re.M), c
n = 0
for f in glob.glob("help.*"):
    text = open(f).read()
    name = f[5:].replace("_", " ")
    assert ('.SS "ecomctl %s ' % name) in man, name
    for opt in re.findall(r"^\s+(?:-\w, )?--([a-z0-9-]+)", text, re.M):
        assert "--" + opt in man, (name, opt)
        n += 1
for code in ("64", "65", "66", "69", "70", "73", "74", "75", "78"):
    assert re.search(r"^\.B %s$" % code, man, re.M), code
for env in ("ECOMCTL_CONFIG", "MONGODB_URI", "XDG_CONFIG_HOME", "JOURNAL_STREAM"):
    assert env in man, env
print(n, "options found in the man page")
PY
if command -v groff > /dev/null; then
	groff -man -ww -z ecomctl.1 2> groff.err
	[ ! -s groff.err ] || { cat groff.err; exit 1; }
fi
