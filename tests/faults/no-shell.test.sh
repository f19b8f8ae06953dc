#!/usr/bin/env bash
# No shell anywhere: ttstui's C sources never run a program through
# system(), popen() or the exec*() variants that search with a shell
# fallback; helpers (exec credential plugins) go through posix_spawn.
# The test data and tools (tests/, scripts/) are not part of the program.
set -euo pipefail
src="${TTSTUI_SOURCE_DIR:?}"
cd "$src"
dirs=(common core k8s cli tui)
n=$(find "${dirs[@]}" -name '*.[ch]' | wc -l)
[[ $n -gt 20 ]] || { echo "FAIL: found only $n C files under ${dirs[*]}" >&2; exit 1; }

# calls, not words in comments or strings: strip both first
hits=$(find "${dirs[@]}" -name '*.[ch]' -print0 | xargs -0 python3 -c '
import re, sys
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8", errors="replace").read()
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"\"(\\.|[^\"\\\n])*\"", "\"\"", text)
    for i, line in enumerate(text.split("\n"), 1):
        if re.search(r"\b(system|popen|execl|execlp|execle|execv|execvp|execvpe|wordexp)\s*\(", line):
            print("%s:%d: %s" % (path, i, line.strip()))
')
if [[ -n "$hits" ]]; then
    echo "FAIL: shell or exec calls in ttstui's sources:" >&2
    echo "$hits" >&2
    exit 1
fi
# and the one place that starts programs uses posix_spawn
grep -q "posix_spawn(" k8s/kube_exec.c || { echo "FAIL: k8s/kube_exec.c no longer uses posix_spawn" >&2; exit 1; }
# the scanner finds a call when there is one
probe=$(printf 'int f(void) { return system("x"); }\n' | python3 -c '
import re, sys
print(bool(re.search(r"\b(system|popen)\s*\(", sys.stdin.read())))')
[[ "$probe" == True ]] || { echo "FAIL: the scanner misses system(" >&2; exit 1; }
echo "ok: no-shell.test.sh ($n C files, no system/popen/exec*)"
