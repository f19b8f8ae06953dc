#!/usr/bin/env bash
# The cluster backend's jobs stand apart (tui/bk.h): each tui/bk_job_*.c
# opens with a comment saying what it owns, gives the others nothing but
# its bk_run_* entry points (which only the runner's table, bk_jobs.c,
# names), and calls no other job file's function; what jobs share lives in
# bk_jobs.c and bk_release.c.
set -euo pipefail
src="${TTSTUI_SOURCE_DIR:?}"

fail() { echo "FAIL: $*" >&2; exit 1; }

# check DIR: prints one line a breach of the rules in DIR's bk_job_*.c
check() {
    python3 - "$1" <<'PY'
import glob, os, re, sys
d = sys.argv[1]
files = sorted(glob.glob(os.path.join(d, "bk_job_*.c")))
text = {f: open(f, encoding="utf-8").read() for f in files}
table = open(os.path.join(d, "bk_jobs.c"), encoding="utf-8").read()
name = os.path.basename
for f in files:
    if not text[f].startswith("/*"):
        print("%s: no comment at its head" % name(f))
    # functions with external linkage defined at the start of a line
    for line in text[f].splitlines():
        m = re.match(r"[a-z][a-z_0-9 ]*[ *]+([a-z_0-9]+)\(", line)
        if not m or line.startswith("static"):
            continue
        fn = m.group(1)
        if not fn.startswith("bk_run_"):
            print("%s: %s is not a job's entry point" % (name(f), fn))
        for g in files:
            if g != f and re.search(r"\b%s\b" % fn, text[g]):
                print("%s calls %s of %s" % (name(g), fn, name(f)))
        if not re.search(r"\b%s\b" % fn, table):
            print("%s (%s) is not in bk_jobs.c's table" % (fn, name(f)))
PY
}

n=$(ls "$src"/tui/bk_job_*.c | wc -l)
[[ $n -ge 10 ]] || fail "found only $n tui/bk_job_*.c files"
out=$(check "$src/tui")
[[ -z "$out" ]] || fail "the jobs do not stand apart:"$'\n'"$out"

# the check bites: a copy where one job calls another's helper, and one
# whose head is code
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ttstui-jobs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp "$src"/tui/bk_job_*.c "$src"/tui/bk_jobs.c "$tmp"/
printf '\nint bk_shared_helper(void)\n{\n    return 0;\n}\n' >>"$tmp/bk_job_pin.c"
printf '\nstatic int use(void)\n{\n    return bk_shared_helper();\n}\n' >>"$tmp/bk_job_logs.c"
out=$(check "$tmp")
grep -q 'bk_job_pin.c: bk_shared_helper is not a job' <<<"$out" || fail "the check misses a helper: $out"
grep -q 'bk_job_logs.c calls bk_shared_helper of bk_job_pin.c' <<<"$out" || fail "the check misses a cross-call: $out"
cp "$src"/tui/bk_job_pin.c "$tmp"/
printf '\nvoid bk_run_pin2(job *j)\n{\n    bk_run_pin(j);\n}\n' >>"$tmp/bk_job_delete.c"
out=$(check "$tmp")
grep -q 'bk_job_delete.c calls bk_run_pin of bk_job_pin.c' <<<"$out" || fail "the check misses a job calling a job: $out"
grep -q 'bk_run_pin2 (bk_job_delete.c) is not in' <<<"$out" || fail "the check misses an entry point outside the table: $out"
sed -i '1s/^/#include <stdio.h>\n/' "$tmp/bk_job_model.c"
out=$(check "$tmp")
grep -q 'bk_job_model.c: no comment at its head' <<<"$out" || fail "the check misses a file without its head: $out"
echo "ok: jobs-apart.test.sh ($n job files)"
