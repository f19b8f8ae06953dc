# Helpers for the integration tests (tests/lib/cli.sh). Source it first.
TT_TMP_PREFIX=ttstui-it
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"
