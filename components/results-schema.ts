/**
 * The typed, versioned shape of the stack output `results`.
 *
 * Units live in field names (`latencyMs`, `durationSeconds`), like clusterloader2's PerfData and
 * kube-burner's latency quantiles. Bump {@link RESULTS_SCHEMA_VERSION} on any incompatible change.
 * Pure types: every producer (k6 summary parser, kube-proxy log parser, cluster facts reader) and
 * every consumer (report renderer, tests) imports them from here.
 */

export const RESULTS_SCHEMA_VERSION = 1 as const;

/** Latency distribution of one series, in milliseconds. */
export interface LatencyMs {
  avg: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** One threshold expression of a k6 scenario and whether it held. */
export interface ThresholdVerdict {
  metric: string;
  expression: string;
  ok: boolean;
}

/** A tagged sub-series of a scenario (compute-scaling: one per n; capacity: one per swept rate). */
export interface SeriesResult {
  /** The tag value that names the series, for example "500000" for n=500000, "400" for 400 req/s. */
  tag: string;
  requests: number;
  latencyMs: LatencyMs;
  /** Fraction of failed requests in the series, 0..1, when the summary reports it per series. */
  errorRate?: number;
  /** Dropped iterations in the series (capacity steps). */
  droppedIterations?: number;
}

/** The knee of an open-model capacity sweep. */
export interface CapacityKnee {
  /** Highest arrival rate (iterations/s) served within the latency threshold, no errors, no drops. */
  rps: number;
  /** The latency threshold the knee was judged against. */
  latencyThresholdMs: number;
  /** Highest rate the sweep reached before it stopped. */
  maxAttemptedRps: number;
}

/** Everything measured by one (app, scenario) k6 run. */
export interface ScenarioResult {
  scenario: string;
  /** "open" (arrival-rate executors) or "closed" (virtual users with sleeps). */
  model: "open" | "closed";
  requests: number;
  rps: number;
  /** Fraction of failed requests, 0..1. */
  errorRate: number;
  latencyMs: LatencyMs;
  droppedIterations: number;
  /** Fraction of passed checks, 0..1 (1 when the script declared no checks). */
  checksPassRate: number;
  /** True when every declared threshold held. A miss is a result, not a failed deployment. */
  thresholdsOk: boolean;
  thresholds: ThresholdVerdict[];
  /** True when the generator, not the app, may have set the pace (see generatorSaturationReason). */
  generatorSaturated: boolean;
  generatorSaturationReason?: string;
  testDurationSeconds: number;
  maxVus: number;
  series?: SeriesResult[];
  knee?: CapacityKnee;
  /** Most replicas the app's HPA ran during the scenario (seed 000's "HPA pods needed"). */
  hpaMaxReplicas?: number;
  /** App pod working-set memory from metrics.k8s.io: mean at the first sample, and the single-pod peak. */
  podMemoryMiB?: { idle: number; peak: number };
  /** When the Job's pod started and finished (RFC 3339), read from the cluster. */
  startedAt?: string;
  completedAt?: string;
}

/** One node of the cluster as the API server reports it at benchmark time. */
export interface NodeFacts {
  name: string;
  /** The node group (EKS) or role (kind) it belongs to, from the k8s-bench.io/group label. */
  group: string;
  kernelVersion: string;
  osImage: string;
  kubeletVersion: string;
  containerRuntimeVersion?: string;
  instanceType?: string;
  architecture?: string;
}

export interface ClusterFacts {
  kind: "local" | "eks";
  kubernetesVersion: string;
  nodes: NodeFacts[];
}

/** Resources and autoscaling the app ran with, as declared. */
export interface RuntimeResources {
  cpuRequestMilli: number;
  cpuLimitMilli: number;
  memoryRequestMiB: number;
  memoryLimitMiB: number;
  hpa: { minReplicas: number; maxReplicas: number; targetCpuPercent: number };
}

export interface RuntimeResult {
  displayName: string;
  language: string;
  framework: string;
  image: { ref: string; sizeBytes?: number; baseImages: string[] };
  resources: RuntimeResources;
  scenarios: Record<string, ScenarioResult>;
}

/** One kube-proxy sync observed in a log (or a metrics sample). */
export interface KubeProxySync {
  /** RFC 3339 timestamp of the "SyncProxyRules complete" line (year from the test window). */
  at: string;
  elapsedSeconds: number;
  /** From the preceding "Reloading service nftables data" line, when present. */
  services?: number;
  endpoints?: number;
  /** From "Syncing nftables rules" fullSync=..., when the version logs it. */
  fullSync?: boolean;
  ipFamily?: string;
}

export interface KubeProxyNodeResult {
  node: string;
  group?: string;
  kernelVersion?: string;
  osImage?: string;
  kubeletVersion?: string;
  instanceType?: string;
  /** The kube-proxy pod whose log was read. */
  pod?: string;
  /** Completed syncs logged outside the test window (ignored). */
  syncsOutsideWindow?: number;
  syncs: KubeProxySync[];
  syncCount: number;
  medianSyncSeconds: number;
  maxSyncSeconds: number;
  /** The first sync whose endpoint count reached the final count of the test. */
  finalSync?: KubeProxySync;
  /** The deadline passed before kube-proxy logged a sync covering the final endpoint count. */
  incomplete: boolean;
  /** Human-readable warnings (for example nft errors or sync failures seen in the log). */
  warnings: string[];
  /** From :10249/metrics when reachable: sums and counts, since the buckets saturate at 16.384 s. */
  metrics?: {
    syncProxyRulesSecondsSum: number;
    syncProxyRulesCount: number;
    networkProgrammingSecondsSum?: number;
    networkProgrammingCount?: number;
    /** Syncs slower than the top finite bucket (16.384 s): count minus the le="16.384" bucket. */
    syncsOverTopBucket?: number;
    /** kubeproxy_sync_full_proxy_rules_duration_seconds, in versions that split full and partial syncs. */
    fullSyncProxyRulesSecondsSum?: number;
    fullSyncProxyRulesCount?: number;
    partialSyncProxyRulesSecondsSum?: number;
    partialSyncProxyRulesCount?: number;
    /** Sum of every kubeproxy_sync_proxy_rules_*failures_total counter. */
    syncFailuresTotal?: number;
  };
  /** Log lines that were not understood and were skipped. */
  skippedLines: number;
}

export interface KubeProxyComparison {
  /** Kernel versions compared, fastest first (node names when the kernel is unknown). */
  kernels: string[];
  /** Per kernel, fastest first: nodes, final-sync and median seconds. */
  perKernel?: { kernel: string; nodes: string[]; finalSyncSeconds?: number; medianSyncSeconds: number; finalEndpoints?: number }[];
  /** final-sync seconds of the slowest kernel divided by the fastest's. */
  finalSyncRatio?: number;
  medianSyncRatio: number;
  /** For example "kernel 6.12.46 synced 240,015 endpoints 3.7× faster than 6.1.144". */
  summary: string;
}

export interface KubeProxyResult {
  mode: string;
  version: string;
  services: number;
  endpoints: number;
  /** The endpoint count a node's sync must reach to count as final (the test's final count). */
  targetEndpoints?: number;
  /** The test window the syncs were taken from (RFC 3339). */
  window?: { start?: string; end?: string };
  /** The driver's overall deadline passed before every phase finished. */
  deadlineHit?: boolean;
  nodes: KubeProxyNodeResult[];
  comparison?: KubeProxyComparison;
}

/** The pinned versions that change results, echoed into every result set. */
export type PinnedVersions = Record<string, string>;

export interface Results {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  run: { id: string; startedAt?: string; profile: "quick" | "full"; gitCommit?: string };
  versions: PinnedVersions;
  cluster: ClusterFacts;
  runtimes: Record<string, RuntimeResult>;
  kubeProxy?: KubeProxyResult;
}
