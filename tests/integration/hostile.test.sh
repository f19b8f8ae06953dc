#!/usr/bin/env bash
# Hostile strings from the cluster (and echoed arguments) never reach the
# terminal raw: status, diff, an apply refusal, the audit replay and error
# messages carry no escape sequence, C1 control, bidi or zero-width character.
source "$(dirname "$0")/lib.sh"
start_demo

# ESC ]0 (retitle), BEL, ESC [2J (clear), ESC ]52 (clipboard), CSI as U+009B,
# DEL, U+202E (right-to-left override), U+200B (zero-width space); then
# "é" (two bytes, one cell) and "全" (three bytes, two cells).
EVIL=$'gcr.io/evil/worker\e]0;pwned\a\e[2J\e]52;c;aGk=\a\xc2\x9b2J\x7f\xe2\x80\xae\xe2\x80\x8b\xc3\xa9\xe5\x85\xa8:latest'

# assert_terminal_safe FILE WHAT: FILE holds nothing a terminal would obey.
assert_terminal_safe() {
    check
    python3 - "$1" <<'PY' || fail "$2: unsafe bytes in the output"
import sys
data = open(sys.argv[1], "rb").read()
text = data.decode("utf-8", errors="replace")
bad = [hex(ord(c)) for c in text
       if (ord(c) < 0x20 and c not in "\n\t") or 0x7f <= ord(c) <= 0x9f
       or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069
       or 0x200b <= ord(c) <= 0x200f or ord(c) == 0xfeff or ord(c) == 0xfffd]
if bad:
    print("unsafe characters:", sorted(set(bad)), file=sys.stderr)
    sys.exit(1)
PY
}
# assert_aligned WHAT: every row of the table in $OUT has its cells start
# at its header's column offsets, counted in terminal cells as printed
# (cells are separated by runs of two or more spaces).
assert_aligned() {
    check
    python3 - "$OUT" <<'PY' || fail "$1: columns not aligned"
import re, sys, unicodedata
def cells(line):  # (display offset, text) of each run of non-double-space
    col, out, i = 0, [], 0
    for m in re.finditer(r"\S+(?: \S+)*", line):
        col += sum(2 if unicodedata.east_asian_width(c) in "WF" else 1
                   for c in line[i:m.start()])
        out.append(col)
        col += sum(2 if unicodedata.east_asian_width(c) in "WF" else 1
                   for c in m.group(0))
        i = m.end()
    return out
lines = sys.argv[1].split("\n")
starts = set(cells(lines[0]))
bad = [l for l in lines[1:] if l and not set(cells(l)) <= starts]
if bad:
    print("header:", lines[0], sorted(starts), file=sys.stderr)
    for l in bad:
        print("row:   ", l, cells(l), file=sys.stderr)
    sys.exit(1)
PY
}
both() { cat "$TT_TMP/out" "$TT_TMP/err" >"$TT_TMP/both"; assert_terminal_safe "$TT_TMP/both" "$1"; }

run_tt apply $(release_flags h1 1) --yes
assert_rc 0 "apply h1"
# A hostile release of the service: revision stream-2 with that image.
EVIL_JSON="$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$EVIL")"
kc patch ksvc -n h1 stream --type json -p "[
  {\"op\":\"replace\",\"path\":\"/spec/template/metadata/name\",\"value\":\"stream-2\"},
  {\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":$EVIL_JSON}]" >/dev/null
for _ in $(seq 1 400); do # until the demo's Knative made stream-2 Ready
    [[ "$(ksvc_state h1 stream)" == stream-2* ]] && break
    sleep 0.05
done
check
[[ "$(ksvc_state h1 stream)" == stream-2* ]] || fail "revision stream-2 did not become Ready"

run_tt status
assert_rc 0 "status"
assert_contains "$OUT" "worker?]0;pwned??[2J" "status keeps the printable part"
assert_contains "$OUT" $'\xc3\xa9\xe5\x85\xa8:latest' "status keeps valid UTF-8"
both "status"
assert_aligned "status"

run_tt status h1
both "status h1"
assert_aligned "status h1"
run_tt status --contexts "$(kc config current-context)"
assert_rc 0 "status --contexts"
both "status --contexts"
assert_aligned "status --contexts"

# diff against the live service: the removed line quotes the live image.
run_tt diff $(release_flags h1 3)
assert_rc 1 "diff"
assert_contains "$OUT" "pwned" "diff shows the live image"
both "diff"

# The version rule quotes the live revision's image in its refusal.
run_tt apply $(release_flags h1 2) --yes
assert_rc 3 "apply of an existing version with another image"
assert_contains "$ERR" "pwned" "the refusal names the live image"
both "apply refusal"

# A new version with another image: the summary of what changes beyond the
# version quotes the live image.
run_tt apply $(release_flags h1 3 "$IMG2") --yes
assert_rc 0 "apply of a new version over the hostile image"
assert_contains "$OUT" "changes beyond the version" "apply lists the changes"
assert_contains "$OUT" "worker?]0;pwned??[2J" "the summary names the live image, cleaned"
both "apply summary"

# The audit log keeps the refusal; its replay is clean too.
run_tt audit -n 10
assert_rc 0 "audit"
both "audit"

# The audit file itself is safe to cat: JSON escapes, non-ASCII as \uXXXX.
assert_terminal_safe "$AUDIT_LOG" "the audit file"
assert_contains "$(cat "$AUDIT_LOG")" '\u009B2J\u007F\u202E\u200B' "the audit file escapes C1, DEL, bidi, zero-width"

# -o json: exact values, escaped so that the text is terminal-safe too.
run_tt status -o json
assert_rc 0 "status -o json"
both "status -o json"
check; [[ "$(jq -r '.[] | select(.model=="h1") | .. | strings | select(test("pwned"))' <<<"$OUT" | head -1)" == "$EVIL" ]] ||
    fail "status -o json does not carry the exact image"
run_tt status --contexts "$(kc config current-context)" -o json
assert_rc 0 "status --contexts -o json"
both "status --contexts -o json"

# Arguments echoed in errors.
run_tt status $'x\e]0;t\a\xc2\x9b'
assert_rc 4 "status of a hostile model name"
assert_contains "$ERR" "x?]0;t?" "the name is shown cleaned"
both "status with a hostile argument"

# Valid UTF-8 passes untouched.
run_tt status $'caf\xc3\xa9\xe2\x9c\x93'
assert_contains "$ERR" $'caf\xc3\xa9\xe2\x9c\x93' "UTF-8 passes"

pass
