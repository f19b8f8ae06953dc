# The KEY BINDINGS table of ttstui(1) and the keys table of README.md are
# exactly what man/keys-table.sh makes from `ttstui --print-keys` (the
# keymap's X-macro table), so every action is there with its current keys.
# After changing tui/keymap.h: man/keys-table.sh --update build/ttstui
. "$(dirname "$0")/lib.sh"

between() { # between FILE BEGIN-LINE END-LINE
  B=$2 E=$3 awk '$0 == ENVIRON["E"] { on = 0 } on { print } $0 == ENVIRON["B"] { on = 1 }' "$1"
}

actions=$("$TTSTUI_BIN" --print-keys | cut -f1)
[ "$(printf '%s\n' "$actions" | wc -l)" -ge 20 ] \
  || fail "ttstui --print-keys printed too few actions: $actions"

man_table=$(between "$man1" '.\" BEGIN KEYS (man/keys-table.sh)' '.\" END KEYS')
expected=$(bash "$src/man/keys-table.sh" "$TTSTUI_BIN")
[ "$man_table" = "$expected" ] \
  || fail "the KEY BINDINGS table in man/ttstui.1 differs from ttstui --print-keys (run man/keys-table.sh --update \$TTSTUI_BIN):
$(diff <(printf '%s\n' "$expected") <(printf '%s\n' "$man_table") | head -20)"

readme_table=$(between "$src/README.md" '<!-- BEGIN KEYS (man/keys-table.sh --markdown) -->' '<!-- END KEYS -->')
expected_md=$(bash "$src/man/keys-table.sh" --markdown "$TTSTUI_BIN")
[ "$readme_table" = "$expected_md" ] \
  || fail "the keys table in README.md differs from ttstui --print-keys (run man/keys-table.sh --update \$TTSTUI_BIN):
$(diff <(printf '%s\n' "$expected_md") <(printf '%s\n' "$readme_table") | head -20)"

# Every action name, as the settings' keybindings spell it, is in the
# rendered KEY BINDINGS section.
rendered=$(MANWIDTH=200 man -l "$man1" 2>/dev/null | sed -n '/^KEY BINDINGS/,/^FILES/p')
for a in $actions; do
  printf '%s\n' "$rendered" | grep -qE "^ +$a +" \
    || fail "action '$a' (ttstui --print-keys) is not a row of KEY BINDINGS in man/ttstui.1"
done

finish
