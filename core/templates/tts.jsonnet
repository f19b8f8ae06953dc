// ttstui's default TTS release template, embedded in the binary.
//
// Renders the objects of spec/release-manifests.md, in that order, as one
// flat array. Every top-level argument is a string, exactly as the
// operators' `jsonnet -y tts.jsonnet --tla-str ...` passed them.
//
// Written so nothing needs a whole-output std.prune: optional fields are
// left out with `[if cond then 'name']: value`, optional objects with
// `(if cond then [obj] else [])`. The API-key file is read only when keys
// are included (jsonnet is lazy), so the template renders without one
// otherwise.
function(
  env,
  model,
  version,
  image,
  imageEntrypoint='run.deploy.worker:app',
  includeImageApiKeys='false',
  minScale='0',
  maxScale='32',
  // Per service, over minScale/maxScale ('' = the flat value).
  streamMinScale='',
  streamMaxScale='',
  validateMinScale='',
  validateMaxScale='',
)
  local hostnames = {
    staging: 'staging.tts.wellsaidlabs.com',
    prod: 'tts.wellsaidlabs.com',
  };
  local hostname =
    if std.objectHas(hostnames, env) then hostnames[env]
    else error "env must be 'staging' or 'prod', not '" + env + "'";
  local withKeys =
    if includeImageApiKeys == 'true' then true
    else if includeImageApiKeys == 'false' then false
    else error "includeImageApiKeys must be 'true' or 'false', not '" + includeImageApiKeys + "'";

  // The API-key file: {"NAME": "value", ...}. Read with importstr and
  // std.parseJson rather than `import`: jsonnet 0.18 desugars its whole
  // standard library again for every imported jsonnet file (~50 ms), while
  // importstr reads text only. Either way the name 'apikeys.json' is what
  // the renderer resolves.
  local apiKeys = if withKeys then std.parseJson(importstr 'apikeys.json') else {};
  local apiKeyNames = std.objectFields(apiKeys);  // sorted
  // The request transformer injects the first key in sorted order.
  local firstApiKey =
    if std.length(apiKeyNames) > 0 then apiKeys[apiKeyNames[0]]
    else error 'the API-key file has no keys';

  local metadata(name) = { name: name, namespace: model };

  // Speed: jsonnet 0.18 implements std.format (`%`), std.escapeStringJson
  // and std.manifestYamlDoc in jsonnet itself, at several milliseconds a
  // call, so this template concatenates strings instead, and quotes with
  // the engine's native JSON manifestation of a one-element array.
  local quote(s) = local a = '' + [s]; std.substr(a, 1, std.length(a) - 2);

  // Exactly std.manifestYamlDoc(v, true) (keys quoted and sorted, list
  // items indented under their key) for objects whose leaves are non-empty
  // arrays of strings, which is all the transformer configuration holds.
  local yamlDoc(v) =
    local lines(obj, indent) = std.flattenArrays([
      [indent + quote(k) + ':']
      + (if std.isArray(obj[k])
         then [indent + '  - ' + quote(x) for x in obj[k]]
         else lines(obj[k], indent + '  '))
      for k in std.objectFields(obj)
    ]);
    std.join('\n', lines(v, ''));

  local orFlat(v, flat) = if v == '' then flat else v;
  local services = [
    {
      name: 'validate',
      minScale: orFlat(validateMinScale, minScale),
      maxScale: orFlat(validateMaxScale, maxScale),
      concurrency: 4,
      timeout: 10,
      restartTimeout: 10,
      path: '/api/text_to_speech/input_validated',
    },
    {
      name: 'stream',
      minScale: orFlat(streamMinScale, minScale),
      maxScale: orFlat(streamMaxScale, maxScale),
      concurrency: 1,
      timeout: 3600,
      restartTimeout: 600,
      path: '/api/text_to_speech/stream',
    },
  ];

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
          // The Knative revision name: a changed template needs a new version.
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
            resources: { requests: { cpu: '7', memory: '5G' } },
            readinessProbe: { successThreshold: 1, httpGet: { path: '/healthy' } },
            [if withKeys then 'envFrom']: [{ secretRef: { name: 'api-keys' } }],
          }],
        },
      },
      traffic: [{ latestRevision: true, percent: 100 }],
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
        // With keys the configuration stays in the Secret above, so the
        // key never sits in a non-Secret object.
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
              paths: [{
                path: s.path,
                pathType: 'Exact',
                backend: { service: { name: s.name, port: { number: 80 } } },
              }],
            },
          }],
        },
      },
    ];

  [namespace]
  + (if withKeys then [apiKeysSecret] else [])
  + [knativeService(s) for s in services]
  + std.flattenArrays([routes(s) for s in services])
