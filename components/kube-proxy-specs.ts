/**
 * Pure builders of the kube-proxy benchmark's Kubernetes objects: its namespace, the backend
 * Deployment the generated Services select, the driver's RBAC (exactly {@link kubeProxyDriverRbac}),
 * the ConfigMap holding the driver's files and the driver Job. They return plain
 * `k8s.types.input.*` objects and create nothing; KubeProxyBenchmark wires them to resources.
 *
 * The Services themselves (thousands) are created by the driver inside the cluster, never declared
 * here: see components/kube-proxy-driver.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import { PodPlacement, placementSpec } from "./cluster";
import { KubeProxyBenchConfig } from "./config";
import { driverEnv, KUBE_PROXY_DRIVER_DEFAULTS, KUBE_PROXY_DRIVER_ENTRY, KUBE_PROXY_DRIVER_FILES, KUBE_PROXY_NAMESPACE } from "./kube-proxy-driver-config";
import type { KubeProxyDriverConfig } from "./kube-proxy-driver-config";
import { kubeProxyDriverRbac, PolicyRule } from "./kube-proxy-rbac";
import { PART_OF } from "./labels";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, TMP_MOUNT, TMP_VOLUME } from "./security";
import { VERSIONS } from "./versions";

/** Namespace of the backend, the generated Services and the driver (the driver's default). */
export const KUBE_PROXY_BENCH_NAMESPACE = KUBE_PROXY_DRIVER_DEFAULTS.namespace;
/** The backend Deployment (the driver's default name; its RBAC is limited to it). */
export const KUBE_PROXY_BACKEND = KUBE_PROXY_DRIVER_DEFAULTS.deployment;
/** Name of the driver's container: the collector reads its log. */
export const DRIVER_CONTAINER = "driver";
/** Where the driver's files are mounted, flat. */
export const DRIVER_DIR = "/driver";
/** uid of the `node` user of the official Node image. */
export const NODE_UID = 1000;
/** uid the pause image runs as (its Dockerfile's `USER 65535:65535`). */
export const PAUSE_UID = 65535;
/** The port the generated Services target. Nothing listens on it: kube-proxy programs rules for Ready endpoints regardless. */
export const BACKEND_PORT = 8080;
/**
 * Job deadline on top of the driver's own deadline: the driver stops measuring at its deadline and
 * then still collects logs, cleans up and prints its result (the driver author's advice).
 */
export const DRIVER_JOB_MARGIN_SECONDS = 600;
/** Scrape kube-proxy's metrics through the pod proxy: the env and the RBAC must agree. */
export const DRIVER_METRICS = true;

/** The Job's activeDeadlineSeconds: the driver's deadline plus {@link DRIVER_JOB_MARGIN_SECONDS}. */
export const driverJobDeadlineSeconds = (deadlineSeconds: number): number => deadlineSeconds + DRIVER_JOB_MARGIN_SECONDS;

/** Labels of one part of the benchmark. */
export function kubeProxyLabels(component: "kube-proxy-backend" | "kube-proxy-driver"): Record<string, string> {
  return { ...PART_OF, "app.kubernetes.io/name": component, "app.kubernetes.io/component": component };
}

/** Selector of the backend pods (what every generated Service selects). */
export function backendSelector(): Record<string, string> {
  return { "app.kubernetes.io/name": "kube-proxy-backend", "app.kubernetes.io/component": "kube-proxy-backend" };
}

/** The benchmark's own namespace; deleting it deletes every generated Service. */
export function kubeProxyNamespaceSpec(): k8s.types.input.core.v1.Namespace {
  // Pod Security "restricted" is enforced: the API server itself rejects a workload that is not.
  return { metadata: { name: KUBE_PROXY_BENCH_NAMESPACE, labels: { ...PART_OF, "pod-security.kubernetes.io/enforce": "restricted" } } };
}

/** The ConfigMap data: every file of {@link KUBE_PROXY_DRIVER_FILES}, read from `dir`. */
export function driverFiles(dir: string = __dirname): Record<string, string> {
  return Object.fromEntries(KUBE_PROXY_DRIVER_FILES.map((file) => [file, fs.readFileSync(path.join(dir, file), "utf8")]));
}

export interface BackendInput {
  namespace: pulumi.Input<string>;
  /** Replicas at creation; the driver owns the count afterwards. */
  replicas: number;
  placement: PodPlacement;
  /** @default VERSIONS.kubeProxyBackendImage */
  image?: string;
}

/**
 * The backend Deployment: pause containers that only have to be Ready.
 *
 * No probes: pause serves nothing, so a tcpSocket or httpGet probe would never pass and an exec
 * probe has no binary to run (the image holds only /pause). Without a readiness probe a pod is
 * Ready once its container runs, which is all an EndpointSlice endpoint needs. Service links are
 * off: with thousands of Services in the namespace they would turn into tens of thousands of
 * environment variables per pod.
 */
export function backendDeploymentSpec(input: BackendInput): k8s.types.input.apps.v1.Deployment {
  const labels = kubeProxyLabels("kube-proxy-backend");
  return {
    metadata: { name: KUBE_PROXY_BACKEND, namespace: input.namespace, labels },
    spec: {
      replicas: input.replicas,
      selector: { matchLabels: backendSelector() },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // pause exits on SIGTERM at once.
          terminationGracePeriodSeconds: 5,
          securityContext: restrictedPodSecurityContext(PAUSE_UID),
          ...placementSpec(input.placement),
          containers: [
            {
              name: "pause",
              image: input.image ?? VERSIONS.kubeProxyBackendImage,
              imagePullPolicy: "IfNotPresent",
              // The driver reads the first containerPort as the Services' targetPort.
              ports: [{ name: "http", containerPort: BACKEND_PORT, protocol: "TCP" }],
              resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "16Mi" } },
              securityContext: restrictedContainerSecurityContext(),
            },
          ],
        },
      },
    },
  };
}

/** The three RBAC scopes of the driver, exactly as {@link kubeProxyDriverRbac} lists them. */
export interface DriverRbacSpecs {
  benchNamespaceRole: k8s.types.input.rbac.v1.Role;
  kubeSystemRole: k8s.types.input.rbac.v1.Role;
  clusterRole: k8s.types.input.rbac.v1.ClusterRole;
}

const rules = (list: PolicyRule[]): k8s.types.input.rbac.v1.PolicyRule[] => list.map((r) => ({ ...r }));

/** The driver's Roles and ClusterRole (names left to Pulumi's auto-naming, except the namespace). */
export function driverRbacSpecs(namespace: pulumi.Input<string>): DriverRbacSpecs {
  const rbac = kubeProxyDriverRbac({ deployment: KUBE_PROXY_BACKEND, metrics: DRIVER_METRICS });
  const labels = kubeProxyLabels("kube-proxy-driver");
  return {
    benchNamespaceRole: { metadata: { namespace, labels }, rules: rules(rbac.benchNamespace) },
    kubeSystemRole: { metadata: { namespace: KUBE_PROXY_NAMESPACE, labels }, rules: rules(rbac.kubeSystem) },
    clusterRole: { metadata: { labels }, rules: rules(rbac.cluster) },
  };
}

/** The driver's ServiceAccount, as a RoleBinding subject. */
export interface ServiceAccountRef {
  name: pulumi.Input<string>;
  namespace: pulumi.Input<string>;
}

/** Binds a Role in `namespace` to the driver's ServiceAccount. */
export function driverRoleBindingSpec(namespace: pulumi.Input<string>, role: pulumi.Input<string>, sa: ServiceAccountRef): k8s.types.input.rbac.v1.RoleBinding {
  return {
    metadata: { namespace, labels: kubeProxyLabels("kube-proxy-driver") },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role },
    subjects: [{ kind: "ServiceAccount", name: sa.name, namespace: sa.namespace }],
  };
}

/** Binds the ClusterRole to the driver's ServiceAccount. */
export function driverClusterRoleBindingSpec(clusterRole: pulumi.Input<string>, sa: ServiceAccountRef): k8s.types.input.rbac.v1.ClusterRoleBinding {
  return {
    metadata: { labels: kubeProxyLabels("kube-proxy-driver") },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole },
    subjects: [{ kind: "ServiceAccount", name: sa.name, namespace: sa.namespace }],
  };
}

/** The driver's settings from the stack's `kubeProxy` config. */
export function driverConfig(config: KubeProxyBenchConfig, pollSeconds: number): Partial<KubeProxyDriverConfig> {
  return {
    mode: "run",
    namespace: KUBE_PROXY_BENCH_NAMESPACE,
    deployment: KUBE_PROXY_BACKEND,
    services: config.services,
    steps: config.steps,
    stepIntervalSeconds: config.stepIntervalSeconds,
    deadlineSeconds: config.deadlineSeconds,
    pollSeconds,
    nodeSelectorGroups: config.groups,
    metrics: DRIVER_METRICS,
    cleanupAfter: true,
  };
}

export interface DriverJobInput {
  namespace: pulumi.Input<string>;
  serviceAccount: pulumi.Input<string>;
  /** ConfigMap holding {@link driverFiles}. */
  configMap: pulumi.Input<string>;
  config: KubeProxyBenchConfig;
  /** Seconds between the driver's polls. */
  pollSeconds: number;
  /** Changing it makes a new Job (a new run). */
  runId: string;
  placement: PodPlacement;
  /** @default VERSIONS.kubeProxyDriverImage */
  image?: string;
}

/**
 * The driver Job: Node runs the mounted driver with the ServiceAccount's token (the only pod of the
 * stack that mounts one). Like the k6 Jobs: no retries, a deadline, no TTL (the log is read after
 * completion), and Pulumi does not await it (the collector does, with the pod's log on failure).
 */
export function driverJobSpec(input: DriverJobInput): k8s.types.input.batch.v1.Job {
  const labels = kubeProxyLabels("kube-proxy-driver");
  const podLabels = { ...labels, "k8s-bench.io/run-id": input.runId };
  return {
    metadata: { namespace: input.namespace, labels, annotations: { "pulumi.com/skipAwait": "true" } },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: driverJobDeadlineSeconds(input.config.deadlineSeconds),
      template: {
        metadata: { labels: podLabels },
        spec: {
          restartPolicy: "Never",
          serviceAccountName: input.serviceAccount,
          // The driver talks to the API server with this token (least privilege: see driverRbacSpecs).
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(NODE_UID),
          ...placementSpec(input.placement),
          containers: [
            {
              name: DRIVER_CONTAINER,
              image: input.image ?? VERSIONS.kubeProxyDriverImage,
              imagePullPolicy: "IfNotPresent",
              command: ["node", "--disable-warning=ExperimentalWarning", `${DRIVER_DIR}/${KUBE_PROXY_DRIVER_ENTRY}`],
              env: driverEnv(driverConfig(input.config, input.pollSeconds)),
              // Lists of thousands of Services and EndpointSlices are held in memory while counting.
              resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [{ name: "driver", mountPath: DRIVER_DIR, readOnly: true }, TMP_MOUNT],
            },
          ],
          volumes: [{ name: "driver", configMap: { name: input.configMap } }, TMP_VOLUME],
        },
      },
    },
  };
}
