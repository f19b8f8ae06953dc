# A read-only environment refuses every dashboard action that changes the
# cluster when the current context belongs to it by the settings'
# environments[].contexts patterns, whatever env the model or the backend
# names (here staging, which is writable): deploy (key and :deploy), delete,
# pin-latest, rollback and traffic, each with its own refusal.
. "$(dirname "$0")/headless-lib.sh"

cat >"$out/settings.yaml" <<'YAML'
environments:
  - name: staging
  - name: prod
    contexts: ["demo-sta*"]
    readonly: true
YAML
run_script ro fleet-basic.json 160x30 --settings "$out/settings.yaml" <<'KEYS'
:wait-for "lincoln"
:wait-for "[read-only]"
d
:wait-for "'deploy' is disabled"
x
:wait-for "'delete' is disabled"
p
:wait-for "'pin-latest' is disabled"
:deploy v3<Enter>
:wait-for "'deploy' is disabled"
<Enter>
:wait-for "Model five9-de-de"
r
:wait-for "'rollback' is disabled"
t
:wait-for "'traffic' is disabled"
KEYS
expect ro "Model five9-de-de"
expect_not ro "Deploy >"

# The refusal names the environment it is for: prod, the environment the
# context belongs to, not staging, the env the backend names.
run_script why fleet-basic.json 300x30 --settings "$out/settings.yaml" <<'KEYS'
:wait-for "lincoln"
:wait-for "[read-only]"
d
:wait-for "'deploy' is disabled"
KEYS
expect why "environment prod is read-only"
expect why "kube context 'demo-staging' belongs to it"
expect_not why "env staging"
expect_not why "staging is read-only"

# An env marked read-only by its own name (no contexts patterns): the
# refusal names that env.
cat >"$out/env.yaml" <<'YAML'
environments:
  - name: staging
    readonly: true
  - name: prod
YAML
run_script why-env fleet-basic.json 300x30 --settings "$out/env.yaml" <<'KEYS'
:wait-for "lincoln"
:wait-for "[read-only]"
d
:wait-for "'deploy' is disabled"
KEYS
expect why-env "environment staging is read-only"
expect_not why-env "prod"

# Control: the same settings with the context in no read-only environment.
sed 's/demo-sta\*/gke_*_prod/' "$out/settings.yaml" >"$out/rw.yaml"
run_script rw fleet-basic.json 160x30 --settings "$out/rw.yaml" <<'KEYS'
:wait-for "lincoln"
<Enter>
:wait-for "Model five9-de-de"
t
:wait-for "Traffic"
KEYS
expect_not rw "[read-only]"
expect_not rw "is disabled"
