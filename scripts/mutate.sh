#!/usr/bin/env bash
# The suite's own mutation check: applies one realistic one-line change at
# a time to a scratch copy of the tree, rebuilds, runs the tests named for
# it, and prints whether they caught it (KILLED) or not (SURVIVED).
#   scripts/mutate.sh [LIST] [--keep]
# LIST (default tests/mutations.txt): one mutation per line,
#   FILE<TAB>ORIGINAL<TAB>MUTATED<TAB>CTEST-REGEX
# ORIGINAL must occur exactly once in FILE (else the line is reported as
# STALE and skipped). Blank lines and lines starting with # are ignored.
# The working tree is never modified; the scratch copy is removed at the
# end unless --keep. Exit status: 0 when every mutation was killed, 1 when
# one survived (or went stale), 2 on a usage or build error.
set -euo pipefail
cd "$(dirname "$0")/.."
list=tests/mutations.txt
keep=""
for a in "$@"; do
  case "$a" in
    --keep) keep=1 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) list="$a" ;;
  esac
done
[[ -f "$list" ]] || { echo "mutate: no list $list" >&2; exit 2; }

scratch=$(mktemp -d "${TMPDIR:-/tmp}/ttstui-mutate.XXXXXX")
cleanup() { [[ -n "$keep" ]] && echo "kept $scratch" >&2 || rm -rf "$scratch"; }
trap cleanup EXIT
# The tracked files as they are in the working tree (uncommitted edits too).
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$scratch"
cmake -S "$scratch" -B "$scratch/build" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$scratch/build" -j2 >/dev/null || { echo "mutate: the unmutated tree does not build" >&2; exit 2; }

killed=0 survived=0 stale=0
while IFS=$'\t' read -r -u 3 file orig mutated tests; do
  [[ -z "$file" || "$file" == \#* ]] && continue
  target="$scratch/$file"
  n=$(python3 - "$target" "$orig" <<'PY'
import sys
print(open(sys.argv[1]).read().count(sys.argv[2]))
PY
)
  if [[ "$n" != 1 ]]; then
    echo "STALE     $file: '$orig' occurs $n times"
    stale=$((stale + 1)); continue
  fi
  cp "$target" "$target.orig"
  python3 - "$target" "$orig" "$mutated" <<'PY'
import sys
p, a, b = sys.argv[1:]
s = open(p).read()
open(p, "w").write(s.replace(a, b, 1))
PY
  if ! cmake --build "$scratch/build" -j2 >/dev/null 2>&1; then
    verdict=KILLED; why="(does not build)"
  elif (cd "$scratch/build" && ctest -R "$tests" --timeout 300 >/dev/null 2>&1); then
    verdict=SURVIVED; why=""
  else
    verdict=KILLED; why=""
  fi
  mv "$target.orig" "$target"
  touch "$target"
  if [[ $verdict == KILLED ]]; then killed=$((killed + 1)); else survived=$((survived + 1)); fi
  printf '%-9s %s: %s -> %s %s\n' "$verdict" "$file" "$orig" "$mutated" "$why"
done 3<"$list" </dev/null # the list on fd 3: ctest and the builds must not read it
cmake --build "$scratch/build" -j2 >/dev/null 2>&1 || true
echo "mutations: $killed killed, $survived survived, $stale stale"
[[ $survived -eq 0 && $stale -eq 0 ]]
