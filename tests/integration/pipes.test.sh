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

printf 'field_manager: piped\n' >"$TT_TMP/settings.yaml"
run_bare render -o json "${ARGS[@]}" --api-keys "$KEYS" --settings <(cat "$TT_TMP/settings.yaml")
assert_rc 0 "render with piped settings"

# FIFOs with no writer: exit 2 naming the file, in seconds.
mkfifo "$TT_TMP/keys.fifo" "$TT_TMP/config.fifo" "$TT_TMP/settings.fifo"
run_bare render "${ARGS[@]}" --api-keys "$TT_TMP/keys.fifo"
assert_rc 2 "render with a FIFO nobody writes to as --api-keys"
assert_contains "$ERR" "$TT_TMP/keys.fifo: nothing was written to it within 5 s"
assert_le "$SECS" 15 "a FIFO with no writer took (s)"
run_bare render --config "$TT_TMP/config.fifo"
assert_rc 2 "render with a FIFO nobody writes to as --config"
assert_contains "$ERR" "$TT_TMP/config.fifo: nothing was written to it within 5 s"
run_bare render "${ARGS[@]}" --api-keys "$KEYS" --settings "$TT_TMP/settings.fifo"
assert_rc 2 "render with a FIFO nobody writes to as --settings"
assert_contains "$ERR" "$TT_TMP/settings.fifo: nothing was written to it within 5 s"
pass
