/**
 * The stack output `report`: `results` as Markdown, rows = metrics, columns = runtimes (like
 * seed 000's "Results at a Glance"), plus the environment, compute-scaling, capacity knees and,
 * when kube-proxy ran, the kernel table. Pure.
 */
import { Results, RuntimeResult, ScenarioResult } from "./results-schema";

const COMPUTE_SCALING = "compute-scaling";

const ms = (v: number): string => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(2)} ms`);
const pct = (v: number): string => `${(v * 100).toFixed(v > 0 && v < 0.001 ? 3 : 2)} %`;
const num = (v: number): string => v.toLocaleString("en-US", { maximumFractionDigits: 1 });
const mib = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

interface MetricRow {
  label: string;
  cell: (rt: RuntimeResult) => string | undefined;
}

function scenarioRows(scenario: string): MetricRow[] {
  const get = (rt: RuntimeResult): ScenarioResult | undefined => rt.scenarios[scenario];
  const flag = (s: ScenarioResult): string =>
    `${s.thresholdsOk ? "" : " ✗thresholds"}${s.generatorSaturated ? " ⚠generator" : ""}`;
  return [
    { label: `${scenario}: p95 latency`, cell: (rt) => { const s = get(rt); return s && `${ms(s.latencyMs.p95)}${flag(s)}`; } },
    { label: `${scenario}: p99 latency`, cell: (rt) => { const s = get(rt); return s && ms(s.latencyMs.p99); } },
    { label: `${scenario}: throughput`, cell: (rt) => { const s = get(rt); return s && `${num(s.rps)} req/s`; } },
    { label: `${scenario}: errors`, cell: (rt) => { const s = get(rt); return s && pct(s.errorRate); } },
    { label: `${scenario}: HPA replicas (max)`, cell: (rt) => { const s = get(rt); return s?.hpaMaxReplicas !== undefined ? String(s.hpaMaxReplicas) : undefined; } },
  ];
}

/** Renders the report. Footnotes explain the flags so a reader never misreads a number. */
export function renderReport(results: Results): string {
  const names = Object.keys(results.runtimes);
  const runtimes = names.map((n) => results.runtimes[n] as RuntimeResult);
  const scenarios = [...new Set(runtimes.flatMap((rt) => Object.keys(rt.scenarios)))];
  const rows: MetricRow[] = [
    { label: "Image size", cell: (rt) => (rt.image.sizeBytes !== undefined ? mib(rt.image.sizeBytes) : undefined) },
    {
      label: "Memory per pod (idle)",
      // The first sample of the first scenario: before any load has built up.
      cell: (rt) => {
        const idle = Object.values(rt.scenarios).find((s) => s.podMemoryMiB)?.podMemoryMiB?.idle;
        return idle !== undefined ? `${idle.toFixed(1)} MiB` : undefined;
      },
    },
    { label: "CPU request / limit", cell: (rt) => `${rt.resources.cpuRequestMilli}m / ${rt.resources.cpuLimitMilli}m` },
    { label: "HPA min–max @ CPU target", cell: (rt) => `${rt.resources.hpa.minReplicas}–${rt.resources.hpa.maxReplicas} @ ${rt.resources.hpa.targetCpuPercent} %` },
    ...scenarios.flatMap(scenarioRows),
  ];
  const out: string[] = [];
  out.push(`## Results at a glance (run ${results.run.id}, profile ${results.run.profile})`, "");
  // A metric nobody measured (e.g. HPA replicas in a native run) is left out rather than shown as dashes.
  const measured = rows.filter((r) => runtimes.some((rt) => r.cell(rt) !== undefined));
  out.push(table(["Metric", ...runtimes.map((rt) => rt.displayName)], measured.map((r) => [r.label, ...runtimes.map((rt) => r.cell(rt) ?? "–")])));
  out.push("", "✗thresholds: a declared k6 threshold was missed (a result, not a failure). ⚠generator: the load generator may have set the pace (dropped iterations or its CPU limit reached), so the app's capacity is higher than shown.");

  // Only compute-scaling's series are per-n; other scenarios tag theirs differently (capacity: per rate).
  const scaling = (rt: RuntimeResult) => rt.scenarios[COMPUTE_SCALING]?.series ?? [];
  const tags = [...new Set(runtimes.flatMap((rt) => scaling(rt).map((x) => x.tag)))].sort((a, b) => Number(a) - Number(b));
  if (tags.length > 0) {
    out.push("", "## Compute scaling (median latency of /compute?n=N)", "");
    out.push(table(["n", ...runtimes.map((rt) => rt.displayName)], tags.map((tag) => [
      num(Number(tag)),
      ...runtimes.map((rt) => {
        const found = scaling(rt).find((x) => x.tag === tag);
        return found ? ms(found.latencyMs.p50) : "–";
      }),
    ])));
  }

  const knees = runtimes.map((rt) => Object.values(rt.scenarios).find((s) => s.knee)?.knee);
  if (knees.some((k) => k)) {
    out.push("", "## Capacity (open model: highest arrival rate served within the latency threshold, no errors, no drops)", "");
    out.push(table(["", ...runtimes.map((rt) => rt.displayName)], [
      ["Knee", ...knees.map((k) => (k ? `${num(k.rps)} req/s` : "–"))],
      ["Latency threshold (p95)", ...knees.map((k) => (k ? ms(k.latencyThresholdMs) : "–"))],
      ["Highest rate attempted", ...knees.map((k) => (k ? `${num(k.maxAttemptedRps)} req/s` : "–"))],
    ]));
  }

  if (results.kubeProxy) {
    const kp = results.kubeProxy;
    out.push("", `## kube-proxy (${kp.mode} ${kp.version}; ${num(kp.services)} Services, ${num(kp.endpoints)} endpoints)`, "");
    out.push(table(["Node", "Group", "Kernel", "Syncs", "Median sync", "Max sync", "Final sync", "Complete"], kp.nodes.map((n) => [
      n.node,
      n.group ?? "–",
      n.kernelVersion ?? "–",
      String(n.syncCount),
      `${num(n.medianSyncSeconds)} s`,
      `${num(n.maxSyncSeconds)} s`,
      n.finalSync ? `${num(n.finalSync.elapsedSeconds)} s` : "–",
      n.incomplete ? "no (deadline)" : "yes",
    ])));
    if (kp.comparison) out.push("", kp.comparison.summary);
  }

  out.push("", "## Environment", "");
  out.push(`Cluster: ${results.cluster.kind}, Kubernetes ${results.cluster.kubernetesVersion}.`, "");
  out.push(table(["Node", "Group", "Kernel", "OS image", "Kubelet", "Instance type"], results.cluster.nodes.map((n) => [n.name, n.group, n.kernelVersion, n.osImage, n.kubeletVersion, n.instanceType ?? "–"])));
  out.push("", `Pinned: ${Object.entries(results.versions).map(([k, v]) => `${k} ${v}`).join(", ")}.`);
  return out.join("\n");
}
