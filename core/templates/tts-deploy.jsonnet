// ttstui's release template for deployment config files
// (deployments/<env>/<model>.config.json), embedded in the binary.
//
// The same objects as tts.jsonnet (spec/release-manifests.md), in the same
// order, but every service value comes from the file: minScale, maxScale,
// concurrency, the public paths, optional container resources, and the
// traffic split by version tag. One top-level argument, `config`: the
// file's JSON text, e.g.
//   jsonnet -y tts-deploy.jsonnet --tla-str config="$(cat v3.config.json)"
// Numbers may be JSON numbers or strings of digits ("0"), booleans true,
// false, "true" or "false", as the files have them.
function(config)
  local c = std.parseJson(config);
  local str(v) = if std.isString(v) then v else std.toString(v);
  local num(v) = if std.isNumber(v) then v else std.parseInt(v);
  local bool(v) = v == true || v == 'true';

  local env = c.env;
  local model = c.model;
  local version = str(c.version);
  local image = c.image;
  local imageEntrypoint = std.get(c, 'imageEntrypoint', 'run.deploy.worker:app');
  local withKeys = bool(std.get(c, 'provideApiKeyAuthForLegacyContainerSupport', false));

  local hostnames = {
    staging: 'staging.tts.wellsaidlabs.com',
    prod: 'tts.wellsaidlabs.com',
  };
  local hostname =
    if std.objectHas(hostnames, env) then hostnames[env]
    else error "env must be 'staging' or 'prod', not '" + env + "'";

  // As in tts.jsonnet: read only when keys are included.
  local apiKeys = if withKeys then std.parseJson(importstr 'apikeys.json') else {};
  local apiKeyNames = std.objectFields(apiKeys);  // sorted
  local firstApiKey =
    if std.length(apiKeyNames) > 0 then apiKeys[apiKeyNames[0]]
    else error 'the API-key file has no keys';

  local metadata(name) = { name: name, namespace: model };
  local quote(s) = local a = '' + [s]; std.substr(a, 1, std.length(a) - 2);
  local yamlDoc(v) =
    local lines(obj, indent) = std.flattenArrays([
      [indent + quote(k) + ':']
      + (if std.isArray(obj[k])
         then [indent + '  - ' + quote(x) for x in obj[k]]
         else lines(obj[k], indent + '  '))
      for k in std.objectFields(obj)
    ]);
    std.join('\n', lines(v, ''));

  // Fixed per service, as in tts.jsonnet.
  local timeouts = {
    validate: { timeout: 10, restartTimeout: 10 },
    stream: { timeout: 3600, restartTimeout: 600 },
  };
  local service(name) = {
    local s = c[name],
    name: name,
    minScale: str(s.minScale),
    maxScale: str(s.maxScale),
    concurrency: num(s.concurrency),
    timeout: timeouts[name].timeout,
    restartTimeout: timeouts[name].restartTimeout,
    paths: s.paths,
    resources: std.get(s, 'resources', { requests: { cpu: '7', memory: '5G' } }),
  };
  local services = [service('validate'), service('stream')];

  local namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: model },
  };

  local apiKeysSecret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata('api-keys'),
    data: { [k]: std.base64(apiKeys[k]) for k in apiKeyNames },
  };

  local knativeService(s) = {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: metadata(s.name),
    spec: {
      template: {
        metadata: {
          name: s.name + '-' + version,
          annotations: {
            'autoscaling.knative.dev/minScale': s.minScale,
            'autoscaling.knative.dev/maxScale': s.maxScale,
            'run.googleapis.com/ingress': 'internal',
          },
        },
        spec: {
          containerConcurrency: s.concurrency,
          timeoutSeconds: s.timeout,
          containers: [{
            name: 'app',
            image: image,
            args: [
              'venv/bin/gunicorn',
              imageEntrypoint,
              '--bind=0.0.0.0:8000',
              '--timeout=' + s.timeout,
              '--graceful-timeout=' + s.restartTimeout,
              '--workers=' + s.concurrency,
              "--access-logfile='-'",
              '--preload',
            ],
            ports: [{ containerPort: 8000 }],
            resources: s.resources,
            readinessProbe: { successThreshold: 1, httpGet: { path: '/healthy' } },
            [if withKeys then 'envFrom']: [{ secretRef: { name: 'api-keys' } }],
          }],
        },
      },
      // Traffic by version tag: the revision <service>-<tag>.
      traffic: [
        { revisionName: s.name + '-' + str(t.tag), percent: num(t.percent) }
        for t in c.traffic
      ],
    },
  };

  local routes(s) =
    local host = s.name + '.' + model + '.svc.cluster.local';
    local plugin = 'route-' + s.name + '-request-transformer';
    local configSecret = plugin + '-config';
    local kongIngress = 'route-' + s.name + '-configuration';
    local transformerConfig = {
      replace: { headers: ['host:' + host] },
      add: {
        headers: ['host:' + host],
        [if withKeys then 'body']: ['api_key:' + firstApiKey],
      },
    };
    (if withKeys then [{
       apiVersion: 'v1',
       kind: 'Secret',
       type: 'Opaque',
       metadata: metadata(configSecret),
       stringData: {
         'request-transformer-config': yamlDoc(transformerConfig),
       },
     }] else [])
    + [
      {
        apiVersion: 'configuration.konghq.com/v1',
        kind: 'KongPlugin',
        metadata: metadata(plugin),
        plugin: 'request-transformer',
        [if !withKeys then 'config']: transformerConfig,
        [if withKeys then 'configFrom']: {
          secretKeyRef: {
            namespace: model,
            name: configSecret,
            key: 'request-transformer-config',
          },
        },
      },
      {
        apiVersion: 'configuration.konghq.com/v1',
        kind: 'KongIngress',
        metadata: metadata(kongIngress),
        proxy: {
          protocol: 'http',
          retries: 5,
          connect_timeout: 60000,
          read_timeout: 60000,
          write_timeout: 60000,
        },
        route: {
          request_buffering: true,
          response_buffering: true,
          headers: { 'accept-version': [model] },
          methods: ['POST', 'GET'],
          protocols: ['https'],
        },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: metadata('route-' + s.name) {
          annotations: {
            'kubernetes.io/ingress.class': 'kong',
            'konghq.com/override': kongIngress,
            'konghq.com/plugins': plugin,
            'konghq.com/protocols': 'https',
            'konghq.com/https-redirect-status-code': '301',
          },
        },
        spec: {
          rules: [{
            host: hostname,
            http: {
              paths: [
                {
                  path: p,
                  pathType: 'Exact',
                  backend: { service: { name: s.name, port: { number: 80 } } },
                }
                for p in s.paths
              ],
            },
          }],
        },
      },
    ];

  [namespace]
  + (if withKeys then [apiKeysSecret] else [])
  + [knativeService(s) for s in services]
  + std.flattenArrays([routes(s) for s in services])
