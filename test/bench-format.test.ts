/** Pure helpers of `npm run bench:apps` (scripts/bench-format.ts): exact values and exact errors. */
import * as assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  busyPercent, checkRuntimeTargets, checkTarget, formatNumber, formatRatio, median, parseBashTimes, parseProcStatCpu, parseWrkOutput, percentile, ratio,
  renderTable, wrkDurationMs,
} from "../scripts/bench-format";

const WRK_OUTPUT = `Running 10s test @ http://127.0.0.1:8080/health
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   455.12us  123.45us   5.00ms   90.00%
    Req/Sec    98.12k     3.21k  105.00k    70.00%
  Latency Distribution
     50%  432.00us
     75%  500.00us
     90%  600.00us
     99%    1.20ms
  983456 requests in 10.00s, 150.00MB read
  Non-2xx or 3xx responses: 12
  Socket errors: connect 0, read 3, write 0, timeout 1
Requests/sec:  98345.60
Transfer/sec:     15.00MB
`;

void describe("percentile", () => {
  void it("interpolates linearly between closest ranks", () => {
    const values = [5, 1, 4, 2, 3];
    assert.equal(percentile(values, 0), 1);
    assert.equal(percentile(values, 50), 3);
    assert.equal(percentile(values, 95), 4.8);
    assert.equal(percentile(values, 100), 5);
    assert.equal(percentile([10, 20], 50), 15);
  });
  void it("returns undefined for no values and the value for one", () => {
    assert.equal(percentile([], 50), undefined);
    assert.equal(percentile([7], 95), 7);
  });
  void it("does not reorder its input", () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    assert.deepStrictEqual(values, [3, 1, 2]);
  });
  void it("throws when p is outside 0..100", () => {
    assert.throws(() => percentile([1], 101), { name: "RangeError", message: "percentile 101 is outside 0..100" });
  });
  void it("median is the 50th percentile", () => {
    assert.equal(median([1, 2, 3, 4]), 2.5);
  });
});

void describe("ratio and formatting", () => {
  void it("divides, and is undefined for a missing or non-positive reference", () => {
    assert.equal(ratio(30, 20), 1.5);
    assert.equal(ratio(undefined, 20), undefined);
    assert.equal(ratio(30, undefined), undefined);
    assert.equal(ratio(30, 0), undefined);
  });
  void it("formats numbers with decimals below 100 and grouping above", () => {
    assert.equal(formatNumber(3.14159), "3.1");
    assert.equal(formatNumber(3.14159, 2), "3.14");
    assert.equal(formatNumber(98345.6), "98,346");
    assert.equal(formatNumber(undefined), "-");
    assert.equal(formatNumber(NaN), "-");
  });
  void it("formats ratios with two decimals and a multiplication sign", () => {
    assert.equal(formatRatio(1.0749), "1.07×");
    assert.equal(formatRatio(undefined), "-");
  });
});

void describe("renderTable", () => {
  void it("pads columns, bottom-aligns multi-line headers and right-aligns numbers", () => {
    const text = renderTable(["runtime", "compute\np50 ms"], [["go", "27.1"], ["django", "512.0"]]);
    assert.equal(text, [
      "         compute",
      "runtime   p50 ms",
      "-------  -------",
      "go          27.1",
      "django     512.0",
    ].join("\n"));
  });
  void it("fills missing cells with blanks", () => {
    assert.equal(renderTable(["a", "b"], [["x"]]), "a  b\n-  -\nx");
  });
});

void describe("parseWrkOutput", () => {
  void it("reads totals, rate, latency percentiles and errors", () => {
    assert.deepStrictEqual(parseWrkOutput(WRK_OUTPUT), {
      requests: 983456,
      durationSeconds: 10,
      requestsPerSecond: 98345.6,
      latencyMs: { avg: 0.45512, max: 5, p50: 0.432, p75: 0.5, p90: 0.6, p99: 1.2 },
      non2xx: 12,
      socketErrors: { connect: 0, read: 3, write: 0, timeout: 1 },
    });
  });
  void it("defaults errors to zero when wrk prints none", () => {
    const clean = WRK_OUTPUT.replace(/^.*(Non-2xx|Socket errors).*\n/gm, "");
    const parsed = parseWrkOutput(clean);
    assert.equal(parsed.non2xx, 0);
    assert.deepStrictEqual(parsed.socketErrors, { connect: 0, read: 0, write: 0, timeout: 0 });
  });
  void it("throws when the totals are missing", () => {
    assert.throws(() => parseWrkOutput("unable to connect to 127.0.0.1:1 Connection refused"), /wrk output has no request totals/);
  });
  void it("converts wrk durations to milliseconds", () => {
    assert.equal(wrkDurationMs("455.12us"), 0.45512);
    assert.equal(wrkDurationMs("2.00s"), 2000);
    assert.equal(wrkDurationMs("1.50m"), 90000);
    assert.throws(() => wrkDurationMs("fast"), { message: 'not a wrk duration: "fast"' });
  });
});

void describe("parseBashTimes", () => {
  void it("reads the children's user and system seconds (second line)", () => {
    assert.deepStrictEqual(parseBashTimes("wrk output\n0m0.002s 0m0.001s\n0m3.250s 1m2.500s\n"), { userSeconds: 3.25, systemSeconds: 62.5 });
  });
  void it("throws without times output", () => {
    assert.throws(() => parseBashTimes("nothing"), /no bash "times" output/);
  });
});

void describe("targets", () => {
  void it("checks <= and >= bounds and leaves missing values unjudged", () => {
    assert.equal(checkTarget("go", { metric: "m", op: "<=", limit: 1.3, unit: "×" }, 1.3).ok, true);
    assert.equal(checkTarget("go", { metric: "m", op: ">=", limit: 20000, unit: "req/s" }, 19999).ok, false);
    assert.equal(checkTarget("go", { metric: "m", op: ">=", limit: 1, unit: "" }, undefined).ok, undefined);
  });
  void it("applies the language's targets", () => {
    const checks = checkRuntimeTargets("django", "python", { computeRatio: 1.2, idleRssMiB: 70, healthRps: 3000 });
    assert.deepStrictEqual(checks.map((c) => [c.metric, c.limit, c.ok]), [
      ["/compute p50 vs cpython", 1.15, false],
      ["idle RSS", 80, true],
      ["/health on one core", 2500, true],
    ]);
    assert.deepStrictEqual(checkRuntimeTargets("x", "cobol", { computeRatio: 1, idleRssMiB: 1, healthRps: 1 }), []);
  });
});

void describe("parseProcStatCpu", () => {
  const STAT = "cpu  10 0 10 100 0 0 0 0 0 0\ncpu0 200 5 100 600 50 10 20 15 7 0\ncpu1 1 2 3 4 5 6 7 8 0 0\nintr 1 2 3\n";
  void it("sums the jiffies of one CPU and counts idle and iowait as not busy", () => {
    assert.deepStrictEqual(parseProcStatCpu(STAT, "0"), { total: 1000, busy: 350 });
    assert.deepStrictEqual(parseProcStatCpu(STAT, "1"), { total: 36, busy: 27 });
  });
  void it("throws for a CPU that is not there", () => {
    assert.throws(() => parseProcStatCpu(STAT, "7"), { message: "/proc/stat has no cpu7 line" });
  });
  void it("computes the busy share between two readings", () => {
    assert.equal(busyPercent({ total: 1000, busy: 350 }, { total: 1200, busy: 500 }), 75);
    assert.equal(busyPercent({ total: 5, busy: 1 }, { total: 5, busy: 1 }), 0);
  });
});
