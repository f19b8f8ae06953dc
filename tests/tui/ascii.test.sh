# --ascii (or a non-UTF-8 locale) draws the symbols in ASCII; the words
# stay, so readiness reads without colour and without Unicode.
. "$(dirname "$0")/headless-lib.sh"

run_script asc fleet-basic.json 120x20 --ascii <<'KEYS'
:wait-for "lincoln"
KEYS
expect_line asc '^v3 +\* pinned +\+ Ready +\+ Ready'
expect_line asc '^five9-de-de +\+ Ready +x Failed'
expect_line asc '^lincoln +\.\.\. Pending'
expect_not asc "✓"

LC_ALL=C run_script clocale fleet-basic.json 120x20 <<'KEYS'
:wait-for "lincoln"
KEYS
expect_line clocale '^lincoln +\.\.\. Pending'
