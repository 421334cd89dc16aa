/**
 * The collector CLI, as `pulumi up` runs it, against a local HTTP server standing in for the
 * Kubernetes API: checks the requests it makes, what it prints, and its failure output.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

const ROOT = path.resolve(__dirname, "..");
type Route = (url: URL) => { status?: number; body: unknown } | undefined;

let server: http.Server;
let port = 0;
const requests: string[] = [];
let route: Route = () => undefined;

before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const hit = route(url);
    res.statusCode = hit?.status ?? (hit ? 200 : 404);
    const body = hit ? hit.body : { kind: "Status", apiVersion: "v1", status: "Failure", reason: "NotFound", code: 404 };
    res.setHeader("Content-Type", typeof body === "string" ? "text/plain" : "application/json");
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => server.close());

function kubeconfig(): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "c", cluster: { server: `http://127.0.0.1:${port}`, "insecure-skip-tls-verify": true } }],
    users: [{ name: "u", user: { token: "t" } }],
    contexts: [{ name: "ctx", context: { cluster: "c", user: "u" } }],
    "current-context": "ctx",
  });
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "components/collector-cli.ts", ...args], { cwd: ROOT, env: { ...process.env, KUBECONFIG_DATA: kubeconfig() } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const pod = (phase: string, terminated?: { exitCode: number; reason: string }) => ({
  metadata: { name: "go-load-abc" },
  spec: { nodeName: "worker2", containers: [{ name: "k6", image: "grafana/k6" }] },
  status: { phase, startTime: "2026-11-23T10:00:00Z", containerStatuses: terminated ? [{ name: "k6", ready: false, restartCount: 0, image: "x", imageID: "x", state: { terminated } }] : [] },
});

describe("collector-cli job", () => {
  it("reads a completed Job's pod log and prints it as one JSON document", async () => {
    requests.length = 0;
    route = (url) => {
      if (url.pathname === "/apis/batch/v1/namespaces/k8s-bench/jobs/go-load") {
        return { body: { metadata: { name: "go-load" }, status: { startTime: "2026-11-23T10:00:00Z", completionTime: "2026-11-23T10:01:00Z", succeeded: 1, conditions: [{ type: "Complete", status: "True" }] } } };
      }
      if (url.pathname === "/api/v1/namespaces/k8s-bench/pods") return { body: { items: [pod("Succeeded", { exitCode: 0, reason: "Completed" })] } };
      if (url.pathname === "/api/v1/namespaces/k8s-bench/pods/go-load-abc/log") return { body: '{"format":"k8s-bench/k6-summary@1"}\nK8S_BENCH_CPU_STAT usage_usec=1\n' };
      return undefined;
    };
    const r = await runCli(["job", "--namespace", "k8s-bench", "--job", "go-load", "--timeout", "30"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      job: "go-load",
      pod: "go-load-abc",
      node: "worker2",
      startedAt: "2026-11-23T10:00:00.000Z",
      completedAt: "2026-11-23T10:01:00.000Z",
      log: '{"format":"k8s-bench/k6-summary@1"}\nK8S_BENCH_CPU_STAT usage_usec=1\n',
    });
    assert.deepEqual(requests, [
      "GET /apis/batch/v1/namespaces/k8s-bench/jobs/go-load",
      "GET /api/v1/namespaces/k8s-bench/pods?labelSelector=job-name%3Dgo-load",
      "GET /api/v1/namespaces/k8s-bench/pods/go-load-abc/log?container=k6",
    ]);
  });

  it("exits 1 with the failure, the pod state and the last log lines on stderr", async () => {
    route = (url) => {
      if (url.pathname.endsWith("/jobs/go-load")) return { body: { metadata: { name: "go-load" }, status: { failed: 1, conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded" }] } } };
      if (url.pathname === "/api/v1/namespaces/k8s-bench/pods") return { body: { items: [pod("Failed", { exitCode: 107, reason: "Error" })] } };
      if (url.pathname.endsWith("/log")) return { body: "time=x level=error msg=\"GoError: boom\"\nk6 exited with code 107\n" };
      return undefined;
    };
    const r = await runCli(["job", "--namespace", "k8s-bench", "--job", "go-load", "--timeout", "30"]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.equal(
      r.stderr,
      'job k8s-bench/go-load failed (BackoffLimitExceeded)\npod k8s-bench/go-load-abc on node worker2: phase Failed; reasons Error; exit codes 107\nlast 40 log lines:\ntime=x level=error msg="GoError: boom"\nk6 exited with code 107\n',
    );
  });

  it("reads the log of the container named by --container (the kube-proxy driver's)", async () => {
    requests.length = 0;
    route = (url) => {
      if (url.pathname === "/apis/batch/v1/namespaces/k8s-bench-kube-proxy/jobs/kp-driver") {
        return { body: { metadata: { name: "kp-driver" }, status: { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] } } };
      }
      if (url.pathname === "/api/v1/namespaces/k8s-bench-kube-proxy/pods") return { body: { items: [{ ...pod("Succeeded"), metadata: { name: "kp-driver-xyz" } }] } };
      if (url.pathname === "/api/v1/namespaces/k8s-bench-kube-proxy/pods/kp-driver-xyz/log") return { body: `driver log for ${url.searchParams.get("container")}\n` };
      return undefined;
    };
    const r = await runCli(["job", "--namespace", "k8s-bench-kube-proxy", "--job", "kp-driver", "--timeout", "30", "--container", "driver"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).log, "driver log for driver\n");
    assert.equal(requests[requests.length - 1], "GET /api/v1/namespaces/k8s-bench-kube-proxy/pods/kp-driver-xyz/log?container=driver");
  });

  it("rejects a --container that is not a container name", async () => {
    const r = await runCli(["job", "--namespace", "n", "--job", "j", "--timeout", "30", "--container", "Driver_1"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'collector: --container ("Driver_1") must be a container name (a DNS label)\n');
  });

  it("with --watch-app, samples the app's HPA and pod metrics at every poll", async () => {
    requests.length = 0;
    route = (url) => {
      if (url.pathname === "/apis/batch/v1/namespaces/k8s-bench/jobs/go-load") {
        return { body: { metadata: { name: "go-load" }, status: { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] } } };
      }
      if (url.pathname === "/apis/autoscaling/v2/namespaces/k8s-bench/horizontalpodautoscalers/go") {
        return { body: { metadata: { name: "go" }, spec: { maxReplicas: 10, scaleTargetRef: { kind: "Deployment", name: "go" } }, status: { currentReplicas: 3, desiredReplicas: 3 } } };
      }
      if (url.pathname === "/apis/metrics.k8s.io/v1beta1/namespaces/k8s-bench/pods") {
        return { body: { items: [{ containers: [{ name: "app", usage: { cpu: "12m", memory: "3276Ki" } }] }, { containers: [{ name: "app", usage: { cpu: "9m", memory: "4Mi" } }] }] } };
      }
      if (url.pathname === "/api/v1/namespaces/k8s-bench/pods") return { body: { items: [pod("Succeeded", { exitCode: 0, reason: "Completed" })] } };
      if (url.pathname.endsWith("/log")) return { body: "{}\n" };
      return undefined;
    };
    const r = await runCli(["job", "--namespace", "k8s-bench", "--job", "go-load", "--timeout", "30", "--watch-app", "go"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).app, { samples: 1, maxReplicas: 3, idlePodMemoryMiB: 3.6, peakPodMemoryMiB: 4 });
    assert.ok(requests.includes("GET /apis/metrics.k8s.io/v1beta1/namespaces/k8s-bench/pods?labelSelector=app.kubernetes.io%2Fname%3Dgo"), requests.join("\n"));
  });

  it("rejects a bad timeout before calling the API", async () => {
    const r = await runCli(["job", "--namespace", "n", "--job", "j", "--timeout", "soon"]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "collector: --timeout must be a positive whole number of seconds\n");
  });
});

describe("collector-cli cluster", () => {
  it("prints the Kubernetes version, node facts and kube-proxy's mode and version", async () => {
    route = (url) => {
      switch (url.pathname) {
        case "/version": return { body: { gitVersion: "v1.34.11", major: "1", minor: "34" } };
        case "/api/v1/nodes": return { body: { items: [{ metadata: { name: "w2", labels: { "k8s-bench.io/group": "system" } }, status: { nodeInfo: { kernelVersion: "6.12.46", osImage: "Debian GNU/Linux 12 (bookworm)", kubeletVersion: "v1.34.11" } } }] } };
        case "/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy": return { body: { metadata: { name: "kube-proxy" }, spec: { selector: {}, template: { spec: { containers: [{ name: "kube-proxy", image: "registry.k8s.io/kube-proxy:v1.34.11" }] } } } } };
        case "/api/v1/namespaces/kube-system/configmaps/kube-proxy": return { body: { metadata: { name: "kube-proxy" }, data: { "config.conf": "kind: KubeProxyConfiguration\nmode: nftables\n" } } };
        default: return undefined;
      }
    };
    const r = await runCli(["cluster"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.kubernetesVersion, "v1.34.11");
    assert.deepEqual(out.nodes, [{ name: "w2", group: "system", kernelVersion: "6.12.46", osImage: "Debian GNU/Linux 12 (bookworm)", kubeletVersion: "v1.34.11" }]);
    assert.deepEqual(out.kubeProxy, { mode: "nftables", version: "v1.34.11" });
    assert.match(out.gitCommit ?? "", /^([0-9a-f]{40})?$/);
  });
});
