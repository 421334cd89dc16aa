/**
 * Pure aggregation of parsed kube-proxy logs into the `kubeProxy` result: per-node statistics, the
 * sync that covered the final endpoint count, and a plain-language kernel comparison.
 *
 * Shared by the stack, the `kube-proxy:parse` CLI and the in-cluster driver (erasable syntax; the
 * only runtime import is a sibling file mounted next to it).
 */
import type { KubeProxyComparison, KubeProxyNodeResult, KubeProxyResult, KubeProxySync } from "./results-schema";
import type { ParsedKubeProxyLog } from "./kube-proxy-log.ts";
import type { KubeProxyMetrics } from "./kube-proxy-metrics.ts";

/** One node's material: its facts and its parsed kube-proxy log. */
export interface KubeProxyNodeInput {
  node: string;
  /** Kernel version (node.status.nodeInfo.kernelVersion). @default - compared by node name */
  kernelVersion?: string;
  osImage?: string;
  kubeletVersion?: string;
  /** The k8s-bench.io/group label. */
  group?: string;
  instanceType?: string;
  pod?: string;
  log: ParsedKubeProxyLog;
  metrics?: KubeProxyMetrics;
  /** Extra warnings found outside the log (unreachable metrics, log read errors). */
  warnings?: string[];
}

/** Everything {@link kubeProxyResult} needs. */
export interface KubeProxyResultInput {
  /** Proxier mode. @default - the mode the logs announce, else "unknown" */
  mode?: string;
  /** kube-proxy version (image tag). @default "unknown" */
  version?: string;
  /** Services of the test. @default - the largest numServices logged */
  services?: number;
  /** Endpoints of the test (EndpointSlices). @default - the largest numEndpoints logged */
  endpoints?: number;
  /** Endpoint count a sync must reach to be the node's final sync. @default - the largest numEndpoints logged by any node */
  targetEndpoints?: number;
  window?: { start?: string; end?: string };
  deadlineHit?: boolean;
  nodes: KubeProxyNodeInput[];
}

/** Median of a list (mean of the middle two for even lengths); 0 for an empty list. */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Per-node statistics; `targetEndpoints` decides the final sync and `incomplete`. */
export function kubeProxyNodeResult(input: KubeProxyNodeInput, targetEndpoints: number | undefined): KubeProxyNodeResult {
  const syncs = input.log.syncs;
  const elapsed = syncs.map((s) => s.elapsedSeconds);
  const finalSync = targetEndpoints === undefined ? undefined : syncs.find((s) => (s.endpoints ?? -1) >= targetEndpoints);
  const result: KubeProxyNodeResult = {
    node: input.node,
    syncs,
    syncCount: syncs.length,
    medianSyncSeconds: round(median(elapsed)),
    maxSyncSeconds: round(elapsed.length === 0 ? 0 : Math.max(...elapsed)),
    incomplete: targetEndpoints !== undefined && finalSync === undefined,
    warnings: [...input.log.warnings, ...(input.warnings ?? [])],
    skippedLines: input.log.skippedLines,
  };
  if (input.group !== undefined) result.group = input.group;
  if (input.kernelVersion !== undefined) result.kernelVersion = input.kernelVersion;
  if (input.osImage !== undefined) result.osImage = input.osImage;
  if (input.kubeletVersion !== undefined) result.kubeletVersion = input.kubeletVersion;
  if (input.instanceType !== undefined) result.instanceType = input.instanceType;
  if (input.pod !== undefined) result.pod = input.pod;
  if (finalSync) result.finalSync = finalSync;
  if (input.metrics) {
    result.metrics = input.metrics;
    if ((input.metrics.syncFailuresTotal ?? 0) > 0) {
      result.warnings.push(`metrics: ${input.metrics.syncFailuresTotal} failed syncs (kubeproxy_sync_proxy_rules_*failures_total)`);
    }
  }
  if (input.log.syncsOutsideWindow > 0) result.syncsOutsideWindow = input.log.syncsOutsideWindow;
  return result;
}

function maxOf(values: (number | undefined)[]): number | undefined {
  let best: number | undefined;
  for (const v of values) if (v !== undefined && (best === undefined || v > best)) best = v;
  return best;
}

/** Builds the whole `kubeProxy` result, with a comparison when the nodes run two or more kernels. */
export function kubeProxyResult(input: KubeProxyResultInput): KubeProxyResult {
  const allSyncs = input.nodes.flatMap((n) => n.log.syncs);
  const loggedEndpoints = maxOf(allSyncs.map((s) => s.endpoints));
  const loggedServices = maxOf(allSyncs.map((s) => s.services));
  const target = input.targetEndpoints ?? loggedEndpoints;
  const nodes = input.nodes.map((n) => kubeProxyNodeResult(n, target));
  const result: KubeProxyResult = {
    mode: input.mode ?? input.nodes.map((n) => n.log.mode).find((m) => m !== undefined) ?? "unknown",
    version: input.version ?? "unknown",
    services: input.services ?? loggedServices ?? 0,
    endpoints: input.endpoints ?? loggedEndpoints ?? 0,
    nodes,
  };
  if (target !== undefined) result.targetEndpoints = target;
  if (input.window) result.window = input.window;
  if (input.deadlineHit !== undefined) result.deadlineHit = input.deadlineHit;
  const comparison = compareKernels(nodes);
  if (comparison) result.comparison = comparison;
  return result;
}

/** The label a node is compared under: its kernel, or "node <name>" when the kernel is unknown. */
function kernelLabel(node: KubeProxyNodeResult): string {
  return node.kernelVersion ?? `node ${node.node}`;
}

/**
 * Compares kernels (nodes grouped by kernel version; by node name when unknown); undefined with
 * fewer than two groups that logged a sync. Within a kernel, final-sync seconds are the median of
 * its nodes' final syncs and the median pools all of its nodes' syncs. The sentence names the
 * fastest and the slowest.
 */
export function compareKernels(nodes: KubeProxyNodeResult[]): KubeProxyComparison | undefined {
  const groups = new Map<string, KubeProxyNodeResult[]>();
  for (const n of nodes) {
    if (n.syncCount === 0) continue;
    const key = kernelLabel(n);
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  if (groups.size < 2) return undefined;
  const perKernel = [...groups].map(([kernel, members]) => {
    const finals = members.map((m) => m.finalSync).filter((s): s is KubeProxySync => s !== undefined);
    const entry: NonNullable<KubeProxyComparison["perKernel"]>[number] = {
      kernel,
      nodes: members.map((m) => m.node),
      medianSyncSeconds: round(median(members.flatMap((m) => m.syncs.map((s) => s.elapsedSeconds)))),
    };
    // A kernel has a final-sync time only when every one of its nodes caught up.
    if (finals.length === members.length) {
      entry.finalSyncSeconds = round(median(finals.map((s) => s.elapsedSeconds)));
      const endpoints = maxOf(finals.map((s) => s.endpoints));
      if (endpoints !== undefined) entry.finalEndpoints = endpoints;
    }
    return entry;
  });
  const allFinal = perKernel.every((k) => k.finalSyncSeconds !== undefined);
  const key = (k: (typeof perKernel)[number]): number => (allFinal ? (k.finalSyncSeconds as number) : k.medianSyncSeconds);
  perKernel.sort((a, b) => key(a) - key(b) || a.kernel.localeCompare(b.kernel));
  const fastest = perKernel[0] as (typeof perKernel)[number];
  const slowest = perKernel[perKernel.length - 1] as (typeof perKernel)[number];
  const medianSyncRatio = ratio(slowest.medianSyncSeconds, fastest.medianSyncSeconds);
  const comparison: KubeProxyComparison = {
    kernels: perKernel.map((k) => k.kernel),
    medianSyncRatio,
    summary: "",
    perKernel,
  };
  const name = (k: (typeof perKernel)[number]): string => (k.kernel.startsWith("node ") ? k.kernel : `kernel ${k.kernel}`);
  const bare = (k: (typeof perKernel)[number]): string => k.kernel;
  const medians = `median sync ${formatSeconds(fastest.medianSyncSeconds)} vs ${formatSeconds(slowest.medianSyncSeconds)}`;
  if (fastest.finalSyncSeconds !== undefined && slowest.finalSyncSeconds !== undefined) {
    comparison.finalSyncRatio = ratio(slowest.finalSyncSeconds, fastest.finalSyncSeconds);
    const endpoints = maxOf([fastest.finalEndpoints, slowest.finalEndpoints]);
    const what = endpoints === undefined ? "synced" : `synced ${formatCount(endpoints)} endpoints`;
    const finals = `final sync ${formatSeconds(fastest.finalSyncSeconds)} vs ${formatSeconds(slowest.finalSyncSeconds)}`;
    comparison.summary = `${name(fastest)} ${what} ${speed(comparison.finalSyncRatio)} ${bare(slowest)} (${finals}; ${medians})`;
  } else {
    const behind = perKernel.filter((k) => k.finalSyncSeconds === undefined).map(bare);
    comparison.summary =
      `${name(fastest)}'s median sync was ${speed(medianSyncRatio)} ${bare(slowest)}'s (${medians}); ` +
      `no final-sync comparison: ${behind.join(", ")} never logged a sync covering the final endpoint count`;
  }
  return comparison;
}

function speed(r: number): string {
  return r < 1.05 ? "about as fast as" : `${r.toFixed(1)}× faster than`;
}

function ratio(slow: number, fast: number): number {
  if (fast <= 0) return slow <= 0 ? 1 : Infinity;
  return Math.round((slow / fast) * 100) / 100;
}

/** Rounds seconds to microseconds (klog's resolution), dropping float noise. */
function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

/** 240015 → "240,015" (no Intl: the driver's image may lack full ICU). */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Seconds in the seed's style: "850ms", "12.3s", "4m50.5s", "1h2m3.5s". */
export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)}ms`;
  const tenths = Math.round(seconds * 10);
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = ((tenths % 600) / 10).toFixed(1);
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** The stdout line of the in-cluster driver (run mode). */
export interface KubeProxyDriverOutput {
  kind: typeof KUBE_PROXY_DRIVER_OUTPUT_KIND;
  result: KubeProxyResult;
  /** Seconds spent per phase: cleanup, services, settle, steps, collect, cleanupAfter. */
  phasesSeconds: Record<string, number>;
  /** Problems that did not stop the run (for example failed Service writes). */
  errors: string[];
}

/** The stdout line of the driver in cleanup mode. */
export interface KubeProxyCleanupOutput {
  kind: typeof KUBE_PROXY_CLEANUP_OUTPUT_KIND;
  deletedServices: number;
}

export const KUBE_PROXY_DRIVER_OUTPUT_KIND = "k8s-bench/kube-proxy-result@1";
export const KUBE_PROXY_CLEANUP_OUTPUT_KIND = "k8s-bench/kube-proxy-cleanup@1";

/**
 * Finds the driver's result line in a Job's log (stdout and stderr are interleaved there).
 * @throws Error naming the last log lines when there is no result line.
 */
export function parseDriverOutput(podLog: string): KubeProxyDriverOutput {
  const lines = podLog.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] as string).trim();
    if (!line.startsWith("{") || !line.includes(KUBE_PROXY_DRIVER_OUTPUT_KIND)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue;
    }
    if (isDriverOutput(parsed)) return parsed;
  }
  const tail = lines.filter((l) => l.trim() !== "").slice(-10).join("\n");
  throw new Error(`no kube-proxy driver result line (kind ${KUBE_PROXY_DRIVER_OUTPUT_KIND}) in the Job's log; its last lines:\n${tail}`);
}

function isDriverOutput(value: unknown): value is KubeProxyDriverOutput {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const r = v.result as Record<string, unknown> | undefined;
  return (
    v.kind === KUBE_PROXY_DRIVER_OUTPUT_KIND &&
    typeof r === "object" && r !== null &&
    typeof r.mode === "string" && typeof r.version === "string" &&
    typeof r.services === "number" && typeof r.endpoints === "number" && Array.isArray(r.nodes)
  );
}
