/*
 * Pod logs: plausible gunicorn startup and access lines for the user
 * container, JSON lines for queue-proxy, a traceback for crashing pods;
 * follow mode adds a line about every second until the client leaves.
 */
#include "dc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static unsigned long hash_s(const char *s)
{
    unsigned long h = 5381;
    for (; s && *s; s++)
        h = h * 33 + (unsigned char)*s;
    return h;
}

static void gunicorn_time(long long t, char out[40])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 40, "%Y-%m-%d %H:%M:%S +0000", &tm);
}

static void access_time(long long t, char out[40])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 40, "%d/%b/%Y:%H:%M:%S +0000", &tm);
}

static bool is_queue_proxy(const char *c) { return c && strcmp(c, "queue-proxy") == 0; }

static char *make_line(json_t *pod, const char *container, unsigned seq, long long t)
{
    const char *name = dc_jstr(pod, "metadata.name");
    unsigned long h = hash_s(name) + seq * 2654435761u;
    if (is_queue_proxy(container)) {
        char ts[32];
        dc_format_time(t, ts);
        return tt_asprintf("{\"severity\":\"INFO\",\"timestamp\":\"%s\",\"logger\":\"queueproxy\",\"caller\":\"sharedmain/handlers.go:%lu\",\"message\":\"request served\",\"knative.dev/key\":\"%s/%s\",\"knative.dev/pod\":\"%s\",\"latencyMs\":%lu}",
                           ts, 100 + h % 50, dc_jstr(pod, "metadata.namespace"),
                           json_string_value(json_object_get(dc_jget(pod, "metadata.labels"), "serving.knative.dev/revision")),
                           name, 40 + h % 900);
    }
    bool stream = strstr(name, "stream") != NULL;
    char at[40];
    access_time(t, at);
    static const char *const agents[] = {"python-requests/2.31.0", "Go-http-client/1.1",
                                         "Kong/3.4.2", "axios/1.6.2"};
    return tt_asprintf("10.8.%lu.%lu - - [%s] \"POST %s HTTP/1.1\" 200 %lu \"-\" \"%s\"",
                       h % 4, 2 + (h >> 4) % 250, at,
                       stream ? "/api/text_to_speech/stream" : "/api/text_to_speech/input_validated",
                       stream ? 20000 + h % 400000 : 2 + h % 60, agents[h % 4]);
}

char *dc_pod_log_line(json_t *pod, const char *container, unsigned seq)
{
    return make_line(pod, container, seq, (long long)time(NULL));
}

static json_t *container_status(json_t *pod, const char *container)
{
    size_t i;
    json_t *cs;
    json_array_foreach(dc_jget(pod, "status.containerStatuses"), i, cs)
        if (tt_streq(dc_jstr(cs, "name"), container))
            return cs;
    return NULL;
}

char *dc_pod_log(json_t *pod, const char *container, long tail, dc_fail *f)
{
    const char *pname = dc_jstr(pod, "metadata.name");
    json_t *cs = container_status(pod, container);
    const char *waiting = dc_jstr(cs, "state.waiting.reason");
    bool crash = waiting && strcmp(waiting, "CrashLoopBackOff") == 0;
    if (!cs || (waiting && !crash)) {
        if (!cs || strcmp(waiting, "ContainerCreating") == 0)
            dc_fail_set(f, 400, "BadRequest",
                        "container \"%s\" in pod \"%s\" is waiting to start: ContainerCreating",
                        container, pname);
        else
            dc_fail_set(f, 400, "BadRequest",
                        "container \"%s\" in pod \"%s\" is waiting to start: trying and failing to pull image",
                        container, pname);
        return NULL;
    }
    long long start = dc_parse_time(dc_jstr(pod, "status.startTime"));
    long long now = (long long)time(NULL);
    if (!start)
        start = now;
    tt_buf b = TT_BUF_INIT;
    char **lines = NULL;
    size_t n = 0;
#define ADD(s) (lines = tt_realloc(lines, (n + 1) * sizeof *lines), lines[n++] = (s))
    char gt[40];
    gunicorn_time(start, gt);
    if (is_queue_proxy(container)) {
        char ts[32];
        dc_format_time(start, ts);
        ADD(tt_asprintf("{\"severity\":\"INFO\",\"timestamp\":\"%s\",\"logger\":\"queueproxy\",\"caller\":\"sharedmain/main.go:271\",\"message\":\"Starting queue-proxy\",\"knative.dev/pod\":\"%s\"}",
                        ts, pname));
        ADD(tt_asprintf("{\"severity\":\"INFO\",\"timestamp\":\"%s\",\"logger\":\"queueproxy\",\"caller\":\"sharedmain/main.go:277\",\"message\":\"Starting http server metrics:9090\",\"knative.dev/pod\":\"%s\"}",
                        ts, pname));
    } else {
        ADD(tt_asprintf("[%s] [1] [INFO] Starting gunicorn 20.1.0", gt));
        ADD(tt_asprintf("[%s] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)", gt));
        ADD(tt_asprintf("[%s] [1] [INFO] Using worker: sync", gt));
        ADD(tt_asprintf("[%s] [7] [INFO] Booting worker with pid: 7", gt));
        if (crash) {
            ADD(tt_asprintf("[%s] [7] [ERROR] Exception in worker process", gt));
            ADD(tt_strdup("Traceback (most recent call last):"));
            ADD(tt_strdup("  File \"/app/venv/lib/python3.8/site-packages/gunicorn/arbiter.py\", line 589, in spawn_worker"));
            ADD(tt_strdup("    worker.init_process()"));
            ADD(tt_strdup("  File \"/app/run/deploy/worker.py\", line 12, in <module>"));
            ADD(tt_strdup("    import lib.audio"));
            ADD(tt_strdup("ModuleNotFoundError: No module named 'lib.audio'"));
            ADD(tt_asprintf("[%s] [7] [INFO] Worker exiting (pid: 7)", gt));
            ADD(tt_asprintf("[%s] [1] [INFO] Shutting down: Master", gt));
            ADD(tt_asprintf("[%s] [1] [INFO] Reason: Worker failed to boot.", gt));
        }
    }
    if (!crash) {
        long long span = now - start;
        unsigned count = (unsigned)(3 + span / 7 > 40 ? 40 : 3 + span / 7);
        for (unsigned i = 0; i < count; i++)
            ADD(make_line(pod, container, i, now - (long long)(count - i) * 7));
    }
#undef ADD
    size_t first = (tail >= 0 && (size_t)tail < n) ? n - (size_t)tail : 0;
    for (size_t i = 0; i < n; i++) {
        if (i >= first) {
            tt_buf_puts(&b, lines[i]);
            tt_buf_putc(&b, '\n');
        }
        free(lines[i]);
    }
    free(lines);
    return tt_buf_steal(&b);
}

typedef struct follow_state {
    json_t *pod;
    char *container;
    struct MHD_Connection *c;
    tt_buf out;
    size_t pos;
    unsigned seq;
    bool crash;
} follow_state;

static ssize_t follow_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    follow_state *fs = cls;
    for (;;) {
        if (fs->pos < fs->out.len) {
            size_t n = fs->out.len - fs->pos;
            if (n > max)
                n = max;
            memcpy(buf, fs->out.data + fs->pos, n);
            fs->pos += n;
            return (ssize_t)n;
        }
        tt_buf_reset(&fs->out);
        fs->pos = 0;
        if (fs->crash)
            return MHD_CONTENT_READER_END_OF_STREAM;
        for (int i = 0; i < 10; i++) {
            if (g_shutdown)
                return MHD_CONTENT_READER_END_OF_STREAM;
            if (dc_peer_gone(fs->c))
                return MHD_CONTENT_READER_END_WITH_ERROR;
            usleep(100000);
        }
        char *line = dc_pod_log_line(fs->pod, fs->container, 1000 + fs->seq++);
        tt_buf_puts(&fs->out, line);
        tt_buf_putc(&fs->out, '\n');
        free(line);
    }
}

static void follow_free(void *cls)
{
    follow_state *fs = cls;
    json_decref(fs->pod);
    free(fs->container);
    tt_buf_free(&fs->out);
    free(fs);
}

enum MHD_Result dc_logs_serve(struct MHD_Connection *c, const char *ns, const char *pod,
                              const char *container, bool follow, long tail_lines)
{
    dc_lock();
    dc_object *o = dc_store_get(DC_PODS, ns, pod);
    json_t *p = o ? json_deep_copy(o->obj) : NULL;
    dc_unlock();
    if (!p)
        return dc_send_status(c, 404, "NotFound", "pods \"%s\" not found", pod);
    json_t *containers = dc_jget(p, "spec.containers");
    if (!container) {
        if (json_array_size(containers) != 1) {
            tt_buf names = TT_BUF_INIT;
            size_t i;
            json_t *ct;
            json_array_foreach(containers, i, ct)
                tt_buf_printf(&names, "%s%s", i ? " " : "", dc_jstr(ct, "name"));
            char *nm = tt_buf_steal(&names);
            enum MHD_Result r = dc_send_status(c, 400, "BadRequest",
                                               "a container name must be specified for pod %s, choose one of: [%s]",
                                               pod, nm);
            free(nm);
            json_decref(p);
            return r;
        }
        container = dc_jstr(json_array_get(containers, 0), "name");
    }
    bool found = false;
    size_t i;
    json_t *ct;
    json_array_foreach(containers, i, ct)
        if (tt_streq(dc_jstr(ct, "name"), container))
            found = true;
    if (!found) {
        enum MHD_Result r = dc_send_status(c, 400, "BadRequest",
                                           "container %s is not valid for pod %s", container, pod);
        json_decref(p);
        return r;
    }
    dc_fail f = {0};
    char *text = dc_pod_log(p, container, tail_lines, &f);
    if (!text) {
        json_decref(p);
        return dc_send_status(c, f.code, f.reason, "%s", f.message);
    }
    if (!follow) {
        json_decref(p);
        return dc_send(c, 200, "text/plain", text, strlen(text));
    }
    follow_state *fs = tt_calloc(1, sizeof *fs);
    fs->pod = p;
    fs->container = tt_strdup(container);
    fs->c = c;
    fs->crash = tt_streq(dc_jstr(json_array_get(dc_jget(p, "status.containerStatuses"), 0), "state.waiting.reason"), "CrashLoopBackOff");
    tt_buf_puts(&fs->out, text);
    free(text);
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, follow_read, fs, follow_free);
    MHD_add_response_header(resp, "Content-Type", "text/plain");
    enum MHD_Result ret = MHD_queue_response(c, 200, resp);
    MHD_destroy_response(resp);
    return ret;
}
