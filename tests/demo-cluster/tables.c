/* meta.k8s.io/v1 Table rendering: the columns kubectl get prints. */
#include "dc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct col {
    const char *name, *type, *format;
    int priority;
} col;

static const col c_name = {"Name", "string", "name", 0};
static const col c_age = {"Age", "string", "", 0};

static json_t *condition(json_t *obj, const char *type, const char *field)
{
    size_t i;
    json_t *c;
    json_array_foreach(dc_jget(obj, "status.conditions"), i, c)
        if (tt_streq(dc_jstr(c, "type"), type)) {
            json_t *v = json_object_get(c, field);
            return v ? json_incref(v) : json_string("");
        }
    return json_string("");
}

static json_t *str_or_empty(json_t *obj, const char *path)
{
    const char *s = dc_jstr(obj, path);
    return json_string(s ? s : "");
}

static json_t *label(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(dc_jget(obj, "metadata.labels"), key));
    return json_string(s ? s : "");
}

static json_t *age(json_t *obj, const char *path)
{
    long long t = dc_parse_time(dc_jstr(obj, path));
    char buf[16];
    if (!t)
        return json_string("<unknown>");
    dc_age((long long)time(NULL) - t, buf);
    return json_string(buf);
}

static json_t *intval(json_t *obj, const char *path)
{
    json_t *v = dc_jget(obj, path);
    return v ? json_incref(v) : json_null();
}

static size_t count_keys(json_t *o) { return json_is_object(o) ? json_object_size(o) : 0; }

/* Fills columns and returns the cells of obj (obj may be NULL: columns only). */
static json_t *cells_for(dc_resource *r, json_t *obj, const col **cols, size_t *ncols)
{
    size_t n = 0;
    json_t *cells = json_array();
#define COL(c) (cols[n++] = (c))
#define CELL(v) json_array_append_new(cells, (v))
    static const col url = {"URL", "string", "", 0}, lc = {"LatestCreated", "string", "", 0},
                     lr = {"LatestReady", "string", "", 0}, ready = {"Ready", "string", "", 0},
                     reason = {"Reason", "string", "", 0},
                     cfgname = {"Config Name", "string", "", 0},
                     gen = {"Generation", "string", "", 0},
                     actual = {"Actual Replicas", "integer", "", 0},
                     desired = {"Desired Replicas", "integer", "", 0},
                     status = {"Status", "string", "", 0}, pready = {"Ready", "string", "", 0},
                     restarts = {"Restarts", "string", "", 0}, ip = {"IP", "string", "", 1},
                     node = {"Node", "string", "", 1}, uptodate = {"Up-to-date", "string", "", 0},
                     available = {"Available", "string", "", 0},
                     type = {"Type", "string", "", 0}, cip = {"Cluster-IP", "string", "", 0},
                     eip = {"External-IP", "string", "", 0}, ports = {"Port(s)", "string", "", 0},
                     data = {"Data", "string", "", 0}, lastseen = {"Last Seen", "string", "", 0},
                     evtype = {"Type", "string", "", 0}, evreason = {"Reason", "string", "", 0},
                     object = {"Object", "string", "", 0}, message = {"Message", "string", "", 0},
                     rsdesired = {"Desired", "integer", "", 0},
                     rscurrent = {"Current", "integer", "", 0},
                     rsready = {"Ready", "integer", "", 0}, cls = {"Class", "string", "", 0},
                     hosts = {"Hosts", "string", "", 0}, addr = {"Address", "string", "", 0},
                     iports = {"Ports", "string", "", 0}, plugin = {"Plugin-Type", "string", "", 0};
    if (r != DC_EVENTS)
        COL(&c_name);
    if (obj && r != DC_EVENTS)
        CELL(json_string(dc_jstr(obj, "metadata.name")));
    if (r == DC_KSVC || r == DC_KCONFIG || r == DC_KROUTE) {
        if (r != DC_KCONFIG) {
            COL(&url);
            if (obj)
                CELL(str_or_empty(obj, "status.url"));
        }
        if (r != DC_KROUTE) {
            COL(&lc);
            COL(&lr);
            if (obj) {
                CELL(str_or_empty(obj, "status.latestCreatedRevisionName"));
                CELL(str_or_empty(obj, "status.latestReadyRevisionName"));
            }
        }
        COL(&ready);
        COL(&reason);
        if (obj) {
            CELL(condition(obj, "Ready", "status"));
            CELL(condition(obj, "Ready", "reason"));
        }
    } else if (r == DC_KREV) {
        COL(&cfgname);
        COL(&gen);
        COL(&ready);
        COL(&reason);
        COL(&actual);
        COL(&desired);
        if (obj) {
            CELL(label(obj, "serving.knative.dev/configuration"));
            CELL(label(obj, "serving.knative.dev/configurationGeneration"));
            CELL(condition(obj, "Ready", "status"));
            CELL(condition(obj, "Ready", "reason"));
            CELL(intval(obj, "status.actualReplicas"));
            CELL(intval(obj, "status.desiredReplicas"));
        }
    } else if (r == DC_NAMESPACES) {
        COL(&status);
        COL(&c_age);
        if (obj) {
            CELL(str_or_empty(obj, "status.phase"));
            CELL(age(obj, "metadata.creationTimestamp"));
        }
    } else if (r == DC_PODS) {
        COL(&pready);
        COL(&status);
        COL(&restarts);
        COL(&c_age);
        COL(&ip);
        COL(&node);
        if (obj) {
            size_t total = json_array_size(dc_jget(obj, "spec.containers")), ok = 0;
            long long rs = 0;
            const char *st = dc_jstr(obj, "status.phase");
            size_t i;
            json_t *cs;
            json_array_foreach(dc_jget(obj, "status.containerStatuses"), i, cs) {
                if (json_is_true(json_object_get(cs, "ready")))
                    ok++;
                rs += json_integer_value(json_object_get(cs, "restartCount"));
                const char *w = dc_jstr(cs, "state.waiting.reason");
                if (w)
                    st = w;
            }
            if (dc_jget(obj, "metadata.deletionTimestamp"))
                st = "Terminating";
            char b[32];
            snprintf(b, sizeof b, "%zu/%zu", ok, total);
            CELL(json_string(b));
            CELL(json_string(st ? st : "Pending"));
            snprintf(b, sizeof b, "%lld", rs);
            CELL(json_string(b));
            CELL(age(obj, "metadata.creationTimestamp"));
            CELL(str_or_empty(obj, "status.podIP"));
            CELL(str_or_empty(obj, "spec.nodeName"));
        }
    } else if (r == DC_DEPLOYMENTS) {
        COL(&pready);
        COL(&uptodate);
        COL(&available);
        COL(&c_age);
        if (obj) {
            char b[32];
            snprintf(b, sizeof b, "%lld/%lld",
                     (long long)json_integer_value(dc_jget(obj, "status.readyReplicas")),
                     (long long)json_integer_value(dc_jget(obj, "spec.replicas")));
            CELL(json_string(b));
            CELL(json_integer(json_integer_value(dc_jget(obj, "status.updatedReplicas"))));
            CELL(json_integer(json_integer_value(dc_jget(obj, "status.availableReplicas"))));
            CELL(age(obj, "metadata.creationTimestamp"));
        }
    } else if (r == DC_REPLICASETS) {
        COL(&rsdesired);
        COL(&rscurrent);
        COL(&rsready);
        COL(&c_age);
        if (obj) {
            CELL(json_integer(json_integer_value(dc_jget(obj, "spec.replicas"))));
            CELL(json_integer(json_integer_value(dc_jget(obj, "status.replicas"))));
            CELL(json_integer(json_integer_value(dc_jget(obj, "status.readyReplicas"))));
            CELL(age(obj, "metadata.creationTimestamp"));
        }
    } else if (r == DC_SERVICES) {
        COL(&type);
        COL(&cip);
        COL(&eip);
        COL(&ports);
        COL(&c_age);
        if (obj) {
            CELL(str_or_empty(obj, "spec.type"));
            const char *ipv = dc_jstr(obj, "spec.clusterIP");
            CELL(json_string(ipv ? ipv : "None"));
            const char *ext = dc_jstr(obj, "spec.externalName");
            CELL(json_string(ext ? ext : "<none>"));
            tt_buf b = TT_BUF_INIT;
            size_t i;
            json_t *p;
            json_array_foreach(dc_jget(obj, "spec.ports"), i, p) {
                const char *proto = dc_jstr(p, "protocol");
                tt_buf_printf(&b, "%s%lld/%s", i ? "," : "",
                              (long long)json_integer_value(json_object_get(p, "port")),
                              proto ? proto : "TCP");
            }
            char *s = tt_buf_steal(&b);
            CELL(json_string(*s ? s : "<none>"));
            free(s);
            CELL(age(obj, "metadata.creationTimestamp"));
        }
    } else if (r == DC_SECRETS || r == DC_CONFIGMAPS) {
        if (r == DC_SECRETS)
            COL(&type);
        COL(&data);
        COL(&c_age);
        if (obj) {
            if (r == DC_SECRETS)
                CELL(str_or_empty(obj, "type"));
            CELL(json_integer((json_int_t)(count_keys(json_object_get(obj, "data")) +
                                           count_keys(json_object_get(obj, "binaryData")))));
            CELL(age(obj, "metadata.creationTimestamp"));
        }
    } else if (r == DC_EVENTS) {
        COL(&lastseen);
        COL(&evtype);
        COL(&evreason);
        COL(&object);
        COL(&message);
        if (obj) {
            CELL(age(obj, "lastTimestamp"));
            CELL(str_or_empty(obj, "type"));
            CELL(str_or_empty(obj, "reason"));
            char *o = tt_asprintf("%s/%s", dc_jstr(obj, "involvedObject.kind") ? dc_jstr(obj, "involvedObject.kind") : "",
                                  dc_jstr(obj, "involvedObject.name") ? dc_jstr(obj, "involvedObject.name") : "");
            for (char *p = o; *p && *p != '/'; p++)
                if (*p >= 'A' && *p <= 'Z')
                    *p = (char)(*p - 'A' + 'a');
            CELL(json_string(o));
            free(o);
            CELL(str_or_empty(obj, "message"));
        }
    } else if (r == DC_INGRESSES) {
        COL(&cls);
        COL(&hosts);
        COL(&addr);
        COL(&iports);
        COL(&c_age);
        if (obj) {
            const char *ic = dc_jstr(obj, "spec.ingressClassName");
            if (!ic)
                ic = json_string_value(json_object_get(dc_jget(obj, "metadata.annotations"),
                                                       "kubernetes.io/ingress.class"));
            CELL(json_string(ic ? ic : "<none>"));
            tt_buf b = TT_BUF_INIT;
            size_t i;
            json_t *rule;
            json_array_foreach(dc_jget(obj, "spec.rules"), i, rule)
                tt_buf_printf(&b, "%s%s", i ? "," : "", dc_jstr(rule, "host") ? dc_jstr(rule, "host") : "*");
            char *s = tt_buf_steal(&b);
            CELL(json_string(s));
            free(s);
            CELL(json_string(""));
            CELL(json_string("80"));
            CELL(age(obj, "metadata.creationTimestamp"));
        }
    } else if (r == DC_KONGPLUGINS || r == DC_KONGCLUSTERPLUGINS) {
        COL(&plugin);
        COL(&c_age);
        if (obj) {
            CELL(str_or_empty(obj, "plugin"));
            CELL(age(obj, "metadata.creationTimestamp"));
        }
    } else {
        COL(&c_age);
        if (obj)
            CELL(age(obj, "metadata.creationTimestamp"));
    }
#undef COL
#undef CELL
    *ncols = n;
    return cells;
}

json_t *dc_table_new(dc_resource *r, json_t *const *objs, size_t nobjs, bool with_columns)
{
    const col *cols[16];
    size_t ncols = 0;
    json_t *t = json_pack("{s:s, s:s, s:{}}", "kind", "Table", "apiVersion", "meta.k8s.io/v1",
                          "metadata");
    if (with_columns) {
        json_decref(cells_for(r, NULL, cols, &ncols));
        json_t *defs = json_array();
        for (size_t i = 0; i < ncols; i++)
            json_array_append_new(defs, json_pack("{s:s, s:s, s:s, s:s, s:i}", "name",
                                                  cols[i]->name, "type", cols[i]->type, "format",
                                                  cols[i]->format, "description", cols[i]->name,
                                                  "priority", cols[i]->priority));
        json_object_set_new(t, "columnDefinitions", defs);
    }
    json_t *rows = json_array();
    for (size_t i = 0; i < nobjs; i++) {
        json_t *cells = cells_for(r, objs[i], cols, &ncols);
        json_t *md = json_deep_copy(json_object_get(objs[i], "metadata"));
        json_object_del(md, "managedFields");
        json_array_append_new(rows, json_pack("{s:o, s:{s:s, s:s, s:o}}", "cells", cells, "object",
                                              "kind", "PartialObjectMetadata", "apiVersion",
                                              "meta.k8s.io/v1", "metadata", md));
    }
    json_object_set_new(t, "rows", rows);
    return t;
}
