# Delete a model whose namespace never finishes terminating (a finalizer
# that never clears): the progress line says what holds it, from the
# namespace's conditions, and the dashboard stays responsive.
. "$(dirname "$0")/lib.sh"
start_cluster --stuck-namespaces
start_tui 200 45
wait_for "viacom"
filter_models usp
keys x
wait_for "Type usp to confirm"
type_text usp
keys Tab Enter
wait_for "finalizers remaining: demo.example.com/never" 30
wait_match 'namespace/usp +Terminating: Some content in the namespace has finalizers'
keys Escape
wait_match '^usp \(deleting\)'
quit_tui
pass "a stuck deletion names the finalizer that holds it"
