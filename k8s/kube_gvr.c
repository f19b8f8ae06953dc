#include "kube_gvr.h"

#include <string.h>

#include "tt_common.h"

const kube_gvr KUBE_GVR_NAMESPACES = {"", "v1", "namespaces", false};
const kube_gvr KUBE_GVR_SECRETS = {"", "v1", "secrets", true};
const kube_gvr KUBE_GVR_CONFIGMAPS = {"", "v1", "configmaps", true};
const kube_gvr KUBE_GVR_PODS = {"", "v1", "pods", true};
const kube_gvr KUBE_GVR_EVENTS = {"", "v1", "events", true};
const kube_gvr KUBE_GVR_SERVICES = {"", "v1", "services", true};
const kube_gvr KUBE_GVR_DEPLOYMENTS = {"apps", "v1", "deployments", true};
const kube_gvr KUBE_GVR_KSVC = {"serving.knative.dev", "v1", "services", true};
const kube_gvr KUBE_GVR_CONFIGURATIONS = {"serving.knative.dev", "v1", "configurations", true};
const kube_gvr KUBE_GVR_REVISIONS = {"serving.knative.dev", "v1", "revisions", true};
const kube_gvr KUBE_GVR_ROUTES = {"serving.knative.dev", "v1", "routes", true};
const kube_gvr KUBE_GVR_INGRESSES = {"networking.k8s.io", "v1", "ingresses", true};
const kube_gvr KUBE_GVR_KONGPLUGINS = {"configuration.konghq.com", "v1", "kongplugins", true};
const kube_gvr KUBE_GVR_KONGINGRESSES = {"configuration.konghq.com", "v1", "kongingresses", true};
const kube_gvr KUBE_GVR_KONGCLUSTERPLUGINS = {"configuration.konghq.com", "v1",
                                              "kongclusterplugins", false};

static bool is_core(const kube_gvr *gvr)
{
    return !gvr->group || !gvr->group[0];
}

static bool is_unreserved(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

static void put_escaped(tt_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (is_unreserved(*p)) {
            tt_buf_putc(b, (char)*p);
        } else {
            tt_buf_putc(b, '%');
            tt_buf_putc(b, hex[*p >> 4]);
            tt_buf_putc(b, hex[*p & 15]);
        }
    }
}

char *kube_url_escape(const char *s)
{
    tt_buf b = TT_BUF_INIT;
    put_escaped(&b, s ? s : "");
    return tt_buf_steal(&b);
}

char *kube_gvr_path(const kube_gvr *gvr, const char *ns, const char *name,
                    const char *subresource)
{
    tt_buf b = TT_BUF_INIT;
    if (is_core(gvr))
        tt_buf_printf(&b, "/api/%s", gvr->version);
    else
        tt_buf_printf(&b, "/apis/%s/%s", gvr->group, gvr->version);
    if (gvr->namespaced && ns && ns[0]) {
        tt_buf_puts(&b, "/namespaces/");
        put_escaped(&b, ns);
    }
    tt_buf_putc(&b, '/');
    tt_buf_puts(&b, gvr->resource);
    if (name && name[0]) {
        tt_buf_putc(&b, '/');
        put_escaped(&b, name);
        if (subresource && subresource[0]) {
            tt_buf_putc(&b, '/');
            put_escaped(&b, subresource);
        }
    }
    return tt_buf_steal(&b);
}

char *kube_gvr_api_version(const kube_gvr *gvr)
{
    if (is_core(gvr))
        return tt_strdup(gvr->version);
    return tt_asprintf("%s/%s", gvr->group, gvr->version);
}

char *kube_gvr_qualified_name(const kube_gvr *gvr)
{
    if (is_core(gvr))
        return tt_strdup(gvr->resource);
    return tt_asprintf("%s.%s", gvr->resource, gvr->group);
}
