/**
 * Provider outputs for running the program under mocks: what kind, Docker, the collector and the
 * cluster-facts reader would print. The k6 summaries are real: recorded by k6 against a natively
 * started app (test/fixtures/k6/manifest.json says how), the same text a Job's pod log carries.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CollectedCluster } from "../../components/cluster-facts";
import { CollectedJob, CPU_STAT_MARKER } from "../../components/collector";
import { SCENARIO_NAMES } from "../../components/scenarios";
import { ROOT, StateFor } from "./pulumi-mocks";

export const FAKE_KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\ncurrent-context: kind-k8s-bench\n";
export const IMAGE_SIZE_BYTES = 9_437_184;

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

function scenarioOf(resourceName: string): string | undefined {
  return [...SCENARIO_NAMES].sort((a, b) => b.length - a.length).find((s) => resourceName.endsWith(`-${s}-collect`));
}

/** Outputs of the providers the local stack uses. */
export const localStackState: StateFor = ({ type, name, inputs }) => {
  if (type === "command:local:Command") {
    if (name.endsWith("-kind")) return { stdout: FAKE_KUBECONFIG, stderr: "" };
    if (name.endsWith("-image-load")) return { stdout: `${IMAGE_SIZE_BYTES}\n`, stderr: "" };
    if (name === "cluster-facts") return { stdout: JSON.stringify(CLUSTER_FACTS), stderr: "" };
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
