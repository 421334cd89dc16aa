/**
 * The measuring stack: metrics-server (the HPA needs it, always installed) and, unless switched
 * off, kube-prometheus-stack. Both are `helm.v3.Release`s: kube-prometheus-stack relies on Helm
 * hooks for its admission webhook certificates, which `helm.v4.Chart` drops.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { BenchCluster, DEDICATED_TAINT_KEY } from "./cluster";
import { kubePrometheusStackValues, metricsServerValues } from "./monitoring-values";
import { VERSIONS } from "./versions";

/** Arguments of {@link Monitoring}. */
export interface MonitoringArgs {
  /** The cluster to install into; its provider and placement are used. */
  cluster: BenchCluster;
  /**
   * Install kube-prometheus-stack (Prometheus, Grafana). metrics-server is installed regardless.
   * @default true
   */
  prometheusStack?: boolean;
  /**
   * Grafana's admin password.
   * @default - a generated 24-character password, kept as a secret in state
   */
  grafanaAdminPassword?: pulumi.Input<string>;
  /**
   * Namespace of the monitoring stack.
   * @default "monitoring"
   */
  namespace?: string;
}

export class Monitoring extends pulumi.ComponentResource {
  readonly metricsServer: k8s.helm.v3.Release;
  readonly prometheusStack?: k8s.helm.v3.Release;
  /** Grafana's admin password (secret); undefined when the stack is off. */
  readonly grafanaAdminPassword?: pulumi.Output<string>;
  /** Namespace of the monitoring stack. */
  readonly namespace: string;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("k8s-bench:monitoring:Monitoring", name, {}, opts);
    const { cluster } = args;
    const withStack = args.prometheusStack ?? true;
    this.namespace = args.namespace ?? "monitoring";
    const k8sOpts = { parent: this, provider: cluster.provider, dependsOn: cluster.ready };

    this.metricsServer = new k8s.helm.v3.Release(
      `${name}-metrics-server`,
      {
        chart: "metrics-server",
        version: VERSIONS.metricsServerChart,
        repositoryOpts: { repo: VERSIONS.metricsServerRepo },
        namespace: "kube-system",
        values: metricsServerValues({ insecureKubeletTls: cluster.kind === "local", placement: cluster.systemPlacement }),
        timeout: 600,
      },
      k8sOpts,
    );

    if (withStack) {
      const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: this.namespace } }, k8sOpts);
      this.grafanaAdminPassword = args.grafanaAdminPassword
        ? pulumi.secret(pulumi.output(args.grafanaAdminPassword))
        : new random.RandomPassword(`${name}-grafana-password`, { length: 24, special: false }, { parent: this }).result;
      const values = kubePrometheusStackValues({
        placement: cluster.systemPlacement,
        nodeExporterTolerations: [{ key: DEDICATED_TAINT_KEY, operator: "Exists", effect: "NoSchedule" }],
        scrapeControlPlane: cluster.kind !== "local",
      });
      this.prometheusStack = new k8s.helm.v3.Release(
        `${name}-kube-prometheus-stack`,
        {
          chart: "kube-prometheus-stack",
          version: VERSIONS.kubePrometheusStackChart,
          repositoryOpts: { repo: VERSIONS.kubePrometheusStackRepo },
          namespace: ns.metadata.name,
          values: pulumi.all([this.grafanaAdminPassword]).apply(([password]) => ({
            ...values,
            grafana: { ...(values["grafana"] as object), adminPassword: password },
          })),
          // The CRDs and operator take a while on a laptop.
          timeout: 900,
        },
        { ...k8sOpts, dependsOn: [...cluster.ready, ns] },
      );
    }

    this.registerOutputs({ grafanaAdminPassword: this.grafanaAdminPassword });
  }
}
