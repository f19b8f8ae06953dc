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
    local dir=$1 f g fn
    for f in "$dir"/bk_job_*.c; do
        head -n 1 "$f" | grep -q '^/\*' || echo "$(basename "$f"): no comment at its head"
        # functions with external linkage defined at the start of a line
        for fn in $(grep -E '^[a-z][a-z_0-9 ]*[ *]+[a-z_0-9]+\(' "$f" | grep -v '^static' |
                    sed -E 's/^.*[ *]([a-z_0-9]+)\(.*/\1/'); do
            [[ "$fn" == bk_run_* ]] || echo "$(basename "$f"): $fn is not a job's entry point"
            for g in "$dir"/bk_job_*.c; do
                [[ "$g" == "$f" ]] && continue
                grep -qw "$fn" "$g" && echo "$(basename "$g") calls $fn of $(basename "$f")"
            done
            grep -qw "$fn" "$dir/bk_jobs.c" || echo "$fn ($(basename "$f")) is not in bk_jobs.c's table"
        done
    done
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
