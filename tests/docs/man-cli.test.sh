# ttstui(1) against --help, both ways (the curl discipline): every command
# and every long flag that `ttstui --help` and `ttstui COMMAND --help` print
# is documented as an option in the man page, in the command's own section
# or among the global options (and the release parameters for render, diff
# and apply), and every option the man page documents is in that --help.
. "$(dirname "$0")/lib.sh"

tags=$(man_tags "$man1")
top_help=$("$TTSTUI_BIN" --help)
commands=$(help_commands)
[ -n "$commands" ] || fail "ttstui --help lists no commands under 'Commands:'"

documented() { # documented FLAG SECTION... (a section is "SH" or "SH<TAB>SS")
  local flag=$1 sec
  shift
  for sec in "$@"; do
    printf '%s\n' "$tags" | awk -F'\t' -v sec="$sec" -v flag="$flag" '
      ($1 == sec || $1 "\t" $2 == sec) && $3 == flag { found = 1 } END { exit !found }' \
      && return 0
  done
  return 1
}

release_cmd() { case "$1" in render|diff|apply) return 0 ;; esac; return 1; }

# Commands: each has a section "ttstui CMD" and the other way round.
for cmd in $commands; do
  man_text "$man1" | grep -qx ".SS \"ttstui $cmd\"" \
    || fail "command '$cmd' (ttstui --help) has no section .SS \"ttstui $cmd\" in man/ttstui.1"
done
for cmd in $(sed -n 's/^\.SS "ttstui \(.*\)"$/\1/p' "$man1" | sed 's/\\-/-/g'); do
  printf '%s\n' "$commands" | grep -qx -- "$cmd" \
    || fail "man/ttstui.1 documents command '$cmd', which ttstui --help does not list"
done

# Flags of ttstui --help: global options or dashboard options.
for flag in $(printf '%s\n' "$top_help" | long_flags); do
  documented "$flag" 'GLOBAL OPTIONS' 'DASHBOARD	DASHBOARD OPTIONS' \
    || fail "$flag (ttstui --help) is not documented under GLOBAL OPTIONS or DASHBOARD OPTIONS"
done
for sec in 'GLOBAL OPTIONS' 'DASHBOARD'; do
  for flag in $(printf '%s\n' "$tags" | awk -F'\t' -v s="$sec" '$1 == s && $2 != "Views" && $2 != "Commands" { print $3 }' | sort -u); do
    printf '%s\n' "$top_help" | long_flags | grep -qx -- "$flag" \
      || fail "man/ttstui.1 documents $flag under $sec, but ttstui --help does not print it"
  done
done

# Flags of each command's --help.
for cmd in $commands; do
  [ "$cmd" = help ] && continue
  if ! cmd_help=$("$TTSTUI_BIN" "$cmd" --help 2>&1); then
    fail "ttstui $cmd --help failed: $cmd_help"
    continue
  fi
  sections=("COMMANDS	ttstui $cmd" 'GLOBAL OPTIONS')
  release_cmd "$cmd" && sections+=('RELEASE PARAMETERS')
  for flag in $(printf '%s\n' "$cmd_help" | long_flags); do
    documented "$flag" "${sections[@]}" \
      || fail "$flag (ttstui $cmd --help) is not documented in man/ttstui.1 under 'ttstui $cmd', GLOBAL OPTIONS$(release_cmd "$cmd" && echo ' or RELEASE PARAMETERS')"
  done
  for flag in $(printf '%s\n' "$tags" | awk -F'\t' -v s="ttstui $cmd" '$1 == "COMMANDS" && $2 == s { print $3 }' | sort -u); do
    printf '%s\n' "$cmd_help" | long_flags | grep -qx -- "$flag" \
      || fail "man/ttstui.1 documents $flag for '$cmd', but ttstui $cmd --help does not print it"
  done
done

# Release parameters: the man page's list is what render --help prints.
render_help=$("$TTSTUI_BIN" render --help 2>&1 || true)
for flag in $(printf '%s\n' "$tags" | awk -F'\t' '$1 == "RELEASE PARAMETERS" { print $3 }' | sort -u); do
  printf '%s\n' "$render_help" | long_flags | grep -qx -- "$flag" \
    || fail "man/ttstui.1 documents release parameter $flag, but ttstui render --help does not print it"
done

# Exit statuses: each number of the --help list is in EXIT STATUS.
exit_section=$(awk '/^\.SH "EXIT STATUS"/ { on = 1; next } /^\.SH / { on = 0 } on' "$man1")
for code in $(printf '%s\n' "$top_help" | awk '/^Exit status:/ { on = 1; next } on && /^$/ { exit } on && $1 ~ /^[0-9]+$/ { print $1 }'); do
  printf '%s\n' "$exit_section" | grep -qx ".B $code" \
    || fail "exit status $code (ttstui --help) is not in EXIT STATUS of man/ttstui.1"
done

finish
