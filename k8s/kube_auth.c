#include "kube_auth.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kube_exec.h"

#define EXEC_DEFAULT_TIMEOUT_MS 30000
#define EXEC_MAX_OUTPUT (1u << 20)
#define EXEC_REFRESH_MARGIN_S 10
#define API_V1 "client.authentication.k8s.io/v1"
#define API_V1BETA1 "client.authentication.k8s.io/v1beta1"
#define API_V1ALPHA1 "client.authentication.k8s.io/v1alpha1"

extern char **environ;

struct kube_auth {
    char *user_name; /* for messages; may be NULL */
    char *token;
    char *token_file;
    char *cert_pem;
    size_t cert_pem_len;
    char *key_pem;
    size_t key_pem_len;
    char *username;
    char *password;
    kube_exec_config *exec;
    char *exec_info; /* KUBERNETES_EXEC_INFO value (no secrets) */
    long long exec_timeout_ms;

    kube_credential cred;
    bool have_cred;
};

static void wipe_free(char *p, size_t n)
{
    if (!p)
        return;
    tt_explicit_bzero(p, n);
    free(p);
}

static void cred_clear(kube_credential *c)
{
    tt_free_secret(c->token);
    free(c->cert_pem);
    wipe_free(c->key_pem, c->key_pem_len);
    free(c->username);
    tt_free_secret(c->password);
    memset(c, 0, sizeof *c);
}

static char *build_exec_info(const kube_rest_config *rc)
{
    json_t *spec = json_object();
    if (rc->exec->provide_cluster_info) {
        json_t *cl = json_object();
        json_object_set_new(cl, "server", json_string(rc->server ? rc->server : ""));
        if (rc->ca_pem && rc->ca_pem_len) {
            char *b64 = tt_base64_encode(rc->ca_pem, rc->ca_pem_len);
            json_object_set_new(cl, "certificate-authority-data", json_string(b64));
            free(b64);
        }
        json_object_set_new(cl, "insecure-skip-tls-verify",
                            json_boolean(rc->insecure_skip_tls_verify));
        if (rc->tls_server_name && *rc->tls_server_name)
            json_object_set_new(cl, "tls-server-name", json_string(rc->tls_server_name));
        if (rc->proxy_url && *rc->proxy_url)
            json_object_set_new(cl, "proxy-url", json_string(rc->proxy_url));
        if (rc->disable_compression)
            json_object_set_new(cl, "disable-compression", json_true());
        json_object_set_new(spec, "cluster", cl);
    }
    json_object_set_new(spec, "interactive", json_false());
    json_t *info = json_object();
    json_object_set_new(info, "kind", json_string("ExecCredential"));
    json_object_set_new(info, "apiVersion",
                        json_string(rc->exec->api_version ? rc->exec->api_version : ""));
    json_object_set_new(info, "spec", spec);
    char *s = json_dumps(info, JSON_COMPACT);
    json_decref(info);
    char *out = tt_strdup(s ? s : "{}");
    free(s);
    return out;
}

kube_auth *kube_auth_new(const kube_rest_config *rc)
{
    kube_auth *a = tt_calloc(1, sizeof *a);
    a->exec_timeout_ms = EXEC_DEFAULT_TIMEOUT_MS;
    if (!rc)
        return a;
    a->user_name = tt_strdup(rc->user_name);
    a->token = rc->token && *rc->token ? tt_strdup(rc->token) : NULL;
    a->token_file = rc->token_file && *rc->token_file ? tt_strdup(rc->token_file) : NULL;
    a->cert_pem = tt_memdup0(rc->cert_pem, rc->cert_pem_len);
    a->cert_pem_len = rc->cert_pem_len;
    a->key_pem = tt_memdup0(rc->key_pem, rc->key_pem_len);
    a->key_pem_len = rc->key_pem_len;
    a->username = tt_strdup(rc->username);
    a->password = tt_strdup(rc->password);
    if (rc->exec) {
        a->exec = kube_exec_config_dup(rc->exec);
        a->exec_info = build_exec_info(rc);
    }
    return a;
}

void kube_auth_set_exec_timeout_ms(kube_auth *auth, long long timeout_ms)
{
    if (auth)
        auth->exec_timeout_ms = timeout_ms > 0 ? timeout_ms : EXEC_DEFAULT_TIMEOUT_MS;
}

bool kube_auth_can_refresh(const kube_auth *auth)
{
    return auth && (auth->exec || (!auth->token && auth->token_file));
}

void kube_auth_free(kube_auth *auth)
{
    if (!auth)
        return;
    free(auth->user_name);
    tt_free_secret(auth->token);
    free(auth->token_file);
    free(auth->cert_pem);
    wipe_free(auth->key_pem, auth->key_pem_len);
    free(auth->username);
    tt_free_secret(auth->password);
    kube_exec_config_free(auth->exec);
    free(auth->exec_info);
    cred_clear(&auth->cred);
    free(auth);
}

/* ---- static credentials --------------------------------------------- */

static void fill_static(kube_auth *a, kube_credential *c)
{
    c->token = tt_strdup(a->token);
    c->cert_pem = tt_memdup0(a->cert_pem, a->cert_pem_len);
    c->cert_pem_len = a->cert_pem_len;
    c->key_pem = tt_memdup0(a->key_pem, a->key_pem_len);
    c->key_pem_len = a->key_pem_len;
    c->username = tt_strdup(a->username);
    c->password = tt_strdup(a->password);
}

static char *read_token_file(const kube_auth *a, tt_error *err)
{
    tt_error e;
    tt_error_clear(&e);
    size_t len;
    char *t = tt_read_file(a->token_file, &len, 1u << 20, &e);
    if (!t) {
        tt_error_set(err, TT_EIO, "user \"%s\": cannot read tokenFile (%s)",
                     a->user_name ? a->user_name : "", e.message);
        return NULL;
    }
    while (len > 0 && isspace((unsigned char)t[len - 1]))
        t[--len] = '\0';
    if (len == 0 || strlen(t) != len) {
        tt_error_set(err, TT_EINVAL, "user \"%s\": tokenFile %s is %s",
                     a->user_name ? a->user_name : "", a->token_file,
                     len == 0 ? "empty" : "not a text token");
        tt_free_secret(t);
        return NULL;
    }
    return t;
}

static const kube_credential *static_get(kube_auth *a, tt_error *err)
{
    if (a->token_file && !a->token) {
        char *t = read_token_file(a, err); /* cheap, and the kubelet rotates it */
        cred_clear(&a->cred);
        a->have_cred = false;
        if (!t)
            return NULL;
        fill_static(a, &a->cred);
        a->cred.token = t;
        a->have_cred = true;
        return &a->cred;
    }
    if (!a->have_cred) {
        fill_static(a, &a->cred);
        a->have_cred = true;
    }
    return &a->cred;
}

/* ---- exec plugins ---------------------------------------------------- */

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

/* RFC 3339 date-time to unix seconds; -1 when malformed. */
static int parse_rfc3339(const char *s, long long *out)
{
    if (strlen(s) < 20)
        return -1;
    int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
    int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || se < 0 || se > 60 || s[4] != '-' || s[7] != '-' ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        while (isdigit((unsigned char)*p))
            p++;
    }
    long long offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh = digits(p + 1, 2), om = p[1] && p[2] && p[3] == ':' ? digits(p + 4, 2) : -1;
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return -1;
        offset = (oh * 60LL + om) * 60 * (*p == '+' ? 1 : -1);
        p += 6;
    } else {
        return -1;
    }
    if (*p)
        return -1;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600LL + mi * 60LL + se -
           offset;
    return 0;
}

static bool api_version_ok(const char *v)
{
    return tt_streq(v, API_V1) || tt_streq(v, API_V1BETA1) || tt_streq(v, API_V1ALPHA1);
}

static int check_exec_config(const kube_auth *a, tt_error *err)
{
    const kube_exec_config *e = a->exec;
    const char *u = a->user_name ? a->user_name : "";
    if (!e->command || !*e->command) {
        tt_error_set(err, TT_EINVAL, "user \"%s\": exec.command is missing", u);
        return -1;
    }
    if (!api_version_ok(e->api_version)) {
        tt_error_set(err, TT_EINVAL,
                     "user \"%s\": exec.apiVersion \"%s\" is not supported; use %s or %s", u,
                     e->api_version ? e->api_version : "", API_V1, API_V1BETA1);
        return -1;
    }
    if (tt_streq(e->api_version, API_V1) && !e->interactive_mode) {
        tt_error_set(err, TT_EINVAL, "user \"%s\": exec.interactiveMode is required with %s "
                     "(Never, IfAvailable or Always)", u, API_V1);
        return -1;
    }
    if (e->interactive_mode && !tt_streq(e->interactive_mode, "Never") &&
        !tt_streq(e->interactive_mode, "IfAvailable") && !tt_streq(e->interactive_mode, "Always")) {
        tt_error_set(err, TT_EINVAL, "user \"%s\": exec.interactiveMode \"%s\" must be Never, "
                     "IfAvailable or Always", u, e->interactive_mode);
        return -1;
    }
    if (tt_streq(e->interactive_mode, "Always")) {
        tt_error_set(err, TT_EINVAL, "user \"%s\": exec plugin \"%s\" needs an interactive "
                     "terminal (interactiveMode: Always), which ttstui never gives it; log in "
                     "with the plugin first or choose another user", u, e->command);
        return -1;
    }
    return 0;
}

/* Our environment with the plugin's env and KUBERNETES_EXEC_INFO on top.
 * The strings we allocate are listed in *owned for wiping. */
static char **build_env(const kube_auth *a, char ***owned, size_t *n_owned)
{
    const kube_exec_config *e = a->exec;
    size_t n_env = 0;
    for (char **p = environ; p && *p; p++)
        n_env++;
    *n_owned = e->n_env + 1;
    *owned = tt_calloc(*n_owned, sizeof **owned);
    for (size_t i = 0; i < e->n_env; i++)
        (*owned)[i] = tt_asprintf("%s=%s", e->env_names[i], e->env_values[i]);
    (*owned)[e->n_env] = tt_asprintf("KUBERNETES_EXEC_INFO=%s", a->exec_info);
    char **env = tt_calloc(n_env + *n_owned + 1, sizeof *env);
    size_t k = 0;
    for (char **p = environ; p && *p; p++) {
        bool overridden = false;
        for (size_t i = 0; i < *n_owned && !overridden; i++) {
            size_t nl = strcspn((*owned)[i], "=");
            overridden = strncmp(*p, (*owned)[i], nl + 1) == 0;
        }
        if (!overridden)
            env[k++] = *p;
    }
    /* Later entries with the same name win, as Go's os/exec does. */
    for (size_t i = 0; i < *n_owned; i++) {
        size_t nl = strcspn((*owned)[i], "=");
        bool later = false;
        for (size_t j = i + 1; j < *n_owned && !later; j++)
            later = strncmp((*owned)[j], (*owned)[i], nl + 1) == 0;
        if (!later)
            env[k++] = (*owned)[i];
    }
    env[k] = NULL;
    return env;
}

/* Printable, single-line copy of the stderr tail. */
static void sanitize(char *s)
{
    for (char *p = s; *p; p++)
        if (!isprint((unsigned char)*p))
            *p = ' ';
    size_t n = strlen(s), skip = strspn(s, " ");
    while (n > skip && s[n - 1] == ' ')
        n--;
    memmove(s, s + skip, n - skip);
    s[n - skip] = '\0';
}

static const char *json_str(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static int parse_credential(const kube_auth *a, const char *out, size_t len,
                            kube_credential *c, tt_error *err)
{
    char cmd[1024]; /* who is at fault, for every message below */
    snprintf(cmd, sizeof cmd, "exec plugin \"%s\" (user \"%s\")", a->exec->command,
             a->user_name ? a->user_name : "");
    json_error_t je;
    json_t *root = json_loadb(out, len, 0, &je);
    int rc = -1;
    if (!root) {
        /* je.text can quote the input, which may hold a token: leave it out. */
        tt_error_set(err, TT_EPROTO, "%s printed something that is not an "
                     "ExecCredential JSON object (invalid JSON at line %d, column %d)",
                     cmd, je.line, je.column);
        return -1;
    }
    const char *kind = json_str(root, "kind"), *api = json_str(root, "apiVersion");
    json_t *status = json_object_get(root, "status");
    if (!json_is_object(root) || !tt_streq(kind, "ExecCredential")) {
        tt_error_set(err, TT_EPROTO, "%s printed JSON that is not an "
                     "ExecCredential (kind \"%s\")", cmd, kind ? kind : "");
        goto out;
    }
    if (!tt_streq(api, a->exec->api_version)) {
        tt_error_set(err, TT_EPROTO, "%s answered apiVersion \"%s\" but the "
                     "kubeconfig asks for \"%s\"", cmd, api ? api : "", a->exec->api_version);
        goto out;
    }
    if (!json_is_object(status)) {
        tt_error_set(err, TT_EPROTO, "%s printed an ExecCredential without status",
                     cmd);
        goto out;
    }
    const char *token = json_str(status, "token");
    const char *cert = json_str(status, "clientCertificateData");
    const char *key = json_str(status, "clientKeyData");
    const char *exp = json_str(status, "expirationTimestamp");
    if (token && !*token)
        token = NULL;
    if ((cert && *cert) != (key && *key)) {
        tt_error_set(err, TT_EPROTO, "%s returned %s without %s", cmd,
                     cert && *cert ? "clientCertificateData" : "clientKeyData",
                     cert && *cert ? "clientKeyData" : "clientCertificateData");
        goto out;
    }
    if (!token && !(cert && *cert)) {
        tt_error_set(err, TT_EPROTO, "%s returned neither a token nor a client "
                     "certificate and key", cmd);
        goto out;
    }
    long long expires = 0;
    if (exp && *exp && parse_rfc3339(exp, &expires) != 0) {
        tt_error_set(err, TT_EPROTO, "%s returned an expirationTimestamp that is "
                     "not RFC 3339: \"%.64s\"", cmd, exp);
        goto out;
    }
    c->token = tt_strdup(token);
    if (cert && *cert) {
        c->cert_pem = tt_strdup(cert); /* PEM text, not base64 */
        c->cert_pem_len = strlen(cert);
        c->key_pem = tt_strdup(key);
        c->key_pem_len = strlen(key);
    }
    c->expires_at = expires;
    rc = 0;
out:
    json_decref(root);
    return rc;
}

static int run_plugin(kube_auth *a, kube_credential *c, tt_error *err)
{
    const kube_exec_config *e = a->exec;
    const char *u = a->user_name ? a->user_name : "";
    char **argv = tt_calloc(e->n_args + 2, sizeof *argv);
    argv[0] = e->command;
    for (size_t i = 0; i < e->n_args; i++)
        argv[i + 1] = e->args[i];
    char **owned;
    size_t n_owned;
    char **envp = build_env(a, &owned, &n_owned);
    kube_exec_result res;
    tt_error e2;
    tt_error_clear(&e2);
    int rc = kube_exec_capture(e->command, argv, envp, a->exec_timeout_ms, EXEC_MAX_OUTPUT, &res,
                               &e2);
    free(argv);
    free(envp);
    for (size_t i = 0; i < n_owned; i++)
        tt_free_secret(owned[i]);
    free(owned);
    sanitize(res.err_tail);
    if (rc != 0) {
        if (res.spawn_errno == ENOENT) {
            tt_error_set(err, TT_EIO, "exec plugin \"%s\" not found (needed by user \"%s\")%s%s",
                         e->command, u, e->install_hint ? ". " : "",
                         e->install_hint ? e->install_hint : "");
        } else {
            char what[256];
            if (res.timed_out)
                snprintf(what, sizeof what, "did not finish within %lld ms and was stopped",
                         a->exec_timeout_ms);
            else if (res.too_much_output)
                snprintf(what, sizeof what, "printed more than %u bytes and was stopped",
                         EXEC_MAX_OUTPUT);
            else
                snprintf(what, sizeof what, "could not be run (%.200s)", e2.message);
            tt_error_set(err, e2.code, "exec plugin \"%s\" (user \"%s\") %s%s%s", e->command, u,
                         what, res.err_tail[0] ? "; its stderr ends: " : "", res.err_tail);
        }
    } else if (!WIFEXITED(res.wait_status) || WEXITSTATUS(res.wait_status) != 0) {
        char how[64];
        if (WIFSIGNALED(res.wait_status))
            snprintf(how, sizeof how, "was killed by signal %d", WTERMSIG(res.wait_status));
        else
            snprintf(how, sizeof how, "exited with status %d", WEXITSTATUS(res.wait_status));
        tt_error_set(err, TT_EIO, "exec plugin \"%s\" (user \"%s\") %s%s%s", e->command, u, how,
                     res.err_tail[0] ? ": " : " without a message", res.err_tail);
        rc = -1;
    } else {
        rc = parse_credential(a, res.out.data ? res.out.data : "", res.out.len, c, err);
    }
    tt_explicit_bzero(res.out.data, res.out.len);
    tt_buf_free(&res.out);
    return rc;
}

static const kube_credential *exec_get(kube_auth *a, bool force, tt_error *err)
{
    long long now = (long long)time(NULL);
    if (a->have_cred && !force &&
        (a->cred.expires_at == 0 || now + EXEC_REFRESH_MARGIN_S < a->cred.expires_at))
        return &a->cred;
    /* An expired or rejected credential is no use any more. */
    cred_clear(&a->cred);
    a->have_cred = false;
    if (check_exec_config(a, err) != 0)
        return NULL;
    kube_credential c = {0};
    if (run_plugin(a, &c, err) != 0) {
        cred_clear(&c);
        return NULL;
    }
    a->cred = c;
    a->have_cred = true;
    return &a->cred;
}

const kube_credential *kube_auth_get(kube_auth *auth, bool force_refresh, tt_error *err)
{
    if (!auth) {
        tt_error_set(err, TT_EINVAL, "no credentials configured");
        return NULL;
    }
    if (auth->exec)
        return exec_get(auth, force_refresh, err);
    return static_get(auth, err);
}
