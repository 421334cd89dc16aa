import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderReport } from "../components/report";
import { assembleResults } from "../components/results";
import { ScenarioResult } from "../components/results-schema";

const latency = (p50: number) => ({ avg: p50, p50, p90: p50 * 1.5, p95: p50 * 2, p99: p50 * 3, max: p50 * 4 });
const scenario = (name: string, extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
  scenario: name, model: "closed", requests: 100, rps: 50, errorRate: 0, latencyMs: latency(2), droppedIterations: 0,
  checksPassRate: 1, thresholdsOk: true, thresholds: [], generatorSaturated: false, testDurationSeconds: 2, maxVus: 5, ...extra,
});
const resources = { cpuRequestMilli: 100, cpuLimitMilli: 500, memoryRequestMiB: 64, memoryLimitMiB: 256, hpa: { minReplicas: 2, maxReplicas: 10, targetCpuPercent: 50 } };

const results = assembleResults({
  runId: "3",
  profile: "quick",
  clusterKind: "local",
  cluster: { kubernetesVersion: "v1.34.11", nodes: [{ name: "w", group: "apps", kernelVersion: "6.12.46", osImage: "Debian", kubeletVersion: "v1.34.11" }], kubeProxy: { mode: "nftables", version: "v1.34.11" } },
  versions: { k6: "v1.8.1" },
  runtimes: [
    {
      name: "go", displayName: "Go (net/http)", language: "go", framework: "net/http",
      image: { ref: "k8s-bench/go:h1", sizeBytes: 5 * 1024 * 1024, baseImages: ["golang:1.26.8-bookworm"] }, resources,
      scenarios: [
        scenario("load", { startedAt: "2026-11-23T10:05:00Z" }),
        scenario("compute-scaling", { series: [{ tag: "1000", requests: 3, latencyMs: latency(0.3) }, { tag: "500000", requests: 3, latencyMs: latency(27) }] }),
        scenario("capacity", { model: "open", knee: { rps: 640, latencyThresholdMs: 100, maxAttemptedRps: 640 }, series: [{ tag: "20", requests: 100, latencyMs: latency(1) }] }),
      ],
    },
    {
      name: "django", displayName: "Django (gunicorn)", language: "python", framework: "Django",
      image: { ref: "k8s-bench/django:h2", baseImages: [] }, resources,
      scenarios: [scenario("load", { thresholdsOk: false, generatorSaturated: true, startedAt: "2026-11-23T10:00:00Z", latencyMs: latency(1500) })],
    },
  ],
});

describe("assembleResults", () => {
  it("keys scenarios by name, takes the earliest start as the run's, and echoes kube-proxy facts into versions", () => {
    assert.deepEqual(Object.keys(results.runtimes["go"]!.scenarios), ["load", "compute-scaling", "capacity"]);
    assert.equal(results.run.startedAt, "2026-11-23T10:00:00Z");
    assert.deepEqual(results.versions, { k6: "v1.8.1", kubeProxy: "v1.34.11", kubeProxyMode: "nftables" });
    assert.equal(results.kubeProxy, undefined);
  });
});

describe("renderReport", () => {
  const report = renderReport(results);
  it("has one column per runtime and the seed's rows", () => {
    assert.match(report, /^## Results at a glance \(run 3, profile quick\)$/m);
    assert.match(report, /^\| Metric \| Go \(net\/http\) \| Django \(gunicorn\) \|$/m);
    assert.match(report, /^\| Image size \| 5\.0 MiB \| – \|$/m);
    assert.match(report, /^\| load: p95 latency \| 4\.00 ms \| 3\.00 s ✗thresholds ⚠generator \|$/m);
  });
  it("tables compute scaling from the compute-scaling series only, in numeric order", () => {
    assert.match(report, /## Compute scaling[^\n]*\n\n\| n \| Go \(net\/http\) \| Django \(gunicorn\) \|\n\|---\|---\|---\|\n\| 1,000 \| 0\.30 ms \| – \|\n\| 500,000 \| 27\.0 ms \| – \|\n\n/);
  });
  it("shows the capacity knees", () => assert.match(report, /^\| Knee \| 640 req\/s \| – \|$/m));
  it("ends with the environment and the pinned versions", () => {
    assert.match(report, /^\| w \| apps \| 6\.12\.46 \| Debian \| v1\.34\.11 \| – \|$/m);
    assert.match(report, /Pinned: k6 v1\.8\.1, kubeProxy v1\.34\.11, kubeProxyMode nftables\.$/);
  });
});
