/**
 * Provider outputs for running the program under mocks: what kind, Docker, the collector and the
 * cluster-facts reader would print. The k6 summaries are real: recorded by k6 against a natively
 * started app (test/fixtures/k6/manifest.json says how), the same text a Job's pod log carries.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CollectedCluster } from "../../components/cluster-facts";
import { CollectedJob, CPU_STAT_MARKER } from "../../components/collector";
import { DEFAULTS } from "../../components/config";
import { parseKubeProxyLog } from "../../components/kube-proxy-log";
import { KUBE_PROXY_DRIVER_OUTPUT_KIND, kubeProxyResult } from "../../components/kube-proxy-result";
import type { KubeProxyDriverOutput } from "../../components/kube-proxy-result";
import { SCENARIO_NAMES } from "../../components/scenarios";
import { ROOT, StateFor } from "./pulumi-mocks";

export const FAKE_KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\ncurrent-context: kind-k8s-bench\n";
export const IMAGE_SIZE_BYTES = 9_437_184;
/** What the collector saw of the app (HPA, metrics API) while a benchmark ran. */
export const APP_OBSERVATIONS = { samples: 12, maxReplicas: 4, idlePodMemoryMiB: 3.2, peakPodMemoryMiB: 6.5 };

export const CLUSTER_FACTS: CollectedCluster & { gitCommit: string } = {
  gitCommit: "0123456789abcdef0123456789abcdef01234567",
  kubernetesVersion: "v1.34.11",
  nodes: [
    { name: "k8s-bench-worker", group: "apps", kernelVersion: "6.12.46", osImage: "Debian GNU/Linux 12 (bookworm)", kubeletVersion: "v1.34.11", architecture: "amd64" },
    { name: "k8s-bench-worker2", group: "system", kernelVersion: "6.12.46", osImage: "Debian GNU/Linux 12 (bookworm)", kubeletVersion: "v1.34.11", architecture: "amd64" },
  ],
  kubeProxy: { mode: "nftables", version: "v1.34.11" },
};

/** The pod log of a k6 Job for a scenario: the recorded summary plus the wrapper's CPU line. */
export function recordedJobLog(scenario: string): string {
  const summary = fs.readFileSync(path.join(ROOT, "test", "fixtures", "k6", `${scenario}.stdout.txt`), "utf8");
  return `${summary.trimEnd()}\n${CPU_STAT_MARKER} usage_usec=4200000 user_usec=3000000 system_usec=1200000 nr_periods=600 nr_throttled=0 throttled_usec=0\n`;
}

/** One node of a mocked kube-proxy benchmark: a recorded kube-proxy log (test/fixtures/kube-proxy) and the node's facts. */
export interface KubeProxyNodeFixture {
  /** File in test/fixtures/kube-proxy. */
  file: string;
  node: string;
  kernelVersion: string;
  group?: string;
}

/** The test window of the recorded kube-proxy logs (seed 004's run, October 2025). */
export const KUBE_PROXY_WINDOW = { start: "2025-10-15T12:00:00.000Z", end: "2025-10-15T13:30:00.000Z" };

/**
 * The driver's output line for recorded kube-proxy logs, computed by the driver's own builders
 * (parseKubeProxyLog, kubeProxyResult), as the in-cluster driver would print it for a run of
 * `services` Services scaled to `finalReplicas`.
 */
export function kubeProxyDriverOutput(nodes: KubeProxyNodeFixture[], run: { mode: string; version: string; services: number; finalReplicas: number }): KubeProxyDriverOutput {
  const since = new Date(KUBE_PROXY_WINDOW.start);
  const until = new Date(KUBE_PROXY_WINDOW.end);
  const target = run.services * run.finalReplicas;
  const result = kubeProxyResult({
    mode: run.mode,
    version: run.version,
    services: run.services,
    endpoints: target,
    targetEndpoints: target,
    window: KUBE_PROXY_WINDOW,
    deadlineHit: false,
    nodes: nodes.map((n) => {
      const text = fs.readFileSync(path.join(ROOT, "test", "fixtures", "kube-proxy", n.file), "utf8");
      return {
        node: n.node,
        pod: `kube-proxy-${n.node.slice(-5)}`,
        kernelVersion: n.kernelVersion,
        ...(n.group ? { group: n.group } : {}),
        log: parseKubeProxyLog(text, { since, until, reference: since }),
      };
    }),
  });
  return { kind: KUBE_PROXY_DRIVER_OUTPUT_KIND, result, phasesSeconds: {}, errors: [] };
}

/** The driver Job's pod log: progress on stderr around the one result line, as the collector reads it. */
export function kubeProxyDriverLog(output: KubeProxyDriverOutput): string {
  return [
    `${KUBE_PROXY_WINDOW.start} scaled kube-proxy-backend to 1`,
    `${KUBE_PROXY_WINDOW.start} applied ${output.result.services} Services`,
    `${KUBE_PROXY_WINDOW.end} done: ${output.result.comparison?.summary ?? `${output.result.nodes.length} node(s) measured`}`,
    JSON.stringify(output),
    "",
  ].join("\n");
}

/** The collector's stdout for the driver Job of a kube-proxy benchmark. */
export function kubeProxyCollected(create: string, output: KubeProxyDriverOutput): CollectedJob {
  const job = /--job (\S+)/.exec(create)?.[1] ?? "unknown";
  return { job, pod: `${job}-fghij`, node: "k8s-bench-worker2", startedAt: KUBE_PROXY_WINDOW.start, completedAt: KUBE_PROXY_WINDOW.end, log: kubeProxyDriverLog(output) };
}

/** The local stack's kube-proxy result: kind's two workers (one kernel) with the recorded logs. */
export const LOCAL_KUBE_PROXY_OUTPUT = kubeProxyDriverOutput(
  [
    { file: "ip-10-0-1-23.log", node: "k8s-bench-worker", kernelVersion: "6.12.46", group: "apps" },
    { file: "ip-10-0-2-45.log", node: "k8s-bench-worker2", kernelVersion: "6.12.46", group: "system" },
  ],
  { mode: CLUSTER_FACTS.kubeProxy.mode ?? "nftables", version: CLUSTER_FACTS.kubeProxy.version ?? "unknown", services: DEFAULTS.kubeProxy.local.services, finalReplicas: DEFAULTS.kubeProxy.steps.at(-1) ?? 1 },
);

function scenarioOf(resourceName: string): string | undefined {
  return [...SCENARIO_NAMES].sort((a, b) => b.length - a.length).find((s) => resourceName.endsWith(`-${s}-collect`));
}

/** Outputs of the providers the local stack uses. */
export const localStackState: StateFor = ({ type, name, inputs }) => {
  if (type === "command:local:Command") {
    if (name.endsWith("-kind")) return { stdout: FAKE_KUBECONFIG, stderr: "" };
    if (name.endsWith("-image-load")) return { stdout: `${IMAGE_SIZE_BYTES}\n`, stderr: "" };
    if (name === "cluster-facts") return { stdout: JSON.stringify(CLUSTER_FACTS), stderr: "" };
    if (name === "kube-proxy-collect") return { stdout: JSON.stringify(kubeProxyCollected(String(inputs["create"]), LOCAL_KUBE_PROXY_OUTPUT)), stderr: "" };
    const scenario = scenarioOf(name);
    if (scenario) {
      const job = /--job (\S+)/.exec(String(inputs["create"]))?.[1] ?? "unknown";
      const collected: CollectedJob = {
        job,
        pod: `${job}-abcde`,
        node: "k8s-bench-worker2",
        startedAt: "2026-11-23T10:00:00Z",
        completedAt: "2026-11-23T10:01:00Z",
        log: recordedJobLog(scenario),
        app: APP_OBSERVATIONS,
      };
      return { stdout: JSON.stringify(collected), stderr: "" };
    }
  }
  if (type === "docker-build:index:Image") {
    return { ref: (inputs["tags"] as string[] | undefined)?.[0] ?? "", digest: "", contextHash: "ctx" };
  }
  if (type === "random:index/randomPassword:RandomPassword") return { result: "generated-password" };
  if (type.startsWith("kubernetes:") && type !== "kubernetes:helm.sh/v3:Release") {
    const metadata = (inputs["metadata"] ?? {}) as Record<string, unknown>;
    // The Kubernetes provider auto-names resources without metadata.name.
    return { metadata: { ...metadata, name: metadata["name"] ?? `${name}-a1b2c3d4` } };
  }
  return undefined;
};
