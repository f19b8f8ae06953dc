# ttstui-config(5) documents what the code reads: every settings key the
# loader accepts (core/config.c), every theme role (tui/theme.h), colour
# and attribute name (tui/theme.c); ttstui(1) names every environment
# variable the program reads (getenv in core/ k8s/ cli/ tui/).
. "$(dirname "$0")/lib.sh"

text5=$(man_text "$man5")

# Keys compared in core/config.c's loader: tt_streq(key, "name").
keys=$(grep -o 'tt_streq(key, "[a-z_]*")' "$src/core/config.c" | sed 's/.*"\(.*\)")/\1/' | sort -u)
[ -n "$keys" ] || fail "found no settings keys in core/config.c"
for k in $keys; do
  printf '%s\n' "$text5" | grep -qE "^\.BR? $k( |$)" \
    || fail "settings key '$k' (core/config.c) is not documented as an item in man/ttstui-config.5"
done

roles=$(grep -o 'X([A-Z_]*, "[a-z_]*"' "$src/tui/theme.h" | sed 's/.*"\(.*\)"/\1/')
[ "$(printf '%s\n' "$roles" | wc -l)" -ge 20 ] || fail "found too few roles in tui/theme.h"
for r in $roles; do
  printf '%s\n' "$text5" | grep -qx "\.B $r" \
    || fail "theme role '$r' (tui/theme.h) is not in Roles of man/ttstui-config.5"
done
for r in $(awk '/^\.SS Roles/ { on = 1; next } /^\.S[HS] / { on = 0 }
                on && tag { print $2 } { tag = on && /^\.TP/ }' "$man5"); do
  printf '%s\n' "$roles" | grep -qx "$r" \
    || fail "man/ttstui-config.5 lists role '$r', which tui/theme.h does not define"
done

# Colour and attribute names of the theme parser.
names=$(sed -n '/color_names\[\] = {/,/^};/p; /attr_names\[\] = {/,/^};/p' "$src/tui/theme.c" \
        | grep -o '{"[a-z-]*"' | tr -d '{"' | grep -v '^bright-')
for n in $names; do
  printf '%s\n' "$text5" | grep -qE "^\.BR? $n( |$)" \
    || fail "theme colour or attribute '$n' (tui/theme.c) is not in man/ttstui-config.5"
done

# Environment variables the program reads.
text1=$(man_text "$man1")
vars=$(grep -rhoE 'getenv\("[A-Z_]+"\)' "$src"/core/*.c "$src"/k8s/*.c "$src"/cli/*.c "$src"/tui/*.c \
       | sed 's/getenv("\(.*\)")/\1/' | sort -u)
for v in $vars; do
  printf '%s\n' "$text1" | grep -qw -- "$v" \
    || fail "environment variable $v (read by the program) is not in man/ttstui.1"
done
for v in KUBECONFIG TTSTUI_CONFIG XDG_CONFIG_HOME XDG_STATE_HOME NO_COLOR TERM HOME; do
  printf '%s\n' "$text1" | awk '/^\.SH ENVIRONMENT/ { on = 1; next } /^\.SH / { on = 0 } on' \
    | grep -qE "^\.BR? $v( |$)" || fail "$v has no item under ENVIRONMENT in man/ttstui.1"
done

finish
