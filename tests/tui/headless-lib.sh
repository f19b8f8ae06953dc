# Helpers for the headless script tests (sourced, not a test itself).
#   run_script NAME FIXTURE SIZE [ttstui flags...] <<'KEYS' ... KEYS
# (FIXTURE: a file of tests/data/tui, or an absolute path)
# runs the real binary on a virtual screen with the keys from stdin and
# leaves the final screen in $out/NAME.screen; fails the test on error.
set -euo pipefail
: "${TTSTUI_BIN:?run through ctest}" "${TTSTUI_TEST_DATA:?run through ctest}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
data=$TTSTUI_TEST_DATA/tui

run_script() {
  local name=$1 fixture=$2 size=$3
  shift 3
  cat >"$out/$name.keys"
  local args=(--headless-script="$out/$name.keys" --headless-size="$size"
              --headless-dump="$out/$name.screen")
  case $fixture in
    "") ;;
    /*) args+=(--fake-backend="$fixture") ;;
    *) args+=(--fake-backend="$data/$fixture") ;;
  esac
  if ! "$TTSTUI_BIN" "${args[@]}" "$@" 2>"$out/$name.err"; then
    echo "FAIL: $name: ttstui failed:" >&2
    cat "$out/$name.err" >&2
    exit 1
  fi
}

screen() { cat "$out/$1.screen"; }

expect() { # expect NAME TEXT
  if ! grep -qF -- "$2" "$out/$1.screen"; then
    echo "FAIL: $1: expected '$2' on the screen:" >&2
    cat "$out/$1.screen" >&2
    exit 1
  fi
}

expect_not() {
  if grep -qF -- "$2" "$out/$1.screen"; then
    echo "FAIL: $1: did not expect '$2' on the screen:" >&2
    cat "$out/$1.screen" >&2
    exit 1
  fi
}

# expect_line NAME REGEX: one screen line matches the extended regex
expect_line() {
  if ! grep -qE -- "$2" "$out/$1.screen"; then
    echo "FAIL: $1: no line matches /$2/:" >&2
    cat "$out/$1.screen" >&2
    exit 1
  fi
}
