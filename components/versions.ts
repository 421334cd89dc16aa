/**
 * Every version that changes results, pinned in one place and echoed into `results.versions`.
 *
 * Checked in November 2026 (see the README's "Pinned versions" for sources). App base images are
 * pinned in each app's Dockerfile and echoed per runtime (results.runtimes.<app>.image.baseImages).
 */
export const VERSIONS = {
  /** kind release whose pre-built node images are used; users need this kind or newer. */
  kind: "v0.33.0",
  /** kind v0.33.0's pre-built node image for Kubernetes 1.34, by digest. */
  kindNodeImage: "kindest/node:v1.34.11@sha256:44e222ee2132dab25ff87301682f89eb82c7880ea3a1bf543bfe9708fd08d67d",
  /** The k6 binary the tests build and the image the cluster runs: same version. */
  k6: "v1.8.1",
  k6Image: "grafana/k6:1.8.1",
  /**
   * The kube-proxy benchmark driver's runtime: the official Node image (Node >= 23.6 runs the
   * mounted .ts files by type stripping). nodejs/docker-node 24/alpine3.24/Dockerfile sets
   * NODE_VERSION=24.17.0; uid 1000 is its `node` user.
   */
  kubeProxyDriverImage: "node:24.17.0-alpine3.24",
  /** The kube-proxy benchmark's backend: it only has to be Ready (the sandbox image of Kubernetes 1.34, preloaded on kind nodes). */
  kubeProxyBackendImage: "registry.k8s.io/pause:3.10.1",
  /** kubectl for in-cluster helpers is not needed: the Jobs use the API directly. */
  metricsServerChart: "3.14.0",
  metricsServerRepo: "https://kubernetes-sigs.github.io/metrics-server/",
  kubePrometheusStackChart: "88.6.2",
  kubePrometheusStackRepo: "https://prometheus-community.github.io/helm-charts",
} as const;

/** The subset echoed into results (repositories are not versions). */
export function pinnedVersions(): Record<string, string> {
  const { metricsServerRepo: _m, kubePrometheusStackRepo: _k, ...pins } = VERSIONS;
  return { ...pins };
}
