// An operator-style template (the shape of the operators' own tts.jsonnet,
// which we do not have): API keys imported with `import 'apikeys.json'`
// from this folder, helpers from a library that itself imports a file
// relative to its own folder, and a whole-output std.prune.
local k8s = import 'lib/k8s.libsonnet';
local apiKeys = import 'apikeys.json';

function(
  env,
  model,
  version,
  image,
  imageEntrypoint='run.deploy.worker:app',
  includeImageApiKeys='false',
  minScale='0',
  maxScale='32',
)
  local withKeys = includeImageApiKeys == 'true';
  std.prune([
    k8s.namespace(model),
    if withKeys then k8s.secret(model, 'api-keys', {
      [k]: std.base64(apiKeys[k])
      for k in std.objectFields(apiKeys)
    }),
    k8s.service(model, 'validate', version, image, imageEntrypoint, minScale, maxScale) {
      metadata+: { labels: { env: env } },
    },
  ])
