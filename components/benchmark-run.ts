/**
 * One benchmark: a k6 Job running one scenario against one app's Service, and the collector that
 * waits for it and reads its summary back into a typed {@link ScenarioResult}.
 */
import type * as command from "@pulumi/command";
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BenchApp } from "./bench-app";
import { BenchCluster } from "./cluster";
import { CollectedJob, parseCpuStatLine } from "./collector";
import { collectJob, COLLECT_MARGIN_SECONDS } from "./job-collector";
import { K6Config } from "./config";
import { jobDeadlineSeconds, k6JobSpec, k6PodSize } from "./k6-job";
import { parseK6Summary, toScenarioResult } from "./k6-summary";
import { ScenarioResult } from "./results-schema";
import { VERSIONS } from "./versions";

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
    const { command: collector, collected } = collectJob(name, { job: this.job, cluster, timeoutSeconds, watchApp: app.app.name }, this);
    this.collector = collector;
    this.result = collected.apply((c) => scenarioResultFromCollected(scenario.name, c, args.k6.cpuMilli));
    this.registerOutputs({ result: this.result });
  }
}
