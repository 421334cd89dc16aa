/**
 * Assembles the stack output `results` from what was measured and what was declared. Pure.
 */
import { CollectedCluster } from "./cluster-facts";
import { Profile } from "./config";
import { KubeProxyResult, Results, RESULTS_SCHEMA_VERSION, RuntimeResources, RuntimeResult, ScenarioResult } from "./results-schema";

export interface RuntimeInput {
  name: string;
  displayName: string;
  language: string;
  framework: string;
  image: { ref: string; sizeBytes?: number; baseImages: string[] };
  resources: RuntimeResources;
  /** Scenario results in run order. */
  scenarios: ScenarioResult[];
}

export interface ResultsInput {
  runId: string;
  profile: Profile;
  gitCommit?: string;
  clusterKind: "local" | "eks";
  cluster: CollectedCluster;
  versions: Record<string, string>;
  runtimes: RuntimeInput[];
  kubeProxy?: KubeProxyResult;
}

function earliest(times: (string | undefined)[]): string | undefined {
  return times.filter((t): t is string => !!t).sort()[0];
}

export function assembleResults(input: ResultsInput): Results {
  const runtimes: Record<string, RuntimeResult> = {};
  for (const rt of input.runtimes) {
    runtimes[rt.name] = {
      displayName: rt.displayName,
      language: rt.language,
      framework: rt.framework,
      image: rt.image,
      resources: rt.resources,
      scenarios: Object.fromEntries(rt.scenarios.map((s) => [s.scenario, s])),
    };
  }
  const startedAt = earliest(input.runtimes.flatMap((rt) => rt.scenarios.map((s) => s.startedAt)));
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    run: {
      id: input.runId,
      profile: input.profile,
      ...(startedAt ? { startedAt } : {}),
      ...(input.gitCommit ? { gitCommit: input.gitCommit } : {}),
    },
    versions: { ...input.versions, kubeProxy: input.cluster.kubeProxy.version, kubeProxyMode: input.cluster.kubeProxy.mode },
    cluster: { kind: input.clusterKind, kubernetesVersion: input.cluster.kubernetesVersion, nodes: input.cluster.nodes },
    runtimes,
    ...(input.kubeProxy ? { kubeProxy: input.kubeProxy } : {}),
  };
}
