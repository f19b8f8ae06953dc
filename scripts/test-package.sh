#!/usr/bin/env bash
# Builds the Debian package with CPack and checks it without installing it
# on this machine:
#   - the control fields (name, section, Suggests) and that Depends covers
#     every shared library the binary needs (each NEEDED library's package,
#     found with dpkg -S, is in Depends) and nothing like kubectl;
#   - the contents: binary, man pages, themes, completions, and no demo
#     cluster;
#   - unpacked into a fresh root (dpkg -x): the binary runs with
#     LD_LIBRARY_PATH unset, the man pages render without warnings, the
#     themes load, the bash completion loads;
#   - apt-get install --simulate resolves its dependencies on this system.
#
#   scripts/test-package.sh [--build-dir DIR] [--keep]
# Default build dir: build-package/ (configured with prefix /usr, tests off).
# Needs cmake, cpack, dpkg-dev (dpkg-shlibdeps), man-db, apt.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$(pwd)

build=build-package
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build=${2:?--build-dir needs a directory}; shift ;;
    --keep) keep=1 ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test-package: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok - $*"; }

for tool in cmake cpack dpkg-deb dpkg-shlibdeps man apt-get; do
  command -v "$tool" >/dev/null || { echo "test-package: $tool is missing (scripts/install-deps.sh)" >&2; exit 2; }
done

tmp=$(mktemp -d)
cleanup() { [ "$keep" = 1 ] && echo "kept $tmp" || rm -rf "$tmp"; }
trap cleanup EXIT

# ---- build ---------------------------------------------------------------
unset LD_LIBRARY_PATH
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DTTSTUI_TESTS=OFF -DTTSTUI_SANITIZE=OFF -DTTSTUI_FUZZ=OFF >"$tmp/configure.log" \
  || { cat "$tmp/configure.log" >&2; exit 1; }
cmake --build "$build" -j 2 >"$tmp/build.log" 2>&1 || { tail -50 "$tmp/build.log" >&2; exit 1; }
rm -f "$build"/ttstui_*.deb
(cd "$build" && cpack -G DEB) >"$tmp/cpack.log" 2>&1 || { cat "$tmp/cpack.log" >&2; exit 1; }
debs=("$build"/ttstui_*.deb)
[ -f "${debs[0]}" ] || { echo "test-package: cpack made no ttstui_*.deb:" >&2; cat "$tmp/cpack.log" >&2; exit 1; }
deb=$(cd "$(dirname "${debs[0]}")" && pwd)/$(basename "${debs[0]}")
ok "built $deb"

# ---- control fields ------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = ttstui ] || fail "Package is '$(field Package)', not ttstui"
[ "$(field Section)" = admin ] || fail "Section is '$(field Section)', not admin"
[ "$(field Version)" = "$(sed -n 's/^project(ttstui VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)" ] \
  || fail "Version '$(field Version)' is not the project version"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
field Suggests | grep -cw jsonnet >/dev/null || fail "Suggests does not name jsonnet: '$(field Suggests)'"
depends=$(field Depends)
[ -n "$depends" ] || fail "no Depends: dpkg-shlibdeps did not run (CPACK_DEBIAN_PACKAGE_SHLIBDEPS)"
case "$depends" in *kubectl* | *jsonnet\ * | *jsonnet,*) fail "Depends names a tool ttstui does not need: $depends" ;; esac
echo "Depends: $depends"

# Every library the binary links against comes from a package in Depends.
dpkg-deb -x "$deb" "$tmp/root"
bin=$tmp/root/usr/bin/ttstui
[ -x "$bin" ] || fail "the package has no executable usr/bin/ttstui"
for lib in $(objdump -p "$bin" | awk '$1 == "NEEDED" { print $2 }'); do
  # awk reads to the end: an early exit would SIGPIPE ldconfig, and under
  # pipefail that failed the script at random
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !found { print $NF; found = 1 }')
  [ -n "$path" ] || { fail "$lib (NEEDED) is not known to ldconfig"; continue; }
  pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | awk -F: 'NR == 1 { print $1 }') \
    || pkg=$(dpkg -S "$path" 2>/dev/null | awk -F: 'NR == 1 { print $1 }') || pkg=""
  [ -n "$pkg" ] || { fail "no package owns $path ($lib)"; continue; }
  printf '%s\n' "$depends" | tr ',' '\n' | grep -cE "^ *$pkg( |$)" >/dev/null \
    || fail "$lib comes from $pkg, which Depends does not name"
done
ok "Depends covers every NEEDED library"

# ---- contents ------------------------------------------------------------
contents=$(dpkg-deb -c "$deb" | awk '{ print $NF }')
for f in ./usr/bin/ttstui ./usr/share/man/man1/ttstui.1.gz ./usr/share/man/man5/ttstui-config.5.gz \
         ./usr/share/ttstui/themes/dark.yaml ./usr/share/ttstui/themes/light.yaml \
         ./usr/share/ttstui/themes/mono.yaml ./usr/share/bash-completion/completions/ttstui \
         ./usr/share/zsh/vendor-completions/_ttstui ./usr/share/doc/ttstui/README.md; do
  printf '%s\n' "$contents" | grep -cx -- "$f" >/dev/null || fail "the package lacks $f"
done
printf '%s\n' "$contents" | grep -c 'demo-cluster\|/usr/local/' >/dev/null \
  && fail "the package holds test infrastructure or /usr/local paths: $(printf '%s\n' "$contents" | grep 'demo-cluster\|/usr/local/')"
ok "contents"

# ---- the unpacked package works ------------------------------------------
version=$(env -u LD_LIBRARY_PATH "$bin" --version) || fail "ttstui --version failed"
[ "$version" = "ttstui $(field Version)" ] || fail "ttstui --version says '$version'"
env -u LD_LIBRARY_PATH "$bin" --help >/dev/null || fail "ttstui --help failed"
env -u LD_LIBRARY_PATH "$bin" render --help >/dev/null || fail "ttstui render --help failed"
[ "$(env -u LD_LIBRARY_PATH "$bin" --print-keys | wc -l)" -ge 20 ] || fail "ttstui --print-keys printed too little"
ok "the binary runs: $version"

for page in usr/share/man/man1/ttstui.1.gz usr/share/man/man5/ttstui-config.5.gz; do
  warnings=$(MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$tmp/root/$page" 2>&1 >/dev/null) \
    || fail "man -l $page failed"
  [ -z "$warnings" ] || fail "man -l $page warns: $warnings"
  MANWIDTH=80 man -l "$tmp/root/$page" 2>/dev/null | grep -cx 'NAME' >/dev/null || fail "man -l $page shows no NAME"
done
ok "man pages render"

# Each installed theme loads (a headless run of the dashboard with it).
printf ':wait-for "lincoln"\n' >"$tmp/keys"
for theme in "$tmp"/root/usr/share/ttstui/themes/*.yaml; do
  env -u LD_LIBRARY_PATH HOME="$tmp" "$bin" --theme "$theme" --fake-backend tests/data/tui/fleet-basic.json \
    --headless-script "$tmp/keys" --headless-size 100x20 --headless-dump "$tmp/screen" 2>"$tmp/theme.err" \
    || fail "theme ${theme##*/} does not load: $(cat "$tmp/theme.err")"
done
ok "themes load"

bash -c '. "$1" && complete -p ttstui' _ "$tmp/root/usr/share/bash-completion/completions/ttstui" \
  >/dev/null || fail "the bash completion does not load"
if command -v zsh >/dev/null; then
  zsh -n "$tmp/root/usr/share/zsh/vendor-completions/_ttstui" || fail "the zsh completion does not parse"
fi
ok "completions load"

# ---- the dependencies resolve --------------------------------------------
if apt-get install --simulate -o Debug::NoLocking=1 "$deb" >"$tmp/apt.log" 2>&1; then
  grep -q '^Inst ttstui ' "$tmp/apt.log" || fail "apt-get --simulate would not install ttstui: $(cat "$tmp/apt.log")"
  ok "apt-get install --simulate resolves: $(grep -c '^Inst ' "$tmp/apt.log") package(s) to install"
else
  fail "apt-get install --simulate failed: $(tail -20 "$tmp/apt.log")"
fi

if [ "$failures" -ne 0 ]; then
  echo "test-package: $failures failure(s)" >&2
  exit 1
fi
echo "test-package: $deb is good"
