function(env, model, version, image, imageEntrypoint='', includeImageApiKeys='', minScale='', maxScale='') {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: model } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: model } },
  ],
}
