import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type * as k8s from "@pulumi/kubernetes";
import { main } from "../components/kube-proxy-driver";
import type { DriverIo } from "../components/kube-proxy-driver";
import { KubeApi, KubeApiError, retryAfterMs } from "../components/kube-proxy-kube-api";
import { driverEnv, parseDriverEnv, KUBE_PROXY_DRIVER_DEFAULTS, KUBE_PROXY_DRIVER_FILES } from "../components/kube-proxy-driver-config";
import { driverRbacAllows, kubeProxyDriverRbac, requestAttributes } from "../components/kube-proxy-rbac";
import { parseDriverOutput } from "../components/kube-proxy-result";
import type { KubeProxyCleanupOutput, KubeProxyDriverOutput } from "../components/kube-proxy-result";
import { FakeKubeApi } from "./fixtures/kube-proxy/fake-api";
import type { FakeNode, RecordedRequest } from "./fixtures/kube-proxy/fake-api";

const NS = "kp-test";
const DEP = "kp-backend";
const metrics61 = readFileSync(path.join(__dirname, "fixtures/kube-proxy/metrics-6.1.txt"), "utf8");

function nodes(): FakeNode[] {
  return [
    { name: "node-old", kernel: "6.1.144", group: "kernel-6-1", syncSeconds: 12.5, lagPolls: 2, metrics: metrics61 },
    { name: "node-new", kernel: "6.12.46", group: "kernel-6-12", syncSeconds: 2.5, lagPolls: 0 },
  ];
}

function testIo(): DriverIo & { messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    now: () => Date.now(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    log: (m) => messages.push(m),
  };
}

async function runDriver(fake: FakeKubeApi, env: Record<string, string>): Promise<{ code: number; lines: string[]; io: ReturnType<typeof testIo> }> {
  const io = testIo();
  const lines: string[] = [];
  const code = await main(
    { KUBE_API_URL: fake.url, NAMESPACE: NS, DEPLOYMENT: DEP, SERVICES: "12", STEPS: "1,2,3", STEP_INTERVAL_SECONDS: "0", POLL_SECONDS: "0.01", QPS: "2000", CONCURRENCY: "4", DEADLINE_SECONDS: "20", MAX_RETRIES: "1", ...env },
    io,
    (l) => lines.push(l),
  );
  return { code, lines, io };
}

function assertWithinRbac(requests: RecordedRequest[], metrics: boolean): void {
  const rbac = kubeProxyDriverRbac({ deployment: DEP, metrics });
  for (const r of requests) {
    const attrs = requestAttributes(r.method, r.url);
    assert.ok(driverRbacAllows(rbac, NS, attrs), `${r.method} ${r.url} → ${JSON.stringify(attrs)} is outside the driver's RBAC`);
  }
}

void describe("kube-proxy driver, run mode against a recording API server", () => {
  void test("cleans up, applies Services, scales in steps, waits for slices, collects and reports", async () => {
    const fake = new FakeKubeApi({ namespace: NS, deployment: DEP, nodes: nodes(), leftovers: ["kp-bench-00001", "kp-bench-00099"] });
    await fake.start();
    try {
      const { code, lines, io } = await runDriver(fake, {});
      assert.equal(code, 0, io.messages.join("\n"));
      assert.equal(lines.length, 1);
      const out = parseDriverOutput(`noise\n${lines[0]}\nmore noise`);
      const reqs = fake.requests;

      // 1. Deployment first; 2. leftovers deleted by label, the unrelated Service kept.
      assert.equal(reqs[0]?.method, "GET");
      assert.equal(reqs[0]?.path, `/apis/apps/v1/namespaces/${NS}/deployments/${DEP}`);
      assert.equal(reqs[1]?.url, `/api/v1/namespaces/${NS}/services?labelSelector=k8s-bench.io%2Fkube-proxy-bench%3Dtrue&limit=500`);
      const firstDeletes = reqs.slice(2, 4).map((r) => `${r.method} ${r.path}`).sort();
      assert.deepEqual(firstDeletes, [`DELETE /api/v1/namespaces/${NS}/services/kp-bench-00001`, `DELETE /api/v1/namespaces/${NS}/services/kp-bench-00099`]);
      assert.ok(fake.services.has("unrelated"));

      // 3. Services by server-side apply.
      const applies = reqs.filter((r) => r.method === "PATCH" && r.path.startsWith(`/api/v1/namespaces/${NS}/services/`));
      assert.equal(applies.length, 12);
      for (const a of applies) {
        assert.equal(a.contentType, "application/apply-patch+yaml");
        assert.equal(a.query.get("fieldManager"), "k8s-bench-kube-proxy");
        assert.equal(a.query.get("force"), "true");
      }
      assert.deepEqual(applies.find((a) => a.path.endsWith("/kp-bench-00007"))?.body, {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "kp-bench-00007", namespace: NS, labels: { "k8s-bench.io/kube-proxy-bench": "true", "app.kubernetes.io/managed-by": "k8s-bench" } },
        spec: { type: "ClusterIP", selector: { app: "kp-backend" }, ports: [{ name: "http", protocol: "TCP", port: 80, targetPort: 8080 }] },
      });

      // 4./5. Scale steps through /scale with a merge patch, in order, each after the slices caught up.
      const scales = reqs.filter((r) => r.path.endsWith(`/deployments/${DEP}/scale`));
      for (const s of scales) assert.equal(s.contentType, "application/merge-patch+json");
      assert.deepEqual(scales.map((s) => (s.body as { spec: { replicas: number } }).spec.replicas), [1, 2, 3, 1]);
      const scaleIdx = reqs.indexOf(scales[2] as RecordedRequest);
      const slicesAfter = reqs.slice(reqs.indexOf(scales[1] as RecordedRequest), scaleIdx).filter((r) => r.path.endsWith("/endpointslices"));
      assert.ok(slicesAfter.length >= 2 * 3, "waited for the lagging EndpointSlices (3 pages per list) before the next step");

      // 6. logs since the window start, without timestamps; nodes; ConfigMap mode; metrics via pod proxy.
      const logs = reqs.filter((r) => r.path.endsWith("/log"));
      assert.ok(logs.length >= 2 * 3, "polled until the lagging node caught up");
      for (const l of logs) {
        assert.equal(l.query.get("timestamps"), "false");
        assert.match(l.query.get("sinceTime") ?? "", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      }
      assert.ok(reqs.some((r) => r.path === "/api/v1/namespaces/kube-system/pods/kube-proxy-node-old:10249/proxy/metrics"));

      // 7. cleanup after: the 12 Services deleted, backend back to the first step.
      assert.equal([...fake.services.keys()].join(), "unrelated");

      const result = out.result;
      assert.equal(result.mode, "nftables");
      assert.equal(result.version, "v1.32.6-eksbuild.12");
      assert.equal(result.services, 12);
      assert.equal(result.endpoints, 36);
      assert.equal(result.targetEndpoints, 36);
      assert.equal(result.deadlineHit, false);
      const old = result.nodes.find((n) => n.node === "node-old");
      const neu = result.nodes.find((n) => n.node === "node-new");
      assert.equal(old?.kernelVersion, "6.1.144");
      assert.equal(old?.group, "kernel-6-1");
      assert.equal(old?.instanceType, "m5.4xlarge");
      assert.equal(old?.pod, "kube-proxy-node-old");
      assert.equal(old?.incomplete, false);
      assert.equal(old?.finalSync?.endpoints, 41);
      assert.equal(old?.finalSync?.elapsedSeconds, 12.5);
      assert.equal(old?.metrics?.syncProxyRulesCount, 6);
      assert.equal(neu?.finalSync?.elapsedSeconds, 2.5);
      assert.ok(neu?.warnings.some((w) => w.startsWith("metrics unreachable (GET /api/v1/namespaces/kube-system/pods/kube-proxy-node-new:10249/proxy/metrics failed with HTTP 503")));
      assert.equal(result.comparison?.summary, "kernel 6.12.46 synced 41 endpoints 5.0× faster than 6.1.144 (final sync 2.5s vs 12.5s; median sync 2.5s vs 12.5s)");
      assert.deepEqual(Object.keys(out.phasesSeconds), ["cleanup", "services", "settle", "steps", "collect", "cleanupAfter"]);

      assertWithinRbac(reqs, true);
    } finally {
      await fake.stop();
    }
  });

  void test("without METRICS and with NODE_SELECTOR_GROUPS it stays inside the smaller rules and measures only those nodes", async () => {
    const fake = new FakeKubeApi({ namespace: NS, deployment: DEP, nodes: nodes() });
    await fake.start();
    try {
      const { code, lines } = await runDriver(fake, { METRICS: "false", NODE_SELECTOR_GROUPS: "kernel-6-12", CLEANUP_AFTER: "false" });
      assert.equal(code, 0);
      const out = JSON.parse(lines[0] as string) as KubeProxyDriverOutput;
      assert.deepEqual(out.result.nodes.map((n) => n.node), ["node-new"]);
      assert.equal(out.result.comparison, undefined);
      assert.ok(!fake.requests.some((r) => r.path.includes("/proxy/")));
      assert.equal(fake.services.size, 13, "CLEANUP_AFTER=false leaves the Services");
      assertWithinRbac(fake.requests, false);
      assert.throws(() => assertWithinRbac([{ method: "GET", url: "/api/v1/namespaces/kube-system/pods/x:10249/proxy/metrics", path: "", query: new URLSearchParams(), atMs: 0 }], false));
    } finally {
      await fake.stop();
    }
  });

  void test("reports an incomplete node when the deadline passes before its kube-proxy caught up", async () => {
    const n = nodes();
    (n[0] as FakeNode).lagPolls = Infinity;
    const fake = new FakeKubeApi({ namespace: NS, deployment: DEP, nodes: n });
    await fake.start();
    try {
      const { code, lines } = await runDriver(fake, { DEADLINE_SECONDS: "1", POLL_SECONDS: "0.05", METRICS: "false" });
      assert.equal(code, 0);
      const out = JSON.parse(lines[0] as string) as KubeProxyDriverOutput;
      const old = out.result.nodes.find((x) => x.node === "node-old");
      assert.equal(old?.incomplete, true);
      assert.equal(old?.syncCount, 0);
      assert.equal(out.result.deadlineHit, true);
      assert.ok(out.errors.some((e) => e.startsWith("deadline passed before node-old logged a sync covering 36 endpoints")));
      assert.match(out.result.comparison?.summary ?? "none", /^none$/, "a node without syncs is not compared");
    } finally {
      await fake.stop();
    }
  });

  void test("records a Service write that keeps failing with 5xx and goes on; exits 1 on 403", async () => {
    const fake = new FakeKubeApi({ namespace: NS, deployment: DEP, nodes: nodes() });
    await fake.start();
    try {
      fake.overrides.push({ match: (r) => r.method === "PATCH" && r.path.endsWith("/kp-bench-00003"), status: 503, times: 2 });
      const { code, lines } = await runDriver(fake, { METRICS: "false" });
      assert.equal(code, 0);
      const out = JSON.parse(lines[0] as string) as KubeProxyDriverOutput;
      assert.equal(out.result.services, 11);
      assert.equal(out.errors[0], `PATCH /api/v1/namespaces/${NS}/services/kp-bench-00003?fieldManager=k8s-bench-kube-proxy&force=true failed with HTTP 503: scripted 503 (gave up after 1 retries)`);
      assert.equal(out.errors[1], "11 of 12 Services applied (1 failed)");

      fake.overrides.push({ match: (r) => r.method === "PATCH" && r.path.includes("/services/"), status: 403, times: 1000, body: { message: 'services "kp-bench-00001" is forbidden' } });
      const denied = await runDriver(fake, { METRICS: "false" });
      assert.equal(denied.code, 1);
      assert.deepEqual(denied.lines, []);
      assert.ok(denied.io.messages.some((m) => m.includes('failed with HTTP 403: services "kp-bench-00001" is forbidden (the driver\'s RBAC rules in components/kube-proxy-rbac.ts must allow it)')));
    } finally {
      await fake.stop();
    }
  });
});

void describe("kube-proxy driver, cleanup mode and pacing", () => {
  void test("cleanup mode deletes only the generated Services, paced by QPS, with bounded concurrency", async () => {
    const leftovers = Array.from({ length: 10 }, (_, i) => `kp-bench-${String(i + 1).padStart(5, "0")}`);
    const fake = new FakeKubeApi({ namespace: NS, deployment: DEP, nodes: nodes(), leftovers });
    fake.delayMs = 30;
    await fake.start();
    try {
      const { code, lines } = await runDriver(fake, { MODE: "cleanup", QPS: "20", CONCURRENCY: "3" });
      assert.equal(code, 0);
      assert.deepEqual(JSON.parse(lines[0] as string) as KubeProxyCleanupOutput, { kind: "k8s-bench/kube-proxy-cleanup@1", deletedServices: 10 });
      assert.deepEqual([...fake.services.keys()], ["unrelated"]);
      const times = fake.requests.map((r) => r.atMs);
      assert.equal(times.length, 11);
      // The limiter sends request i at the earliest 50 ms × i after the first (QPS 20); arrivals can
      // only be later than sends, so the cumulative bound is exact up to the first request's own delay (connection setup: 25 ms allowed).
      for (let i = 1; i < times.length; i++) {
        const since = (times[i] as number) - (times[0] as number);
        assert.ok(since >= 50 * i - 25, `request ${i} came ${since} ms after the first (QPS 20: at least ${50 * i} ms)`);
      }
      assert.ok((times[10] as number) - (times[0] as number) < 2000, "and not much slower than the limit");
      assertWithinRbac(fake.requests, false);

      const burst = new FakeKubeApi({ namespace: NS, deployment: DEP, nodes: nodes(), leftovers });
      burst.delayMs = 40;
      await burst.start();
      await runDriver(burst, { MODE: "cleanup", QPS: "1000", CONCURRENCY: "3" });
      await burst.stop();
      assert.equal(burst.maxInFlight, 3);
    } finally {
      await fake.stop();
    }
  });

  void test("exits 2 and names every bad variable", async () => {
    const io = testIo();
    const code = await main({ SERVICES: "0", STEPS: "1,x", MODE: "go", QPS: "-1", METRICS: "yes", KUBE_API_URL: "localhost" }, io, () => assert.fail("no output expected"));
    assert.equal(code, 2);
    assert.deepEqual(io.messages, [
      'config: MODE ("go") must be run or cleanup',
      'config: STEPS ("1,x") must be comma-separated replica counts from 0 to 1000, for example "1,5,10,15,20,25,30"',
      'config: KUBE_API_URL ("localhost") must be a base URL such as http://127.0.0.1:8001',
      'config: SERVICES ("0") must be an integer from 1 to 99999',
      'config: QPS ("-1") must be a number from 0.1 to 10000',
      'config: METRICS ("yes") must be true or false',
    ]);
  });

  void test("driverEnv is the inverse of parseDriverEnv", () => {
    const env = Object.fromEntries(driverEnv({ services: 300, steps: [1, 3], stepIntervalSeconds: 15, metrics: false, nodeSelectorGroups: ["a", "b"] }).map((e) => [e.name, e.value]));
    assert.deepEqual(env, { SERVICES: "300", STEPS: "1,3", STEP_INTERVAL_SECONDS: "15", METRICS: "false", NODE_SELECTOR_GROUPS: "a,b" });
    assert.deepEqual(parseDriverEnv(env), { config: { ...KUBE_PROXY_DRIVER_DEFAULTS, services: 300, steps: [1, 3], stepIntervalSeconds: 15, metrics: false, nodeSelectorGroups: ["a", "b"] } });
  });
});

void describe("kube API client retries", () => {
  async function withServer(statuses: { status: number; headers?: Record<string, string> }[], fn: (api: KubeApi, sleeps: number[], fake: FakeKubeApi) => Promise<void>): Promise<void> {
    const fake = new FakeKubeApi({ namespace: NS, deployment: DEP, nodes: [] });
    for (const s of statuses) fake.overrides.push({ match: () => true, status: s.status, headers: s.headers, times: 1 });
    await fake.start();
    const sleeps: number[] = [];
    const api = new KubeApi({ baseUrl: fake.url, qps: 1000, maxRetries: 3, sleep: async (ms) => void sleeps.push(ms) });
    try {
      await fn(api, sleeps, fake);
    } finally {
      await fake.stop();
    }
  }

  void test("429 waits Retry-After seconds, then succeeds", () =>
    withServer([{ status: 429, headers: { "retry-after": "2" } }], async (api, sleeps, fake) => {
      const res = await api.request("GET", "/api/v1/nodes");
      assert.equal(res.status, 200);
      assert.deepEqual(sleeps.filter((s) => s >= 100), [2000]);
      assert.equal(fake.requests.length, 2);
      assert.equal(api.stats.throttled, 1);
    }));

  void test("429 without Retry-After and 5xx back off exponentially", () =>
    withServer([{ status: 429 }, { status: 503 }, { status: 502 }], async (api, sleeps) => {
      await api.request("GET", "/api/v1/nodes");
      assert.deepEqual(sleeps.filter((s) => s >= 100), [500, 1000, 2000]);
    }));

  void test("gives up after maxRetries with the last status", () =>
    withServer([{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }], async (api) => {
      await assert.rejects(api.request("GET", "/api/v1/nodes"), (err: unknown) => {
        assert.ok(err instanceof KubeApiError);
        assert.equal(err.status, 500);
        assert.equal(err.message, "GET /api/v1/nodes failed with HTTP 500: scripted 500 (gave up after 3 retries)");
        return true;
      });
    }));

  void test("409 is retried for apply, returned when listed in okStatuses, thrown otherwise", async () => {
    await withServer([{ status: 409 }], async (api, _sleeps, fake) => {
      await api.request("PATCH", "/api/v1/namespaces/kp-test/services/a", { body: { metadata: { labels: {} } }, contentType: "application/apply-patch+yaml", retryConflict: true });
      assert.equal(fake.requests.length, 2);
    });
    await withServer([{ status: 409 }], async (api) => {
      const res = await api.request("POST", "/api/v1/namespaces/kp-test/services", { body: {}, okStatuses: [409] });
      assert.equal(res.status, 409);
    });
    await withServer([{ status: 409 }], async (api, sleeps) => {
      await assert.rejects(api.request("POST", "/api/v1/namespaces/kp-test/services", { body: {} }), /failed with HTTP 409: scripted 409$/);
      assert.deepEqual(sleeps.filter((s) => s >= 100), []);
    });
  });

  void test("Retry-After as an HTTP date, capped at 60 s", () => {
    const now = Date.parse("2025-10-15T12:00:00Z");
    assert.equal(retryAfterMs("Wed, 15 Oct 2025 12:00:05 GMT", now), 5000);
    assert.equal(retryAfterMs("3600", now), 60000);
    assert.equal(retryAfterMs("soon", now), undefined);
    assert.equal(retryAfterMs(undefined, now), undefined);
  });
});

void describe("kube-proxy driver RBAC", () => {
  void test("the rules, exactly", () => {
    const rbac = kubeProxyDriverRbac({ deployment: "kube-proxy-backend" });
    const typed: { ns: k8s.types.input.rbac.v1.PolicyRule[]; ks: k8s.types.input.rbac.v1.PolicyRule[]; cl: k8s.types.input.rbac.v1.PolicyRule[] } = { ns: rbac.benchNamespace, ks: rbac.kubeSystem, cl: rbac.cluster };
    assert.ok(typed);
    assert.deepEqual(rbac, {
      benchNamespace: [
        { apiGroups: [""], resources: ["services"], verbs: ["list", "create", "patch", "delete"] },
        { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list"] },
        { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"], resourceNames: ["kube-proxy-backend"] },
        { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"], resourceNames: ["kube-proxy-backend"] },
      ],
      kubeSystem: [
        { apiGroups: [""], resources: ["pods"], verbs: ["list"] },
        { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
        { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: ["kube-proxy-config", "kube-proxy"] },
        { apiGroups: [""], resources: ["pods/proxy"], verbs: ["get"] },
      ],
      cluster: [{ apiGroups: [""], resources: ["nodes"], verbs: ["list"] }],
    });
  });

  void test("request attributes follow the API server's verb rules", () => {
    assert.deepEqual(requestAttributes("GET", "/api/v1/namespaces/a/services?limit=5"), { verb: "list", apiGroup: "", resource: "services", namespace: "a" });
    assert.deepEqual(requestAttributes("PATCH", "/apis/apps/v1/namespaces/a/deployments/d/scale"), { verb: "patch", apiGroup: "apps", resource: "deployments/scale", namespace: "a", name: "d" });
    assert.deepEqual(requestAttributes("GET", "/api/v1/namespaces/kube-system/pods/kp:10249/proxy/metrics"), { verb: "get", apiGroup: "", resource: "pods/proxy", namespace: "kube-system", name: "kp" });
    assert.deepEqual(requestAttributes("DELETE", "/api/v1/namespaces/a/services"), { verb: "deletecollection", apiGroup: "", resource: "services", namespace: "a" });
    assert.equal(requestAttributes("GET", "/api/v1/nodes?watch=true").verb, "watch");
    assert.throws(() => requestAttributes("GET", "/healthz"), /^Error: not a resource request: GET \/healthz$/);
    const rbac = kubeProxyDriverRbac({ deployment: "d" });
    assert.equal(driverRbacAllows(rbac, "a", requestAttributes("GET", "/apis/apps/v1/namespaces/a/deployments/other")), false);
    assert.equal(driverRbacAllows(rbac, "a", requestAttributes("GET", "/api/v1/namespaces/b/services")), false);
    assert.equal(driverRbacAllows(rbac, "a", requestAttributes("GET", "/api/v1/namespaces/kube-system/configmaps/coredns")), false);
  });
});

void describe("the driver files run flat", () => {
  void test("the mounted files import only each other and node: builtins", () => {
    const dir = path.join(__dirname, "../components");
    for (const file of KUBE_PROXY_DRIVER_FILES) {
      const text = readFileSync(path.join(dir, file), "utf8");
      for (const m of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"([^"]+)";/gms)) {
        const spec = m[2] as string;
        if (m[1]) continue; // erased by type stripping
        assert.ok(spec.startsWith("node:") || (spec.startsWith("./") && KUBE_PROXY_DRIVER_FILES.includes(spec.slice(2))), `${file} imports ${spec}`);
      }
      assert.doesNotMatch(text, /^\s*(export\s+)?(const\s+)?enum\s|^\s*namespace\s|constructor\([^)]*(private|public|readonly)\s/m, `${file} uses non-erasable syntax`);
    }
  });

  void test("the entry point runs under tsx and exits 2 on a bad environment", () => {
    const res = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "../components/kube-proxy-driver-main.ts")], {
      env: { PATH: process.env.PATH, SERVICES: "many" },
      encoding: "utf8",
    });
    assert.equal(res.status, 2);
    assert.match(res.stderr, /config: SERVICES \("many"\) must be an integer from 1 to 99999/);
  });

  void test("Node >= 23.6 runs the entry point by type stripping (set NODE24 when Node 20 runs the tests)", (t) => {
    const node = process.env.NODE24 ?? (Number(process.versions.node.split(".")[0]) >= 24 ? process.execPath : undefined);
    if (!node) {
      // .ci/run installs the driver image's Node from the npm registry and sets NODE24.
      if (process.env.CI === "true") assert.fail("NODE24 is not set: CI must install the driver image's Node (see .ci/run)");
      t.skip("no Node 24 here: set NODE24=/path/to/node to check type stripping (CI does)");
      return;
    }
    const res = spawnSync(node, [path.join(__dirname, "../components/kube-proxy-driver-main.ts")], { env: { PATH: process.env.PATH, SERVICES: "many" }, encoding: "utf8" });
    assert.equal(res.status, 2, res.stderr);
    assert.match(res.stderr, /config: SERVICES \("many"\)/);
  });
});
