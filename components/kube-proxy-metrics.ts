/**
 * Pure reader for kube-proxy's Prometheus metrics (`:10249/metrics`, text exposition format 0.0.4).
 *
 * The sync histograms' largest finite bucket is 16.384 s and network programming's is 300 s, so
 * multi-minute syncs all land in `+Inf`: only `_sum` / `_count` (and how many syncs overflowed the
 * top bucket) carry information at this scale. Erasable syntax, no runtime imports: it also runs in
 * the benchmark Job on Node's type stripping.
 *
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */
import type { KubeProxyNodeResult } from "./results-schema";

/** One sample line: `name{labels} value [timestamp]`. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text format; comment, blank and malformed lines are skipped (malformed ones counted). */
export function parsePrometheusText(text: string): { samples: PromSample[]; skippedLines: number } {
  const samples: PromSample[] = [];
  let skippedLines = 0;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const sample = parseSample(line);
    if (sample) samples.push(sample);
    else skippedLines++;
  }
  return { samples, skippedLines };
}

function parseSample(line: string): PromSample | undefined {
  const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
  if (!name) return undefined;
  let i = name.length;
  const labels: Record<string, string> = {};
  if (line[i] === "{") {
    i++;
    for (;;) {
      while (line[i] === " " || line[i] === ",") i++;
      if (line[i] === "}") {
        i++;
        break;
      }
      const key = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(line.slice(i))?.[0];
      if (!key || line[i + key.length] !== "=" || line[i + key.length + 1] !== '"') return undefined;
      i += key.length + 2;
      let value = "";
      for (;;) {
        const c = line[i];
        if (c === undefined) return undefined;
        i++;
        if (c === '"') break;
        if (c === "\\") {
          const e = line[i];
          i++;
          value += e === "n" ? "\n" : (e ?? "");
        } else value += c;
      }
      labels[key] = value;
    }
  }
  const rest = line.slice(i).trim().split(/\s+/);
  const valueText = rest[0];
  if (valueText === undefined || rest.length > 2) return undefined;
  const value = parseValue(valueText);
  if (value === undefined) return undefined;
  return { name, labels, value };
}

function parseValue(text: string): number | undefined {
  if (text === "+Inf" || text === "Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (text === "NaN") return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** Sum of every sample of `name` across label sets; undefined when absent. */
export function sumSamples(samples: PromSample[], name: string, filter?: (labels: Record<string, string>) => boolean): number | undefined {
  let total: number | undefined;
  for (const s of samples) {
    if (s.name === name && (!filter || filter(s.labels))) total = (total ?? 0) + s.value;
  }
  return total;
}

/** The top finite bucket of kube-proxy's sync histograms (exponential, 1 ms × 2^14). */
export const SYNC_TOP_BUCKET_SECONDS = 16.384;

export type KubeProxyMetrics = NonNullable<KubeProxyNodeResult["metrics"]>;

/**
 * Reduces a `/metrics` scrape to the numbers that survive bucket saturation; undefined when the
 * scrape has no `kubeproxy_sync_proxy_rules_duration_seconds` series.
 */
export function summarizeKubeProxyMetrics(text: string): KubeProxyMetrics | undefined {
  const { samples } = parsePrometheusText(text);
  const base = "kubeproxy_sync_proxy_rules_duration_seconds";
  const sum = sumSamples(samples, `${base}_sum`);
  const count = sumSamples(samples, `${base}_count`);
  if (sum === undefined || count === undefined) return undefined;
  const metrics: KubeProxyMetrics = { syncProxyRulesSecondsSum: sum, syncProxyRulesCount: count };
  const topBucket = sumSamples(samples, `${base}_bucket`, (l) => l.le !== undefined && Number(l.le) === SYNC_TOP_BUCKET_SECONDS);
  if (topBucket !== undefined) metrics.syncsOverTopBucket = count - topBucket;
  const np = "kubeproxy_network_programming_duration_seconds";
  const npSum = sumSamples(samples, `${np}_sum`);
  const npCount = sumSamples(samples, `${np}_count`);
  if (npSum !== undefined && npCount !== undefined) {
    metrics.networkProgrammingSecondsSum = npSum;
    metrics.networkProgrammingCount = npCount;
  }
  const fullSum = sumSamples(samples, "kubeproxy_sync_full_proxy_rules_duration_seconds_sum");
  const fullCount = sumSamples(samples, "kubeproxy_sync_full_proxy_rules_duration_seconds_count");
  if (fullSum !== undefined && fullCount !== undefined) {
    metrics.fullSyncProxyRulesSecondsSum = fullSum;
    metrics.fullSyncProxyRulesCount = fullCount;
  }
  const partialSum = sumSamples(samples, "kubeproxy_sync_partial_proxy_rules_duration_seconds_sum");
  const partialCount = sumSamples(samples, "kubeproxy_sync_partial_proxy_rules_duration_seconds_count");
  if (partialSum !== undefined && partialCount !== undefined) {
    metrics.partialSyncProxyRulesSecondsSum = partialSum;
    metrics.partialSyncProxyRulesCount = partialCount;
  }
  // kubeproxy_sync_proxy_rules_iptables_restore_failures_total, ..._nftables_sync_failures_total, ...
  let failures: number | undefined;
  for (const s of samples) {
    if (/^kubeproxy_sync_proxy_rules_\w*failures_total$/.test(s.name)) failures = (failures ?? 0) + s.value;
  }
  if (failures !== undefined) metrics.syncFailuresTotal = failures;
  return metrics;
}
