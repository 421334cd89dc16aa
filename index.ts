/**
 * k8s-bench: composition only. Parse config, build the cluster, the measuring stack, the apps
 * and their benchmarks, and export the measured numbers.
 */
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppImage } from "./components/app-image";
import { loadAppManifests } from "./components/app-manifest";
import { BenchApp } from "./components/bench-app";
import { BenchmarkRun } from "./components/benchmark-run";
import { BenchCluster } from "./components/cluster";
import { CollectedCluster } from "./components/cluster-facts";
import { parseConfig, projectConfig } from "./components/config";
import { createCluster } from "./components/create-cluster";
import { kubeAccessEnvironment } from "./components/job-collector";
import { awsStackConfig } from "./components/eks-config";
import { KubeProxyBenchmark } from "./components/kube-proxy-benchmark";
import { PART_OF } from "./components/labels";
import { Monitoring } from "./components/monitoring";
import { renderReport } from "./components/report";
import { assembleResults } from "./components/results";
import { defaultScenarios, k6ScriptFiles, resolveScenario, SCENARIO_NAMES } from "./components/scenarios";
import { pinnedVersions } from "./components/versions";

const apps = loadAppManifests();
const config = parseConfig(projectConfig(pulumi.runtime.allConfig()), {
  apps: apps.map((a) => a.name),
  scenarios: SCENARIO_NAMES,
  defaultScenarios,
  aws: awsStackConfig(pulumi.runtime.allConfig()),
});
const selectedApps = config.runtimes.map((name) => apps.find((a) => a.name === name)!);

const cluster: BenchCluster = createCluster(config, selectedApps);
const k8sOpts = { provider: cluster.provider, dependsOn: cluster.ready };

const monitoring = new Monitoring("monitoring", {
  cluster,
  prometheusStack: config.monitoring.enabled,
  grafanaAdminPassword: new pulumi.Config().getSecret("grafanaAdminPassword"),
});

// Pod Security "restricted" is enforced: the API server itself rejects a workload that is not.
const namespace = new k8s.core.v1.Namespace(
  "bench-namespace",
  { metadata: { name: config.namespace, labels: { ...PART_OF, "pod-security.kubernetes.io/enforce": "restricted" } } },
  k8sOpts,
);
const scripts = new k8s.core.v1.ConfigMap(
  "k6-scripts",
  { metadata: { namespace: namespace.metadata.name, labels: PART_OF }, data: k6ScriptFiles() },
  k8sOpts,
);

let previous: pulumi.Resource[] = [];
const runtimes = selectedApps.map((app) => {
  const image = new AppImage(`${app.name}-image`, { app, target: cluster.imageTarget });
  const benchApp = new BenchApp(
    app.name,
    { app, image: image.ref, cluster, namespace: namespace.metadata.name, resources: config.resources, hpa: config.hpa },
    // The HPA needs metrics-server before it can act on anything.
    { dependsOn: [monitoring.metricsServer] },
  );
  const runs = config.scenarios.map((scenarioName) => {
    const run = new BenchmarkRun(`${app.name}-${scenarioName}`, {
      app: benchApp,
      scenario: resolveScenario(scenarioName, config.profile),
      cluster,
      namespace: namespace.metadata.name,
      scripts,
      runId: config.runId,
      k6: config.k6,
      after: previous,
    });
    previous = [run.collector];
    return run;
  });
  return { app, image, benchApp, runs };
});

// kube-proxy under thousands of Services, after the app benchmarks so neither disturbs the other.
const kubeProxy = config.kubeProxy.enabled
  ? new KubeProxyBenchmark("kube-proxy", { cluster, config: config.kubeProxy, runId: config.runId, after: previous })
  : undefined;
if (kubeProxy) previous = [kubeProxy.collector];

// Node facts are read after the last benchmark, so they describe the cluster that was measured.
const clusterFacts = new command.local.Command(
  "cluster-facts",
  {
    create: "node --import tsx components/collector-cli.ts cluster",
    environment: kubeAccessEnvironment(cluster),
    triggers: [config.runId],
    logging: "stderr",
  },
  { dependsOn: previous },
);

export const results = pulumi
  .all([
    pulumi.unsecret(clusterFacts.stdout),
    pulumi.all(
      runtimes.map(({ app, image, runs }) =>
        pulumi.all([image.ref, image.sizeBytes, pulumi.all(runs.map((r) => r.result))]).apply(([ref, sizeBytes, scenarios]) => ({
          name: app.name,
          displayName: app.displayName,
          language: app.language,
          framework: app.framework,
          image: { ref, ...(sizeBytes !== undefined ? { sizeBytes } : {}), baseImages: image.baseImages },
          resources: { ...config.resources, hpa: config.hpa },
          scenarios,
        })),
      ),
    ),
    kubeProxy?.result,
  ])
  .apply(([facts, runtimeResults, kubeProxyResult]) => {
    const collected = JSON.parse(facts) as CollectedCluster & { gitCommit?: string };
    return assembleResults({
      runId: config.runId,
      profile: config.profile,
      ...(collected.gitCommit ? { gitCommit: collected.gitCommit } : {}),
      clusterKind: config.cluster.kind,
      cluster: collected,
      versions: pinnedVersions(),
      runtimes: runtimeResults,
      ...(kubeProxyResult ? { kubeProxy: kubeProxyResult } : {}),
    });
  });

export const report = results.apply(renderReport);
export const clusterKind = config.cluster.kind;
export const appUrls = Object.fromEntries(runtimes.map(({ app, benchApp }) => [app.name, benchApp.url]));
export const grafanaAdminPassword = monitoring.grafanaAdminPassword;
