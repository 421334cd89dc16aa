/**
 * Waits for a benchmark Job and reads its result back, through a small injected API so the logic
 * is tested without a cluster (the CLI in collector-cli.ts wires it to @kubernetes/client-node).
 *
 * Runs in `pulumi up` through a local Command: what it prints on stdout is kept in state, so a
 * result read once is never lost, and `pulumi stack output results` needs no cluster.
 */

/** The Job fields the collector reads. */
export interface JobView {
  name: string;
  conditions: { type: string; status: string; reason?: string; message?: string }[];
  startTime?: string;
  completionTime?: string;
  failed: number;
  succeeded: number;
}

/** The Pod fields the collector reads. */
export interface PodView {
  name: string;
  phase: string;
  nodeName?: string;
  startTime?: string;
  /** Waiting/terminated reasons of the containers, e.g. ImagePullBackOff, OOMKilled, Error. */
  containerReasons: string[];
  exitCodes: number[];
}

/** One look at the app under load, taken at every poll while the Job runs. */
export interface AppSample {
  /** The HPA's status.currentReplicas. */
  replicas?: number;
  /** Working-set memory of each app pod in MiB (metrics.k8s.io), absent when metrics are not ready. */
  podMemoryMiB?: number[];
}

/** What was seen of the app while the benchmark ran (seed 000's "HPA pods needed", "memory per pod"). */
export interface AppObservations {
  samples: number;
  /** Most replicas the HPA ran during the benchmark. */
  maxReplicas?: number;
  /** Mean pod memory at the first sample with metrics (before load builds up). */
  idlePodMemoryMiB?: number;
  /** Highest single-pod memory seen. */
  peakPodMemoryMiB?: number;
}

/** Folds samples into observations. Pure. */
export function summarizeSamples(samples: AppSample[]): AppObservations {
  const replicas = samples.flatMap((s) => (s.replicas !== undefined ? [s.replicas] : []));
  const memory = samples.flatMap((s) => (s.podMemoryMiB && s.podMemoryMiB.length > 0 ? [s.podMemoryMiB] : []));
  const first = memory[0];
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    samples: samples.length,
    ...(replicas.length > 0 ? { maxReplicas: Math.max(...replicas) } : {}),
    ...(first ? { idlePodMemoryMiB: round1(first.reduce((a, b) => a + b, 0) / first.length) } : {}),
    ...(memory.length > 0 ? { peakPodMemoryMiB: round1(Math.max(...memory.flat())) } : {}),
  };
}

export interface JobApi {
  getJob(namespace: string, name: string): Promise<JobView>;
  /** Samples the app under load (optional: without it nothing is observed). */
  sampleApp?(): Promise<AppSample>;
  /** Pods created by the Job (label selector `job-name=<name>`), newest first. */
  listJobPods(namespace: string, job: string): Promise<PodView[]>;
  readLog(namespace: string, pod: string, tailLines?: number): Promise<string>;
}

/** What the collector prints for a completed Job: the raw material the program parses. */
export interface CollectedJob {
  job: string;
  pod: string;
  node?: string;
  startedAt?: string;
  completedAt?: string;
  /** The pod's whole log (k6 summary JSON line, k6 logs, the CPU line). */
  log: string;
  /** The app as seen at every poll, when the collector was told which app to watch. */
  app?: AppObservations;
}

export interface WaitOptions {
  namespace: string;
  job: string;
  timeoutSeconds: number;
  /** @default 5000 */
  pollMs?: number;
  /** Fail early when a pod is stuck in one of these reasons for this long. @default 180 */
  stuckSeconds?: number;
  /** @default Date.now */
  now?: () => number;
  /** @default setTimeout-based */
  sleep?: (ms: number) => Promise<void>;
}

/** Container states that will not recover by waiting. */
export const HOPELESS_REASONS = ["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError"];
/** Lines of the pod log quoted in a failure. */
export const FAILURE_LOG_LINES = 40;

export class JobFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JobFailedError";
  }
}

const isTrue = (job: JobView, type: string): boolean => job.conditions.some((c) => c.type === type && c.status === "True");

async function describeFailure(api: JobApi, opts: WaitOptions, headline: string): Promise<string> {
  const pods = await api.listJobPods(opts.namespace, opts.job).catch(() => [] as PodView[]);
  const pod = pods[0];
  if (!pod) return `${headline}\nno pod was created for job ${opts.namespace}/${opts.job}`;
  let tail = "";
  try {
    tail = (await api.readLog(opts.namespace, pod.name, FAILURE_LOG_LINES)).trimEnd();
  } catch (err) {
    tail = `(log unavailable: ${(err as Error).message})`;
  }
  const state = [`phase ${pod.phase}`, ...(pod.containerReasons.length ? [`reasons ${pod.containerReasons.join(", ")}`] : []), ...(pod.exitCodes.length ? [`exit codes ${pod.exitCodes.join(", ")}`] : [])];
  return [
    headline,
    `pod ${opts.namespace}/${pod.name}${pod.nodeName ? ` on node ${pod.nodeName}` : ""}: ${state.join("; ")}`,
    `last ${FAILURE_LOG_LINES} log lines:`,
    tail === "" ? "(empty log)" : tail,
  ].join("\n");
}

/**
 * Polls the Job until it completes and returns its pod's log, or throws {@link JobFailedError}
 * with the pod's state and last log lines when it fails, hangs or exceeds the timeout.
 */
export async function waitForJob(api: JobApi, opts: WaitOptions): Promise<CollectedJob> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pollMs = opts.pollMs ?? 5000;
  const stuckMs = (opts.stuckSeconds ?? 180) * 1000;
  const deadline = now() + opts.timeoutSeconds * 1000;
  let stuckSince: number | undefined;
  const samples: AppSample[] = [];
  // Observing the app is a bonus: a metrics API hiccup must never fail the benchmark.
  const sample = async () => {
    if (api.sampleApp) samples.push(await api.sampleApp().catch(() => ({})));
  };

  for (;;) {
    await sample();
    const job = await api.getJob(opts.namespace, opts.job);
    if (isTrue(job, "Complete") || isTrue(job, "SuccessCriteriaMet")) {
      const pods = await api.listJobPods(opts.namespace, opts.job);
      const pod = pods.find((p) => p.phase === "Succeeded") ?? pods[0];
      if (!pod) throw new JobFailedError(`job ${opts.namespace}/${opts.job} completed but its pod is gone: cannot read the result`);
      const log = await api.readLog(opts.namespace, pod.name);
      return {
        job: opts.job,
        pod: pod.name,
        node: pod.nodeName,
        startedAt: job.startTime,
        completedAt: job.completionTime,
        log,
        ...(api.sampleApp ? { app: summarizeSamples(samples) } : {}),
      };
    }
    const failed = job.conditions.find((c) => (c.type === "Failed" || c.type === "FailureTarget") && c.status === "True");
    if (failed) {
      const why = [failed.reason, failed.message].filter(Boolean).join(": ");
      throw new JobFailedError(await describeFailure(api, opts, `job ${opts.namespace}/${opts.job} failed${why ? ` (${why})` : ""}`));
    }
    const pods = await api.listJobPods(opts.namespace, opts.job);
    const hopeless = pods.flatMap((p) => p.containerReasons).find((r) => HOPELESS_REASONS.includes(r));
    stuckSince = hopeless ? (stuckSince ?? now()) : undefined;
    if (hopeless && stuckSince !== undefined && now() - stuckSince >= stuckMs) {
      throw new JobFailedError(await describeFailure(api, opts, `job ${opts.namespace}/${opts.job} is stuck: ${hopeless} for ${Math.round(stuckMs / 1000)} s`));
    }
    if (now() >= deadline) {
      throw new JobFailedError(await describeFailure(api, opts, `job ${opts.namespace}/${opts.job} did not finish within ${opts.timeoutSeconds} s`));
    }
    await sleep(pollMs);
  }
}

/** CPU use of the load generator's container, printed by the Job after k6 exits. */
export interface GeneratorCpuStat {
  usageSeconds: number;
  throttledSeconds: number;
  throttledPeriods: number;
}

/** The marker the Job's wrapper prints before cgroup v2 `cpu.stat` fields. */
export const CPU_STAT_MARKER = "K8S_BENCH_CPU_STAT";

/**
 * Finds `K8S_BENCH_CPU_STAT usage_usec=… throttled_usec=… nr_throttled=…` in a pod log.
 * Undefined when absent (cgroup v1 nodes, or the wrapper could not read the file).
 */
export function parseCpuStatLine(log: string): GeneratorCpuStat | undefined {
  const line = log.split(/\r?\n/).reverse().find((l) => l.startsWith(`${CPU_STAT_MARKER} `));
  if (!line) return undefined;
  const fields = Object.fromEntries(
    line
      .slice(CPU_STAT_MARKER.length + 1)
      .trim()
      .split(/\s+/)
      .map((pair) => pair.split("="))
      .filter((kv): kv is [string, string] => kv.length === 2 && kv[0] !== undefined && kv[1] !== undefined && /^\d+$/.test(kv[1]))
      .map(([k, v]) => [k, Number(v)]),
  );
  const usage = fields["usage_usec"];
  if (usage === undefined) return undefined;
  return { usageSeconds: usage / 1e6, throttledSeconds: (fields["throttled_usec"] ?? 0) / 1e6, throttledPeriods: fields["nr_throttled"] ?? 0 };
}
