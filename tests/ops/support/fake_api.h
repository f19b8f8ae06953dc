/*
 * A scripted Kubernetes API for the ops tests: a libmicrohttpd server in
 * the test process answering each request from a table of routes with
 * recorded API answers (tests/data/ops/, tests/data/k8s/discovery/), and
 * logging every request so a test can assert what was (not) sent.
 *
 * Routes match a method and an exact path (the query aside); the route
 * added last wins, and a route given a hit limit stops matching after
 * that many answers (so a sequence of states is a stack of routes).
 * Unmatched requests: a dry-run write (PATCH or PUT with dryRun=All)
 * echoes its body as the object the server would store;
 * anything else is 404 NotFound, as a real server answers.
 */
#ifndef TEST_OPS_FAKE_API_H
#define TEST_OPS_FAKE_API_H

#include <jansson.h>
#include <stddef.h>

#include "kube_client.h"

/* Starts the server with the discovery routes (/api/v1 and the Knative
 * and Kong groups) and returns a client for it. */
kube_client *fake_api_start(void);
/* Frees the client, stops the server, forgets the routes and the log. */
void fake_api_stop(kube_client *c);

/* Answers method path with status and the JSON file tests/data/<file>. */
void fake_api_file(const char *method, const char *path, unsigned status, const char *file);
/* The same with a JSON value (dumped now; j is not kept). */
void fake_api_json(const char *method, const char *path, unsigned status, const json_t *j);
/* Like fake_api_json, for the next `hits` requests only. */
void fake_api_json_n(const char *method, const char *path, unsigned status, const json_t *j,
                     unsigned hits);
/* For the next `hits` requests: read the request, log it, then close the
 * connection with no answer (an answer lost after a write went out). */
void fake_api_drop(const char *method, const char *path, unsigned hits);
/* A Kubernetes Status answer (Forbidden, Invalid, ...). */
void fake_api_status(const char *method, const char *path, unsigned code, const char *reason,
                     const char *message);

/* Requests so far whose "METHOD path?query" contains every non-NULL of
 * method (exact), path (substring) and query (substring). */
size_t fake_api_count(const char *method, const char *path, const char *query);
/* The body of the last request matching like fake_api_count (NULL when
 * none). New reference, parsed as JSON. */
json_t *fake_api_last_body(const char *method, const char *path, const char *query);
/* Forgets the logged requests (the routes stay). */
void fake_api_clear_log(void);

/* tests/data/<file> as JSON (load_fixture_in); fails the test when it cannot. */
json_t *fake_api_fixture(const char *file);

#endif
