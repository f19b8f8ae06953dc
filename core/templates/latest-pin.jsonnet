// ttstui's embedded "pin latest" manifest: routes the header
// `Accept-Version: latest` to the model latestVersion (see "Pinning latest"
// in spec/release-manifests.md). One cluster-scoped object.
function(latestVersion) {
  apiVersion: 'configuration.konghq.com/v1',
  kind: 'KongClusterPlugin',
  metadata: {
    name: 'latest-pinned-service',
    namespace: 'kong',
    annotations: { 'kubernetes.io/ingress.class': 'kong' },
    labels: { global: 'true' },
  },
  plugin: 'latest-version-transformer',
  config: { latest_version: latestVersion },
}
