# Changes show without a key press: lincoln becomes Ready while idle.
. "$(dirname "$0")/headless-lib.sh"

run_script live fleet-live.json 120x20 <<'KEYS'
:wait-for "… Pending"
:wait-for "2 ready" 3000
KEYS
expect_line live '^lincoln +✓ Ready +✓ Ready +4 '
