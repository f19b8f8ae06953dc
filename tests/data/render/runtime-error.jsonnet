function(env, model, version, image, imageEntrypoint='', includeImageApiKeys='', minScale='', maxScale='')
  local keys = import 'keys/override.json';
  [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: model } },
    error 'refusing model ' + model + ' with key ' + keys.OVERRIDE_KEY,
  ]
