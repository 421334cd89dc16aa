/**
 * Command-line front of the collector, run by `local.Command`s during `pulumi up`:
 *
 *   node --import tsx components/collector-cli.ts job --namespace NS --job NAME --timeout SECONDS [--container NAME] [--watch-app APP]
 *   node --import tsx components/collector-cli.ts cluster
 *
 * The kubeconfig comes from KUBECONFIG_DATA (its content, never a path on this machine) and the
 * context from KUBE_CONTEXT. Prints one JSON document on stdout; on failure prints the reason
 * (with the pod's last log lines) on stderr and exits 1, which fails `pulumi up` with it.
 */
import * as k8s from "@kubernetes/client-node";
import { execFileSync } from "node:child_process";
import { CollectedCluster, imageTag, kubeProxyModeFromConfig, nodeFacts } from "./cluster-facts";
import { AppSample, JobApi, JobFailedError, waitForJob } from "./collector";
import { memoryMiB } from "./quantities";

function kubeConfig(): k8s.KubeConfig {
  const data = process.env["KUBECONFIG_DATA"];
  if (!data) throw new Error("KUBECONFIG_DATA is not set: the collector reads the kubeconfig from it");
  const kc = new k8s.KubeConfig();
  kc.loadFromString(data);
  const context = process.env["KUBE_CONTEXT"];
  if (context) kc.setCurrentContext(context);
  return kc;
}

/** The container whose log `job` reads when --container is not given: the k6 Jobs' container. */
const DEFAULT_LOG_CONTAINER = "k6";

/** Samples an app's HPA and pod memory; `app` is the app's name (its HPA and pod label). */
function appSampler(kc: k8s.KubeConfig, namespace: string, app: string): () => Promise<AppSample> {
  const autoscaling = kc.makeApiClient(k8s.AutoscalingV2Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  return async () => {
    const hpa = await autoscaling.readNamespacedHorizontalPodAutoscaler({ namespace, name: app }).catch(() => undefined);
    const metrics = (await custom
      .listNamespacedCustomObject({ group: "metrics.k8s.io", version: "v1beta1", namespace, plural: "pods", labelSelector: `app.kubernetes.io/name=${app}` })
      .catch(() => undefined)) as { items?: { containers?: { usage?: { memory?: string } }[] }[] } | undefined;
    const podMemoryMiB = (metrics?.items ?? [])
      .map((pod) => (pod.containers ?? []).reduce((sum, c) => sum + (memoryMiB(c.usage?.memory ?? "") ?? 0), 0))
      .filter((mib) => mib > 0);
    return { ...(hpa?.status?.currentReplicas !== undefined ? { replicas: hpa.status.currentReplicas } : {}), ...(podMemoryMiB.length > 0 ? { podMemoryMiB } : {}) };
  };
}

function jobApi(kc: k8s.KubeConfig, container: string): JobApi {
  const batch = kc.makeApiClient(k8s.BatchV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return {
    async getJob(namespace, name) {
      const job = await batch.readNamespacedJob({ namespace, name });
      return {
        name,
        conditions: (job.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })),
        startTime: job.status?.startTime?.toISOString(),
        completionTime: job.status?.completionTime?.toISOString(),
        failed: job.status?.failed ?? 0,
        succeeded: job.status?.succeeded ?? 0,
      };
    },
    async listJobPods(namespace, job) {
      const list = await core.listNamespacedPod({ namespace, labelSelector: `job-name=${job}` });
      return list.items
        .map((p) => ({
          name: p.metadata?.name ?? "",
          phase: p.status?.phase ?? "Unknown",
          nodeName: p.spec?.nodeName,
          startTime: p.status?.startTime?.toISOString(),
          containerReasons: (p.status?.containerStatuses ?? []).flatMap((s) => [s.state?.waiting?.reason, s.state?.terminated?.reason].filter((r): r is string => !!r)),
          exitCodes: (p.status?.containerStatuses ?? []).flatMap((s) => (s.state?.terminated ? [s.state.terminated.exitCode] : [])),
        }))
        .sort((a, b) => (b.startTime ?? "").localeCompare(a.startTime ?? ""));
    },
    async readLog(namespace, pod, tailLines) {
      return core.readNamespacedPodLog({ namespace, name: pod, container, ...(tailLines ? { tailLines } : {}) });
    },
  };
}

/** The commit of the k8s-bench checkout that ran the benchmarks, when it is a git checkout. */
function gitCommit(): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function collectCluster(kc: k8s.KubeConfig): Promise<CollectedCluster & { gitCommit?: string }> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const version = await kc.makeApiClient(k8s.VersionApi).getCode();
  const nodes = await core.listNode();
  const daemonSet = await apps.readNamespacedDaemonSet({ namespace: "kube-system", name: "kube-proxy" }).catch(() => undefined);
  const configMap = await core.readNamespacedConfigMap({ namespace: "kube-system", name: "kube-proxy" }).catch(() => undefined);
  const configText = Object.values(configMap?.data ?? {}).find((v) => /KubeProxyConfiguration/.test(v));
  const commit = gitCommit();
  return {
    ...(commit ? { gitCommit: commit } : {}),
    kubernetesVersion: version.gitVersion,
    nodes: nodes.items.map(nodeFacts).sort((a, b) => a.group.localeCompare(b.group) || a.name.localeCompare(b.name)),
    kubeProxy: {
      mode: kubeProxyModeFromConfig(configText),
      version: imageTag(daemonSet?.spec?.template.spec?.containers.find((c) => c.name === "kube-proxy")?.image),
    },
  };
}

function optionalFlag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (value === undefined) throw new Error(`missing a value after --${name}`);
  return value;
}

function flag(args: string[], name: string): string {
  const value = optionalFlag(args, name);
  if (value === undefined) throw new Error(`missing --${name}`);
  return value;
}

async function main(args: string[]): Promise<void> {
  const kc = kubeConfig();
  if (args[0] === "job") {
    const timeoutSeconds = Number(flag(args, "timeout"));
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) throw new Error(`--timeout must be a positive whole number of seconds`);
    const container = optionalFlag(args, "container") ?? DEFAULT_LOG_CONTAINER;
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(container)) throw new Error(`--container (${JSON.stringify(container)}) must be a container name (a DNS label)`);
    const namespace = flag(args, "namespace");
    // --watch-app samples that app's HPA replicas and pod memory at every poll.
    const watched = optionalFlag(args, "watch-app");
    if (watched !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(watched)) throw new Error(`--watch-app (${JSON.stringify(watched)}) must be an app name (a DNS label)`);
    const api = jobApi(kc, container);
    if (watched !== undefined) api.sampleApp = appSampler(kc, namespace, watched);
    const collected = await waitForJob(api, { namespace, job: flag(args, "job"), timeoutSeconds });
    process.stdout.write(`${JSON.stringify(collected)}\n`);
  } else if (args[0] === "cluster") {
    process.stdout.write(`${JSON.stringify(await collectCluster(kc))}\n`);
  } else {
    throw new Error("usage: collector-cli.ts job --namespace NS --job NAME --timeout SECONDS [--container NAME] [--watch-app APP] | cluster");
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof JobFailedError ? err.message : `collector: ${(err as Error).message ?? String(err)}`}\n`);
    process.exit(1);
  });
}
