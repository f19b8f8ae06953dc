# The dashboard lists models with readiness as symbol + word, the pin
# marker, and a header with context, env and connection state.
. "$(dirname "$0")/headless-lib.sh"

run_script dash fleet-basic.json 120x20 <<'KEYS'
:wait-for "lincoln"
KEYS
expect dash "ctx demo-staging"
expect dash "env  staging"
expect dash "● connected"
expect dash "3 models  1 ready  1 failing"
expect_line dash '^v3 +● pinned +✓ Ready +✓ Ready +2 '
expect_line dash '^five9-de-de +✓ Ready +✗ Failed +6 \(split\)'
expect_line dash '^lincoln +… Pending +… Pending +3 '
expect_line dash '^v3 .* 3af2c7a3a888 0-32 '
expect dash "q quit"

# Without a backend the header says the connection is not wired.
run_script nowire "" 120x20 <<'KEYS'
:wait-for "not wired"
KEYS
expect nowire "not connected: cluster connection not wired yet"
expect nowire "--fake-backend FILE"
