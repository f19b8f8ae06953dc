# Flags, the config file and themes: --print-keys, --help, keybindings
# from the config file, --theme names and files, bad themes.
. "$(dirname "$0")/headless-lib.sh"

"$TTSTUI_BIN" --print-keys >"$out/keys"
grep -qP '^deploy\td\tmodels,model\t' "$out/keys" || { echo "FAIL: --print-keys" >&2; cat "$out/keys" >&2; exit 1; }
grep -qP '^quit\tQ\t' "$out/keys" || { echo "FAIL: --print-keys has no quit" >&2; exit 1; }
"$TTSTUI_BIN" --help | grep -cF -- "--fake-backend FILE" >/dev/null || { echo "FAIL: --help" >&2; exit 1; }
if "$TTSTUI_BIN" --no-such-flag 2>"$out/err"; then echo "FAIL: unknown flag accepted" >&2; exit 1; fi
grep -qF "unknown option --no-such-flag" "$out/err" || { echo "FAIL: unknown flag message" >&2; cat "$out/err" >&2; exit 1; }

# keybindings from the config file rebind an action by name
cat >"$out/config.yaml" <<'YAML'
keybindings:
  open: [o]
  help: [F1, H]
YAML
run_script rebind fleet-basic.json 100x20 --settings="$out/config.yaml" <<'KEYS'
:wait-for "lincoln"
H
:expect "Keys of the models view"
:expect "<F1> H"
<Esc>
o
:wait-for "Model five9-de-de"
KEYS
expect rebind "Recent events"

# A rebound key is what the footer, the help and --print-keys show.
cat >"$out/apply-A.yaml" <<'YAML'
keybindings:
  apply: [A]
  back: [Esc, B]
YAML
run_script rebound fleet-basic.json 110x30 --settings="$out/apply-A.yaml" <<'KEYS'
:wait-for "lincoln"
/v3<Enter>
d
<Enter>
:wait-for "kind: Namespace"
:expect "A apply"
:expect-not "a apply"
?
:expect "A                     Apply the release"
<Esc>
A
KEYS
expect rebound "Apply v3/3?"
run_script rebound-dash fleet-basic.json 140x20 --settings="$out/apply-A.yaml" <<'KEYS'
:wait-for "lincoln"
KEYS
expect rebound-dash "B quit"
expect_not rebound-dash "q quit"
# Esc on the plain dashboard names the key that quits, as bound.
run_script rebound-esc fleet-basic.json 140x20 --settings="$out/apply-A.yaml" <<'KEYS'
:wait-for "lincoln"
<Esc>
KEYS
expect rebound-esc "On the dashboard: B quits"
expect_not rebound-esc "q quits"
printf 'keybindings:\n  back: [Esc]\n  quit: [X]\n' >"$out/back-esc.yaml"
run_script esc-only fleet-basic.json 140x20 --settings="$out/back-esc.yaml" <<'KEYS'
:wait-for "lincoln"
<Esc>
KEYS
expect esc-only "On the dashboard: X quits"
# The dashboard's footer names a key that quits there: with back bound to
# Esc alone (Esc never quits the dashboard) that is quit's key, the default
# Q or a rebound one; back's other key when it has one.
printf 'keybindings:\n  back: [Esc]\n' >"$out/back-esc-only.yaml"
run_script footer-esc fleet-basic.json 250x20 --settings="$out/back-esc-only.yaml" <<'KEYS'
:wait-for "lincoln"
KEYS
expect footer-esc "help  Q quit"
expect_not footer-esc "Esc quit"
run_script footer-esc-x fleet-basic.json 250x20 --settings="$out/back-esc.yaml" <<'KEYS'
:wait-for "lincoln"
KEYS
expect footer-esc-x "help  X quit"
expect_not footer-esc-x "Esc quit"
run_script footer-esc-b fleet-basic.json 250x20 --settings="$out/apply-A.yaml" <<'KEYS'
:wait-for "lincoln"
KEYS
expect footer-esc-b "help  B quit"
printf 'keybindings:\n  back: [Esc, Left]\n' >"$out/back-left.yaml"
run_script footer-left fleet-basic.json 250x20 --settings="$out/back-left.yaml" <<'KEYS'
:wait-for "lincoln"
KEYS
expect footer-left "help  Left quit"
run_script footer-default fleet-basic.json 250x20 <<'KEYS'
:wait-for "lincoln"
KEYS
expect footer-default "help  q quit"
"$TTSTUI_BIN" --print-keys --settings="$out/apply-A.yaml" >"$out/keys-A"
grep -qP '^apply\tA\tpreview,plan\t' "$out/keys-A" ||
  { echo "FAIL: --print-keys does not show the rebound key" >&2; cat "$out/keys-A" >&2; exit 1; }

cat >"$out/bad-config.yaml" <<'YAML'
keybindings:
  opne: [o]
YAML
if "$TTSTUI_BIN" --settings="$out/bad-config.yaml" --headless-script=/dev/null 2>"$out/err"; then
  echo "FAIL: an unknown action in keybindings was accepted" >&2; exit 1
fi
grep -qF "unknown action 'opne'" "$out/err" || { echo "FAIL: message" >&2; cat "$out/err" >&2; exit 1; }

# $TTSTUI_CONFIG names the settings file when --settings is not given
if TTSTUI_CONFIG="$out/bad-config.yaml" "$TTSTUI_BIN" --headless-script=/dev/null 2>"$out/err"; then
  echo "FAIL: TTSTUI_CONFIG was not read" >&2; exit 1
fi
grep -qF "unknown action 'opne'" "$out/err" || { echo "FAIL: TTSTUI_CONFIG message" >&2; cat "$out/err" >&2; exit 1; }

# --config belongs to the subcommands (release parameters): the dashboard
# says which flag it wants instead
set +e
"$TTSTUI_BIN" --config="$out/bad-config.yaml" 2>"$out/err"
rc=$?
set -e
[ "$rc" -eq 2 ] || { echo "FAIL: --config on the dashboard exited $rc" >&2; exit 1; }
grep -qF "the dashboard's settings file is --settings" "$out/err" || { echo "FAIL: --config message" >&2; cat "$out/err" >&2; exit 1; }

# shipped themes by name, NO_COLOR, and a theme file with an error
for t in dark light mono; do
  run_script "theme-$t" fleet-basic.json 100x20 --theme="$t" <<'KEYS'
:wait-for "lincoln"
KEYS
  expect "theme-$t" "✓ Ready"
done
NO_COLOR=1 run_script nocolor fleet-basic.json 100x20 <<'KEYS'
:wait-for "lincoln"
KEYS
expect nocolor "✗ Failed"

printf 'name: broken\nroles:\n  header: {fg: white}\n  headr: {fg: red}\n' >"$out/broken.yaml"
if "$TTSTUI_BIN" --theme="$out/broken.yaml" --headless-script=/dev/null 2>"$out/err"; then
  echo "FAIL: a broken theme was accepted" >&2; exit 1
fi
grep -qF "broken.yaml:4: unknown role 'headr'" "$out/err" || { echo "FAIL: theme error" >&2; cat "$out/err" >&2; exit 1; }
if "$TTSTUI_BIN" --theme=solarized --headless-script=/dev/null 2>"$out/err"; then
  echo "FAIL: an unknown theme was accepted" >&2; exit 1
fi
grep -qF "theme 'solarized' not found" "$out/err" || { echo "FAIL: theme name error" >&2; cat "$out/err" >&2; exit 1; }
