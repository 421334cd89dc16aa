/**
 * Stack configuration → one validated, typed {@link BenchConfig}.
 *
 * Pure: takes the raw `k8s-bench:*` values and what exists on disk (apps, scenarios), returns the
 * typed config or throws one {@link ConfigError} listing every problem, before any resource is
 * declared. All defaults live in {@link DEFAULTS}.
 */
import { CONFIG_NAMESPACE, ConfigProblems, listFromConfig, ObjectReader, readStringList } from "./config-problems";
import { AwsStackConfig, EksClusterConfig, parseEksClusterConfig } from "./eks-config";
import { KUBE_PROXY_DRIVER_DEFAULTS, KUBE_PROXY_DRIVER_LOCAL_DEFAULTS } from "./kube-proxy-driver-config";
import { parseCpuMilli, parseMemoryMiB } from "./quantities";

import { Profile, PROFILES } from "./scenarios";

export type { Profile };

/** A kind cluster created (and deleted) by the stack, or an existing kubeconfig context. */
export interface LocalClusterConfig {
  kind: "local";
  /** Name of the kind cluster the stack creates. */
  clusterName: string;
  /** When set, no kind cluster is created: the stack targets this existing context. */
  existingContext?: string;
  /** Kubeconfig file holding `existingContext`. */
  kubeconfigPath?: string;
}

export type ClusterConfig = LocalClusterConfig | EksClusterConfig;

/** Resources of every measured app container. */
export interface AppResourcesConfig {
  cpuRequestMilli: number;
  cpuLimitMilli: number;
  memoryRequestMiB: number;
  memoryLimitMiB: number;
}

/** The HorizontalPodAutoscaler of every app. */
export interface HpaConfig {
  minReplicas: number;
  maxReplicas: number;
  targetCpuPercent: number;
}

/** The k6 load generator pod of every benchmark Job. */
export interface K6Config {
  cpuMilli: number;
  memoryMiB: number;
}

export interface MonitoringConfig {
  /** kube-prometheus-stack (Prometheus + Grafana). metrics-server is always installed. */
  enabled: boolean;
}

/** The kube-proxy benchmark (components/kube-proxy-benchmark.ts). */
export interface KubeProxyBenchConfig {
  /** Run it after the app benchmarks. */
  enabled: boolean;
  /** ClusterIP Services the in-cluster driver creates. */
  services: number;
  /** Backend replica counts, strictly increasing; the first is the state before the Services exist. */
  steps: number[];
  /** Minimum seconds between the starts of two steps. */
  stepIntervalSeconds: number;
  /** The driver's overall deadline (the Job's and the collector's follow from it). */
  deadlineSeconds: number;
  /** Node groups whose kube-proxy is measured (eks: kernel groups); empty means every node. */
  groups: string[];
}

export interface BenchConfig {
  cluster: ClusterConfig;
  /** Apps to benchmark, in run order. */
  runtimes: string[];
  profile: Profile;
  /** Scenarios to run against every runtime, in run order. */
  scenarios: string[];
  /** Changing it reruns every benchmark Job. */
  runId: string;
  /** Namespace of the apps and benchmark Jobs. */
  namespace: string;
  resources: AppResourcesConfig;
  hpa: HpaConfig;
  monitoring: MonitoringConfig;
  k6: K6Config;
  kubeProxy: KubeProxyBenchConfig;
}

/** Every default, in one place. */
export const DEFAULTS = {
  profile: "quick" as Profile,
  runId: "1",
  namespace: "k8s-bench",
  local: { clusterName: "k8s-bench" },
  // Seed 000's values: 100m/500m CPU; memory sized for the Python apps' worker processes.
  resources: { cpuRequestMilli: 100, cpuLimitMilli: 500, memoryRequestMiB: 64, memoryLimitMiB: 256 },
  hpa: { minReplicas: 2, maxReplicas: 10, targetCpuPercent: 50 },
  monitoring: { enabled: true },
  // One k6 process drives roughly 3-9 k req/s per core (facts.md); two cores give headroom for
  // the seed scenarios, and saturation is measured and flagged rather than assumed away.
  k6: { cpuMilli: 2000, memoryMiB: 1024 },
  kubeProxy: {
    // On by default on both stacks: a few minutes on kind at 300 Services, and on EKS it is what
    // the kernel node groups are for.
    enabled: true,
    steps: KUBE_PROXY_DRIVER_DEFAULTS.steps,
    /** Seed 004's scale: 8,000 Services, 1 → 30 replicas, 60 s apart. */
    eks: { services: KUBE_PROXY_DRIVER_DEFAULTS.services, stepIntervalSeconds: KUBE_PROXY_DRIVER_DEFAULTS.stepIntervalSeconds },
    /** A laptop's scale: a few hundred Services, short steps. */
    local: {
      services: KUBE_PROXY_DRIVER_LOCAL_DEFAULTS.services ?? KUBE_PROXY_DRIVER_DEFAULTS.services,
      stepIntervalSeconds: KUBE_PROXY_DRIVER_LOCAL_DEFAULTS.stepIntervalSeconds ?? KUBE_PROXY_DRIVER_DEFAULTS.stepIntervalSeconds,
    },
    /**
     * The derived deadline when `kubeProxy.deadlineSeconds` is unset ({@link kubeProxyDeadlineSeconds}).
     * EndpointSlice writes: kube-controller-manager's default API client QPS (--kube-api-qps 20),
     * one slice write per Service per step. Sync cost: seed 004 synced 240,015 endpoints in 991 s on
     * kernel 6.1.144 (4.1 ms each); the wait for the final sync may span the sync in progress and one
     * more.
     */
    deadline: { driverQps: KUBE_PROXY_DRIVER_DEFAULTS.qps, endpointSliceWritesPerSecond: 20, syncSecondsPerEndpoint: 0.005, finalSyncs: 2, marginSeconds: 300 },
  },
} as const;

/**
 * The kube-proxy driver's deadline derived from the scale and the steps: Service writes at the
 * driver's QPS, each step's EndpointSlice writes (or its interval, if longer), the final syncs at a
 * pessimistic per-endpoint cost, and a margin. 8,000 Services × 1..30 replicas, 60 s apart → 5660 s.
 */
export function kubeProxyDeadlineSeconds(scale: { services: number; steps: readonly number[]; stepIntervalSeconds: number }): number {
  const m = DEFAULTS.kubeProxy.deadline;
  const writes = Math.ceil(scale.services / m.driverQps);
  const perStep = Math.max(scale.stepIntervalSeconds, Math.ceil(scale.services / m.endpointSliceWritesPerSecond));
  const finalEndpoints = scale.services * Math.max(0, ...scale.steps);
  const syncs = Math.ceil(m.finalSyncs * finalEndpoints * m.syncSecondsPerEndpoint);
  return writes + scale.steps.length * perStep + syncs + m.marginSeconds;
}

/** Top-level keys of the k8s-bench namespace; anything else is reported as a typo. */
export const CONFIG_KEYS = [
  "cluster",
  "runtimes",
  "profile",
  "scenarios",
  "runId",
  "namespace",
  "resources",
  "hpa",
  "monitoring",
  "k6",
  "kubeProxy",
  "local",
  "eks",
  "grafanaAdminPassword",
] as const;

/** What exists on disk, against which names in config are checked. */
export interface ConfigContext {
  /** The `aws:*` settings of the stack (region, profile), read by the eks cluster only. */
  aws?: AwsStackConfig;
  /** Folder names under apps/ that hold an app.json. */
  apps: readonly string[];
  /** Every scenario name. */
  scenarios: readonly string[];
  /** The scenarios run when `k8s-bench:scenarios` is not set. */
  defaultScenarios: (profile: Profile) => string[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RUN_ID = /^[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?$/;

/**
 * Strips the `k8s-bench:` prefix from Pulumi's flat config map and drops other namespaces.
 * @param all as returned by `pulumi.runtime.allConfig()`.
 */
export function projectConfig(all: Record<string, string>): Record<string, string> {
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.fromEntries(
    Object.entries(all)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

function selectNames(key: string, raw: unknown, known: readonly string[], fallback: string[], problems: ConfigProblems): string[] {
  const names = readStringList(key, raw, problems);
  if (names === undefined) return fallback;
  if (names.length === 0) problems.add(key, raw, `must name at least one of: ${known.join(", ")}`);
  for (const name of names) {
    if (!known.includes(name)) problems.add(key, name, `is not known; allowed: ${known.join(", ")}`);
  }
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  if (duplicates.length > 0) problems.add(key, raw, `lists ${duplicates.join(", ")} more than once`);
  return names;
}

function parseLocal(raw: unknown, problems: ConfigProblems): LocalClusterConfig {
  const r = ObjectReader.of("local", raw, problems, ["clusterName", "existingContext", "kubeconfigPath"]);
  const clusterName = r.string("clusterName", DEFAULTS.local.clusterName, DNS_LABEL, "a DNS label (lower-case letters, digits, '-')");
  const existingContext = r.optionalString("existingContext", /^\S+$/, "a kubeconfig context name");
  const kubeconfigPath = r.optionalString("kubeconfigPath", /^\S+$/, "a file path");
  if (kubeconfigPath !== undefined && existingContext === undefined) {
    problems.add("local.kubeconfigPath", kubeconfigPath, "only applies with local.existingContext; set that too or remove it");
  }
  return { kind: "local", clusterName, existingContext, kubeconfigPath };
}

function parseResources(raw: unknown, problems: ConfigProblems): AppResourcesConfig {
  const r = ObjectReader.of("resources", raw, problems, ["cpuRequest", "cpuLimit", "memoryRequest", "memoryLimit"]);
  const d = DEFAULTS.resources;
  const cpu = "CPU quantity such as 100m or 0.5";
  const mem = "memory quantity in whole MiB such as 64Mi or 1Gi";
  const res = {
    cpuRequestMilli: r.quantity("cpuRequest", d.cpuRequestMilli, parseCpuMilli, cpu),
    cpuLimitMilli: r.quantity("cpuLimit", d.cpuLimitMilli, parseCpuMilli, cpu),
    memoryRequestMiB: r.quantity("memoryRequest", d.memoryRequestMiB, parseMemoryMiB, mem),
    memoryLimitMiB: r.quantity("memoryLimit", d.memoryLimitMiB, parseMemoryMiB, mem),
  };
  if (res.cpuRequestMilli > res.cpuLimitMilli) {
    problems.add("resources.cpuRequest", r.raw("cpuRequest") ?? `${res.cpuRequestMilli}m`, `must be <= resources.cpuLimit (${res.cpuLimitMilli}m)`);
  }
  if (res.memoryRequestMiB > res.memoryLimitMiB) {
    problems.add("resources.memoryRequest", r.raw("memoryRequest") ?? `${res.memoryRequestMiB}Mi`, `must be <= resources.memoryLimit (${res.memoryLimitMiB}Mi)`);
  }
  return res;
}

function parseHpa(raw: unknown, problems: ConfigProblems): HpaConfig {
  const r = ObjectReader.of("hpa", raw, problems, ["minReplicas", "maxReplicas", "targetCpuPercent"]);
  const d = DEFAULTS.hpa;
  const hpa = {
    minReplicas: r.int("minReplicas", d.minReplicas, 1, 1000),
    maxReplicas: r.int("maxReplicas", d.maxReplicas, 1, 1000),
    targetCpuPercent: r.int("targetCpuPercent", d.targetCpuPercent, 1, 1000),
  };
  if (hpa.minReplicas > hpa.maxReplicas) {
    problems.add("hpa.minReplicas", hpa.minReplicas, `must be <= hpa.maxReplicas (${hpa.maxReplicas})`);
  }
  return hpa;
}

/** A list of whole numbers from a YAML list, a JSON array text or a comma-separated string. */
function readIntList(keyPath: string, raw: unknown, min: number, max: number, example: string, problems: ConfigProblems): number[] | undefined {
  if (raw === undefined) return undefined;
  const value = listFromConfig(raw);
  if (!Array.isArray(value)) {
    problems.add(keyPath, raw, `must be a list of whole numbers such as ${example}`);
    return undefined;
  }
  const numbers: number[] = [];
  value.forEach((item: unknown, i) => {
    const n = typeof item === "string" && /^\d+$/.test(item) ? Number(item) : item;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) problems.add(`${keyPath}[${i}]`, item, `must be a whole number from ${min} to ${max}`);
    else numbers.push(n);
  });
  return numbers.length === value.length ? numbers : undefined;
}

function parseKubeProxy(raw: unknown, cluster: ClusterConfig, namespace: string, problems: ConfigProblems): KubeProxyBenchConfig {
  const r = ObjectReader.of("kubeProxy", raw, problems, ["enabled", "services", "steps", "stepIntervalSeconds", "deadlineSeconds", "groups"]);
  const d = DEFAULTS.kubeProxy;
  const scale = cluster.kind === "eks" ? d.eks : d.local;
  const enabled = r.bool("enabled", d.enabled);
  // The driver names Services <prefix>-NNNNN: five digits.
  const services = r.int("services", scale.services, 1, 99999);
  const stepIntervalSeconds = r.int("stepIntervalSeconds", scale.stepIntervalSeconds, 0, 3600);

  let steps = [...d.steps];
  const example = d.steps.join(",");
  const parsedSteps = readIntList("kubeProxy.steps", r.raw("steps"), 1, 1000, `${example} (replica counts)`, problems);
  if (parsedSteps !== undefined) {
    if (parsedSteps.length === 0) problems.add("kubeProxy.steps", r.raw("steps"), `must list at least one replica count such as ${example}`);
    const notIncreasing = parsedSteps.findIndex((n, i) => i > 0 && n <= (parsedSteps[i - 1] as number));
    if (notIncreasing > 0) {
      problems.add(
        "kubeProxy.steps",
        r.raw("steps"),
        `must be strictly increasing replica counts such as ${example}: steps[${notIncreasing}] (${parsedSteps[notIncreasing]}) is not above steps[${notIncreasing - 1}] (${parsedSteps[notIncreasing - 1]})`,
      );
    }
    if (parsedSteps.length > 0) steps = parsedSteps;
  }

  const deadlineSeconds = r.int("deadlineSeconds", kubeProxyDeadlineSeconds({ services, steps, stepIntervalSeconds }), 60, 7 * 86400);

  let groups: string[] = [];
  if (cluster.kind === "eks") {
    const known = cluster.kernelGroups.map((g) => g.name).filter((n) => n !== "");
    groups = selectNames("kubeProxy.groups", r.raw("groups"), known, known, problems);
  } else if (r.has("groups")) {
    problems.add("kubeProxy.groups", r.raw("groups"), "only applies when cluster is eks (on a local cluster every node is measured)");
  }

  if (enabled && namespace === KUBE_PROXY_DRIVER_DEFAULTS.namespace) {
    problems.add("namespace", namespace, `must differ from the kube-proxy benchmark's namespace ${KUBE_PROXY_DRIVER_DEFAULTS.namespace} (or set kubeProxy.enabled to false)`);
  }
  return { enabled, services, steps, stepIntervalSeconds, deadlineSeconds, groups };
}

/**
 * Parses the raw `k8s-bench:*` values (prefix stripped, see {@link projectConfig}).
 * @throws ConfigError listing every problem.
 */
export function parseConfig(raw: Record<string, string | undefined>, ctx: ConfigContext): BenchConfig {
  const problems = new ConfigProblems();
  for (const key of Object.keys(raw)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      problems.add(key, raw[key], `is not a known key; allowed: ${CONFIG_KEYS.join(", ")}`);
    }
  }
  const top = new ObjectReader("", raw, problems);

  let cluster: ClusterConfig;
  const clusterKind = raw["cluster"];
  if (clusterKind === "local") {
    cluster = parseLocal(raw["local"], problems);
  } else if (clusterKind === "eks") {
    cluster = parseEksClusterConfig(raw["eks"], problems, ctx.aws);
  } else {
    if (clusterKind === undefined) {
      problems.addRaw(`${CONFIG_NAMESPACE}:cluster is required: set it to local or eks (the stack files Pulumi.local.yaml and Pulumi.eks.yaml do)`);
    } else {
      problems.add("cluster", clusterKind, "must be one of: local, eks");
    }
    cluster = parseLocal(undefined, problems);
  }
  if (clusterKind !== "local" && raw["local"] !== undefined) problems.add("local", raw["local"], "only applies when cluster is local");
  if (clusterKind !== "eks" && raw["eks"] !== undefined) problems.add("eks", raw["eks"], "only applies when cluster is eks");

  const profile = top.oneOf("profile", DEFAULTS.profile, PROFILES);
  if (ctx.apps.length === 0) problems.addRaw("no benchmark targets found: apps/*/app.json is missing");
  const runtimes = selectNames("runtimes", raw["runtimes"], ctx.apps, [...ctx.apps], problems);
  const scenarios = selectNames("scenarios", raw["scenarios"], ctx.scenarios, ctx.defaultScenarios(profile), problems);
  const runId = top.string("runId", DEFAULTS.runId, RUN_ID, "1-20 lower-case letters, digits or '-', starting and ending with a letter or digit");
  const namespace = top.string("namespace", DEFAULTS.namespace, DNS_LABEL, "a DNS label (lower-case letters, digits, '-')");
  if (namespace === "kube-system" || namespace === "default") {
    problems.add("namespace", namespace, "must be a namespace of its own (the stack creates and deletes it)");
  }
  const resources = parseResources(raw["resources"], problems);
  const hpa = parseHpa(raw["hpa"], problems);
  const monitoringReader = ObjectReader.of("monitoring", raw["monitoring"], problems, ["enabled"]);
  const monitoring = { enabled: monitoringReader.bool("enabled", DEFAULTS.monitoring.enabled) };

  const k6Reader = ObjectReader.of("k6", raw["k6"], problems, ["cpu", "memory"]);
  const k6 = {
    cpuMilli: k6Reader.quantity("cpu", DEFAULTS.k6.cpuMilli, parseCpuMilli, "CPU quantity such as 2 or 1500m"),
    memoryMiB: k6Reader.quantity("memory", DEFAULTS.k6.memoryMiB, parseMemoryMiB, "memory quantity in whole MiB such as 1Gi"),
  };

  const kubeProxy = parseKubeProxy(raw["kubeProxy"], cluster, namespace, problems);

  problems.throwIfAny();
  return { cluster, runtimes, profile, scenarios, runId, namespace, resources, hpa, monitoring, k6, kubeProxy };
}

