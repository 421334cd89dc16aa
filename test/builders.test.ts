import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { APP_DRAIN_SECONDS, deploymentSpec, hpaSpec, PRE_STOP_SLEEP_SECONDS, serviceSpec, serviceUrl, TERMINATION_GRACE_SECONDS } from "../components/bench-app-specs";
import { GROUP_LABEL } from "../components/cluster";
import { imageLoadCommand } from "../components/app-image";
import { appBuildFiles, contentTag, dockerfileBaseImages } from "../components/image-source";
import { K6_THRESHOLDS_FAILED_EXIT, jobDeadlineSeconds, k6JobSpec, k6PodSize, k6WrapperScript } from "../components/k6-job";
import { kindConfig, kindConfigYaml, KUBE_PROXY_PATCH } from "../components/kind-config";
import { kindCommands } from "../components/local-cluster";
import { kubePrometheusStackValues, metricsServerValues, schedulingValues } from "../components/monitoring-values";
import { VERSIONS } from "../components/versions";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const resources = { cpuRequestMilli: 100, cpuLimitMilli: 500, memoryRequestMiB: 64, memoryLimitMiB: 256 };

describe("kindConfig", () => {
  const cfg = kindConfig({ clusterName: "bench" });
  it("runs kube-proxy in nftables mode with sync logging and reachable metrics", () => {
    assert.deepEqual(cfg["networking"], { kubeProxyMode: "nftables" });
    const patches = cfg["kubeadmConfigPatches"] as string[];
    assert.equal(patches.length, 1);
    assert.deepEqual(parse(patches[0] as string), KUBE_PROXY_PATCH);
    assert.deepEqual(KUBE_PROXY_PATCH.logging, { verbosity: 2 });
    assert.equal(KUBE_PROXY_PATCH.metricsBindAddress, "0.0.0.0:10249");
  });
  it("pins every node to the digest-pinned node image and labels the two workers by group", () => {
    const nodes = cfg["nodes"] as { role: string; image: string; labels?: Record<string, string> }[];
    assert.deepEqual(nodes.map((n) => [n.role, n.labels?.[GROUP_LABEL]]), [["control-plane", undefined], ["worker", "apps"], ["worker", "system"]]);
    for (const n of nodes) assert.equal(n.image, VERSIONS.kindNodeImage);
    assert.match(VERSIONS.kindNodeImage, /^kindest\/node:v1\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
  });
  it("serialises to YAML that parses back to the same object", () => {
    assert.deepEqual(parse(kindConfigYaml({ clusterName: "bench" })), cfg);
  });
  it("creates the cluster with the config on stdin and prints only the kubeconfig", () => {
    assert.deepEqual(kindCommands("bench"), {
      create: "kind create cluster --name bench --config - --wait 5m 1>&2 && kind get kubeconfig --name bench",
      delete: "kind delete cluster --name bench",
    });
  });
});

describe("image sources", () => {
  it("derives the same tag from the same files and args, whatever their order", () => {
    const a = contentTag([{ path: "a", content: "1" }, { path: "b", content: "2" }], { APP_VERSION: "v1" });
    const b = contentTag([{ path: "b", content: "2" }, { path: "a", content: "1" }], { APP_VERSION: "v1" });
    assert.equal(a, b);
    assert.match(a, /^h[0-9a-f]{16}$/);
  });
  it("changes the tag when a file, a path or a build argument changes", () => {
    const tag = contentTag([{ path: "a", content: "1" }], { APP_VERSION: "v1" });
    assert.notEqual(contentTag([{ path: "a", content: "2" }], { APP_VERSION: "v1" }), tag);
    assert.notEqual(contentTag([{ path: "b", content: "1" }], { APP_VERSION: "v1" }), tag);
    assert.notEqual(contentTag([{ path: "a", content: "1" }], { APP_VERSION: "v2" }), tag);
  });
  it("hashes the app and the shared support folders, not other apps or build outputs", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "apps-"));
    const write = (p: string, c: string) => { fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true }); fs.writeFileSync(path.join(dir, p), c); };
    write("go/app.json", "{}"); write("go/main.go", "package main"); write("go/bin/server", "binary");
    write("rust/app.json", "{}"); write("rust/src/main.rs", "fn main(){}"); write("rust/target/x", "junk");
    write("pycommon/lib.py", "x = 1"); write("pycommon/__pycache__/lib.pyc", "junk"); write(".dockerignore", "*/bin");
    assert.deepEqual(appBuildFiles(dir, "go").map((f) => f.path).sort(), [".dockerignore", "go/app.json", "go/main.go", "pycommon/lib.py"]);
  });
  it("reads the base images a Dockerfile pins, with ARG defaults substituted and stages dropped", () => {
    const dockerfile = [
      "# syntax=docker/dockerfile:1",
      "ARG PY=python:3.13.9-slim-bookworm",
      "FROM rust:1.95.0-slim-bookworm AS build",
      "FROM --platform=$BUILDPLATFORM ${PY} AS py",
      "FROM build AS test",
      "FROM gcr.io/distroless/cc-debian12:nonroot",
      "FROM scratch",
    ].join("\n");
    assert.deepEqual(dockerfileBaseImages(dockerfile), ["rust:1.95.0-slim-bookworm", "python:3.13.9-slim-bookworm", "gcr.io/distroless/cc-debian12:nonroot"]);
  });
  it("loads into kind before reading the size, and only reads the size elsewhere", () => {
    assert.equal(imageLoadCommand({ kind: "daemon" }, "k8s-bench/go:h1"), "docker image inspect --format '{{.Size}}' k8s-bench/go:h1");
    assert.equal(
      imageLoadCommand({ kind: "kind", clusterName: "bench", clusterReady: undefined as never }, "k8s-bench/go:h1"),
      "kind load docker-image k8s-bench/go:h1 --name bench 1>&2 && docker image inspect --format '{{.Size}}' k8s-bench/go:h1",
    );
  });
});

describe("BenchApp specs", () => {
  const placement = { nodeSelector: { [GROUP_LABEL]: "apps" } };
  const dep = deploymentSpec({ name: "go", namespace: "k8s-bench", image: "k8s-bench/go:h1", resources, placement });
  const pod = (dep.spec as any).template.spec;
  const container = pod.containers[0];

  it("leaves replicas to the HPA", () => assert.equal((dep.spec as any).replicas, undefined));
  it("selects exactly the pods its template labels", () => {
    const selector = (dep.spec as any).selector.matchLabels as Record<string, string>;
    for (const [k, v] of Object.entries(selector)) assert.equal((dep.spec as any).template.metadata.labels[k], v);
    assert.deepEqual((serviceSpec({ name: "go", namespace: "k8s-bench" }).spec as any).selector, selector);
  });
  it("sets requests and limits from config", () => {
    assert.deepEqual(container.resources, { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } });
  });
  it("probes /health for startup, readiness and liveness", () => {
    for (const probe of [container.startupProbe, container.readinessProbe, container.livenessProbe]) assert.deepEqual(probe.httpGet, { path: "/health", port: "http" });
  });
  it("runs restricted: non-root, read-only root, no escalation, no capabilities, RuntimeDefault seccomp", () => {
    assert.deepEqual(container.securityContext, {
      runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false,
      capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" },
    });
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.automountServiceAccountToken, false);
  });
  it("gives the app its pre-stop pause and 10 s drain before the kill", () => {
    assert.equal(pod.terminationGracePeriodSeconds, TERMINATION_GRACE_SECONDS);
    assert.ok(TERMINATION_GRACE_SECONDS > PRE_STOP_SLEEP_SECONDS + APP_DRAIN_SECONDS);
    assert.deepEqual(container.lifecycle, { preStop: { sleep: { seconds: PRE_STOP_SLEEP_SECONDS } } });
  });
  it("lands on the apps group", () => assert.deepEqual(pod.nodeSelector, { [GROUP_LABEL]: "apps" }));
  it("targets the Deployment by name with the CPU utilisation target", () => {
    const hpa = hpaSpec({ name: "go", namespace: "k8s-bench" }, { minReplicas: 2, maxReplicas: 10, targetCpuPercent: 50 }, "go");
    assert.deepEqual((hpa.spec as any).scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "go" });
    assert.equal((hpa.spec as any).minReplicas, 2);
    assert.equal((hpa.spec as any).maxReplicas, 10);
    assert.deepEqual((hpa.spec as any).metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }]);
  });
  it("builds the in-cluster URL of the Service", () => assert.equal(serviceUrl("go", "k8s-bench"), "http://go.k8s-bench.svc.cluster.local:8080"));
});

describe("k6 Job", () => {
  const job = k6JobSpec({
    namespace: "k8s-bench", app: "go", scenario: "load", runId: "7", image: VERSIONS.k6Image, script: "load.ts",
    scriptsConfigMap: "k6-scripts", env: { TARGET_URL: "http://go.k8s-bench.svc.cluster.local:8080", PROFILE: "quick" },
    durationSeconds: 60, cpuMilli: 2000, memoryMiB: 1024, placement: { nodeSelector: { [GROUP_LABEL]: "system" } },
  });
  const spec = job.spec as any;
  const pod = spec.template.spec;
  const container = pod.containers[0];
  it("never retries, never restarts, has a deadline from the scenario's length and keeps its logs", () => {
    assert.equal(spec.backoffLimit, 0);
    assert.equal(pod.restartPolicy, "Never");
    assert.equal(spec.activeDeadlineSeconds, jobDeadlineSeconds(60));
    assert.equal(spec.activeDeadlineSeconds, 360);
    assert.equal(spec.ttlSecondsAfterFinished, undefined);
  });
  it("is left to the collector to await", () => assert.equal((job.metadata as any).annotations["pulumi.com/skipAwait"], "true"));
  it("carries the run id in the pod template so a new run is a new Job", () => assert.equal(spec.template.metadata.labels["k8s-bench.io/run-id"], "7"));
  it("runs the pinned image on the system group, away from measured pods", () => {
    assert.equal(container.image, VERSIONS.k6Image);
    assert.deepEqual(pod.nodeSelector, { [GROUP_LABEL]: "system" });
    assert.deepEqual(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector, { matchLabels: { "app.kubernetes.io/component": "benchmark-target" } });
  });
  it("mounts the scripts and passes the Service URL", () => {
    assert.deepEqual(pod.volumes[0], { name: "scripts", configMap: { name: "k6-scripts" } });
    assert.ok(container.env.some((e: { name: string; value: string }) => e.name === "TARGET_URL" && e.value === "http://go.k8s-bench.svc.cluster.local:8080"));
    assert.match(container.command[2], /k6 run --no-color --quiet --address 0\.0\.0\.0:6565 \/scripts\/load\.ts/);
  });
  it("is a Guaranteed pod with a liveness probe on k6's API", () => {
    assert.deepEqual(container.resources.requests, container.resources.limits);
    assert.deepEqual(container.livenessProbe.httpGet, { path: "/v1/status", port: "k6-api" });
  });
});

describe("k6 wrapper script (run by a real shell)", () => {
  function runWith(exitCode: number): { status: number | null; stdout: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k6w-"));
    fs.writeFileSync(path.join(dir, "k6"), `#!/bin/sh\necho '{"metrics":{}}'\nexit ${exitCode}\n`, { mode: 0o755 });
    const r = spawnSync("/bin/sh", ["-c", k6WrapperScript("load.ts")], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: "utf8" });
    return { status: r.status, stdout: r.stdout };
  }
  it("turns crossed thresholds into success: a miss is a result", () => assert.equal(runWith(K6_THRESHOLDS_FAILED_EXIT).status, 0));
  it("passes success through", () => assert.equal(runWith(0).status, 0));
  it("fails the Job on any other k6 exit code", () => assert.equal(runWith(107).status, 107));
  it("prints the summary k6 wrote", () => assert.match(runWith(0).stdout, /\{"metrics":\{\}\}/));
});

describe("monitoring values", () => {
  it("adds --kubelet-insecure-tls only on kind", () => {
    assert.deepEqual(metricsServerValues({ insecureKubeletTls: true, placement: {} })["args"], ["--metric-resolution=15s", "--kubelet-insecure-tls"]);
    assert.deepEqual(metricsServerValues({ insecureKubeletTls: false, placement: {} })["args"], ["--metric-resolution=15s"]);
  });
  it("keeps the stack on the system nodes and node-exporter everywhere", () => {
    const values = kubePrometheusStackValues({ placement: { nodeSelector: { [GROUP_LABEL]: "system" } }, nodeExporterTolerations: [{ key: "k", operator: "Exists" }], scrapeControlPlane: false }) as any;
    assert.deepEqual(values.prometheus.prometheusSpec.nodeSelector, { [GROUP_LABEL]: "system" });
    assert.deepEqual(values.grafana.nodeSelector, { [GROUP_LABEL]: "system" });
    assert.deepEqual(values["prometheus-node-exporter"].tolerations, [{ key: "k", operator: "Exists" }]);
    assert.equal(values.alertmanager.enabled, false);
    assert.equal(values.kubeEtcd.enabled, false);
    assert.equal(values.grafana.adminPassword, undefined, "the password is added as a secret by the component");
  });
  it("turns a group affinity into a required node affinity", () => {
    assert.deepEqual(schedulingValues({ nodeAffinity: { key: GROUP_LABEL, values: ["a", "b"] } }), {
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: GROUP_LABEL, operator: "In", values: ["a", "b"] }] }] } } },
    });
  });
});

describe("dataHash", () => {
  it("ignores key order and changes with any content", async () => {
    const { dataHash } = await import("../components/benchmark-run");
    assert.equal(dataHash({ a: "1", b: "2" }), dataHash({ b: "2", a: "1" }));
    assert.notEqual(dataHash({ a: "1", b: "2" }), dataHash({ a: "1", b: "3" }));
    assert.match(dataHash(undefined), /^[0-9a-f]{64}$/);
  });
});

describe("k6PodSize", () => {
  it("keeps the configured size for small scenarios", () => assert.deepEqual(k6PodSize({ cpuMilli: 2000, memoryMiB: 1024 }, 50), { cpuMilli: 2000, memoryMiB: 1024 }));
  it("raises memory to what many VUs need (the full capacity sweep pre-allocates 512)", () => {
    assert.deepEqual(k6PodSize({ cpuMilli: 2000, memoryMiB: 1024 }, 512), { cpuMilli: 2000, memoryMiB: 256 + 5 * 512 });
  });
});
