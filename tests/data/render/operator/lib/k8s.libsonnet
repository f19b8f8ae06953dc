local names = import 'names.libsonnet';
{
  namespace(name):: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: name } },
  secret(ns, name, data):: {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: name, namespace: ns },
    data: data,
  },
  service(ns, name, version, image, entry, minScale, maxScale):: {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: name, namespace: ns, labels: null },
    spec: { template: {
      metadata: {
        name: names.revision(name, version),
        annotations: {
          'autoscaling.knative.dev/minScale': minScale,
          'autoscaling.knative.dev/maxScale': maxScale,
        },
      },
      spec: { containers: [{ name: 'app', image: image, args: ['venv/bin/gunicorn', entry] }] },
    } },
  },
}
