/**
 * The in-cluster kube-proxy benchmark driver (run by a Job on the official Node image, by type
 * stripping, from files mounted flat from a ConfigMap: see KUBE_PROXY_DRIVER_FILES).
 *
 * Run mode, in order:
 *  1. read the backend Deployment (selector, container port);
 *  2. delete leftover generated Services, scale the backend to the first step, wait until the
 *     leftovers' EndpointSlices are gone; the test window starts here;
 *  3. server-side apply N ClusterIP Services selecting the backend (bounded concurrency, QPS limit);
 *  4. wait until EndpointSlices show N × first-step endpoints, then the step interval;
 *  5. per further step: scale through deployments/scale, wait for N × replicas endpoints, keep the
 *     interval between step starts;
 *  6. poll each kube-proxy pod's log (since the window start) until every node logged a sync
 *     covering the final endpoint count, or the deadline passes; read nodes, mode, version, metrics;
 *  7. optionally delete the Services and scale back (CLEANUP_AFTER).
 * It prints ONE JSON line on stdout: the finished KubeProxyResult (computed here with the same
 * parser the stack and the CLI use) in a KubeProxyDriverOutput envelope. The driver must parse the
 * logs anyway to know when to stop polling, and the finished result keeps the Job's log small.
 * Progress goes to stderr. Cleanup mode deletes the generated Services and prints one line too.
 *
 * Exit codes: 0 result printed (also when the deadline was hit: `incomplete` flags say so);
 * 1 the run failed (API error after retries, missing Deployment, RBAC); 2 bad environment.
 */
import {
  GROUP_LABEL,
  KUBE_PROXY_BENCH_LABEL,
  KUBE_PROXY_CONFIGMAPS,
  KUBE_PROXY_FIELD_MANAGER,
  KUBE_PROXY_NAMESPACE,
  KUBE_PROXY_POD_SELECTOR,
  parseDriverEnv,
} from "./kube-proxy-driver-config.ts";
import type { KubeProxyDriverConfig } from "./kube-proxy-driver-config.ts";
import { KubeApi, KubeApiError } from "./kube-proxy-kube-api.ts";
import { parseKubeProxyLog } from "./kube-proxy-log.ts";
import { summarizeKubeProxyMetrics } from "./kube-proxy-metrics.ts";
import type { KubeProxyMetrics } from "./kube-proxy-metrics.ts";
import { KUBE_PROXY_CLEANUP_OUTPUT_KIND, KUBE_PROXY_DRIVER_OUTPUT_KIND, kubeProxyResult } from "./kube-proxy-result.ts";
import type { KubeProxyCleanupOutput, KubeProxyDriverOutput, KubeProxyNodeInput } from "./kube-proxy-result.ts";

/** Clock, sleep and progress output; replaceable in tests. */
export interface DriverIo {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  log: (message: string) => void;
}

export const realIo: DriverIo = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  log: (message) => process.stderr.write(`${new Date().toISOString()} ${message}\n`),
};

interface ObjectMeta {
  name: string;
  labels?: Record<string, string>;
}
interface Deployment {
  spec?: {
    selector?: { matchLabels?: Record<string, string> };
    template?: { spec?: { containers?: { ports?: { containerPort?: number }[] }[] } };
  };
}
interface EndpointSlice {
  addressType?: string;
  endpoints?: { conditions?: { ready?: boolean } }[] | null;
}
interface Pod {
  metadata: ObjectMeta;
  spec?: { nodeName?: string; containers?: { name: string; image?: string }[] };
}
interface Node {
  metadata: ObjectMeta;
  status?: { nodeInfo?: { kernelVersion?: string; osImage?: string; kubeletVersion?: string } };
}

/** The name of generated Service i (1-based). */
export function serviceName(config: KubeProxyDriverConfig, i: number): string {
  return `${config.servicePrefix}-${String(i).padStart(5, "0")}`;
}

/** The applied manifest of one generated Service. */
export function serviceManifest(config: KubeProxyDriverConfig, name: string, selector: Record<string, string>, targetPort: number): object {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name,
      namespace: config.namespace,
      labels: { [KUBE_PROXY_BENCH_LABEL]: "true", "app.kubernetes.io/managed-by": "k8s-bench" },
    },
    spec: { type: "ClusterIP", selector, ports: [{ name: "http", protocol: "TCP", port: 80, targetPort }] },
  };
}

const enc = encodeURIComponent;

/** Runs `fn` over 0..count-1 with at most `limit` in flight; stops taking new items when `stop()` says so. */
async function forEachLimited(count: number, limit: number, stop: () => boolean, fn: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < count && !stop()) {
      const i = next++;
      await fn(i);
      done++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return done;
}

/** A run of the driver against one API server. */
export class KubeProxyBenchmark {
  private readonly config: KubeProxyDriverConfig;
  private readonly api: KubeApi;
  private readonly io: DriverIo;
  private readonly deadline: number;
  readonly errors: string[] = [];
  private failedWrites = 0;

  constructor(config: KubeProxyDriverConfig, api: KubeApi, io: DriverIo = realIo) {
    this.config = config;
    this.api = api;
    this.io = io;
    this.deadline = io.now() + config.deadlineSeconds * 1000;
  }

  private pastDeadline(): boolean {
    return this.io.now() >= this.deadline;
  }

  private get ns(): string {
    return enc(this.config.namespace);
  }

  private get benchSelector(): string {
    return enc(`${KUBE_PROXY_BENCH_LABEL}=true`);
  }

  /** Deletes every generated Service (by label); returns how many were deleted. */
  async deleteServices(): Promise<number> {
    const items = await this.api.listAll<{ metadata: ObjectMeta }>(`/api/v1/namespaces/${this.ns}/services?labelSelector=${this.benchSelector}`);
    let deleted = 0;
    await forEachLimited(items.length, this.config.concurrency, () => false, async (i) => {
      const name = (items[i] as { metadata: ObjectMeta }).metadata.name;
      const res = await this.api.request("DELETE", `/api/v1/namespaces/${this.ns}/services/${enc(name)}`, { okStatuses: [404] });
      if (res.status !== 404) deleted++;
    });
    if (items.length > 0) this.io.log(`deleted ${deleted} generated Services`);
    return deleted;
  }

  async scale(replicas: number): Promise<void> {
    await this.api.request("PATCH", `/apis/apps/v1/namespaces/${this.ns}/deployments/${enc(this.config.deployment)}/scale?fieldManager=${KUBE_PROXY_FIELD_MANAGER}`, {
      body: { spec: { replicas } },
      contentType: "application/merge-patch+json",
    });
    this.io.log(`scaled ${this.config.deployment} to ${replicas}`);
  }

  /** Ready endpoints and Services with slices, over the generated Services' EndpointSlices. */
  async countEndpoints(): Promise<{ endpoints: number; slices: number }> {
    const slices = await this.api.listAll<EndpointSlice>(`/apis/discovery.k8s.io/v1/namespaces/${this.ns}/endpointslices?labelSelector=${this.benchSelector}`);
    const perFamily = new Map<string, number>();
    for (const s of slices) {
      const ready = (s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).length;
      const family = s.addressType ?? "IPv4";
      perFamily.set(family, (perFamily.get(family) ?? 0) + ready);
    }
    return { endpoints: Math.max(0, ...perFamily.values()), slices: slices.length };
  }

  /** Polls until `done(count)`; false when the deadline passed first. */
  async waitForEndpoints(what: string, done: (c: { endpoints: number; slices: number }) => boolean): Promise<{ ok: boolean; endpoints: number }> {
    let last = { endpoints: 0, slices: 0 };
    for (;;) {
      last = await this.countEndpoints();
      if (done(last)) return { ok: true, endpoints: last.endpoints };
      if (this.pastDeadline()) {
        this.errors.push(`deadline passed while waiting for ${what} (at ${last.endpoints} endpoints)`);
        return { ok: false, endpoints: last.endpoints };
      }
      await this.io.sleep(this.config.pollSeconds * 1000);
    }
  }

  private async sleepUntil(at: number): Promise<void> {
    const wait = Math.min(at, this.deadline) - this.io.now();
    if (wait > 0) await this.io.sleep(wait);
  }

  /** Server-side applies the N Services; returns how many exist afterwards. */
  async ensureServices(selector: Record<string, string>, targetPort: number): Promise<number> {
    let applied = 0;
    await forEachLimited(this.config.services, this.config.concurrency, () => this.pastDeadline(), async (i) => {
      const name = serviceName(this.config, i + 1);
      try {
        await this.api.request(
          "PATCH",
          `/api/v1/namespaces/${this.ns}/services/${enc(name)}?fieldManager=${KUBE_PROXY_FIELD_MANAGER}&force=true`,
          { body: serviceManifest(this.config, name, selector, targetPort), contentType: "application/apply-patch+yaml", retryConflict: true },
        );
        applied++;
        if (applied % 500 === 0) this.io.log(`applied ${applied}/${this.config.services} Services`);
      } catch (err) {
        // Transient failures that outlived the retries are recorded; anything else (403, 404, 422) stops the run.
        if (!(err instanceof KubeApiError) || (err.status !== undefined && err.status !== 429 && err.status !== 409 && err.status < 500)) throw err;
        this.failedWrites++;
        if (this.errors.length < 20) this.errors.push(err.message);
      }
    });
    if (applied < this.config.services) {
      this.errors.push(`${applied} of ${this.config.services} Services applied (${this.failedWrites} failed${this.pastDeadline() ? ", deadline passed" : ""})`);
    }
    this.io.log(`applied ${applied} Services`);
    return applied;
  }

  /** Run mode. */
  async run(): Promise<KubeProxyDriverOutput> {
    const c = this.config;
    const phasesSeconds: Record<string, number> = {};
    let phaseStart = this.io.now();
    const phase = (name: string): void => {
      const now = this.io.now();
      phasesSeconds[name] = Math.round(now - phaseStart) / 1000;
      phaseStart = now;
    };

    const dep = await this.api.getJson<Deployment>(`/apis/apps/v1/namespaces/${this.ns}/deployments/${enc(c.deployment)}`);
    const selector = dep.spec?.selector?.matchLabels;
    if (!selector || Object.keys(selector).length === 0) {
      throw new Error(`Deployment ${c.namespace}/${c.deployment} has no spec.selector.matchLabels for the Services to select`);
    }
    const targetPort = dep.spec?.template?.spec?.containers?.[0]?.ports?.[0]?.containerPort ?? 8080;

    await this.deleteServices();
    const first = c.steps[0] as number;
    await this.scale(first);
    await this.waitForEndpoints("leftover EndpointSlices to go", (n) => n.slices === 0);
    phase("cleanup");

    const windowStart = this.io.now();
    const created = await this.ensureServices(selector, targetPort);
    phase("services");

    const settleStart = this.io.now();
    let reached = await this.waitForEndpoints(`${created * first} endpoints`, (n) => n.endpoints === created * first);
    await this.sleepUntil(settleStart + c.stepIntervalSeconds * 1000);
    phase("settle");

    let finalReplicas = first;
    for (const replicas of c.steps.slice(1)) {
      if (this.pastDeadline()) break;
      const stepStart = this.io.now();
      await this.scale(replicas);
      finalReplicas = replicas;
      reached = await this.waitForEndpoints(`${created * replicas} endpoints`, (n) => n.endpoints === created * replicas);
      this.io.log(`step ${replicas}: ${reached.endpoints} endpoints`);
      await this.sleepUntil(stepStart + c.stepIntervalSeconds * 1000);
    }
    phase("steps");

    const target = created * finalReplicas;
    const collected = await this.collect(windowStart, target);
    phase("collect");

    if (c.cleanupAfter) {
      await this.deleteServices();
      await this.scale(first);
      phase("cleanupAfter");
    }
    const deadlineHit = this.errors.some((e) => e.includes("deadline passed")) || collected.deadlineHit;
    const result = kubeProxyResult({
      mode: collected.mode,
      version: collected.version,
      services: created,
      endpoints: reached.endpoints,
      targetEndpoints: target,
      window: { start: new Date(windowStart).toISOString(), end: new Date(collected.end).toISOString() },
      deadlineHit,
      nodes: collected.nodes,
    });
    return { kind: KUBE_PROXY_DRIVER_OUTPUT_KIND, result, phasesSeconds, errors: this.errors };
  }

  /** Step 6: kube-proxy logs until every node caught up (or the deadline), plus facts, mode, version, metrics. */
  async collect(windowStart: number, target: number): Promise<{ nodes: KubeProxyNodeInput[]; mode?: string; version: string; end: number; deadlineHit: boolean }> {
    const ks = KUBE_PROXY_NAMESPACE;
    const nodeList = await this.api.listAll<Node>("/api/v1/nodes");
    const nodesByName = new Map(nodeList.map((n) => [n.metadata.name, n]));
    const groups = this.config.nodeSelectorGroups;
    const sinceTime = new Date(Math.floor(windowStart / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    let inputs: KubeProxyNodeInput[] = [];
    let pods: Pod[] = [];
    let end = this.io.now();
    let deadlineHit = false;
    for (;;) {
      pods = (await this.api.listAll<Pod>(`/api/v1/namespaces/${ks}/pods?labelSelector=${enc(KUBE_PROXY_POD_SELECTOR)}`)).filter((p) => {
        const node = p.spec?.nodeName;
        if (node === undefined) return false;
        const group = nodesByName.get(node)?.metadata.labels?.[GROUP_LABEL];
        return groups.length === 0 || (group !== undefined && groups.includes(group));
      });
      end = this.io.now();
      inputs = [];
      for (const pod of pods) {
        const res = await this.api.request("GET", `/api/v1/namespaces/${ks}/pods/${enc(pod.metadata.name)}/log?sinceTime=${enc(sinceTime)}&timestamps=false`, {
          accept: "text/plain",
        });
        const log = parseKubeProxyLog(res.body, { since: new Date(windowStart), until: new Date(end), reference: new Date(windowStart) });
        inputs.push(nodeInput(pod, nodesByName.get(pod.spec?.nodeName ?? ""), log));
      }
      const behind = inputs.filter((n) => !n.log.syncs.some((s) => (s.endpoints ?? -1) >= target));
      if (behind.length === 0) break;
      if (this.pastDeadline()) {
        deadlineHit = true;
        this.errors.push(`deadline passed before ${behind.map((n) => n.node).join(", ")} logged a sync covering ${target} endpoints`);
        break;
      }
      this.io.log(`waiting for kube-proxy on ${behind.map((n) => n.node).join(", ")} to sync ${target} endpoints`);
      await this.io.sleep(this.config.pollSeconds * 1000);
    }
    for (const n of inputs) {
      if (n.log.syncs.length === 0) {
        n.warnings = [...(n.warnings ?? []), "no \"SyncProxyRules complete\" line in the window: kube-proxy logs syncs at verbosity >= 2 (--v=2 or logging.verbosity: 2)"];
      }
    }
    if (this.config.metrics) {
      for (const [i, pod] of pods.entries()) {
        const input = inputs[i] as KubeProxyNodeInput;
        const metrics = await this.scrape(pod.metadata.name);
        if (typeof metrics === "string") input.warnings = [...(input.warnings ?? []), metrics];
        else input.metrics = metrics;
      }
    }
    const version = pods.map((p) => imageTag(p.spec?.containers?.find((ct) => ct.name === "kube-proxy")?.image ?? p.spec?.containers?.[0]?.image)).find((v) => v !== undefined) ?? "unknown";
    const mode = (await this.configuredMode()) ?? inputs.map((n) => n.log.mode).find((m) => m !== undefined);
    const out: { nodes: KubeProxyNodeInput[]; mode?: string; version: string; end: number; deadlineHit: boolean } = { nodes: inputs, version, end, deadlineHit };
    if (mode !== undefined) out.mode = mode;
    return out;
  }

  /** kube-proxy's metrics through the API server's pod proxy, or a warning. */
  private async scrape(pod: string): Promise<KubeProxyMetrics | string> {
    try {
      const res = await this.api.request("GET", `/api/v1/namespaces/${KUBE_PROXY_NAMESPACE}/pods/${enc(pod)}:10249/proxy/metrics`, {
        accept: "text/plain",
      });
      return summarizeKubeProxyMetrics(res.body) ?? "metrics: no kubeproxy_sync_proxy_rules_duration_seconds series in the scrape";
    } catch (err) {
      // metricsBindAddress defaults to 127.0.0.1:10249, unreachable from the API server: logs carry the result.
      return `metrics unreachable (${err instanceof Error ? err.message : String(err)})`;
    }
  }

  /** `mode:` from kube-proxy's ConfigMap; "" there means the platform default (iptables on Linux). */
  private async configuredMode(): Promise<string | undefined> {
    for (const name of KUBE_PROXY_CONFIGMAPS) {
      let res;
      try {
        res = await this.api.request("GET", `/api/v1/namespaces/${KUBE_PROXY_NAMESPACE}/configmaps/${name}`, { okStatuses: [403, 404] });
      } catch {
        continue;
      }
      if (res.status !== 200) continue;
      const data = (JSON.parse(res.body) as { data?: Record<string, string> }).data ?? {};
      for (const text of Object.values(data)) {
        const m = /^mode:\s*["']?([A-Za-z]*)["']?\s*$/m.exec(text);
        if (m) return m[1] === "" ? "iptables" : (m[1] as string).toLowerCase();
      }
    }
    return undefined;
  }
}

function nodeInput(pod: Pod, node: Node | undefined, log: ReturnType<typeof parseKubeProxyLog>): KubeProxyNodeInput {
  const input: KubeProxyNodeInput = { node: pod.spec?.nodeName ?? pod.metadata.name, pod: pod.metadata.name, log };
  const info = node?.status?.nodeInfo;
  const labels = node?.metadata.labels ?? {};
  if (info?.kernelVersion) input.kernelVersion = info.kernelVersion;
  if (info?.osImage) input.osImage = info.osImage;
  if (info?.kubeletVersion) input.kubeletVersion = info.kubeletVersion;
  const group = labels[GROUP_LABEL];
  if (group !== undefined) input.group = group;
  const instanceType = labels["node.kubernetes.io/instance-type"];
  if (instanceType !== undefined) input.instanceType = instanceType;
  return input;
}

/** "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.32.6-eksbuild.12" → "v1.32.6-eksbuild.12". */
export function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split("@")[0] as string;
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  return colon > lastSlash ? withoutDigest.slice(colon + 1) : undefined;
}

/**
 * Entry point: parses the environment, runs the mode, prints one JSON line on stdout.
 * @returns the process exit code (0 ok, 1 failed, 2 bad environment).
 */
export async function main(env: Record<string, string | undefined> = process.env, io: DriverIo = realIo, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const parsed = parseDriverEnv(env);
  if ("errors" in parsed) {
    for (const e of parsed.errors) io.log(`config: ${e}`);
    return 2;
  }
  const config = parsed.config;
  try {
    const apiOptions = { qps: config.qps, maxRetries: config.maxRetries, log: io.log, sleep: io.sleep };
    const api = config.apiUrl
      ? new KubeApi({ ...apiOptions, baseUrl: config.apiUrl, token: () => env.KUBE_TOKEN })
      : KubeApi.inCluster(apiOptions);
    const bench = new KubeProxyBenchmark(config, api, io);
    if (config.mode === "cleanup") {
      const out: KubeProxyCleanupOutput = { kind: KUBE_PROXY_CLEANUP_OUTPUT_KIND, deletedServices: await bench.deleteServices() };
      write(JSON.stringify(out));
      return 0;
    }
    const out = await bench.run();
    io.log(`done: ${out.result.comparison?.summary ?? `${out.result.nodes.length} node(s) measured`}; ${api.stats.requests} API requests, ${api.stats.retries} retries`);
    write(JSON.stringify(out));
    return 0;
  } catch (err) {
    io.log(`failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
