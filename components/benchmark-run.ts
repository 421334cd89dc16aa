/**
 * One benchmark: a k6 Job running one scenario against one app's Service, and the collector that
 * waits for it and reads its summary back into a typed {@link ScenarioResult}.
 */
import * as command from "@pulumi/command";
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BenchApp } from "./bench-app";
import { BenchCluster } from "./cluster";
import { CollectedJob, parseCpuStatLine } from "./collector";
import { K6Config } from "./config";
import { jobDeadlineSeconds, k6JobSpec, k6PodSize } from "./k6-job";
import { parseK6Summary, toScenarioResult } from "./k6-summary";
import { ScenarioResult } from "./results-schema";
import { VERSIONS } from "./versions";

/** Extra time the collector waits beyond the Job's own deadline (pod deletion, log read). */
export const COLLECT_MARGIN_SECONDS = 120;

/** A scenario resolved for one profile (from components/scenarios.ts). */
export interface ScenarioRunSpec {
  name: string;
  /** File name of the script in k6/. */
  script: string;
  /** Upper bound of the run, graceful stop included. */
  durationSeconds: number;
  /** Peak VUs (arrival-rate scenarios: pre-allocated), to size the k6 pod. */
  maxVus: number;
  /** The k6 process environment besides TARGET_URL and APP. */
  env: Record<string, string>;
}

/**
 * The collector command line for one Job (pure, shown in tests and the README).
 * @param container the container whose log is read. @default - k6 (the collector's default)
 */
export function collectJobCommand(namespace: string, job: string, timeoutSeconds: number, opts: { container?: string; watchApp?: string } = {}): string {
  const base = `node --import tsx components/collector-cli.ts job --namespace ${namespace} --job ${job} --timeout ${timeoutSeconds}`;
  return base + (opts.container !== undefined ? ` --container ${opts.container}` : "") + (opts.watchApp !== undefined ? ` --watch-app ${opts.watchApp}` : "");
}

/** Turns what the collector printed into a typed result, with the generator's CPU judged. */
export function scenarioResultFromCollected(scenario: string, collected: CollectedJob, k6CpuMilli: number): ScenarioResult {
  const summary = parseK6Summary(collected.log);
  const cpu = parseCpuStatLine(collected.log);
  const result = toScenarioResult(summary, {
    scenario,
    ...(cpu
      ? { generatorCpu: { usageSeconds: cpu.usageSeconds, throttledSeconds: cpu.throttledSeconds, limitCores: k6CpuMilli / 1000, wallSeconds: summary.testRunDurationMs / 1000 } }
      : {}),
  });
  const app = collected.app;
  return {
    ...result,
    ...(collected.startedAt ? { startedAt: collected.startedAt } : {}),
    ...(collected.completedAt ? { completedAt: collected.completedAt } : {}),
    ...(app?.maxReplicas !== undefined ? { hpaMaxReplicas: app.maxReplicas } : {}),
    ...(app?.idlePodMemoryMiB !== undefined ? { podMemoryMiB: { idle: app.idlePodMemoryMiB, peak: app.peakPodMemoryMiB ?? app.idlePodMemoryMiB } } : {}),
  };
}

/** sha256 of a ConfigMap's data, independent of key order. */
export function dataHash(data: Record<string, string> | undefined): string {
  const entries = Object.entries(data ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash("sha256").update(JSON.stringify(entries)).digest("hex");
}

/**
 * What a result depends on besides the run id, recorded on the Job's pod template: a new app
 * image, new resources or new scripts replace the Job, so `results` never describes an app other
 * than the one deployed.
 */
function measuredInputs(app: BenchApp, scripts: k8s.core.v1.ConfigMap): Record<string, pulumi.Input<string>> {
  return {
    "k8s-bench.io/app-image": app.image,
    "k8s-bench.io/app-resources": JSON.stringify({ ...app.resources, hpa: app.hpaConfig }),
    "k8s-bench.io/scripts-sha256": scripts.data.apply(dataHash),
  };
}

/** Arguments of {@link BenchmarkRun}. */
export interface BenchmarkRunArgs {
  /** The app under load; the Job targets its Service. */
  app: BenchApp;
  scenario: ScenarioRunSpec;
  cluster: BenchCluster;
  namespace: pulumi.Input<string>;
  /** ConfigMap holding every file of k6/. */
  scripts: k8s.core.v1.ConfigMap;
  /** Changing it reruns the benchmark. */
  runId: string;
  k6: K6Config;
  /** Benchmarks that must finish before this one starts (strict sequence, one app loaded at a time). */
  after?: pulumi.Resource[];
}

export class BenchmarkRun extends pulumi.ComponentResource {
  readonly job: k8s.batch.v1.Job;
  /** The collector; depend on it to run after this benchmark has finished. */
  readonly collector: command.local.Command;
  readonly result: pulumi.Output<ScenarioResult>;

  constructor(name: string, args: BenchmarkRunArgs, opts?: pulumi.ComponentResourceOptions) {
    super("k8s-bench:benchmark:BenchmarkRun", name, {}, opts);
    const { app, scenario, cluster } = args;

    this.job = new k8s.batch.v1.Job(
      `${name}-job`,
      k6JobSpec({
        namespace: args.namespace,
        app: app.app.name,
        scenario: scenario.name,
        runId: args.runId,
        image: VERSIONS.k6Image,
        script: scenario.script,
        scriptsConfigMap: args.scripts.metadata.name,
        env: { ...scenario.env, TARGET_URL: app.url, APP: app.app.name },
        durationSeconds: scenario.durationSeconds,
        ...k6PodSize(args.k6, scenario.maxVus),
        placement: cluster.systemPlacement,
        podAnnotations: measuredInputs(app, args.scripts),
      }),
      { parent: this, provider: cluster.provider, dependsOn: [app, args.scripts, ...(args.after ?? [])] },
    );

    const timeoutSeconds = jobDeadlineSeconds(scenario.durationSeconds) + COLLECT_MARGIN_SECONDS;
    this.collector = new command.local.Command(
      `${name}-collect`,
      {
        create: pulumi
          .all([this.job.metadata.namespace, this.job.metadata.name])
          .apply(([ns, job]) => collectJobCommand(ns, job, timeoutSeconds, { watchApp: app.app.name })),
        environment: { KUBECONFIG_DATA: cluster.kubeconfig, ...(cluster.context ? { KUBE_CONTEXT: cluster.context } : {}) },
        logging: "stderr",
      },
      { parent: this, dependsOn: [this.job], customTimeouts: { create: `${timeoutSeconds + 60}s` } },
    );

    // The kubeconfig in the environment makes stdout secret; it holds only the k6 summary.
    const collected = pulumi.unsecret(this.collector.stdout).apply((out) => JSON.parse(out) as CollectedJob);
    this.result = collected.apply((c) => scenarioResultFromCollected(scenario.name, c, args.k6.cpuMilli));
    this.registerOutputs({ result: this.result });
  }
}
