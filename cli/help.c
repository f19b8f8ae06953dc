/* The --help texts: the single source for the man page's command section. */
#include <stdio.h>

#include "cli_internal.h"

static const char global_flags[] =
    "Flags of the dashboard and of every command (before or after COMMAND):\n"
    "  --kubeconfig FILE     kubeconfig to use (default $KUBECONFIG, then ~/.kube/config)\n"
    "  --context NAME        kube context (default: the current context)\n"
    "  -n, --namespace NS    namespace for requests that name none; status, delete and\n"
    "                        rollback take it as MODEL when no MODEL is given\n"
    "  --settings FILE       ttstui settings (config.yaml); default $TTSTUI_CONFIG, then\n"
    "                        $XDG_CONFIG_HOME/ttstui/config.yaml or ~/.config/ttstui/config.yaml\n"
    "  --readonly            refuse every change to the cluster (diff and --dry-run=server\n"
    "                        still work); settings can also mark contexts and envs read-only\n"
    "  --no-color            no colour (also NO_COLOR=1, or when stdout is not a terminal)\n"
    "  --request-timeout D   one request's limit, cluster or registry (default 30s); a\n"
    "                        change whose answer does not come in time is read back\n"
    "                        before it is reported\n"
    "  -h, --help            help (ttstui COMMAND --help for a command)\n";

static const char release_flags[] =
    "Release parameters (the template's arguments; flags override --config):\n"
    "  --config FILE                  JSON object keyed by parameter name: env, model,\n"
    "                                 version, image, imageEntrypoint, includeImageApiKeys,\n"
    "                                 minScale, maxScale, apiKeysFile, templateFile\n"
    "  --env ENV                      environment (staging, prod, or as in the settings)\n"
    "  --model MODEL                  model id = namespace (lowercase letters, digits, '-')\n"
    "  --version VERSION              release id (a number in practice); the revision names\n"
    "                                 are stream-VERSION and validate-VERSION\n"
    "  --image IMAGE                  image, preferably by digest (repo@sha256:...); a tag\n"
    "                                 is resolved to its digest through the registry first\n"
    "  --no-resolve                   keep an image tag as it is (warned about)\n"
    "  --image-entrypoint MOD:APP     gunicorn entry point (default run.deploy.worker:app)\n"
    "  --include-image-api-keys BOOL  true|false: inject the API keys (default false)\n"
    "  --min-scale N, --max-scale N   both services' instance bounds\n"
    "  --stream-min-scale N, --stream-max-scale N, --validate-min-scale N,\n"
    "  --validate-max-scale N         one service's bounds (over the ones above)\n"
    "                                 A bound not given: diff and apply keep what the\n"
    "                                 service runs live (said on stderr); a new model,\n"
    "                                 and render, take the template's 0 and 32\n"
    "  --api-keys FILE                API-key file {\"NAME\": \"value\", ...}\n"
    "  --template FILE                jsonnet template (default: the embedded one)\n"
    "Invalid parameters are listed one per line naming the flag; warnings (e.g. an image\n"
    "tag kept with --no-resolve) are printed and do not stop the command. An image tag\n"
    "that cannot be resolved (registry down, unknown tag, no credentials) stops it.\n";

static const char exit_statuses[] =
    "Exit status:\n"
    "  0  done (diff: nothing would change)\n"
    "  1  diff: something would change; apply --wait: the rollout did not become Ready\n"
    "     (failed, partial or timed out); delete --wait: timed out\n"
    "  2  bad flags or values, invalid parameters, unreadable files, an unusable\n"
    "     kubeconfig (a credential plugin that is missing or fails); the dashboard:\n"
    "     also a bad settings file or theme\n"
    "  3  refused: a safety rule, read-only, not confirmed, or no terminal to confirm on;\n"
    "     diff: nothing would change but apply would refuse\n"
    "  4  the cluster (image: the registry) answered an error or could not be reached;\n"
    "     apply --canary: the gradual rollout failed (the traffic is put back)\n";

void (*cli_dashboard_usage)(FILE *out);

void cli_print_usage(FILE *out)
{
    fprintf(out,
            "Usage: ttstui [flags]                  open the dashboard\n"
            "       ttstui [flags] COMMAND [flags]  run one command (ttstui help COMMAND)\n"
            "       ttstui --version\n"
            "\n"
            "Commands:\n"
            "  render      print the manifests of a release (YAML stream or JSON)\n"
            "  diff        rendered versus live, through a server-side dry run\n"
            "  apply       check the safety rules and apply a release (--wait for the rollout)\n"
            "  delete      delete a model's namespace\n"
            "  status      the models, their readiness, versions and traffic\n"
            "  pin-latest  show or set the model `Accept-Version: latest` goes to\n"
            "  rollback    route a service's traffic to an earlier Ready revision\n"
            "  traffic     split a model's traffic between Ready revisions\n"
            "  audit       the last entries of the audit log\n"
            "  plan        deployment config files versus the live models, one line each\n"
            "  export      the live models as deployment config files\n"
            "  image       resolve image tags to digests, list a repository's tags\n"
            "  promote     release in one context what a model runs in another\n"
            "  help        this text, or ttstui help COMMAND\n"
            "\n");
    if (cli_dashboard_usage) {
        cli_dashboard_usage(out);
        fputc('\n', out);
    }
    fprintf(out, "%s\n%s", global_flags, exit_statuses);
}

static void usage_cmd(FILE *out, const char *synopsis, const char *body, bool release)
{
    fprintf(out, "Usage: ttstui %s\n\n%s\n", synopsis, body);
    if (release)
        fprintf(out, "%s\n", release_flags);
    fprintf(out, "%s\n%s", global_flags, exit_statuses);
}

bool cli_print_command_help(cli_cmd cmd, FILE *out)
{
    switch (cmd) {
    case CLI_CMD_RENDER:
        usage_cmd(out, "render RELEASE-FLAGS [-o yaml|json] [--show-secrets]",
                  "Renders the release template and prints the objects that apply would send:\n"
                  "a YAML stream that `kubectl apply -f -` accepts, or with -o json one JSON\n"
                  "array. Nothing is read from the cluster.\n"
                  "\n"
                  "Secrets: written as they are when stdout is a pipe or a file (that is what\n"
                  "render is for, as `jsonnet -y` was); masked (***) on a terminal unless\n"
                  "--show-secrets. Never in error messages.\n"
                  "\n"
                  "  -o, --output yaml|json   output format (default yaml)\n"
                  "  --show-secrets           show Secret values on a terminal too\n",
                  true);
        return true;
    case CLI_CMD_DIFF:
        usage_cmd(out, "diff RELEASE-FLAGS [--api-keys-policy replace|merge] [--report FILE]",
                  "Compares the release with the live cluster object by object: each rendered\n"
                  "object is sent as a server-side dry-run apply (dryRun=All) and the result is\n"
                  "compared with the live object, server-owned fields dropped. Unified diff,\n"
                  "coloured on a terminal. Secret values are never shown: per key only\n"
                  "(changed), (unchanged), (added), (removed). What apply would refuse (version\n"
                  "rule, API keys, environment) is printed as a warning.\n"
                  "\n"
                  "  --api-keys-policy P   diff as apply would with this policy (replace|merge)\n"
                  "  --report FILE         also write a deterministic review report (mode 0600):\n"
                  "                        parameters, context, rendered objects, safety checks,\n"
                  "                        diff and dry-run notes; Secrets by key name only\n"
                  "\n"
                  "Exit status 0 when nothing would change, 1 when something would, 2 or more\n"
                  "on errors (as kubectl diff); 3 when nothing would change but apply would\n"
                  "refuse (e.g. the environment may not be released through this context).\n",
                  true);
        return true;
    case CLI_CMD_APPLY:
        usage_cmd(out,
                  "apply RELEASE-FLAGS [--yes] [--wait [--timeout D]] [--dry-run=server\n"
                  "       [--report FILE]] [--api-keys-policy replace|merge] [--force-conflicts]\n"
                  "       [--canary P1,P2,...,100 [--step D]]\n"
                  "       ttstui apply -f PATH... [--env ENV] [--api-keys FILE] [--concurrency N]\n"
                  "       [--keep-going] [--prune] [--protect-previous] [--yes] [--wait [--timeout D]]",
                  "Checks the safety rules against the live cluster, shows what would change,\n"
                  "asks for confirmation on /dev/tty (default No) and applies every object with\n"
                  "server-side apply, Namespace first, printing `kind/name created|configured|\n"
                  "unchanged`. On the first failure it stops and lists what was and was not\n"
                  "applied. Every outcome (also dry runs and refusals) goes to the audit log.\n"
                  "\n"
                  "Safety rules (a refusal changes nothing):\n"
                  "  version   revision stream-VERSION / validate-VERSION exists with another\n"
                  "            template: refused, naming the fields, with the next free version;\n"
                  "            the same template and nothing else changed: nothing to do (0)\n"
                  "  api keys  with includeImageApiKeys, the live Secret api-keys differs from the\n"
                  "            file: refused listing added/removed/changed key NAMES, unless\n"
                  "            --api-keys-policy replace (the file's keys exactly) or merge\n"
                  "            (live keys kept, the file's added or updated)\n"
                  "  env       the settings tie each env to allowed kube contexts\n"
                  "  read-only --readonly or the settings: nothing that changes the cluster runs\n"
                  "\n"
                  "  -y, --yes              apply without asking (needed without a terminal)\n"
                  "  --dry-run=server       everything but storing: validates with the server and\n"
                  "                         says which checks ran (Knative validates pod specs\n"
                  "                         deeply only with the annotation\n"
                  "                         features.knative.dev/podspec-dryrun: enabled or the\n"
                  "                         cluster flag)\n"
                  "  --report FILE          with --dry-run=server: write the review report (0600)\n"
                  "  --force-conflicts      take over fields another manager owns (force=true)\n"
                  "  --protect-previous     label the revisions that served before\n"
                  "                         serving.knative.dev/no-gc, so Knative's garbage\n"
                  "                         collection keeps them for a rollback\n"
                  "  --wait                 follow the rollout of the revisions this release\n"
                  "                         creates; fails fast on RevisionFailed, image pull\n"
                  "                         errors and CrashLoopBackOff with the reason; reports a\n"
                  "                         partial result (one service Ready, one failed)\n"
                  "  --timeout D            for --wait and --canary: 30s, 5m, 1h, 1h30m (default\n"
                  "                         10m)\n"
                  "  --canary P1,...,100    a gradual rollout: the release is applied with the\n"
                  "                         traffic kept on the revisions serving now (0% on the\n"
                  "                         new ones); once the new revisions are Ready, each\n"
                  "                         step sends P% to them and holds --step while they\n"
                  "                         stay Ready and their containers do not restart. On\n"
                  "                         a failure or Ctrl-C the traffic goes back to 100% on\n"
                  "                         the previous revisions (exit 4). Increasing\n"
                  "                         percentages from 1 to 100, the last 100 (the\n"
                  "                         release's own traffic); not for a first release or\n"
                  "                         a dry run\n"
                  "  --step D               with --canary: how long each step holds (default 2m)\n"
                  "  --api-keys-policy P    replace|merge, see above\n"
                  "\n"
                  "With -f, the deployment config files (files or folders, as `ttstui plan`) are\n"
                  "the release: apply plans them, shows the models that differ, asks once (y/N,\n"
                  "or --yes), then applies those models in waves, each through the rules above\n"
                  "and audited, with a progress line per model and a final table (applied,\n"
                  "unchanged, refused, failed, skipped). A bad file anywhere: nothing is applied\n"
                  "(exit 2). Exit 4 when a model failed, 3 when one was refused. A file's image is\n"
                  "applied as written (a tag is not resolved: the files pin digests, see ttstui\n"
                  "image resolve). --protect-previous and --wait work per model.\n"
                  "  -f, --filename PATH    a deployment file or folder (repeatable)\n"
                  "  --concurrency N        models applied at once, per wave (default 4)\n"
                  "  --keep-going           start the next wave after a failure (default: the\n"
                  "                         models not started yet are skipped)\n"
                  "  --prune                also delete the models not in the files, after typing\n"
                  "                         'delete N' at a prompt listing them (or --yes)\n",
                  true);
        return true;
    case CLI_CMD_DELETE:
        usage_cmd(out, "delete MODEL [--yes] [--wait [--timeout D]] [--dry-run=server]",
                  "Deletes the namespace MODEL and everything in it, after you type the model\n"
                  "name at the prompt (or --yes). Refuses namespaces that hold no Knative\n"
                  "service stream or validate. Audited.\n"
                  "\n"
                  "  -y, --yes           delete without asking\n"
                  "  --wait              wait until the namespace is gone, printing its phase\n"
                  "  --timeout D         for --wait (default 10m)\n"
                  "  --dry-run=server    ask the server, delete nothing\n",
                  false);
        return true;
    case CLI_CMD_STATUS:
        usage_cmd(out, "status [MODEL] [-o table|json] [--all-contexts | --contexts A,B]",
                  "Lists the models with a fixed number of requests (one paged list per\n"
                  "resource type across all namespaces; per namespace only when that is\n"
                  "forbidden, which is said).\n"
                  "\n"
                  "Table columns: MODEL, READY (Ready, NotReady, Pending, Incomplete,\n"
                  "Terminating), STREAM and VALIDATE (latest ready versions), TRAFFIC (versions\n"
                  "with traffic, s:/v: when they differ), IMAGE (short digest), SCALE\n"
                  "(min-max, stream/validate when they differ), AGE, PIN (`latest` when\n"
                  "Accept-Version: latest goes here), NOTES (traffic pinned away from the latest\n"
                  "revision; stream and validate serving different versions; a service's\n"
                  "serving.knative.dev/rollout-duration when set).\n"
                  "\n"
                  "\n"
                  "Across clusters (--all-contexts, --contexts): one row per model and per\n"
                  "context its VERSION (labelled with the context's environment when each maps\n"
                  "to its own, else the context name), READY and DIGEST, then NOTES on how they\n"
                  "differ (one ahead of another, the same version with different digests, a\n"
                  "model missing in one, not Ready in one). Each context is asked on its own;\n"
                  "one that has not answered within --timeout (default 10s) is named on stderr,\n"
                  "the others are shown, and the exit status is 4.\n"
                  "\n"
                  "  -o, --output table|json   json: an array of models (schema in the man page);\n"
                  "                            across clusters each object has context and env\n"
                  "  --all-contexts            the settings' contexts (in that order), else every\n"
                  "                            context of the kubeconfig\n"
                  "  --contexts A,B            these contexts, in this order\n"
                  "  --timeout D               across clusters: how long to wait (default 10s)\n",
                  false);
        return true;
    case CLI_CMD_PIN:
        usage_cmd(out, "pin-latest [MODEL] [--yes] [--dry-run=server] [--force-conflicts]",
                  "Without MODEL: shows which model the KongClusterPlugin latest-pinned-service\n"
                  "pins `Accept-Version: latest` to. With MODEL: pins it there (server-side\n"
                  "apply), after a diff and a confirmation. Refuses a model that does not\n"
                  "exist; warns when it is not Ready. Audited.\n"
                  "\n"
                  "  -y, --yes            pin without asking\n"
                  "  --dry-run=server     ask the server, change nothing\n"
                  "  --force-conflicts    take over fields another manager owns\n",
                  false);
        return true;
    case CLI_CMD_ROLLBACK:
        usage_cmd(out,
                  "rollback MODEL --service stream|validate|both\n"
                  "       (--to-version V | --to-revision NAME) [--yes] [--dry-run=server]",
                  "Routes 100% of the service's traffic to an earlier revision (merge patch of\n"
                  "spec.traffic to [{revisionName, percent: 100}]), shown as a diff and\n"
                  "confirmed. Refuses a revision that does not exist, belongs to another\n"
                  "service or is not Ready. The next apply routes traffic back to the latest\n"
                  "revision. Audited.\n"
                  "\n"
                  "  --service S          stream, validate or both\n"
                  "  --to-version V       revision SERVICE-V\n"
                  "  --to-revision NAME   a revision by name (one service only)\n"
                  "  -y, --yes            roll back without asking\n"
                  "  --dry-run=server     ask the server, change nothing\n",
                  false);
        return true;
    case CLI_CMD_TRAFFIC:
        usage_cmd(out,
                  "traffic MODEL VERSION=PERCENT... [--service stream|validate|both]\n"
                  "       [--tag VERSION=TAG]... [--yes] [--dry-run=server]",
                  "Splits the traffic of the service(s) between Ready revisions (merge patch of\n"
                  "spec.traffic), e.g. `ttstui traffic v3 3=90 4=10 --tag 4=canary`. The\n"
                  "percentages are whole numbers adding up to 100; every revision SERVICE-VERSION\n"
                  "must exist, belong to the service and be Ready. Shows the split before and\n"
                  "after and the server's dry-run diff, and asks. A tag gives the revision a URL\n"
                  "of its own (VERSION=0 tags a revision without sending it traffic). Where a\n"
                  "service sets serving.knative.dev/rollout-duration, it is shown: Knative then\n"
                  "moves the traffic gradually. The next apply routes traffic back to the\n"
                  "latest revision. Audited.\n"
                  "\n"
                  "  --service S          stream, validate or both (default both)\n"
                  "  --tag VERSION=TAG    tag a revision of the split (repeatable)\n"
                  "  -y, --yes            change without asking\n"
                  "  --dry-run=server     ask the server, change nothing\n",
                  false);
        return true;
    case CLI_CMD_PROMOTE:
        usage_cmd(out,
                  "promote MODEL --from-context A --to-context B [--env ENV] [--version V]\n"
                  "       [scale flags] [--api-keys FILE] [--yes] [--wait [--timeout D]]\n"
                  "       [--dry-run=server]",
                  "Releases in context B the exact release MODEL runs in context A: its image\n"
                  "by digest, entry point, API-key setting and per-service scales, read back\n"
                  "from A's Knative services, under B's environment (from the settings'\n"
                  "environments[].contexts, or --env) and B's next free version (A's version\n"
                  "when B has no such model yet). Refused when A's release is not Ready or runs\n"
                  "an image by tag. Then as apply in B: every rule of B, the diff, the\n"
                  "confirmation, --wait; audited as promote. Flags given override what is taken\n"
                  "from A.\n"
                  "\n"
                  "  --from-context A     where the release runs now\n"
                  "  --to-context B       where to release it\n"
                  "  --env ENV            B's environment (default: the settings' for B)\n"
                  "  --version V          the version in B (default: B's next free one)\n"
                  "  -y, --yes            release without asking\n"
                  "  --wait               follow the rollout in B (--timeout, default 10m)\n"
                  "  --protect-previous   keep B's previous revisions from Knative's GC (no-gc)\n"
                  "  --dry-run=server     ask B's server, change nothing\n",
                  false);
        return true;
    case CLI_CMD_AUDIT:
        usage_cmd(out, "audit [-n N]",
                  "Shows the last N entries (default 20) of the audit log\n"
                  "($XDG_STATE_HOME/ttstui/audit.log, else ~/.local/state/ttstui/audit.log,\n"
                  "mode 0600): time, kube user, context, env, model, version, action, result,\n"
                  "objects and message. Never a secret.\n"
                  "\n"
                  "  -n, --count N   how many entries\n",
                  false);
        return true;
    case CLI_CMD_PLAN:
        usage_cmd(out, "plan PATH... [--env ENV] [-o table|json]",
                  "Compares deployment config files (deployments/<env>/<model>.config.json;\n"
                  "PATH is a file or a folder searched recursively for *.json) with the live\n"
                  "models, one line each: in-sync, changes (the fields, in words: version, image,\n"
                  "entry point, legacy API-key auth, minScale, maxScale, concurrency, resources,\n"
                  "paths, traffic), not-deployed (a file, no model) or not-in-files (a model, no\n"
                  "file). Every file is checked first (file:line:column): a bad file anywhere\n"
                  "compares nothing (exit 2). Two lists answer it however many files there are.\n"
                  "Exit 0 when all are in sync, 1 otherwise.\n"
                  "\n"
                  "  --env ENV        the environment planned (default: the settings' environment\n"
                  "                   of the context, else the files' only one)\n"
                  "  -o, --output F   table (default) or json: [{model, env, context, file, state,\n"
                  "                   changes}]\n",
                  false);
        return true;
    case CLI_CMD_EXPORT:
        usage_cmd(out, "export [MODEL...] --to DIR [--env ENV]",
                  "Writes the live models (all, or those named) as deployment config files\n"
                  "DIR/<env>/<model>.config.json, so that `ttstui plan DIR` right after says\n"
                  "in-sync for each. A model whose services disagree on version, image, entry\n"
                  "point, API keys or traffic is not exported (exit 4), naming why.\n"
                  "\n"
                  "  --to DIR         the folder to write to\n"
                  "  --env ENV        the environment (default: the settings' environment of the\n"
                  "                   context)\n",
                  false);
        return true;
    case CLI_CMD_IMAGE:
        usage_cmd(out, "image resolve IMAGE... | image tags REPOSITORY [--timeout D]",
                  "resolve: prints each IMAGE by digest, NAME@sha256:..., one a line, asking its\n"
                  "registry (HTTP API v2, no Docker needed) which manifest the tag points at now:\n"
                  "for a multi-platform image the index's digest, as docker inspect's RepoDigests.\n"
                  "An image already by digest is printed as it is. tags: the repository's tags.\n"
                  "\n"
                  "Credentials come from $DOCKER_CONFIG/config.json (default ~/.docker/config.json):\n"
                  "credHelpers and credsStore (docker-credential-NAME), auths. Registries on\n"
                  "loopback addresses may be plain http; others https, with the system CAs and\n"
                  "/etc/docker/certs.d/HOST/ca.crt.\n"
                  "\n"
                  "  --timeout D   per request (default 30s)\n"
                  "\n"
                  "Exit status 0 when every image resolved, 2 for a bad reference (nothing is\n"
                  "asked), 4 when a registry answered an error (its code and message are\n"
                  "printed) or could not be reached.\n",
                  false);
        return true;
    default:
        return false;
    }
}
