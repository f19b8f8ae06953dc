#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan, coverage-instrumented
# libraries) in build-fuzz/ and runs each for a while.
#   scripts/fuzz.sh [--seconds N] [--build-dir D] [--merge] [target...]
#     --seconds N    time per target (default 30)
#     --build-dir D  build and work there (default build-fuzz)
#     --merge        afterwards, merge inputs that add coverage into
#                    tests/fuzz/corpus/<target>/ (otherwise the source tree
#                    is never written: the run works on a copy in build-fuzz/)
#     target         kubeconfig watch status config theme params registry list (default:
#                    every tests/fuzz/fuzz_<target>.c)
# CI: scripts/fuzz.sh --seconds 20.  A longer run: see tests/fuzz/README.md.
# Exits 1 when a target crashed (or leaked, timed out, ran out of memory),
# naming the input that did it.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)

seconds=30
merge=0
build=build-fuzz
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=${2:?--seconds needs a number}; shift ;;
    --seconds=*) seconds=${1#--seconds=} ;;
    --merge) merge=1 ;;
    --build-dir) build=${2:?--build-dir needs a folder}; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
case "$seconds" in ''|*[!0-9]*) echo "fuzz.sh: --seconds wants a whole number" >&2; exit 2 ;; esac

known=$(cd tests/fuzz && ls fuzz_*.c | sed 's/^fuzz_\(.*\)\.c$/\1/' | tr '\n' ' ')
[ ${#targets[@]} -eq 0 ] && read -r -a targets <<<"$known"
for t in "${targets[@]}"; do
  case " $known " in *" $t "*) ;; *) echo "fuzz.sh: no target '$t' (have: $known)" >&2; exit 2 ;; esac
done

command -v clang >/dev/null || { echo "fuzz.sh: clang is missing (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }

# Warnings the gcc-tuned list trips in clang: -Wformat=2 counts the va_list
# wrappers in common/ (tt_error_setv, tt_buf_vprintf) as non-literal formats,
# and clang has no -Wno-format-truncation.
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
flags="$flags -fno-omit-frame-pointer -Wno-error=format-nonliteral -Wno-unknown-warning-option"
cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DTTSTUI_FUZZ=ON -DCMAKE_C_FLAGS="$flags" >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log" >&2; exit 2; }
rm -f "$build.configure.log"
cmake --build "$build" -j 2 --target $(printf 'fuzz_%s ' "${targets[@]}")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
summary=()
start=$SECONDS
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/fuzz_$t
  work=$build/fuzz-corpus/$t       # grows from run to run; never in the source tree
  artifacts=$build/fuzz-artifacts/$t
  log=$build/fuzz-logs/$t.log
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  cp -n tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null || true
  cp -n tests/fuzz/regressions/"$t"/* "$work"/ 2>/dev/null || true
  dict=()
  [ -f tests/fuzz/dict/"$t".dict ] && dict=(-dict="tests/fuzz/dict/$t.dict")

  echo "== fuzz_$t: ${seconds}s (log: $log)"
  rc=0
  "$bin" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=65536 \
         -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" "$work" \
         >"$log" 2>&1 || rc=$?

  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
  if [ $rc -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $rc)"
    kind=$(grep -m1 -o 'ERROR: [A-Za-z]*Sanitizer: [a-z-]*\|ERROR: libFuzzer: [a-z-]*\|invariant broken' "$log" || true)
    [ -n "$kind" ] && result="FAILED: $kind"
    failed+=("$t|${crash:-?}")
  fi
  line=$(printf '%-11s runs %-9s cov %-6s ft %-6s corpus %-5s %s' "$t" "${runs:-?}" "${cov:-?}" \
         "${ft:-?}" "$(ls "$work" | wc -l)" "$result")
  echo "$line"
  summary+=("$line")

  if [ $rc -eq 0 ] && [ $merge -eq 1 ]; then
    before=$(ls tests/fuzz/corpus/"$t" | wc -l)
    "$bin" -merge=1 -timeout=5 -rss_limit_mb=2048 tests/fuzz/corpus/"$t" "$work" \
           >"$build/fuzz-logs/$t.merge.log" 2>&1
    echo "   merged: tests/fuzz/corpus/$t has $(ls tests/fuzz/corpus/"$t" | wc -l) inputs (was $before)"
  fi
done

echo
echo "== summary (${#targets[@]} targets, $((SECONDS - start))s of fuzzing)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo
  for f in "${failed[@]}"; do
    t=${f%%|*}; file=${f#*|}
    echo "fuzz_$t failed on: $src/$file"
    echo "  see $build/fuzz-logs/$t.log; reproduce: $build/tests/fuzz/fuzz_$t $file"
    echo "  minimise: $build/tests/fuzz/fuzz_$t -minimize_crash=1 -runs=10000 $file"
    echo "  then copy it into tests/fuzz/regressions/$t/ (a name saying what it hits) and fix the bug:"
    echo "  the fuzz-replay.$t test replays it in every build from then on."
  done
  exit 1
fi
