# The safety rules in the dashboard: --readonly and read-only contexts from
# the settings refuse every change; the deploy form applies the settings'
# environment/context rule before the preview.
. "$(dirname "$0")/lib.sh"
start_cluster

# --readonly: the header says so and deploy/delete are refused.
start_tui 160 40 --readonly
wait_for "viacom"
wait_match '^ ttstui  ctx demo .*\[read-only\]'
keys d
wait_for "Read-only mode (--readonly): 'deploy' is disabled"
keys x
wait_for "Read-only mode (--readonly): 'delete' is disabled"
refute_screen "Deploy > "
quit_tui
tm kill-server

# A read-only context in the settings.
mkdir -p "$XDG_CONFIG_HOME/ttstui"
printf 'readonly_contexts: ["demo"]\n' >"$XDG_CONFIG_HOME/ttstui/config.yaml"
start_tui 160 40
wait_for "viacom"
wait_match '^ ttstui  ctx demo .*\[read-only\]'
keys x
wait_for "'delete' is disabled: kube context 'demo' is read-only (readonly_contexts"
keys p
wait_for "'pin-latest' is disabled"
quit_tui
tm kill-server

# An environment marked read-only whose contexts name demo: delete is refused
# (the action carries no env of its own) and the model stays.
cat >"$XDG_CONFIG_HOME/ttstui/config.yaml" <<'YAML'
environments:
  - name: staging
  - name: prod
    contexts: ["demo"]
    readonly: true
YAML
start_tui 160 40
wait_for "viacom"
wait_match '^ ttstui  ctx demo .*\[read-only\]'
filter_models usp
keys x
wait_for "'delete' is disabled: environment prod is read-only"
refute_screen "Type usp to confirm"
quit_tui
tm kill-server
grep -F '"action":"delete"' "$AUDIT_LOG" 2>/dev/null | grep -qF '"result":"ok"' &&
  fail "a delete ran under a read-only environment"

# prod only through gke_*_prod contexts: the form refuses env prod on demo.
cat >"$XDG_CONFIG_HOME/ttstui/config.yaml" <<'YAML'
environments:
  - name: staging
    contexts: ["demo"]
  - name: prod
    contexts: ["gke_*_prod"]
YAML
start_tui 160 40
wait_for "viacom"
refute_screen "[read-only]"
filter_models v8
keys d
wait_for "Ready: Enter shows the preview"
keys BTab BTab BTab Space
wait_for "environment prod may not be released through kube context 'demo'"
wait_for "1 field to fix before the preview"
keys Enter
wait_for "Fix 1 field first"
refute_screen "kind: Namespace"
keys Space
wait_for "Ready: Enter shows the preview"
keys Escape
wait_for "35 models"
quit_tui
pass "read-only flag and contexts refuse changes; env/context rule in the form"
