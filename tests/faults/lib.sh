# Helpers for the fault-matrix script tests (tests/lib/cli.sh). Source it
# first.
TT_TMP_PREFIX=ttstui-faults
source "$(dirname "${BASH_SOURCE[0]}")/../lib/cli.sh"
