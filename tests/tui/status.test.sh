# A status message longer than the line wraps onto up to 3 rows at the
# bottom (the body gives them up), so a refusal is readable at any width.
. "$(dirname "$0")/headless-lib.sh"

printf 'readonly_contexts: ["demo-staging"]\n' >"$out/settings.yaml"
run_script wrap fleet-basic.json 80x24 --settings "$out/settings.yaml" <<'KEYS'
:wait-for "lincoln"
x
:wait-for "is disabled"
KEYS
# 24 rows: the message takes the last two, whole, and the list is still there
[ "$(tail -n 2 "$out/wrap.screen" | tr -s ' \n' '  ')" = \
  "Read-only: 'delete' is disabled: kube context 'demo-staging' is read-only (readonly_contexts in $out/settings.yaml) " ] ||
  { echo "FAIL: the refusal is not wrapped whole over the last two rows:" >&2; cat "$out/wrap.screen" >&2; exit 1; }
expect wrap "3 models"
expect_line wrap '^v3 '
