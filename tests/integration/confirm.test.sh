#!/usr/bin/env bash
# The CLI's typed confirmation on a real terminal (a pseudo-terminal made
# by confirm-tty.py): delete without --yes deletes only when the model's
# name is typed exactly; an empty answer, a prefix, a longer name, another
# case or another name refuse (exit 3) and delete nothing. apply's y/N
# question likewise takes only y or yes.
source "$(dirname "$0")/lib.sh"
start_demo --no-seed
TTY="$(dirname "$0")/confirm-tty.py"

run_tt apply $(release_flags conf1 1) --yes --wait --timeout 1m
assert_rc 0 "apply conf1"

typed() { # ANSWER ARGS...: ttstui on a terminal, ANSWER typed at the prompt
    local answer="$1"; shift
    set +e
    OUT="$(python3 "$TTY" "$PROMPT" "$answer" "$TTSTUI_BIN" --kubeconfig "$KC" "$@" 2>&1)"
    RC=$?
    set -e
    printf '%s\n' "$OUT" >>"$TT_TMP/all-output"
}

PROMPT="Type the model name (conf1) to delete it: "
for answer in "" "conf" "conf1x" "CONF1" "conf2" "y"; do
    typed "$answer" delete conf1
    assert_rc 3 "delete with '$answer' typed"
    assert_contains "$OUT" "$PROMPT" "the prompt (answer '$answer')"
    assert_contains "$OUT" "refused: the typed name did not match conf1; nothing was deleted" "answer '$answer'"
    assert_eq "$(kc get namespace conf1 -o jsonpath='{.status.phase}')" "Active" "conf1 after '$answer'"
done
assert_contains "$(last_audit)" '"result":"refused"' "refusal audited"

# apply's question takes y or yes; anything else, or nothing, refuses.
PROMPT="[y/N]: "
for answer in "" "n" "ye" "yess" "conf1"; do
    typed "$answer" apply $(release_flags conf1 2 "$IMG2")
    assert_rc 3 "apply with '$answer' typed"
    assert_eq "$(kc get ksvc -n conf1 stream -o jsonpath='{.spec.template.metadata.name}')" "stream-1" "template after '$answer'"
done
# The question names the context: a hostile context name is cleaned.
EVIL_CTX=$'demo\e]0;pwned\a\xe2\x80\xae'
jq --arg c "$EVIL_CTX" '.contexts[0].name = $c | ."current-context" = $c' <(kc config view --raw -o json) \
    >"$TT_TMP/evil-kubeconfig"
set +e
OUT="$(python3 "$TTY" "[y/N]: " "n" "$TTSTUI_BIN" --kubeconfig "$TT_TMP/evil-kubeconfig" \
    apply $(release_flags conf1 2 "$IMG2") 2>&1)"
RC=$?
set -e
assert_rc 3 "apply declined on a context with a hostile name"
assert_contains "$OUT" "to context demo?]0;pwned??" "the question names the context, cleaned"
check; [[ "$OUT" != *$'\e'* && "$OUT" != *$'\a'* && "$OUT" != *$'\xe2\x80\xae'* ]] ||
    fail "the confirmation question carries raw control characters"

typed "y" apply $(release_flags conf1 2 "$IMG2")
assert_rc 0 "apply with y typed"
assert_eq "$(kc get ksvc -n conf1 stream -o jsonpath='{.spec.template.metadata.name}')" "stream-2" "template after y"

PROMPT="Type the model name (conf1) to delete it: "
typed "conf1" delete conf1
assert_rc 0 "delete with the exact name typed"
phase="$(kc get namespace conf1 -o jsonpath='{.status.phase}' 2>/dev/null || echo gone)"
[[ "$phase" == "Terminating" || "$phase" == "gone" ]] || fail "conf1 after the exact name: '$phase'"
check

echo "confirm: $N_CHECKS checks passed"
