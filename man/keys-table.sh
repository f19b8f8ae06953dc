#!/usr/bin/env bash
# Prints the KEY BINDINGS table of ttstui.1 (tbl source) or of README.md
# (Markdown) from `ttstui --print-keys`, the dashboard's keymap table
# (tui/keymap.h, TUI_ACTIONS), so the documentation never drifts from the
# bindings. tests/docs/man-keys.test.sh checks that both documents hold
# exactly this text between their BEGIN/END KEYS markers.
#   man/keys-table.sh [--markdown] TTSTUI_BINARY
#   man/keys-table.sh --update TTSTUI_BINARY   rewrite man/ttstui.1 and README.md
set -euo pipefail

format=roff
update=0
case "${1:-}" in
  --markdown) format=markdown; shift ;;
  --update) update=1; shift ;;
esac
bin=${1:?usage: keys-table.sh [--markdown|--update] TTSTUI_BINARY}

all_views="models,model,revision,logs,form,preview,confirm,help,contexts"

table() { # table roff|markdown
  "$bin" --print-keys | awk -F'\t' -v fmt="$1" -v all="$all_views" '
    function roff(s) {
      gsub(/\\/, "\\e", s)
      gsub(/-/, "\\-", s)
      gsub(/`[^`]*`/, "\\(lq&\\(rq", s)
      gsub(/`/, "", s)
      return s
    }
    function md(s) {
      gsub(/\|/, "\\|", s)
      return s
    }
    {
      views = ($3 == all) ? "all" : $3
      gsub(/,/, ", ", views)
      if (fmt == "roff") {
        printf "\\fB%s\\fR\t%s\tT{\n%s.\n\\fIViews:\\fP %s.\nT}\n", roff($1), roff($2), roff($4), roff(views)
      } else {
        n = split($2, k, " "); keys = ""
        for (i = 1; i <= n; i++) keys = keys (i > 1 ? " " : "") "`" k[i] "`"
        printf "| `%s` | %s | %s | %s |\n", $1, keys, views, md($4)
      }
    }'
}

emit() {
  if [ "$1" = roff ]; then
    printf '%s\n' '.na' '.nh' '.TS' 'tab(	);' 'lB lB lB' 'l l lx.' \
      'Action	Keys	What it does' '_'
    table roff
    printf '%s\n' '.TE' '.ad' '.hy'
  else
    printf '%s\n' '| action | keys | views | what it does |' '|---|---|---|---|'
    table markdown
  fi
}

# replace_between FILE BEGIN END TEXT_FILE: the lines strictly between the
# marker lines become TEXT_FILE's content.
replace_between() {
  local file=$1 begin=$2 end=$3 text=$4 tmp
  tmp=$(mktemp)
  B=$begin E=$end T=$text awk '
    $0 == ENVIRON["B"] { print; while ((getline l < ENVIRON["T"]) > 0) print l; skip = 1; next }
    $0 == ENVIRON["E"] { skip = 0 }
    !skip { print }' "$file" >"$tmp"
  cat "$tmp" >"$file"
  rm -f "$tmp"
}

if [ "$update" = 1 ]; then
  root=$(cd "$(dirname "$0")/.." && pwd)
  tmp=$(mktemp)
  emit roff >"$tmp"
  replace_between "$root/man/ttstui.1" '.\" BEGIN KEYS (man/keys-table.sh)' '.\" END KEYS' "$tmp"
  emit markdown >"$tmp"
  replace_between "$root/README.md" '<!-- BEGIN KEYS (man/keys-table.sh --markdown) -->' '<!-- END KEYS -->' "$tmp"
  rm -f "$tmp"
else
  emit "$format"
fi
