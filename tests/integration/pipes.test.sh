#!/usr/bin/env bash
# Inputs that are pipes: --api-keys, --config and --settings given as a
# process substitution are read once (the keys are read by validation, by
# the template and by the Secret rule: each gets the same bytes); a FIFO
# nobody writes to is an error naming it within seconds, never a hang.
source "$(dirname "$0")/lib.sh"

REF="$TEST_DATA/reference"
KEYS="$REF/apikeys.example.json"
ARGS=(--env staging --model v3 --version 1 --image "$IMG" --include-image-api-keys true)

run_bare render -o json "${ARGS[@]}" --api-keys "$KEYS"
assert_rc 0 "render with the key file"
want="$OUT"

run_bare render -o json "${ARGS[@]}" --api-keys <(cat "$KEYS")
assert_rc 0 "render with the keys from a process substitution"
assert_eq "$OUT" "$want" "render with piped keys"

jq -n --arg img "$IMG" '{env:"staging", model:"v3", version:"1", image:$img, includeImageApiKeys:"true"}' \
    >"$TT_TMP/release.json"
run_bare render -o json --config <(cat "$TT_TMP/release.json") --api-keys <(cat "$KEYS")
assert_rc 0 "render with --config and --api-keys both piped"
assert_eq "$OUT" "$want" "render with piped config"

# a deployment config file (its shape picks the template) through a pipe
DEP="$TEST_DATA/deployments/good/prod/five9-de-de.config.json"
run_bare render -o json --config "$DEP" --api-keys "$KEYS"
assert_rc 0 "render of a deployment file"
want_dep="$OUT"
run_bare render -o json --config <(cat "$DEP") --api-keys "$KEYS"
assert_rc 0 "render of a piped deployment file"
assert_eq "$OUT" "$want_dep" "render of a piped deployment file"

printf 'field_manager: piped\n' >"$TT_TMP/settings.yaml"
run_bare render -o json "${ARGS[@]}" --api-keys "$KEYS" --settings <(cat "$TT_TMP/settings.yaml")
assert_rc 0 "render with piped settings"

# A named FIFO with a writer works like a file (the writer blocks until
# ttstui opens it).
mkfifo "$TT_TMP/keys-w.fifo" "$TT_TMP/config-w.fifo"
cat "$KEYS" >"$TT_TMP/keys-w.fifo" &
w1=$!
cat "$TT_TMP/release.json" >"$TT_TMP/config-w.fifo" &
w2=$!
run_bare render -o json --config "$TT_TMP/config-w.fifo" --api-keys "$TT_TMP/keys-w.fifo"
kill "$w1" "$w2" 2>/dev/null || true # still blocked only when a FIFO was not read
wait "$w1" "$w2" 2>/dev/null || true
assert_rc 0 "render with --config and --api-keys from FIFOs with a writer"
assert_eq "$OUT" "$want" "render from FIFOs"

# FIFOs with no writer: exit 2 naming the file, in seconds (the three run
# side by side: each waits its 5 s).
mkfifo "$TT_TMP/keys.fifo" "$TT_TMP/config.fifo" "$TT_TMP/settings.fifo"
t0=$(date +%s)
"$TTSTUI_BIN" render "${ARGS[@]}" --api-keys "$TT_TMP/keys.fifo" >/dev/null 2>"$TT_TMP/e1" &
p1=$!
"$TTSTUI_BIN" render --config "$TT_TMP/config.fifo" >/dev/null 2>"$TT_TMP/e2" &
p2=$!
"$TTSTUI_BIN" render "${ARGS[@]}" --api-keys "$KEYS" --settings "$TT_TMP/settings.fifo" \
    >/dev/null 2>"$TT_TMP/e3" &
p3=$!
RC=0; wait $p1 || RC=$?
assert_rc 2 "render with a FIFO nobody writes to as --api-keys"
RC=0; wait $p2 || RC=$?
assert_rc 2 "render with a FIFO nobody writes to as --config"
RC=0; wait $p3 || RC=$?
assert_rc 2 "render with a FIFO nobody writes to as --settings"
assert_le $(( $(date +%s) - t0 )) 15 "FIFOs with no writer took (s)"
assert_contains "$(cat "$TT_TMP/e1")" "$TT_TMP/keys.fifo: nothing was written to it within 5 s"
assert_contains "$(cat "$TT_TMP/e2")" "$TT_TMP/config.fifo: nothing was written to it within 5 s"
assert_contains "$(cat "$TT_TMP/e3")" "$TT_TMP/settings.fifo: nothing was written to it within 5 s"
pass
