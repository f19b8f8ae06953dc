function(env, model, version, image, imageEntrypoint='', includeImageApiKeys='', minScale='', maxScale='')
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: model } }
