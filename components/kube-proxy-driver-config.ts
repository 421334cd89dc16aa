/**
 * Configuration of the in-cluster kube-proxy benchmark driver: its environment variables, their
 * defaults (in one place), parsing with every error collected, and the inverse (config → env) for
 * the Pulumi component that builds the Job. Also the list of files the Job mounts.
 *
 * Pure, erasable syntax, no runtime imports: it is mounted next to the driver.
 */

/** What the driver does. */
export type KubeProxyDriverMode = "run" | "cleanup";

export interface KubeProxyDriverConfig {
  /** "run": cleanup, create, scale, measure; "cleanup": delete the generated Services and exit. */
  mode: KubeProxyDriverMode;
  /** Namespace of the generated Services and the backend Deployment. */
  namespace: string;
  /** Backend Deployment the Services select and the steps scale. */
  deployment: string;
  /** Number of ClusterIP Services to create. */
  services: number;
  /** Replica counts, in order; the first is the initial state set before Services are created. */
  steps: number[];
  /** Minimum seconds between the starts of two scale steps (and after the initial settle). */
  stepIntervalSeconds: number;
  /** Overall deadline from driver start; when it passes the driver collects what it has and reports. */
  deadlineSeconds: number;
  /** Client-side limit on API requests per second (every attempt counts). */
  qps: number;
  /** Service writes and deletes in flight at once. */
  concurrency: number;
  /** Seconds between polls (EndpointSlices, kube-proxy logs). */
  pollSeconds: number;
  /** Retries of one request on 429, 5xx, 409 (apply) and network errors. */
  maxRetries: number;
  /** Only measure nodes whose k8s-bench.io/group label is listed. Empty: every node. */
  nodeSelectorGroups: string[];
  /** Scrape kube-proxy's :10249/metrics through the API server's pod proxy (needs the pods/proxy rule). */
  metrics: boolean;
  /** Delete the Services and scale the backend back to the first step after measuring. */
  cleanupAfter: boolean;
  /** Prefix of the Service names: "<prefix>-00001". */
  servicePrefix: string;
  /** API base URL override (tests: "http://127.0.0.1:PORT", no TLS). Unset: the in-cluster API server. */
  apiUrl?: string;
}

/** Label on every generated Service (and, copied by the EndpointSlice controller, on its slices). */
export const KUBE_PROXY_BENCH_LABEL = "k8s-bench.io/kube-proxy-bench";
/** fieldManager of the driver's server-side apply and patch requests. */
export const KUBE_PROXY_FIELD_MANAGER = "k8s-bench-kube-proxy";
/** Namespace and label selector of kube-proxy pods. */
export const KUBE_PROXY_NAMESPACE = "kube-system";
export const KUBE_PROXY_POD_SELECTOR = "k8s-app=kube-proxy";
/** ConfigMaps that may hold kube-proxy's configuration: EKS add-on, then kubeadm/kind. */
export const KUBE_PROXY_CONFIGMAPS = ["kube-proxy-config", "kube-proxy"];
/** Node label naming the node group. */
export const GROUP_LABEL = "k8s-bench.io/group";

/** Defaults of the eks profile (seed 004: 8,000 Services, 1 → 30 replicas, 60 s apart). */
export const KUBE_PROXY_DRIVER_DEFAULTS: KubeProxyDriverConfig = {
  mode: "run",
  namespace: "k8s-bench-kube-proxy",
  deployment: "kube-proxy-backend",
  services: 8000,
  steps: [1, 5, 10, 15, 20, 25, 30],
  stepIntervalSeconds: 60,
  deadlineSeconds: 5400,
  qps: 50,
  concurrency: 16,
  pollSeconds: 10,
  maxRetries: 8,
  nodeSelectorGroups: [],
  metrics: true,
  cleanupAfter: true,
  servicePrefix: "kp-bench",
};

/** Suggested overrides for a kind cluster: a few hundred Services, short steps. */
export const KUBE_PROXY_DRIVER_LOCAL_DEFAULTS: Partial<KubeProxyDriverConfig> = {
  services: 300,
  stepIntervalSeconds: 15,
  deadlineSeconds: 900,
  pollSeconds: 3,
};

/** Environment variable of each setting. */
export const KUBE_PROXY_DRIVER_ENV: Record<Exclude<keyof KubeProxyDriverConfig, "apiUrl">, string> & { apiUrl: string } = {
  mode: "MODE",
  namespace: "NAMESPACE",
  deployment: "DEPLOYMENT",
  services: "SERVICES",
  steps: "STEPS",
  stepIntervalSeconds: "STEP_INTERVAL_SECONDS",
  deadlineSeconds: "DEADLINE_SECONDS",
  qps: "QPS",
  concurrency: "CONCURRENCY",
  pollSeconds: "POLL_SECONDS",
  maxRetries: "MAX_RETRIES",
  nodeSelectorGroups: "NODE_SELECTOR_GROUPS",
  metrics: "METRICS",
  cleanupAfter: "CLEANUP_AFTER",
  servicePrefix: "SERVICE_PREFIX",
  apiUrl: "KUBE_API_URL",
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Parses the driver's environment; every problem is reported at once. */
export function parseDriverEnv(env: Record<string, string | undefined>): { config: KubeProxyDriverConfig } | { errors: string[] } {
  const d = KUBE_PROXY_DRIVER_DEFAULTS;
  const errors: string[] = [];
  const raw = (key: string): string | undefined => {
    const v = env[key];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };
  const number = (key: string, fallback: number, min: number, max: number, integer: boolean): number => {
    const v = raw(key);
    if (v === undefined) return fallback;
    const n = Number(v);
    const ok = /^\d+(\.\d+)?$/.test(v) && (!integer || Number.isInteger(n)) && n >= min && n <= max;
    if (!ok) errors.push(`${key} (${JSON.stringify(v)}) must be ${integer ? "an integer" : "a number"} from ${min} to ${max}`);
    return ok ? n : fallback;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const v = raw(key);
    if (v === undefined) return fallback;
    if (v === "true" || v === "false") return v === "true";
    errors.push(`${key} (${JSON.stringify(v)}) must be true or false`);
    return fallback;
  };
  const name = (key: string, fallback: string): string => {
    const v = raw(key);
    if (v === undefined) return fallback;
    if (v.length <= 63 && DNS_LABEL.test(v)) return v;
    errors.push(`${key} (${JSON.stringify(v)}) must be a DNS label (lowercase letters, digits, '-', at most 63 characters)`);
    return fallback;
  };

  const modeText = raw("MODE") ?? d.mode;
  if (modeText !== "run" && modeText !== "cleanup") errors.push(`MODE (${JSON.stringify(modeText)}) must be run or cleanup`);
  const mode: KubeProxyDriverMode = modeText === "cleanup" ? "cleanup" : "run";

  let steps = d.steps;
  const stepsText = raw("STEPS");
  if (stepsText !== undefined) {
    const parts = stepsText.split(",").map((s) => s.trim());
    if (parts.every((p) => /^\d+$/.test(p) && Number(p) <= 1000) && parts.length > 0) steps = parts.map(Number);
    else errors.push(`STEPS (${JSON.stringify(stepsText)}) must be comma-separated replica counts from 0 to 1000, for example "1,5,10,15,20,25,30"`);
  }
  const prefix = name("SERVICE_PREFIX", d.servicePrefix);
  if (prefix.length > 57) errors.push(`SERVICE_PREFIX (${JSON.stringify(prefix)}) must be at most 57 characters (the name adds "-NNNNN")`);
  const groups = (raw("NODE_SELECTOR_GROUPS") ?? "").split(",").map((g) => g.trim()).filter((g) => g !== "");
  const apiUrl = raw("KUBE_API_URL");
  if (apiUrl !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(apiUrl)) {
    errors.push(`KUBE_API_URL (${JSON.stringify(apiUrl)}) must be a base URL such as http://127.0.0.1:8001`);
  }

  const config: KubeProxyDriverConfig = {
    mode,
    namespace: name("NAMESPACE", d.namespace),
    deployment: name("DEPLOYMENT", d.deployment),
    services: number("SERVICES", d.services, 1, 99999, true),
    steps,
    stepIntervalSeconds: number("STEP_INTERVAL_SECONDS", d.stepIntervalSeconds, 0, 86400, false),
    deadlineSeconds: number("DEADLINE_SECONDS", d.deadlineSeconds, 1, 7 * 86400, false),
    qps: number("QPS", d.qps, 0.1, 10000, false),
    concurrency: number("CONCURRENCY", d.concurrency, 1, 256, true),
    pollSeconds: number("POLL_SECONDS", d.pollSeconds, 0, 3600, false),
    maxRetries: number("MAX_RETRIES", d.maxRetries, 0, 100, true),
    nodeSelectorGroups: groups,
    metrics: bool("METRICS", d.metrics),
    cleanupAfter: bool("CLEANUP_AFTER", d.cleanupAfter),
    servicePrefix: prefix,
  };
  if (apiUrl !== undefined) config.apiUrl = apiUrl.replace(/\/$/, "");
  return errors.length > 0 ? { errors } : { config };
}

/** The inverse of {@link parseDriverEnv}: env entries for a Job container (only non-default values). */
export function driverEnv(overrides: Partial<KubeProxyDriverConfig>): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const [key, value] of Object.entries(overrides) as [keyof KubeProxyDriverConfig, unknown][]) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(",") : String(value);
    out.push({ name: KUBE_PROXY_DRIVER_ENV[key], value: text });
  }
  return out;
}

/**
 * The files the Job mounts flat (one ConfigMap, one directory) from `components/`; the entry point
 * is {@link KUBE_PROXY_DRIVER_ENTRY}: `node <dir>/kube-proxy-driver-main.ts` on Node ≥ 23.6.
 */
export const KUBE_PROXY_DRIVER_FILES = [
  "kube-proxy-driver-main.ts",
  "kube-proxy-driver.ts",
  "kube-proxy-driver-config.ts",
  "kube-proxy-kube-api.ts",
  "kube-proxy-log.ts",
  "kube-proxy-metrics.ts",
  "kube-proxy-result.ts",
];
export const KUBE_PROXY_DRIVER_ENTRY = "kube-proxy-driver-main.ts";
