import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { formatCount, formatSeconds, kubeProxyResult, median, parseDriverOutput } from "../components/kube-proxy-result";
import type { KubeProxyNodeInput } from "../components/kube-proxy-result";
import type { ParsedKubeProxyLog } from "../components/kube-proxy-log";

function log(syncs: [number, number?][], extra: Partial<ParsedKubeProxyLog> = {}): ParsedKubeProxyLog {
  return {
    syncs: syncs.map(([elapsedSeconds, endpoints], i) => ({ at: `2025-10-15T12:${String(i).padStart(2, "0")}:00.000000Z`, elapsedSeconds, ...(endpoints === undefined ? {} : { endpoints, services: 8006 }) })),
    syncsOutsideWindow: 0,
    warnings: [],
    skippedLines: 0,
    lines: 10,
    mode: "nftables",
    ...extra,
  };
}

const seed004: KubeProxyNodeInput[] = [
  { node: "a", kernelVersion: "6.12.46", group: "new", log: log([[82.0, 1315], [290.5, 8015], [294.4, 80015], [334.1, 240015]]) },
  { node: "b", kernelVersion: "6.1.144", group: "old", log: log([[732.1, 1015], [926.2, 200015], [991.5, 240015], [767.4, 240015], [1143.5, 240015]]) },
];

void describe("kube-proxy result", () => {
  void test("median, counts and durations", () => {
    assert.equal(median([]), 0);
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(formatCount(240015), "240,015");
    assert.equal(formatCount(999), "999");
    assert.equal(formatSeconds(0.85), "850ms");
    assert.equal(formatSeconds(12.34), "12.3s");
    assert.equal(formatSeconds(290.461347544), "4m50.5s");
    assert.equal(formatSeconds(3723.5), "1h2m3.5s");
    assert.equal(formatSeconds(59.96), "1m0.0s");
  });

  void test("per node: count, median, max, final sync; comparison of two kernels", () => {
    const r = kubeProxyResult({ version: "v1.32.6-eksbuild.12", services: 8000, endpoints: 240000, targetEndpoints: 240000, nodes: seed004 });
    assert.equal(r.mode, "nftables");
    const [a, b] = r.nodes;
    assert.equal(a?.syncCount, 4);
    assert.equal(a?.medianSyncSeconds, 292.45);
    assert.equal(a?.maxSyncSeconds, 334.1);
    assert.equal(a?.finalSync?.elapsedSeconds, 334.1);
    assert.equal(b?.medianSyncSeconds, 926.2);
    assert.equal(b?.finalSync?.elapsedSeconds, 991.5);
    assert.equal(b?.incomplete, false);
    assert.deepEqual(r.comparison, {
      kernels: ["6.12.46", "6.1.144"],
      medianSyncRatio: 3.17,
      finalSyncRatio: 2.97,
      summary: "kernel 6.12.46 synced 240,015 endpoints 3.0× faster than 6.1.144 (final sync 5m34.1s vs 16m31.5s; median sync 4m52.5s vs 15m26.2s)",
      perKernel: [
        { kernel: "6.12.46", nodes: ["a"], medianSyncSeconds: 292.45, finalSyncSeconds: 334.1, finalEndpoints: 240015 },
        { kernel: "6.1.144", nodes: ["b"], medianSyncSeconds: 926.2, finalSyncSeconds: 991.5, finalEndpoints: 240015 },
      ],
    });
  });

  void test("an incomplete node: no final-sync ratio, the sentence says why", () => {
    const slow: KubeProxyNodeInput = { node: "b", kernelVersion: "6.1.144", log: log([[732.1, 1015], [926.2, 200015]]) };
    const r = kubeProxyResult({ targetEndpoints: 240000, nodes: [seed004[0] as KubeProxyNodeInput, slow] });
    assert.equal(r.nodes[1]?.incomplete, true);
    assert.equal(r.nodes[1]?.finalSync, undefined);
    assert.equal(r.comparison?.finalSyncRatio, undefined);
    assert.equal(r.comparison?.summary, "kernel 6.12.46's median sync was 2.8× faster than 6.1.144's (median sync 4m52.5s vs 13m49.2s); no final-sync comparison: 6.1.144 never logged a sync covering the final endpoint count");
  });

  void test("without kernels nodes are compared by name; equal speeds say so; defaults from the logs", () => {
    const r = kubeProxyResult({ nodes: [{ node: "x", log: log([[10, 50]]) }, { node: "y", log: log([[10.2, 50]]) }] });
    assert.equal(r.services, 8006);
    assert.equal(r.endpoints, 50);
    assert.equal(r.targetEndpoints, 50);
    assert.equal(r.version, "unknown");
    assert.equal(r.comparison?.summary, "node x synced 50 endpoints about as fast as node y (final sync 10.0s vs 10.2s; median sync 10.0s vs 10.2s)");
  });

  void test("one kernel on several nodes: no comparison; three kernels: fastest vs slowest", () => {
    assert.equal(kubeProxyResult({ nodes: [{ node: "x", kernelVersion: "6.1", log: log([[1, 5]]) }, { node: "y", kernelVersion: "6.1", log: log([[2, 5]]) }] }).comparison, undefined);
    const r = kubeProxyResult({ nodes: [
      { node: "x", kernelVersion: "6.1", log: log([[40, 5]]) },
      { node: "y", kernelVersion: "6.18", log: log([[5, 5]]) },
      { node: "z", kernelVersion: "6.12", log: log([[10, 5]]) },
    ] });
    assert.deepEqual(r.comparison?.kernels, ["6.18", "6.12", "6.1"]);
    assert.equal(r.comparison?.finalSyncRatio, 8);
  });

  void test("metrics failures become a warning", () => {
    const r = kubeProxyResult({ nodes: [{ node: "x", log: log([[1, 5]]), metrics: { syncProxyRulesSecondsSum: 1, syncProxyRulesCount: 1, syncFailuresTotal: 2 } }] });
    assert.deepEqual(r.nodes[0]?.warnings, ["metrics: 2 failed syncs (kubeproxy_sync_proxy_rules_*failures_total)"]);
  });

  void test("parseDriverOutput finds the result line among interleaved logs; rejects a log without one", () => {
    const result = kubeProxyResult({ nodes: seed004 });
    const line = JSON.stringify({ kind: "k8s-bench/kube-proxy-result@1", result, phasesSeconds: {}, errors: [] });
    assert.deepEqual(parseDriverOutput(`2025 progress\n${line}\n2025 done\n`).result, result);
    assert.throws(() => parseDriverOutput("a\nb\n{\"kind\":\"k8s-bench/kube-proxy-result@1\"}\n"), {
      message: 'no kube-proxy driver result line (kind k8s-bench/kube-proxy-result@1) in the Job\'s log; its last lines:\na\nb\n{"kind":"k8s-bench/kube-proxy-result@1"}',
    });
  });
});
