/*
 * A Knative Service reconciled: its Configuration (a revision per new
 * template), its Route (traffic resolved to ready revisions, tags and
 * their URLs, the revisions' routingState, the Kubernetes Service) and
 * the Service's status and conditions.
 */
#include "dc.h"
#include "knative.h"

#include <stdlib.h>
#include <string.h>

#define DOMAIN "svc.cluster.local"

static void reconcile_configuration(const char *ns, const char *name)
{
    json_t *cfg = copy_of(DC_KCONFIG, ns, name);
    if (!cfg)
        return;
    json_int_t gen = json_integer_value(dc_jget(cfg, "metadata.generation"));
    const char *tname = dc_jstr(cfg, "spec.template.metadata.name");
    char revname[300];
    if (tname)
        snprintf(revname, sizeof revname, "%s", tname);
    else
        snprintf(revname, sizeof revname, "%s-%05lld", name, (long long)gen);
    if (json_integer_value(dc_jget(cfg, "status.observedGeneration")) != gen) {
        if (!dc_store_get(DC_KREV, ns, revname))
            create_revision(cfg, revname, gen, false);
        dc_jset(cfg, "status.observedGeneration", json_integer(gen));
        dc_jset(cfg, "status.latestCreatedRevisionName", json_string(revname));
    }
    const char *latest = dc_jstr(cfg, "status.latestCreatedRevisionName");
    dc_object *rev = latest ? dc_store_get(DC_KREV, ns, latest) : NULL;
    const char *rs = rev ? cond_status(rev->obj, "Ready") : "Unknown";
    if (rev && strcmp(rs, "True") == 0) {
        dc_jset(cfg, "status.latestReadyRevisionName", json_string(latest));
        set_conditions(cfg, json_pack("[o]", cond("Ready", "True", NULL, NULL)));
    } else if (rev && strcmp(rs, "False") == 0) {
        char *msg = tt_asprintf("Revision \"%s\" failed with message: %s.", latest,
                                dc_jstr(find_cond(rev->obj, "Ready"), "message") ?: "");
        set_conditions(cfg, json_pack("[o]", cond("Ready", "False", "RevisionFailed", msg)));
        free(msg);
    } else {
        set_conditions(cfg, json_pack("[o]", cond("Ready", "Unknown", NULL, NULL)));
    }
    put_internal(DC_KCONFIG, cfg, false);
}

void reconcile_service(const char *ns, const char *name)
{
    dc_object *so = dc_store_get(DC_KSVC, ns, name);
    if (!so || dc_jget(so->obj, "metadata.deletionTimestamp"))
        return;
    json_t *svc = json_deep_copy(so->obj);
    const char *suid = dc_jstr(svc, "metadata.uid");
    json_t *ann = dc_jget(svc, "metadata.annotations");
    /* Configuration */
    json_t *cfg = copy_of(DC_KCONFIG, ns, name);
    bool create = !cfg;
    if (!cfg) {
        json_t *labels = json_deep_copy(dc_jget(svc, "metadata.labels"));
        if (!labels)
            labels = json_object();
        json_object_set_new(labels, LBL "service", json_string(name));
        json_object_set_new(labels, LBL "serviceUID", json_string(suid));
        cfg = json_pack("{s:s, s:s, s:{s:s, s:s, s:o, s:O, s:o}}", "apiVersion", KN_API, "kind",
                        "Configuration", "metadata", "name", name, "namespace", ns, "labels",
                        labels, "annotations", ann ? ann : json_object(), "ownerReferences",
                        owner_ref(svc));
    }
    dc_jset(cfg, "spec.template", json_deep_copy(dc_jget(svc, "spec.template")));
    put_internal(DC_KCONFIG, cfg, create);
    reconcile_configuration(ns, name);
    dc_object *co = dc_store_get(DC_KCONFIG, ns, name);
    if (!co)
        return;
    json_t *cst = json_object_get(co->obj, "status");
    const char *latest_ready = dc_jstr(cst, "latestReadyRevisionName");
    const char *latest_created = dc_jstr(cst, "latestCreatedRevisionName");
    /* Route */
    json_t *route = copy_of(DC_KROUTE, ns, name);
    create = !route;
    if (!route) {
        json_t *labels = json_pack("{s:s, s:s}", LBL "service", name, LBL "serviceUID", suid);
        route = json_pack("{s:s, s:s, s:{s:s, s:s, s:o, s:O, s:o}}", "apiVersion", KN_API, "kind",
                          "Route", "metadata", "name", name, "namespace", ns, "labels", labels,
                          "annotations", ann ? ann : json_object(), "ownerReferences",
                          owner_ref(svc));
    }
    json_t *spec_traffic = json_deep_copy(dc_jget(svc, "spec.traffic"));
    json_t *rtraffic = json_array();
    bool resolved = true;
    size_t i;
    json_t *t;
    json_array_foreach(spec_traffic, i, t) {
        if (json_is_true(json_object_get(t, "latestRevision")))
            json_object_set_new(t, "configurationName", json_string(name));
        const char *target = json_is_true(json_object_get(t, "latestRevision"))
                                 ? latest_ready
                                 : dc_jstr(t, "revisionName");
        dc_object *tr = target ? dc_store_get(DC_KREV, ns, target) : NULL;
        if (!tr || strcmp(cond_status(tr->obj, "Ready"), "True") != 0) {
            resolved = false;
            continue;
        }
        json_t *e = json_pack("{s:s, s:b, s:O}", "revisionName", target, "latestRevision",
                              json_is_true(json_object_get(t, "latestRevision")), "percent",
                              json_object_get(t, "percent") ?: json_integer(0));
        const char *tag = dc_jstr(t, "tag");
        if (tag) {
            json_object_set_new(e, "tag", json_string(tag));
            char *url = tt_asprintf("http://%s-%s.%s." DOMAIN, tag, name, ns);
            json_object_set_new(e, "url", json_string(url));
            free(url);
        }
        json_array_append_new(rtraffic, e);
    }
    dc_jset(route, "spec.traffic", spec_traffic);
    char *url = tt_asprintf("http://%s.%s." DOMAIN, name, ns);
    dc_jset(route, "status.observedGeneration", json_integer(json_integer_value(dc_jget(route, "metadata.generation")) ?: 1));
    if (resolved) {
        dc_jset(route, "status.url", json_string(url));
        dc_jset(route, "status.address.url", json_string(url));
        dc_jset(route, "status.traffic", rtraffic);
        set_conditions(route, json_pack("[o, o, o, o]", cond("AllTrafficAssigned", "True", NULL, NULL),
                                        cond("CertificateProvisioned", "True", "TLSNotEnabled", NULL),
                                        cond("IngressReady", "True", NULL, NULL),
                                        cond("Ready", "True", NULL, NULL)));
    } else {
        json_decref(rtraffic);
        bool failed = latest_created && !latest_ready;
        char *msg = tt_asprintf(failed ? "Configuration \"%s\" does not have any ready Revision."
                                       : "Configuration \"%s\" is waiting for a Revision to become ready.",
                                name);
        const char *st = failed && strcmp(cond_status(co->obj, "Ready"), "False") == 0 ? "False" : "Unknown";
        set_conditions(route, json_pack("[o, o]", cond("AllTrafficAssigned", st, "RevisionMissing", msg),
                                        cond("Ready", st, "RevisionMissing", msg)));
        free(msg);
    }
    put_internal(DC_KROUTE, route, create);
    dc_object *ro = dc_store_get(DC_KROUTE, ns, name);
    json_t *rst = ro ? json_object_get(ro->obj, "status") : NULL;
    /* routing state of this configuration's revisions */
    size_t n;
    dc_object **revs = dc_store_range(DC_KREV, ns, &n);
    char **names = NULL;
    bool *act = NULL;
    size_t nn = 0;
    for (size_t j = 0; j < n; j++) {
        if (strcmp(revs[j]->ns, ns) != 0)
            continue;
        if (!tt_streq(json_string_value(json_object_get(dc_jget(revs[j]->obj, "metadata.labels"), LBL "configuration")), name))
            continue;
        bool a = false;
        json_array_foreach(json_object_get(rst, "traffic"), i, t)
            if (tt_streq(dc_jstr(t, "revisionName"), revs[j]->name))
                a = true;
        if (!a && tt_streq(revs[j]->name, latest_created) && strcmp(cond_status(revs[j]->obj, "Ready"), "True") != 0)
            continue; /* still rolling out or failed: leave pending */
        names = tt_realloc(names, (nn + 1) * sizeof *names);
        act = tt_realloc(act, (nn + 1) * sizeof *act);
        names[nn] = tt_strdup(revs[j]->name);
        act[nn++] = a;
    }
    for (size_t j = 0; j < nn; j++) {
        set_routing(ns, names[j], act[j]);
        free(names[j]);
    }
    free(names);
    free(act);
    /* Kubernetes Service for the route */
    if (resolved && !dc_store_get(DC_SERVICES, ns, name) && ro) {
        json_t *ks = json_pack("{s:s, s:s, s:{s:s, s:s, s:{s:s, s:s}, s:o}, s:{s:s, s:s, s:[{s:s, s:i, s:s, s:i}], s:s}}",
                               "apiVersion", "v1", "kind", "Service", "metadata", "name", name,
                               "namespace", ns, "labels", LBL "route", name, LBL "service", name,
                               "ownerReferences", owner_ref(ro->obj), "spec", "type",
                               "ExternalName", "externalName",
                               "kourier-internal.kourier-system.svc.cluster.local", "ports",
                               "name", "http2", "port", 80, "protocol", "TCP", "targetPort", 80,
                               "sessionAffinity", "None");
        put_internal(DC_SERVICES, ks, true);
    }
    /* Service status */
    const char *cfg_ready = cond_status(co->obj, "Ready");
    json_t *cfg_cond = find_cond(co->obj, "Ready");
    json_t *c_cfg, *c_route;
    if (strcmp(cfg_ready, "True") == 0)
        c_cfg = cond("ConfigurationsReady", "True", NULL, NULL);
    else if (strcmp(cfg_ready, "False") == 0)
        c_cfg = cond("ConfigurationsReady", "False", dc_jstr(cfg_cond, "reason"), dc_jstr(cfg_cond, "message"));
    else
        c_cfg = cond("ConfigurationsReady", "Unknown", "OutOfDate",
                     "The Configuration is still working to reflect the latest desired specification.");
    const char *route_ready = ro ? cond_status(ro->obj, "Ready") : "Unknown";
    json_t *rc = ro ? find_cond(ro->obj, "Ready") : NULL;
    bool migrating = false;
    json_array_foreach(dc_jget(svc, "spec.traffic"), i, t)
        if (json_is_true(json_object_get(t, "latestRevision")) && !tt_streq(latest_ready, latest_created) &&
            strcmp(cfg_ready, "False") != 0)
            migrating = true;
    if (migrating)
        c_route = cond("RoutesReady", "Unknown", "TrafficNotMigrated", "Traffic is not yet migrated to the latest revision.");
    else if (strcmp(route_ready, "True") == 0)
        c_route = cond("RoutesReady", "True", NULL, NULL);
    else
        c_route = cond("RoutesReady", route_ready, dc_jstr(rc, "reason"), dc_jstr(rc, "message"));
    const char *rs1 = dc_jstr(c_cfg, "status"), *rs2 = dc_jstr(c_route, "status");
    json_t *c_ready;
    json_t *src = strcmp(rs1, "False") == 0 ? c_cfg : strcmp(rs2, "False") == 0 ? c_route
                  : strcmp(rs1, "Unknown") == 0 ? c_cfg : strcmp(rs2, "Unknown") == 0 ? c_route : NULL;
    if (src)
        c_ready = cond("Ready", dc_jstr(src, "status"), dc_jstr(src, "reason"), dc_jstr(src, "message"));
    else
        c_ready = cond("Ready", "True", NULL, NULL);
    json_t *status = json_object_get(svc, "status");
    if (!status) {
        status = json_object();
        json_object_set_new(svc, "status", status);
    }
    json_object_set_new(status, "observedGeneration", json_integer(json_integer_value(dc_jget(svc, "metadata.generation"))));
    if (latest_created)
        json_object_set_new(status, "latestCreatedRevisionName", json_string(latest_created));
    if (latest_ready)
        json_object_set_new(status, "latestReadyRevisionName", json_string(latest_ready));
    if (rst && json_object_get(rst, "url")) {
        json_object_set_new(status, "url", json_string(url));
        dc_jset(svc, "status.address.url", json_string(url));
        json_object_set(status, "traffic", json_object_get(rst, "traffic"));
    }
    free(url);
    set_conditions(svc, json_pack("[o, o, o]", c_cfg, c_ready, c_route));
    put_internal(DC_KSVC, svc, false);
}

void kn_reconcile_now(const char *ns, const char *name) { reconcile_service(ns, name); }
