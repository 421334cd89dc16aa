import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseGoDuration, parseGoDurationNanos, parseKlogLine, parseKubeProxyLog } from "../components/kube-proxy-log";

void describe("parseGoDuration", () => {
  const cases: [string, number][] = [
    ["0", 0],
    ["850ms", 0.85],
    ["1.3s", 1.3],
    ["119.531ms", 0.119531],
    ["16m31.474906059s", 991.474906059],
    ["4m50.461347544s", 290.461347544],
    ["1h2m3.5s", 3723.5],
    ["1h2m3s", 3723],
    ["1.5µs", 0.0000015],
    ["1.5\u03bcs", 0.0000015],
    ["120us", 0.00012],
    ["300ns", 0.0000003],
    [".5s", 0.5],
    ["2.h", 7200],
    ["-1.5m", -90],
    ["+3s", 3],
  ];
  for (const [text, seconds] of cases) {
    void test(`${text} → ${seconds} s`, () => assert.equal(parseGoDuration(text), seconds));
  }
  void test("exact nanoseconds, fractions truncated like Go", () => {
    assert.equal(parseGoDurationNanos("16m31.474906059s"), 991_474_906_059n);
    assert.equal(parseGoDurationNanos("1.0000000019s"), 1_000_000_001n);
    assert.equal(parseGoDurationNanos("1h2m3.5s"), 3_723_500_000_000n);
  });
  for (const bad of ["", "1", "s", ".s", "1x", "1.2.3s", "5 s", "-", "1m ", "ms"]) {
    void test(`throws on ${JSON.stringify(bad)}`, () => assert.throws(() => parseGoDuration(bad), { message: `invalid Go duration ${JSON.stringify(bad)}` }));
  }
});

void describe("parseKlogLine", () => {
  void test("structured line with quoted values and escapes", () => {
    const line = parseKlogLine(String.raw`E1015 12:27:43.590230       1 proxier.go:1162] "Sync \"failed\"" ipFamily="IPv4" retryingTime="30s" err="a\tb\\c\u00e9\x41" count=3 rule=[a b]`, { year: 2025 });
    assert.deepEqual(line, {
      level: "E",
      at: "2025-10-15T12:27:43.590230Z",
      timeMs: Date.UTC(2025, 9, 15, 12, 27, 43, 590),
      source: "proxier.go:1162",
      msg: 'Sync "failed"',
      values: { ipFamily: "IPv4", retryingTime: "30s", err: "a\tb\\céA", count: "3", rule: "[a" },
    });
  });
  void test("unstructured line keeps the text as msg", () => {
    const line = parseKlogLine("I1015 12:00:01.000001 1 shared_informer.go:313] Waiting for caches to sync for service config", { year: 2025 });
    assert.equal(line?.msg, "Waiting for caches to sync for service config");
    assert.deepEqual(line?.values, {});
  });
  void test("the year comes from the reference, across New Year", () => {
    assert.equal(parseKlogLine('I0101 00:00:05.000000 1 a.go:1] "x"', { reference: new Date("2025-12-31T23:59:00Z") })?.at, "2026-01-01T00:00:05.000000Z");
    assert.equal(parseKlogLine('I1231 23:59:59.000000 1 a.go:1] "x"', { reference: new Date("2026-01-01T00:01:00Z") })?.at, "2025-12-31T23:59:59.000000Z");
  });
  void test("CRI and --timestamps prefixes are stripped and give the year", () => {
    assert.equal(parseKlogLine('2024-10-15T12:31:11.235740123Z stderr F I1015 12:31:11.235732       1 proxier.go:1794] "m"')?.at, "2024-10-15T12:31:11.235732Z");
    assert.equal(parseKlogLine('2024-10-15T12:31:11.235740123Z I1015 12:31:11.235732       1 proxier.go:1794] "m"')?.msg, "m");
  });
  void test("rejects lines that are not klog", () => {
    for (const bad of ["", "goroutine 1 [running]:", "\tadd element ip kube-proxy", '{"level":"info"}', 'X1015 12:00:00.000000 1 a.go:1] "m"', 'I1315 12:00:00.000000 1 a.go:1] "m"', 'I1015 12:00:00 1 a.go:1] "m"']) {
      assert.equal(parseKlogLine(bad, { year: 2025 }), undefined, bad);
    }
  });
});

void describe("parseKubeProxyLog", () => {
  const window = { since: new Date("2025-10-15T12:00:00Z"), until: new Date("2025-10-15T13:30:00Z") };

  void test("mixed formats, noise, multi-line values and syncs outside the window", () => {
    const log = [
      'I1015 11:58:02.512340       1 proxier.go:1794] "Reloading service nftables data" numServices=6 numEndpoints=15',
      'I1015 11:58:02.631872       1 proxier.go:1168] "SyncProxyRules complete" elapsed="119.531ms"',
      'I1015 12:00:01.000000       1 proxier.go:1794] "Reloading service nftables data" numServices=106 numEndpoints=115',
      "I1015 12:00:01.500000       1 shared_informer.go:320] Caches are synced for endpoint slice config",
      'I1015 12:00:01.850000       1 proxier.go:1168] "SyncProxyRules complete" elapsed="850ms"',
      'I1015 12:00:02.000000       1 proxier.go:1143] "Syncing nftables rules" ipFamily="IPv4" fullSync=true',
      'I1015 12:00:02.000000       1 proxier.go:1143] "Syncing nftables rules" ipFamily="IPv6" fullSync=false',
      'I1015 12:00:02.100000       1 proxier.go:1794] "Reloading service nftables data" ipFamily="IPv4" numServices=8006 numEndpoints=240015',
      'I1015 12:00:02.100000       1 proxier.go:1794] "Reloading service nftables data" ipFamily="IPv6" numServices=8006 numEndpoints=12',
      'E1015 12:01:00.000000       1 proxier.go:1830] "nftables sync failed" ipFamily="IPv6" err=<',
      "\t/dev/stdin:1:1-4: Error: Could not process rule: Device or resource busy",
      "\tadd chain ip6 kube-proxy filter",
      " >",
      'I1015 12:01:03.200000       1 proxier.go:1168] "SyncProxyRules complete" ipFamily="IPv6" elapsed="1.2s"',
      "panic: this is multi-line garbage",
      "    and more of it",
      'W1015 13:02:03.000000       1 proxier.go:900] "Failed to execute nft" err="exit status 1"',
      'W1015 13:02:03.500000       1 proxier.go:900] "Failed to execute nft" err="exit status 1"',
      'W1015 13:02:04.000000       1 reflector.go:561] "Unrelated warning"',
      'I1015 13:02:03.600000       1 proxier.go:1168] "SyncProxyRules complete" ipFamily="IPv4" elapsed="1h2m3.5s"',
      'I1015 13:02:04.000000       1 proxier.go:1168] "SyncProxyRules complete" ipFamily="IPv4" elapsed="bogus"',
      'I1015 13:45:00.000000       1 proxier.go:1168] "SyncProxyRules complete" ipFamily="IPv4" elapsed="2s"',
      "",
    ].join("\n");
    const parsed = parseKubeProxyLog(log, window);
    assert.deepEqual(parsed.syncs, [
      { at: "2025-10-15T12:00:01.850000Z", elapsedSeconds: 0.85, services: 106, endpoints: 115 },
      { at: "2025-10-15T12:01:03.200000Z", elapsedSeconds: 1.2, services: 8006, endpoints: 12, fullSync: false, ipFamily: "IPv6" },
      { at: "2025-10-15T13:02:03.600000Z", elapsedSeconds: 3723.5, services: 8006, endpoints: 240015, fullSync: true, ipFamily: "IPv4" },
    ]);
    assert.equal(parsed.syncsOutsideWindow, 2);
    assert.equal(parsed.skippedLines, 3, "two garbage lines and one unreadable elapsed");
    assert.equal(parsed.lines, 22);
    assert.equal(parsed.mode, "nftables");
    assert.deepEqual(parsed.warnings, [
      '1× E "nftables sync failed" first at 2025-10-15T12:01:00.000000Z: /dev/stdin:1:1-4: Error: Could not process rule: Device or resource busy',
      '2× W "Failed to execute nft" first at 2025-10-15T13:02:03.000000Z: exit status 1',
    ]);
  });

  void test("the 6.1.144 fixture: five multi-minute syncs, one nft error", () => {
    const text = readFileSync(path.join(__dirname, "fixtures/kube-proxy/ip-10-0-1-23.log"), "utf8");
    const parsed = parseKubeProxyLog(text, window);
    assert.deepEqual(parsed.syncs.map((s) => s.elapsedSeconds), [732.116109331, 926.208866002, 991.474906059, 767.399954001, 1143.515203117]);
    assert.deepEqual(parsed.syncs.map((s) => s.endpoints), [1015, 200015, 240015, 240015, 240015]);
    assert.equal(parsed.syncsOutsideWindow, 2);
    assert.equal(parsed.skippedLines, 2);
    assert.equal(parsed.warnings.length, 2);
    assert.equal(parsed.mode, "nftables");
  });

  void test("the 6.12.46 fixture with CRLF lines: fullSync flags", () => {
    const text = readFileSync(path.join(__dirname, "fixtures/kube-proxy/ip-10-0-2-45.log"), "utf8");
    const parsed = parseKubeProxyLog(text, window);
    assert.deepEqual(parsed.syncs.map((s) => [s.elapsedSeconds, s.fullSync]), [[82.012471006, true], [290.461347544, false], [294.400084015, false], [334.125524912, false]]);
    assert.deepEqual(parsed.warnings, []);
  });

  void test("without a window every sync counts", () => {
    const parsed = parseKubeProxyLog('I1015 12:00:01.850000 1 proxier.go:1168] "SyncProxyRules complete" elapsed="850ms"', { year: 2025 });
    assert.equal(parsed.syncs.length, 1);
    assert.equal(parsed.syncs[0]?.services, undefined);
  });
});
