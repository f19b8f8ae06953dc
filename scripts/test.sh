#!/usr/bin/env bash
# Builds ttstui and runs the whole test suite with ctest.
#   scripts/test.sh              normal build in build/
#   scripts/test.sh --sanitize   AddressSanitizer + UBSan build in build-asan/ (time limits x3)
#   scripts/test.sh --valgrind   unit tests under valgrind memcheck (build/, time limits x10)
# Extra arguments after -- go to ctest (e.g. -- -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=normal
ctest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize) mode=sanitize ;;
    --valgrind) mode=valgrind ;;
    --) shift; ctest_args=("$@"); break ;;
    *) echo "test.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

jobs=$(nproc 2>/dev/null || echo 2)
# Most tests wait on a server, a pipe or a terminal rather than the CPU, so
# ctest runs twice as many at once as there are cores (every test waits
# for a state, never for a duration). Not under valgrind, which is bound
# by the CPU.
test_jobs=$((jobs * 2))
case "$mode" in
  normal)
    build=build
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTTSTUI_TEST_TIMEOUT_SCALE=1 >/dev/null
    ;;
  sanitize)
    build=build-asan
    # -O1, as the sanitizers' docs advise: the same checks, the suite runs
    # about twice as fast as at -O0 (assertions stay on: Debug).
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-g -O1" \
      -DTTSTUI_SANITIZE=ON -DTTSTUI_TEST_TIMEOUT_SCALE=3 >/dev/null
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    ;;
  valgrind)
    build=build
    # Same build as the normal pass; only the tests' time limits change
    # (valgrind is ~50x slower), so nothing is recompiled.
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTTSTUI_TEST_TIMEOUT_SCALE=10 >/dev/null
    ;;
esac

cmake --build "$build" -j "$jobs"

if [ "$mode" = valgrind ]; then
  command -v valgrind >/dev/null || { echo "test.sh: --valgrind needs valgrind on PATH" >&2; exit 2; }
  cd "$build"
  # The project has no CTest dashboard script (DartConfiguration.tcl), so
  # the memory checker is named here; timing bounds in tests scale by
  # TTSTUI_TEST_SLOWDOWN under valgrind.
  export TTSTUI_TEST_SLOWDOWN=50
  ctest -L unit -T memcheck \
    --overwrite MemoryCheckCommand="$(command -v valgrind)" \
    --overwrite MemoryCheckCommandOptions="--leak-check=full --error-exitcode=1 --errors-for-leak-kinds=definite" \
    -j "$jobs" --output-on-failure "${ctest_args[@]}"
  exit $?
fi

cd "$build"
ctest --output-on-failure -j "$test_jobs" "${ctest_args[@]}"
