# The deploy form's image field against a real registry (Debian's
# docker-registry, images pushed by skopeo): a tag typed in the field is
# resolved in the background (tag → sha256:…), C-t lists the repository's
# tags to pick one, the preview renders the digest, a registry that went
# away is said under the field, and one that never answers leaves the form
# usable.
. "$(dirname "$0")/lib.sh"
for tool in docker-registry skopeo; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/install-deps.sh)"
done
PY=python3
[[ -x /usr/bin/python3 ]] && PY=/usr/bin/python3
OCI="$TTSTUI_SOURCE_DIR/tests/registry/oci.py"

port=$(free_port)
mkdir -p "$E2E_TMP/reg/data"
cat >"$E2E_TMP/reg/config.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $E2E_TMP/reg/data}}
http: {addr: 127.0.0.1:$port}
YAML
docker-registry serve "$E2E_TMP/reg/config.yml" >"$E2E_TMP/reg/log" 2>&1 &
REGPID=$!
DEMO_PIDS+=("$REGPID") # stopped by the cleanup with the demo clusters
for _ in $(seq 1 400); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v2/" || true)" == 200 ]] && break
  kill -0 "$REGPID" 2>/dev/null || fail "the registry exited: $(cat "$E2E_TMP/reg/log")"
  sleep 0.05
done
repo="127.0.0.1:$port/tts/worker"
d1=$("$PY" "$OCI" "$E2E_TMP/oci" v1 "worker one")
d2=$("$PY" "$OCI" "$E2E_TMP/oci" v2 "worker two")
for tag in v1 v2; do
  skopeo copy -q --all --preserve-digests "oci:$E2E_TMP/oci:$tag" "docker://$repo:$tag" \
    --dest-tls-verify=false >"$E2E_TMP/skopeo.log" 2>&1 || fail "skopeo: $(cat "$E2E_TMP/skopeo.log")"
done

start_cluster --image-digests "$E2E_TMP/digests"
# a model released by tag without resolving it: the demo cluster (as
# Knative) records a digest for it that is not what the tag points at in
# this registry, so the dashboard marks the tag as moved
"$TTSTUI_BIN" --kubeconfig "$KC" apply --env staging --model tagged --version 1 \
  --image "$repo:v1" --no-resolve --yes --wait >/dev/null 2>"$E2E_TMP/apply.err" ||
  fail "apply by tag: $(cat "$E2E_TMP/apply.err")"
# the same tag released once the cluster resolves it as this registry
# does: it runs what the tag points at, no mark
echo "$repo:v1 $d1" >"$E2E_TMP/digests"
"$TTSTUI_BIN" --kubeconfig "$KC" apply --env staging --model current --version 1 \
  --image "$repo:v1" --no-resolve --yes --wait >/dev/null 2>"$E2E_TMP/apply.err" ||
  fail "apply by tag: $(cat "$E2E_TMP/apply.err")"
start_tui 160 45
wait_for "viacom"
# one lookup per tag: once tagged is marked, the registry's answer is in
wait_match '^tagged .*:v1 moved' 30
wait_match '^current .*:v1' 30
[[ "$(model_line current)" != *moved* ]] ||
  fail "a model running what its tag points at is marked moved: $(model_line current)"
[[ "$(model_line v8)" != *moved* ]] || fail "a model released by digest is marked moved: $(model_line v8)"
filter_models v8
keys d
wait_for "Deploy > v8"
wait_for "Ready: Enter shows the preview"
# the focus starts on the image field of a live model
keys C-u
type_text "$repo:v1"
wait_for "tag → $d1" 30
keys C-t
wait_for "2 tags of $repo:v1"
keys Down Enter
wait_match "Image +$repo:v2"
wait_for "tag → $d2" 30
keys Enter
wait_for "kind: Namespace" 30
wait_for "image: $repo@$d2"
refute_screen "image: $repo:v2"
keys Escape
wait_for "Deploy > v8"
# the registry goes away: its error under the field, the form still works
demo_stop "$REGPID"
keys BTab Tab
keys C-u
type_text "$repo:v3"
wait_match "registry: .*(127\\.0\\.0\\.1:$port|connect|reach)" 40
keys BTab
wait_match "Version +6$"
# a registry that never answers: the field says it is asking, the form
# still takes keys (the lookup is on a job thread)
"$PY" "$TTSTUI_SOURCE_DIR/tests/registry/fake_registry.py" slow "$E2E_TMP/slow.port" \
  >/dev/null 2>&1 &
DEMO_PIDS+=("$!")
for _ in $(seq 1 400); do [[ -s "$E2E_TMP/slow.port" ]] && break; sleep 0.05; done
[[ -s "$E2E_TMP/slow.port" ]] || fail "the slow registry did not start"
keys Tab
keys C-u
type_text "127.0.0.1:$(cat "$E2E_TMP/slow.port")/acme/tts:v1"
wait_for "tag: asking the registry for its digest..."
keys BTab
keys C-u
type_text 77
wait_match "Version +77$"
wait_for "tag: asking the registry for its digest..."
keys Escape
wait_for "Discard changes?"
keys Tab Enter
wait_for "37 models"
quit_tui
pass "image tags resolved as typed, picked from the registry's list, rendered by digest"
