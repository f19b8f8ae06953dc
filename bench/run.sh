#!/usr/bin/env bash
# bench/run.sh: ttstui's performance harness. Starts the demo cluster at
# each size (N models x 2 services x M revisions), measures `ttstui status
# -o json` next to kubectl, the dashboard (first complete screen, requests,
# idle CPU, change-to-screen latency) and release rendering, and prints ONE
# table with each goal and PASS/MISS. See README.md, "Performance".
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [options]
  --build-dir DIR      build directory (default build-bench; configured and built here)
  --sizes "N ..."      model counts (default "100 1000 5000")
  --quick              sizes "100 1000", 10 s idle, fewer repetitions (CI-ish)
  --revisions M        revisions per service (default 20)
  --idle-seconds S     how long the idle dashboard is watched for CPU (default 60)
  --kubectl-max N      skip kubectl above N models (default: no limit; at 5,000
                       models it needs about 4 minutes and 8 GB)
  --no-tui             skip the dashboard measurements
  --results FILE       also write the table and machine details to FILE
  -h, --help           this text
Needs: cmake, /usr/bin/time (package "time"), kubectl, jsonnet, tmux, curl.
EOF
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build-bench"
sizes="100 1000 5000"
revisions=20
idle=60
quick=0
kubectl_max=0
tui=1
results=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build=$(realpath -m "$2"); shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --quick) quick=1; sizes="100 1000"; idle=10; shift ;;
    --revisions) revisions=$2; shift 2 ;;
    --idle-seconds) idle=$2; shift 2 ;;
    --kubectl-max) kubectl_max=$2; shift 2 ;;
    --no-tui) tui=0; shift ;;
    --results) results=$(realpath -m "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

for tool in cmake kubectl jsonnet tmux curl; do
  command -v "$tool" >/dev/null ||
    { echo "bench/run.sh: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 2; }
done
[ -x /usr/bin/time ] ||
  { echo "bench/run.sh: /usr/bin/time is missing (package 'time'; scripts/install-deps.sh)" >&2; exit 2; }

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }

# ---- build -------------------------------------------------------------------
if [ ! -f "$build/CMakeCache.txt" ]; then
  log "configuring $build (RelWithDebInfo)"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
log "building ttstui, ttstui-demo-cluster, ttstui-render-bench, ttstui-registry-bench in $build"
cmake --build "$build" --target ttstui ttstui-demo-cluster ttstui-render-bench ttstui-registry-bench -j2 >/dev/null
ttstui="$build/ttstui"
cluster_bin="$build/ttstui-demo-cluster"
render_bench="$build/ttstui-render-bench"

tmp=$(mktemp -d /tmp/ttstui-bench.XXXXXX)
sock="ttstui-bench-$$"
cluster_pid=""
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  if [ -n "$cluster_pid" ]; then kill "$cluster_pid" 2>/dev/null || true; wait "$cluster_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/home"
# ttstui reads no user configuration and writes its audit log in here.
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/home/.config" XDG_STATE_HOME="$tmp/home/.state"

# ---- results ------------------------------------------------------------------
declare -A R   # R[key]=value
rows=()        # "measure|models|value|goal|result"
row() { rows+=("$1|$2|$3|$4|$5"); }
verdict() { # verdict EXPR -> PASS/MISS (awk boolean)
  awk "BEGIN{exit !($1)}" && echo PASS || echo MISS
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

# ---- the demo cluster -----------------------------------------------------------
start_cluster() { # start_cluster MODELS
  rm -f "$tmp/kc" "$tmp/cluster.out"
  local t0; t0=$(now_ns)
  "$cluster_bin" --listen 127.0.0.1:0 --kubeconfig-out "$tmp/kc" --models "$1" \
    --revisions "$revisions" >"$tmp/cluster.out" 2>"$tmp/cluster.err" &
  cluster_pid=$!
  for _ in $(seq 1 6000); do
    grep -q '^listening on ' "$tmp/cluster.out" 2>/dev/null && break
    kill -0 "$cluster_pid" 2>/dev/null || { cat "$tmp/cluster.err" >&2; exit 1; }
    sleep 0.05
  done
  url=$(sed -n 's/^listening on //p' "$tmp/cluster.out")
  [ -n "$url" ] || { echo "bench/run.sh: the demo cluster did not start" >&2; exit 1; }
  log "demo cluster: $1 models x 2 x $revisions revisions at $url (seeded in $(ms_since "$t0") ms)"
}
stop_cluster() {
  kill "$cluster_pid" 2>/dev/null || true
  wait "$cluster_pid" 2>/dev/null || true
  cluster_pid=""
}
counters() { curl -sf "$url/debug/requests"; }
counter() { # counter JSON FIELD
  sed -n "s/.*\"$2\": *\([0-9]*\).*/\1/p" <<<"$1"
}

# ---- ttstui status versus kubectl ----------------------------------------------
timed() { # timed OUTFILE CMD... -> "seconds kilobytes" of the command
  /usr/bin/time -f "%e %M" -o "$tmp/time.out" "${@:2}" >"$1" 2>"$tmp/timed.err" ||
    { echo "bench/run.sh: failed: ${*:2}" >&2; cat "$tmp/timed.err" >&2; exit 1; }
  cat "$tmp/time.out"
}

# The floor: the two raw lists (services, revisions; one request each, no
# paging) fetched by curl into /dev/null, what any client must at least
# wait for. Measured next to each status run, so both see the same load.
floor_once() {
  local t=0 w
  for r in services revisions; do
    w=$( { /usr/bin/time -f "%e" curl -sf -o /dev/null "$url/apis/serving.knative.dev/v1/$r"; } 2>&1 ) ||
      { echo "bench/run.sh: curl of the raw $r list failed" >&2; exit 1; }
    t=$(awk -v a="$t" -v b="$w" 'BEGIN{print a + b}')
  done
  echo "$t"
}

bench_status() { # bench_status MODELS
  local n=$1 reps=3 walls="" rss="" floors="" cpus="" before after
  if [ "$quick" = 1 ]; then reps=1; fi
  before=$(counters)
  for i in $(seq 1 "$reps"); do
    floors+=" $(floor_once)"
    /usr/bin/time -f "%e %M %U %S" -o "$tmp/time.out" "$ttstui" --kubeconfig "$tmp/kc" status -o json \
      >"$tmp/status.json" 2>"$tmp/timed.err" ||
      { echo "bench/run.sh: ttstui status failed" >&2; cat "$tmp/timed.err" >&2; exit 1; }
    read -r w m u sy <"$tmp/time.out"
    walls+=" $w"; rss+=" $m"; cpus+=" $(awk -v a="$u" -v b="$sy" 'BEGIN{print a + b}')"
    if [ "$i" = 1 ]; then after=$(counters); fi
  done
  R[floor_wall_$n]=$(echo "$floors" | median)
  R[status_cpu_$n]=$(echo "$cpus" | median)
  local models; models=$(grep -c '"model":' "$tmp/status.json" || true)
  [ "$models" = "$n" ] || { echo "bench/run.sh: status listed $models models, not $n" >&2; exit 1; }
  R[status_wall_$n]=$(echo "$walls" | median)
  R[status_rss_$n]=$(echo "$rss" | median)
  R[status_req_$n]=$(( $(counter "$after" total) - $(counter "$before" total) ))
  log "status -o json: ${R[status_wall_$n]} s (${R[status_cpu_$n]} s CPU), ${R[status_rss_$n]} KB, ${R[status_req_$n]} requests; floor ${R[floor_wall_$n]} s (median of $reps)"

  if [ "$kubectl_max" -gt 0 ] && [ "$n" -gt "$kubectl_max" ]; then
    log "kubectl skipped above $kubectl_max models"
    return
  fi
  local cache="$tmp/kcache-$n"
  # Discovery is cached once (as it would be on an operator's machine).
  kubectl --kubeconfig "$tmp/kc" --cache-dir "$cache" api-resources >/dev/null
  read -r w m < <(timed /dev/null kubectl --kubeconfig "$tmp/kc" --cache-dir "$cache" \
                    get ksvc,revisions -A -o json)
  R[kubectl_wall_$n]=$w
  R[kubectl_rss_$n]=$m
  log "kubectl get ksvc,revisions -A -o json: $w s, $m KB"
}

# ---- the dashboard ----------------------------------------------------------------
tm() { tmux -L "$sock" "$@"; }
screen() { tm capture-pane -p -t bench 2>/dev/null; }

bench_tui() { # bench_tui MODELS
  local n=$1
  R[tui_state_$n]="ok"
  tm kill-server 2>/dev/null || true
  rm -f "$tmp/first-paint" "$tmp/all-listed"
  local before t0 done_how=""
  before=$(counters)
  t0=$(now_ns)
  tm -f /dev/null new-session -d -s bench -x 160 -y 48 \
    "exec env TTSTUI_REPORT_FIRST_PAINT=$tmp/first-paint TTSTUI_REPORT_ALL_LISTED=$tmp/all-listed TERM=xterm-256color LANG=C.UTF-8 $ttstui --kubeconfig $tmp/kc"
  tm set-option -t bench status off >/dev/null
  local pid; pid=$(tm display-message -p -t bench '#{pane_pid}')
  # Complete: the TUI reports its first frame on which every row drawn is
  # final for what the first lists will say (TTSTUI_REPORT_FIRST_PAINT:
  # each row's services and namespace listed or the lists' progress past
  # it in key order, the pin listed, the rows fill the screen; see
  # tui/listing.h), and then its first frame with every model listed
  # (TTSTUI_REPORT_ALL_LISTED: services, namespaces and the pin; revisions
  # load afterwards, for the views of one model). The count of models on
  # screen is only logged, and used only when no report comes at all (a
  # build without that hook).
  local seen_ms="" limit=12000
  for _ in $(seq 1 "$limit"); do
    if [ -s "$tmp/first-paint" ]; then done_how=report; break; fi
    if [ -z "$seen_ms" ] && screen | grep -cE "(^|[^0-9])$n models" >/dev/null; then
      seen_ms=$(ms_since "$t0")
      log "dashboard: '$n models' on screen after $seen_ms ms (tmux poll); waiting for the report"
    fi
    if [ -z "$seen_ms" ] && screen | grep -ci "not wired" >/dev/null; then done_how=notwired; break; fi
    kill -0 "$pid" 2>/dev/null || { done_how=exited; break; }
    sleep 0.01
  done
  R[tui_screen_$n]=${seen_ms:-}
  if [ -z "$done_how" ] && [ -n "$seen_ms" ]; then done_how=screen; fi
  case "$done_how" in
    report) R[tui_first_$n]=$(tr -dc '0-9.' <"$tmp/first-paint"); R[tui_first_how_$n]="process start to the first frame whose rows are final, reported by the TUI" ;;
    screen) R[tui_first_$n]=$seen_ms; R[tui_first_how_$n]="launch to '$n models' on screen (tmux poll, no report)" ;;
    notwired) R[tui_state_$n]="the dashboard is not connected to clusters in this build"; ;;
    exited) R[tui_state_$n]="the dashboard exited: $(screen | sed -n 1,3p | tr '\n' ' ')" ;;
    *) R[tui_state_$n]="no complete dashboard within 120 s" ;;
  esac
  if [ "${R[tui_state_$n]}" != ok ]; then
    log "dashboard: ${R[tui_state_$n]}"
    # What can be measured without a cluster connection: idle CPU.
    sleep 1
  else
    log "dashboard complete after ${R[tui_first_$n]} ms (${R[tui_first_how_$n]})"
    # Every model listed: the second report (none from a build without it).
    R[tui_listed_$n]=""
    if [ "$done_how" = report ]; then
      for _ in $(seq 1 12000); do
        [ -s "$tmp/all-listed" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.01
      done
      [ -s "$tmp/all-listed" ] && R[tui_listed_$n]=$(tr -dc '0-9.' <"$tmp/all-listed")
      log "dashboard: every model listed after ${R[tui_listed_$n]:-?} ms (process start, reported by the TUI)"
    fi
    # Then every list, revisions included, is done when the fourth watch
    # has opened; the counts and the idle window start only after that.
    local synced="" w
    R[tui_all_$n]=">300000"
    for _ in $(seq 1 3000); do
      synced=$(counters)
      w=$(( $(counter "$synced" watch) - $(counter "$before" watch) ))
      if [ "$w" -ge 4 ]; then R[tui_all_$n]=$(ms_since "$t0"); break; fi
      sleep 0.1
    done
    log "dashboard: every list done (revisions too) after ${R[tui_all_$n]} ms from launch"
    sleep 1 # let the watches settle after the initial lists
    synced=$(counters)
    R[tui_lists_$n]=$(( $(counter "$synced" list) - $(counter "$before" list) ))
    R[tui_pages_$n]=$(( $(counter "$synced" listContinue) - $(counter "$before" listContinue) ))
    R[tui_watches_$n]=$(( $(counter "$synced" watch) - $(counter "$before" watch) ))
    R[tui_gets_$n]=$(( $(counter "$synced" get) - $(counter "$before" get) ))
  fi

  # Idle CPU over the window, from the process's utime+stime.
  local hz t1 t2 c0; hz=$(getconf CLK_TCK)
  c0=$(counters)
  t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  sleep "$idle"
  t2=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  R[tui_idle_ticks_$n]=$((t2 - t1))
  R[tui_idle_cpu_$n]=$(awk -v d="$((t2 - t1))" -v hz="$hz" -v s="$idle" 'BEGIN{printf "%.3f", d / hz / s * 100}')
  R[tui_idle_req_$n]=$(( $(counter "$(counters)" total) - $(counter "$c0" total) ))
  log "dashboard idle: ${R[tui_idle_cpu_$n]} % CPU over $idle s, ${R[tui_idle_req_$n]} requests"

  if [ "${R[tui_state_$n]}" = ok ]; then
    # A change on the cluster to its row on screen: delete the first five
    # models shown, one at a time (each namespace turns Terminating at
    # once), from the DELETE going out to a capture of the pane showing
    # that model's row changed (bench/change_to_row.py: one process, so
    # no curl or grep starts inside the measure); the median of the five
    # (one alone varies with the machine's load).
    local times
    times=$(python3 "$root/bench/change_to_row.py" "$sock" bench "$url" 5 | sed 's/-1/99999/g')
    R[tui_change_$n]=$(echo "$times" | median)
    [ "${R[tui_change_$n]}" = 99999 ] && R[tui_change_$n]=">5000"
    log "change to screen (five models deleted one at a time): $times ms; median ${R[tui_change_$n]} ms"
  fi
  tm send-keys -t bench q 2>/dev/null || true
  sleep 0.2
  tm kill-server 2>/dev/null || true
}

# ---- rendering ----------------------------------------------------------------------
bench_render() {
  local runs=30 cmd_runs=10
  if [ "$quick" = 1 ]; then runs=10; cmd_runs=5; fi
  mkdir -p "$tmp/tpl"
  cp "$root/core/templates/tts.jsonnet" "$tmp/tpl/tts.jsonnet"
  cp "$root/tests/data/reference/apikeys.example.json" "$tmp/tpl/apikeys.json"
  "$render_bench" --runs "$runs" --api-keys "$tmp/tpl/apikeys.json" >"$tmp/render.out"
  for c in nokeys keys; do
    local l; l=$(grep "^case=$c " "$tmp/render.out")
    for k in mean_ms p50_ms max_ms first_ms; do
      R[render_${c}_$k]=$(sed -n "s/.* $k=\([0-9.]*\).*/\1/p" <<<"$l")
    done
  done
  R[render_runs]=$runs
  local image="gcr.io/voice-service-2-313121/speech-api-worker@sha256:3af2c7a3a88806e0ff5e5c0659ab6a97c42eba7f6e5d61e33dbc9244163e17d3"
  for c in nokeys keys; do
    local inc=false total=0 t
    [ "$c" = keys ] && inc=true
    for _ in $(seq 1 "$cmd_runs"); do
      t=$(now_ns)
      jsonnet "$tmp/tpl/tts.jsonnet" --tla-str env=staging --tla-str model=v3 --tla-str version=7 \
        --tla-str image="$image" --tla-str includeImageApiKeys=$inc >/dev/null
      total=$((total + $(now_ns) - t))
    done
    R[jsonnet_${c}_ms]=$(awk -v t="$total" -v n="$cmd_runs" 'BEGIN{printf "%.1f", t / n / 1e6}')
  done
  R[jsonnet_runs]=$cmd_runs
  log "render in-process (keys): mean ${R[render_keys_mean_ms]} ms; jsonnet command: ${R[jsonnet_keys_ms]} ms"
}

# ---- ttstui plan: N deployment files against N live models ----------------------------
# The files are written here (the synthetic models have no Ingresses, so
# `ttstui export` cannot write them); every one compares with its model, so
# the plan walks the whole comparison. Exit 1 (drift) is the expected one.
bench_plan() { # bench_plan MODELS
  local n=$1 reps=3 walls="" rss="" before after dir="$tmp/plan-tree/staging" i m
  if [ "$quick" = 1 ] || [ "$n" -ge 5000 ]; then reps=1; fi
  rm -rf "$tmp/plan-tree"; mkdir -p "$dir"
  for i in $(seq 1 "$n"); do
    m=$(printf 'model-%04d' "$i")
    printf '{"env": "staging", "model": "%s", "version": "20", "image": "gcr.io/a/b@sha256:%064d",\n "stream": {"minScale": "0", "maxScale": "32", "concurrency": 1, "paths": ["/api/text_to_speech/stream"]},\n "validate": {"minScale": "0", "maxScale": "8", "concurrency": 4, "paths": ["/api/text_to_speech/input_validated"]},\n "traffic": [{"tag": "20", "percent": 100}]}\n' \
      "$m" 0 >"$dir/$m.config.json"
  done
  before=$(counters)
  for i in $(seq 1 "$reps"); do
    /usr/bin/time -f "%e %M" -o "$tmp/time.out" "$ttstui" --kubeconfig "$tmp/kc" plan "$tmp/plan-tree" \
      --env staging -o json >"$tmp/plan.json" 2>"$tmp/timed.err" ||
      [ $? = 1 ] || { echo "bench/run.sh: plan failed" >&2; cat "$tmp/timed.err" >&2; exit 1; }
    read -r w m < <(tail -n 1 "$tmp/time.out") # after "Command exited with non-zero status 1"
    walls+=" $w"; rss+=" $m"
    if [ "$i" = 1 ]; then after=$(counters); fi
  done
  local lines; lines=$(grep -c '"model":' "$tmp/plan.json" || true)
  [ "$lines" = "$n" ] || { echo "bench/run.sh: plan listed $lines models, not $n" >&2; exit 1; }
  R[plan_wall_$n]=$(echo "$walls" | median)
  R[plan_rss_$n]=$(echo "$rss" | median)
  R[plan_req_$n]=$(( $(counter "$after" total) - $(counter "$before" total) ))
  log "plan of $n files: ${R[plan_wall_$n]} s, ${R[plan_rss_$n]} KB, ${R[plan_req_$n]} requests (median of $reps)"
}

# ---- run ------------------------------------------------------------------------------
for n in $sizes; do
  start_cluster "$n"
  bench_status "$n"
  bench_plan "$n"
  if [ "$tui" = 1 ]; then bench_tui "$n"; fi
  stop_cluster
done
bench_render

# ---- the table ---------------------------------------------------------------------------
mib() { awk -v k="$1" 'BEGIN{printf "%.1f MiB", k / 1024}'; }
goal_n=1000
big_n=5000
for n in $sizes; do
  w=${R[status_wall_$n]}; m=${R[status_rss_$n]}
  kw=${R[kubectl_wall_$n]:-}; km=${R[kubectl_rss_$n]:-}
  if [ -n "$kw" ]; then
    ratio=$(awk -v a="$w" -v b="$kw" 'BEGIN{printf "%.3f", a / b}')
    if [ "$n" = "$goal_n" ]; then res=$(verdict "$ratio <= 0.2"); goal="<= 0.2x kubectl"; else res="-"; goal="(0.2x at 1000)"; fi
    row "status -o json wall / kubectl wall" "$n" "${w} s / ${kw} s = ${ratio}x" "$goal" "$res"
    row "kubectl get ksvc,revisions -A -o json peak RSS" "$n" "$(mib "$km")" "-" "-"
  else
    row "status -o json wall (kubectl skipped)" "$n" "${w} s" "-" "-"
  fi
  f=${R[floor_wall_$n]}
  fr=$(awk -v a="$w" -v b="$f" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}')
  if [ "$n" = "$big_n" ]; then res=$(verdict "$fr <= 1.5"); goal="<= 1.5x the floor"; else res="-"; goal="(1.5x at $big_n)"; fi
  row "status -o json wall / the floor (curl of the raw services + revisions lists, same run)" "$n" \
    "${w} s / ${f} s = ${fr}x (status CPU ${R[status_cpu_$n]} s)" "$goal" "$res"
  if [ "$n" = "$goal_n" ]; then res=$(verdict "$m <= 24576"); goal="<= 24 MiB"
  elif [ "$n" = "$big_n" ]; then res=$(verdict "$m <= 32768"); goal="<= 32 MiB"
  else res="-"; goal="(24 MiB at 1000)"; fi
  row "status -o json peak RSS" "$n" "$(mib "$m")" "$goal" "$res"
  row "status -o json requests" "$n" "${R[status_req_$n]}" "-" "-"
  p=${R[plan_wall_$n]}
  if [ "$n" = "$goal_n" ]; then res=$(verdict "$p < 2"); goal="< 2 s"; else res="-"; goal="(2 s at 1000)"; fi
  row "plan of $n files against $n live models wall" "$n" "${p} s" "$goal" "$res"
  row "plan requests / peak RSS" "$n" "${R[plan_req_$n]} / $(mib "${R[plan_rss_$n]}")" "-" "-"
done
if [ "$tui" = 1 ]; then
  lists_same=1; first_lists=""
  for n in $sizes; do
    if [ "${R[tui_state_$n]}" != ok ]; then
      if [ "$n" = "$goal_n" ]; then res="MISS (not measurable)"; else res="-"; fi
      row "dashboard: first complete screen" "$n" "n/a: ${R[tui_state_$n]}" "<= 300 ms at 1000" "$res"
    else
      f=${R[tui_first_$n]}
      if [ "$n" = "$goal_n" ] || [ "$n" = "$big_n" ]; then res=$(verdict "$f <= 300"); goal="<= 300 ms"; else res="-"; goal="(300 ms at 1000, 5000)"; fi
      row "dashboard: first complete screen (${R[tui_first_how_$n]})" "$n" "$f ms" "$goal" "$res"
      [ -n "${R[tui_listed_$n]:-}" ] &&
        row "dashboard: every model listed (services, namespaces, pin; the first frame after, reported by the TUI)" \
          "$n" "${R[tui_listed_$n]} ms" "-" "-"
      [ -n "${R[tui_screen_$n]}" ] &&
        row "dashboard: launch to '$n models' on screen (tmux poll)" "$n" "${R[tui_screen_$n]} ms" "-" "-"
      row "dashboard: launch to every list done, revisions too (background, after the first screen)" \
        "$n" "${R[tui_all_$n]} ms" "-" "-"
      lw="${R[tui_lists_$n]}/${R[tui_watches_$n]}"
      [ -z "$first_lists" ] && first_lists=$lw
      [ "$lw" = "$first_lists" ] || lists_same=0
      row "dashboard: lists / watches (+continue pages, gets) to sync" "$n" \
        "$lw (+${R[tui_pages_$n]} pages, ${R[tui_gets_$n]} gets)" "same at every size" "(below)"
      c=${R[tui_change_$n]}
      case "$c" in ">"*) res=MISS ;; *) res=$(verdict "$c <= 100") ;; esac
      row "dashboard: cluster change to its row on screen (median of 5)" "$n" "$c ms" "<= 100 ms" "$res"
    fi
    idle_what="dashboard: idle CPU over ${idle} s (${R[tui_idle_req_$n]} requests)"
    [ "${R[tui_state_$n]}" = ok ] || idle_what="$idle_what, not connected to the cluster"
    row "$idle_what" "$n" \
      "${R[tui_idle_cpu_$n]} % (${R[tui_idle_ticks_$n]} ticks)" "< 0.1 %" "$(verdict "${R[tui_idle_cpu_$n]} < 0.1")"
  done
  if [ -n "$first_lists" ]; then
    row "dashboard: list+watch count independent of model count" "all" \
      "$([ "$lists_same" = 1 ] && echo "yes ($first_lists)" || echo no)" "constant" \
      "$([ "$lists_same" = 1 ] && echo PASS || echo MISS)"
  fi
fi
row "render default template in-process, no keys (${R[render_runs]} runs)" "-" \
  "mean ${R[render_nokeys_mean_ms]} / p50 ${R[render_nokeys_p50_ms]} / max ${R[render_nokeys_max_ms]} ms" "-" "-"
row "render default template in-process, API keys (${R[render_runs]} runs)" "-" \
  "mean ${R[render_keys_mean_ms]} / p50 ${R[render_keys_p50_ms]} / max ${R[render_keys_max_ms]} ms" "<= 50 ms (p50)" \
  "$(verdict "${R[render_keys_p50_ms]} <= 50")"
row "jsonnet command, same template and TLAs (${R[jsonnet_runs]} runs)" "-" \
  "no keys ${R[jsonnet_nokeys_ms]} / keys ${R[jsonnet_keys_ms]} ms per run" "-" "-"
# Image tag to digest against a local registry, next to skopeo (bench/registry.sh).
if command -v docker-registry >/dev/null && command -v skopeo >/dev/null; then
  log "registry: resolve latency next to skopeo inspect --raw"
  while IFS='|' read -r m v g r; do row "$m" "-" "$v" "$g" "$r"; done \
    < <("$root/bench/registry.sh" "$build" "$([ "$quick" = 1 ] && echo 10 || echo 30)")
else
  row "registry resolve / skopeo" "-" "skipped: docker-registry or skopeo missing" "<= 0.7x" "-"
fi

machine() {
  echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
       "$(awk '/MemTotal/{printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM, kernel $(uname -r)," \
       "load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "tools: $(kubectl version --client 2>/dev/null | head -1), $(jsonnet --version 2>&1 | head -1)," \
       "libjansson $(pkg-config --modversion jansson 2>/dev/null), libcurl $(pkg-config --modversion libcurl 2>/dev/null)," \
       "$(cc --version | head -1), tmux $(tmux -V | cut -d' ' -f2)"
  echo "sizes: $sizes models x 2 services x $revisions revisions; build: $(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null)$(git -C "$root" diff --quiet 2>/dev/null || echo ' (working tree has changes)')"
}

print_table() {
  machine
  echo
  printf '| %s | %s | %s | %s | %s |\n' "Measure" "Models" "Value" "Goal" "Result"
  printf '|---|---|---|---|---|\n'
  for r in "${rows[@]}"; do
    IFS='|' read -r a b c d e <<<"$r"
    printf '| %s | %s | %s | %s | %s |\n' "$a" "$b" "$c" "$d" "$e"
  done
}
print_table
if [ -n "$results" ]; then print_table >"$results"; fi
