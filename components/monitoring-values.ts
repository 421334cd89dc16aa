/**
 * Helm values for the measuring stack, as plain data.
 * @see https://github.com/kubernetes-sigs/metrics-server/tree/master/charts/metrics-server
 * @see https://github.com/prometheus-community/helm-charts/tree/main/charts/kube-prometheus-stack
 */
import { placementSpec, PodPlacement } from "./cluster";

/**
 * Chart-style scheduling values (nodeSelector, tolerations, affinity) for a placement: the charts
 * take the same fields a pod spec does.
 */
export function schedulingValues(placement: PodPlacement): Record<string, unknown> {
  return { ...placementSpec(placement) };
}

export interface MetricsServerValuesOptions {
  /** kind's kubelets serve self-signed certificates without IP SANs. */
  insecureKubeletTls: boolean;
  placement: PodPlacement;
}

export function metricsServerValues(opts: MetricsServerValuesOptions): Record<string, unknown> {
  return {
    // 15 s matches the HPA sync period; the chart's default is the same, stated for the reader.
    args: ["--metric-resolution=15s", ...(opts.insecureKubeletTls ? ["--kubelet-insecure-tls"] : [])],
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    ...schedulingValues(opts.placement),
  };
}

export interface KubePrometheusStackValuesOptions {
  /** Monitoring components (Prometheus, Grafana, operator, kube-state-metrics) go here. */
  placement: PodPlacement;
  /** node-exporter must run on every node, including tainted benchmark nodes. */
  nodeExporterTolerations: { key: string; operator: string; effect?: string }[];
  /** kind runs the control plane in a container whose scheduler/controller-manager/etcd are not scrapeable. */
  scrapeControlPlane: boolean;
}

/**
 * kube-prometheus-stack values without the Grafana admin password (a secret, added by the
 * component). Alertmanager is off: nothing here pages anyone. Modest requests keep the
 * measuring stack small next to the measured apps.
 */
export function kubePrometheusStackValues(opts: KubePrometheusStackValuesOptions): Record<string, unknown> {
  const scheduling = schedulingValues(opts.placement);
  return {
    alertmanager: { enabled: false },
    defaultRules: { create: true },
    kubeControllerManager: { enabled: opts.scrapeControlPlane },
    kubeScheduler: { enabled: opts.scrapeControlPlane },
    kubeEtcd: { enabled: opts.scrapeControlPlane },
    // kube-proxy's metrics are part of what the kernel benchmark reads.
    kubeProxy: { enabled: true },
    prometheusOperator: {
      resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
      ...scheduling,
      admissionWebhooks: { patch: { ...scheduling } },
    },
    prometheus: {
      prometheusSpec: {
        retention: "2d",
        scrapeInterval: "15s",
        // Pick up ServiceMonitors and PodMonitors from every release, not only this chart's.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        resources: { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "2Gi" } },
        ...scheduling,
      },
    },
    grafana: {
      resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
      ...scheduling,
    },
    "kube-state-metrics": {
      resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } },
      ...scheduling,
    },
    "prometheus-node-exporter": {
      resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
      tolerations: opts.nodeExporterTolerations,
    },
  };
}
