# Not allowed to list across namespaces (403): the header says which list
# is forbidden and what the dashboard needs, in one line, instead of
# retrying for ever.
. "$(dirname "$0")/lib.sh"
start_cluster --forbid-cluster-list
start_tui 200 30
wait_match "connection failed: not allowed to list and watch (services|revisions)\.serving\.knative\.dev in all namespaces \(403 Forbidden\)"
wait_match '^ ttstui  ctx demo .*✗ connection failed: .*403 Forbidden' 3
keys q
wait_for "exit=0"
pass "403 on cluster-wide lists explained in the header"
