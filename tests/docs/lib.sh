# Helpers for the documentation tests (sourced, not a test itself).
# No pipefail: `producer | grep -q` would fail when grep stops reading early.
set -eu
: "${TTSTUI_SOURCE_DIR:?run through ctest}" "${TTSTUI_BIN:?run through ctest}"
src=$TTSTUI_SOURCE_DIR
man1=$src/man/ttstui.1
man5=$src/man/ttstui-config.5
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)" >&2
    exit 1
  fi
  echo "ok"
}

# roff source with the escapes that hide words removed: \- -> -, fonts.
man_text() {
  sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(lq\|\\(rq//g' "$1"
}

# man_tags FILE: "SECTION<TAB>SUBSECTION<TAB>--flag" for every long flag on
# the tag line of a .TP paragraph, i.e. every option the page documents.
man_tags() {
  man_text "$1" | awk '
    /^\.SH / { sh = substr($0, 5); gsub(/"/, "", sh); ss = ""; next }
    /^\.SS / { ss = substr($0, 5); gsub(/"/, "", ss); next }
    /^\.TP/ { tag = 1; next }
    tag { tag = 0; s = $0
          while (match(s, /--[a-z][a-z0-9-]*/)) {
            printf "%s\t%s\t%s\n", sh, ss, substr(s, RSTART, RLENGTH)
            s = substr(s, RSTART + RLENGTH)
          } }'
}

# The long flags a --help text on stdin defines, one a line, sorted: those
# of its usage lines and in the left column of its option lines
# ("  -n, --namespace NS    text"), not those mentioned in descriptions.
long_flags() {
  awk '/^Usage: |^       ttstui / { print; next }
       /^ +-/ { sub(/^ +/, ""); n = index($0, "  "); print (n ? substr($0, 1, n - 1) : $0) }' \
    | grep -o -- '--[a-z][a-z0-9-]*' | sort -u
}

# The commands listed under "Commands:" in `ttstui --help`.
help_commands() {
  "$TTSTUI_BIN" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }'
}
