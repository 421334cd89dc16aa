/**
 * The Pulumi side of the collector: one `local.Command` per benchmark Job that runs
 * `components/collector-cli.ts job …` (wait, read the pod log, fail with its tail) and the typed
 * view of what it printed. Shared by the k6 benchmarks and the kube-proxy driver.
 */
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BenchCluster } from "./cluster";
import { CollectedJob } from "./collector";

/** Extra time the collector waits beyond the Job's own deadline (pod deletion, log read). */
export const COLLECT_MARGIN_SECONDS = 120;

/** Options of the collector CLI's `job` command. */
export interface CollectJobOptions {
  /** Container whose log is read. @default "k6" (the CLI's default) */
  container?: string;
  /** App whose HPA and pod memory are sampled at every poll. @default - none */
  watchApp?: string;
}

/** The collector command line for one Job (pure, shown in tests and the README). */
export function collectJobCommand(namespace: string, job: string, timeoutSeconds: number, opts: CollectJobOptions = {}): string {
  const base = `node --import tsx components/collector-cli.ts job --namespace ${namespace} --job ${job} --timeout ${timeoutSeconds}`;
  return base + (opts.container !== undefined ? ` --container ${opts.container}` : "") + (opts.watchApp !== undefined ? ` --watch-app ${opts.watchApp}` : "");
}

/** The environment through which the collector CLI reaches the cluster (its kubeconfig, never a path). */
export function kubeAccessEnvironment(cluster: BenchCluster): Record<string, pulumi.Input<string>> {
  return { KUBECONFIG_DATA: cluster.kubeconfig, ...(cluster.context ? { KUBE_CONTEXT: cluster.context } : {}) };
}

/**
 * Declares the collector of `job` as a child of `parent`, named `<name>-collect`. Its stdout is
 * kept in state, so a result read once is never lost.
 * @param timeoutSeconds how long the CLI waits for the Job; the Command's own timeout adds 60 s.
 */
export function collectJob(
  name: string,
  args: { job: k8s.batch.v1.Job; cluster: BenchCluster; timeoutSeconds: number } & CollectJobOptions,
  parent: pulumi.Resource,
): { command: command.local.Command; collected: pulumi.Output<CollectedJob> } {
  const { job, cluster, timeoutSeconds, ...cliOptions } = args;
  const collector = new command.local.Command(
    `${name}-collect`,
    {
      create: pulumi.all([job.metadata.namespace, job.metadata.name]).apply(([ns, jobName]) => collectJobCommand(ns, jobName, timeoutSeconds, cliOptions)),
      environment: kubeAccessEnvironment(cluster),
      logging: "stderr",
    },
    { parent, dependsOn: [job], customTimeouts: { create: `${timeoutSeconds + 60}s` } },
  );
  // The kubeconfig in the environment makes stdout secret; it holds only the pod's log.
  const collected = pulumi.unsecret(collector.stdout).apply((out) => JSON.parse(out) as CollectedJob);
  return { command: collector, collected };
}
