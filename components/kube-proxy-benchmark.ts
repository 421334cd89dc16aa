/**
 * The kube-proxy benchmark: how long each node's kube-proxy takes to program N ClusterIP Services
 * while their backend scales in steps, per node and so per kernel.
 *
 * Pulumi declares a handful of objects (namespace, backend Deployment, ServiceAccount and RBAC,
 * the driver's ConfigMap and Job); the driver Job creates the thousands of Services inside the
 * cluster, scales the backend, reads every kube-proxy pod's log and prints the finished result,
 * which a collector command reads back into `results.kubeProxy`. Deleting the namespace (on
 * destroy) deletes the generated Services with it; the driver also deletes leftovers at start.
 * @see components/kube-proxy-driver.ts for what the driver does, step by step.
 */
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BenchCluster } from "./cluster";
import { KubeProxyBenchConfig } from "./config";
import { collectJob, COLLECT_MARGIN_SECONDS } from "./job-collector";
import { KUBE_PROXY_DRIVER_DEFAULTS, KUBE_PROXY_DRIVER_LOCAL_DEFAULTS } from "./kube-proxy-driver-config";
import { parseDriverOutput } from "./kube-proxy-result";
import {
  backendDeploymentSpec,
  DRIVER_CONTAINER,
  driverClusterRoleBindingSpec,
  driverFiles,
  driverJobDeadlineSeconds,
  driverJobSpec,
  driverRbacSpecs,
  driverRoleBindingSpec,
  kubeProxyLabels,
  kubeProxyNamespaceSpec,
} from "./kube-proxy-specs";
import { KubeProxyResult } from "./results-schema";

/** Seconds between the driver's polls per cluster kind: kind syncs in well under a second. */
const POLL_SECONDS: Record<BenchCluster["kind"], number> = {
  local: KUBE_PROXY_DRIVER_LOCAL_DEFAULTS.pollSeconds ?? KUBE_PROXY_DRIVER_DEFAULTS.pollSeconds,
  eks: KUBE_PROXY_DRIVER_DEFAULTS.pollSeconds,
};

/** The collector's timeout: the Job's deadline plus the time to notice and read the log. */
export const kubeProxyCollectTimeoutSeconds = (deadlineSeconds: number): number => driverJobDeadlineSeconds(deadlineSeconds) + COLLECT_MARGIN_SECONDS;

/** Arguments of {@link KubeProxyBenchmark}. */
export interface KubeProxyBenchmarkArgs {
  /** Cluster whose provider, kubeconfig and placement are used (backend: app nodes; driver: system nodes). */
  cluster: BenchCluster;
  /** The parsed `k8s-bench:kubeProxy` settings (scale, steps, deadline, measured groups). */
  config: KubeProxyBenchConfig;
  /** Changing it reruns the benchmark. */
  runId: string;
  /** Seconds between the driver's polls of EndpointSlices and logs. @default - 3 on local clusters, 10 on EKS */
  pollSeconds?: number;
  /** Resources that must finish first (the app benchmarks' collectors): nothing else loads the cluster meanwhile. @default [] */
  after?: pulumi.Resource[];
}

export class KubeProxyBenchmark extends pulumi.ComponentResource {
  readonly namespace: k8s.core.v1.Namespace;
  readonly backend: k8s.apps.v1.Deployment;
  readonly serviceAccount: k8s.core.v1.ServiceAccount;
  readonly job: k8s.batch.v1.Job;
  /** The collector; depend on it to run after the benchmark has finished. */
  readonly collector: command.local.Command;
  readonly result: pulumi.Output<KubeProxyResult>;

  constructor(name: string, args: KubeProxyBenchmarkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("k8s-bench:kube-proxy:KubeProxyBenchmark", name, {}, opts);
    const { cluster, config } = args;

    // Validate: the config parser checked the values; these are the invariants the driver relies on.
    if (config.steps.length === 0 || config.steps.some((s, i) => !Number.isInteger(s) || s < 1 || (i > 0 && s <= (config.steps[i - 1] as number)))) {
      throw new Error(`KubeProxyBenchmark ${name}: steps (${config.steps.join(",")}) must be strictly increasing positive replica counts`);
    }

    // Defaults.
    const pollSeconds = args.pollSeconds ?? POLL_SECONDS[cluster.kind];
    const after = args.after ?? [];

    // Build.
    const k8sOpts = { parent: this, provider: cluster.provider };
    this.namespace = new k8s.core.v1.Namespace(`${name}-namespace`, kubeProxyNamespaceSpec(), k8sOpts);
    const ns = this.namespace.metadata.name;

    const files = new k8s.core.v1.ConfigMap(
      `${name}-driver-files`,
      { metadata: { namespace: ns, labels: kubeProxyLabels("kube-proxy-driver") }, data: driverFiles() },
      k8sOpts,
    );

    this.serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-driver-sa`,
      // No token in pods by default; the driver's pod asks for one explicitly.
      { metadata: { namespace: ns, labels: kubeProxyLabels("kube-proxy-driver") }, automountServiceAccountToken: false },
      k8sOpts,
    );
    const sa = { name: this.serviceAccount.metadata.name, namespace: ns };
    const rbac = driverRbacSpecs(ns);
    const role = new k8s.rbac.v1.Role(`${name}-driver-role`, rbac.benchNamespaceRole, k8sOpts);
    const kubeSystemRole = new k8s.rbac.v1.Role(`${name}-driver-kube-system-role`, rbac.kubeSystemRole, k8sOpts);
    const clusterRole = new k8s.rbac.v1.ClusterRole(`${name}-driver-nodes-role`, rbac.clusterRole, k8sOpts);
    const bindings = [
      new k8s.rbac.v1.RoleBinding(`${name}-driver-role-binding`, driverRoleBindingSpec(ns, role.metadata.name, sa), k8sOpts),
      new k8s.rbac.v1.RoleBinding(`${name}-driver-kube-system-role-binding`, driverRoleBindingSpec(kubeSystemRole.metadata.namespace, kubeSystemRole.metadata.name, sa), k8sOpts),
      new k8s.rbac.v1.ClusterRoleBinding(`${name}-driver-nodes-role-binding`, driverClusterRoleBindingSpec(clusterRole.metadata.name, sa), k8sOpts),
    ];

    // Created after the app benchmarks, so no pod starts on a measured node while they run. The
    // driver scales it (deployments/scale): Pulumi must not reset the count on the next update.
    this.backend = new k8s.apps.v1.Deployment(
      `${name}-backend`,
      backendDeploymentSpec({ namespace: ns, replicas: config.steps[0] as number, placement: cluster.appPlacement }),
      { ...k8sOpts, dependsOn: after, ignoreChanges: ["spec.replicas"] },
    );

    this.job = new k8s.batch.v1.Job(
      `${name}-driver`,
      driverJobSpec({
        namespace: ns,
        serviceAccount: this.serviceAccount.metadata.name,
        configMap: files.metadata.name,
        config,
        pollSeconds,
        runId: args.runId,
        placement: cluster.systemPlacement,
      }),
      // The bindings must exist before the driver's first request, the backend before it reads it.
      { ...k8sOpts, dependsOn: [this.backend, files, ...bindings, ...after] },
    );

    const timeoutSeconds = kubeProxyCollectTimeoutSeconds(config.deadlineSeconds);
    const { command: collector, collected } = collectJob(name, { job: this.job, cluster, timeoutSeconds, container: DRIVER_CONTAINER }, this);
    this.collector = collector;
    this.result = collected.apply((c) => {
      const driver = parseDriverOutput(c.log);
      if (driver.errors.length > 0) void pulumi.log.warn(`kube-proxy driver: ${driver.errors.join("; ")}`, this);
      return driver.result;
    });
    this.registerOutputs({ result: this.result });
  }
}
