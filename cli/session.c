/* The session shared by the subcommands: settings, kube client, output. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cli_internal.h"
#include "kube_config.h"
#include "tt_text.h"

int cli_exit_for(const tt_error *err)
{
    switch (err->code) {
    case TT_EINVAL:
    case TT_EIO:
        return CLI_EXIT_USAGE;
    case TT_EREFUSED:
        return CLI_EXIT_REFUSED;
    default:
        return CLI_EXIT_FAILED;
    }
}

static void print_lines(const char *cmd, const char *prefix, const char *text)
{
    const char *p = text;
    do {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        /* Messages quote cluster strings and user arguments: cleaned here,
         * at the sink, so no caller can forget. */
        tt_buf line = TT_BUF_INIT;
        tt_text_clean_append(&line, p, (size_t)len, TT_TEXT_KEEP_TAB);
        fprintf(stderr, "ttstui%s%s: %s%s\n", cmd ? " " : "", cmd ? cmd : "", prefix, line.data);
        tt_buf_free(&line);
        p = nl ? nl + 1 : NULL;
    } while (p && *p);
}

void cli_error(const char *cmd, const tt_error *err)
{
    print_lines(cmd, "", err->message[0] ? err->message : "failed (no reason given)");
    /* The client explains the conflict; only the CLI knows its flag. */
    /* A change whose answer was lost: say what that means unless the
     * caller read the object back and said so already. */
    if (kube_error_outcome_unknown(err) && !strstr(err->message, "outcome unknown"))
        print_lines(cmd, "hint: ",
                    "outcome unknown: the change may have been made before its answer was lost; "
                    "look before retrying (ttstui status)");
    if (err->code == 409 && strstr(err->message, "Apply failed"))
        print_lines(cmd, "hint: ",
                    "rerun with --force-conflicts to take the fields over from that manager");
}

static void print_linesv(const char *cmd, const char *prefix, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
static void print_linesv(const char *cmd, const char *prefix, const char *fmt, va_list ap)
{
    char msg[4096];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    print_lines(cmd, prefix, msg);
}

void cli_errorf(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_linesv(cmd, "", fmt, ap);
    va_end(ap);
}

void cli_warn(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_linesv(cmd, "warning: ", fmt, ap);
    va_end(ap);
}

void cli_outv(FILE *f, const char *fmt, va_list ap)
{
    tt_buf raw = TT_BUF_INIT, clean = TT_BUF_INIT;
    tt_buf_vprintf(&raw, fmt, ap);
    tt_text_clean_append(&clean, raw.data ? raw.data : "", raw.len,
                         TT_TEXT_KEEP_NEWLINE | TT_TEXT_KEEP_TAB);
    fwrite(clean.data, 1, clean.len, f);
    tt_buf_free(&raw);
    tt_buf_free(&clean);
}

void cli_outf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_outv(f, fmt, ap);
    va_end(ap);
}

void cli_out(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_outv(stdout, fmt, ap);
    va_end(ap);
}

int cli_fail(const char *cmd, const tt_error *err)
{
    cli_error(cmd, err);
    return cli_exit_for(err);
}

bool cli_use_color(const cli_opts *o, int fd)
{
    if (o && o->no_color)
        return false;
    const char *no = getenv("NO_COLOR");
    if (no && *no)
        return false;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return false;
    return isatty(fd) == 1;
}

int cli_session_init(cli_session *s, const cli_opts *o, tt_error *err)
{
    memset(s, 0, sizeof(*s));
    s->o = o;
    s->cmd = cli_cmd_name(o->cmd);
    s->color = cli_use_color(o, STDOUT_FILENO);
    const char *path = o->settings;
    if (!path) {
        const char *env = getenv("TTSTUI_CONFIG");
        if (env && *env)
            path = env;
    }
    s->cfg = config_load(path, err);
    if (!s->cfg) {
        tt_error_prefix(err, "settings");
        if (err->code != TT_EINVAL)
            err->code = TT_EINVAL;
        return -1;
    }
    for (size_t i = 0; i < s->cfg->n_warnings; i++)
        cli_warn(s->cmd, "%s", s->cfg->warnings[i]);
    return 0;
}

int cli_connect(cli_session *s, tt_error *err)
{
    if (s->client)
        return 0;
    s->rc = kube_rest_config_default(s->o->kubeconfig, s->o->context, s->o->namespace_, err);
    if (!s->rc)
        return -1;
    s->client = kube_client_new(s->rc, err);
    if (!s->client)
        return -1;
    if (s->cfg->field_manager)
        kube_client_set_field_manager(s->client, s->cfg->field_manager);
    long long limit = s->o->request_timeout_ms > 0 ? s->o->request_timeout_ms
                                                  : s->cfg->request_timeout_ms;
    if (limit > 0)
        kube_client_set_timeout_ms(s->client, (long)limit);
    return 0;
}

void cli_session_clear(cli_session *s)
{
    kube_client_free(s->client);
    kube_rest_config_free(s->rc);
    config_free(s->cfg);
    memset(s, 0, sizeof(*s));
}

const char *cli_context_name(const cli_session *s)
{
    const char *c = s->client ? kube_client_context(s->client) : NULL;
    return c ? c : "in-cluster";
}

int cli_check_writable(const cli_session *s, const char *env, const char *model, tt_error *err)
{
    if (ops_check_model(s->cfg, model, err) < 0)
        return -1;
    if (s->o->dry_run) /* the server stores nothing */
        return 0;
    if (s->o->readonly) {
        tt_error_set(err, TT_EREFUSED,
                     "read-only (--readonly): refusing to change the cluster (diff and "
                     "--dry-run=server are allowed)");
        return -1;
    }
    return ops_check_writable(s->cfg, env, cli_context_name(s), model, err);
}

/* ---- confirmation ----------------------------------------------------------- */

int cli_confirm(const char *question, const char *expect, tt_error *err)
{
    int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        tt_error_set(err, TT_EREFUSED,
                     "no terminal to ask for confirmation on (/dev/tty: %s): pass --yes to go "
                     "ahead without asking",
                     strerror(errno));
        return -1;
    }
    /* The question names the context (a kubeconfig name, or --context as
     * typed) and the server: cleaned like every other output. */
    char *clean = tt_text_clean(question, TT_TEXT_KEEP_TAB);
    char prompt[1024];
    int plen = snprintf(prompt, sizeof(prompt), "%s%s", clean, expect ? ": " : " [y/N]: ");
    free(clean);
    if (plen > 0 && write(fd, prompt, (size_t)plen) < 0) {
        close(fd);
        tt_error_set(err, TT_EREFUSED, "could not write the confirmation prompt to /dev/tty");
        return -1;
    }
    char line[256];
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t got = read(fd, &c, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0 || c == '\n')
            break;
        if (n + 1 < sizeof(line))
            line[n++] = c;
    }
    line[n] = '\0';
    close(fd);
    while (n > 0 && isspace((unsigned char)line[n - 1]))
        line[--n] = '\0';
    char *p = line;
    while (isspace((unsigned char)*p))
        p++;
    if (expect)
        return strcmp(p, expect) == 0 ? 1 : 0;
    return (strcasecmp(p, "y") == 0 || strcasecmp(p, "yes") == 0) ? 1 : 0;
}

/* ---- object names (ops/objects.c) ----------------------------------------------- */

char *cli_object_label(const json_t *obj)
{
    return ops_object_label(obj);
}

json_t *cli_without_namespace(const json_t *obj)
{
    return ops_without_namespace(obj);
}

char *cli_object_kind_name(const json_t *obj)
{
    return ops_object_kind_name(obj);
}

/* ---- audit --------------------------------------------------------------------------- */

void cli_audit(const cli_session *s, const char *action, const char *env, const char *model,
               const char *version, char *const *objects, size_t n_objects, int result,
               bool dry_run, const char *message, const cli_release *r)
{
    audit_entry e = {0};
    e.user = (char *)(s->client ? kube_client_user(s->client) : NULL);
    e.context = (char *)(s->client ? cli_context_name(s) : (s->o->context ? s->o->context : NULL));
    e.env = (char *)env;
    e.model = (char *)model;
    e.version = (char *)version;
    e.action = (char *)action;
    e.objects = (char **)objects;
    e.n_objects = n_objects;
    e.result = (audit_result)result;
    e.dry_run = dry_run;
    e.message = (char *)message;
    tt_error err;
    tt_error_clear(&err);
    if (ops_audit(&e, r, &err) < 0)
        cli_warn(s->cmd, "could not write the audit log: %s", err.message);
}
