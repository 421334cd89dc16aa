import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parsePrometheusText, sumSamples, summarizeKubeProxyMetrics } from "../components/kube-proxy-metrics";

void describe("kube-proxy metrics", () => {
  void test("parses samples, labels with escapes, special values; counts malformed lines", () => {
    const { samples, skippedLines } = parsePrometheusText([
      "# HELP x help",
      "# TYPE x counter",
      'x{a="1",b="q\\"uote\\\\ \\n"} 3 1760534167615',
      "y +Inf",
      "z NaN",
      "w -1.5e3",
      'broken{a="1" 3',
      "novalue",
      "",
    ].join("\n"));
    assert.deepEqual(samples.slice(0, 1), [{ name: "x", labels: { a: "1", b: 'q"uote\\ \n' }, value: 3 }]);
    assert.equal(samples[1]?.value, Infinity);
    assert.ok(Number.isNaN(samples[2]?.value));
    assert.equal(samples[3]?.value, -1500);
    assert.equal(skippedLines, 2);
    assert.equal(sumSamples(samples, "missing"), undefined);
  });

  void test("sums and counts of a saturated scrape", () => {
    const text = readFileSync(path.join(__dirname, "fixtures/kube-proxy/metrics-6.1.txt"), "utf8");
    assert.deepEqual(summarizeKubeProxyMetrics(text), {
      syncProxyRulesSecondsSum: 4565.834671311,
      syncProxyRulesCount: 6,
      syncsOverTopBucket: 5,
      networkProgrammingSecondsSum: 28817.5,
      networkProgrammingCount: 31,
      fullSyncProxyRulesSecondsSum: 732.235640662,
      fullSyncProxyRulesCount: 2,
      partialSyncProxyRulesSecondsSum: 3833.599030649,
      partialSyncProxyRulesCount: 4,
      syncFailuresTotal: 1,
    });
  });

  void test("minimal scrape and one without kube-proxy series", () => {
    assert.deepEqual(summarizeKubeProxyMetrics("kubeproxy_sync_proxy_rules_duration_seconds_sum 1.5\nkubeproxy_sync_proxy_rules_duration_seconds_count 3\n"), {
      syncProxyRulesSecondsSum: 1.5,
      syncProxyRulesCount: 3,
    });
    assert.equal(summarizeKubeProxyMetrics("go_goroutines 12\n"), undefined);
  });
});
