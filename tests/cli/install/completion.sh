# The bash completion, generated from the tables of --help, completes
# commands, subcommands, options and the values of choice options; the zsh
# one parses (when zsh is there) and names every command. Checked by
# sourcing the script in bash and calling its function as bash would.
command -v bash > /dev/null || { echo "no bash: skipped"; exit 77; }
set -e
"$ECOMCTL" help --format bash > ecomctl.bash
"$ECOMCTL" help --format zsh > _ecomctl
cat > run.bash <<'SH'
source ./ecomctl.bash
comp() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _ecomctl; echo "${COMPREPLY[*]}"; }
[ "$(comp ecomctl tr)" = "train" ] || { echo "tr: $(comp ecomctl tr)"; exit 1; }
[ "$(comp ecomctl funnel --by '')" = "category top brand price hour weekday day" ] || { echo "by: $(comp ecomctl funnel --by '')"; exit 1; }
[ "$(comp ecomctl train --task '')" = "both intent category" ] || exit 1
[ "$(comp ecomctl features --task '')" = "intent category" ] || exit 1
[ "$(comp ecomctl models re)" = "report" ] || { echo "models re: $(comp ecomctl models re)"; exit 1; }
[ "$(comp ecomctl models report --ag)" = "--against" ] || exit 1
[ "$(comp ecomctl --log-format '')" = "text json" ] || exit 1
comp ecomctl sessions --max-s | grep -q -- "--max-session" || exit 1
comp ecomctl score --models-no-such | grep -q . && exit 1
touch events-1.csv
[ "$(comp ecomctl sessions events-)" = "events-1.csv" ] || exit 1
exit 0
SH
bash run.bash
if command -v zsh > /dev/null; then
	zsh -n _ecomctl
fi
for c in inspect sessions features train score evaluate models funnel synth demo; do
	grep -q "'$c:" _ecomctl || { echo "zsh: no $c"; exit 1; }
done
