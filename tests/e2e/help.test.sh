# ? shows the keys of the current view; q closes it.
. "$(dirname "$0")/lib.sh"
start_cluster
start_tui 120 40
wait_for "viacom"
keys '?'
wait_for "Keys of the models view"
wait_for "Move down one line  (move-down)"
keys q
wait_for "35 models"
refute_screen "Keys of the models view"
open_model v9
keys '?'
wait_for "Keys of the model view"
quit_tui
pass "help for the dashboard and a model"
