/**
 * The k6 summary parser on summaries recorded from real k6 runs (test/fixtures/k6/, recorded by
 * scripts/record-k6-fixtures.ts), their merged-log, truncated and malformed variants, and
 * default-and-mutate copies for every rule: exact values, exact error text.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import {
  capacityKnee,
  generatorSaturationReasons,
  parseK6Summary,
  toScenarioResult,
  type GeneratorCpu,
  type K6Summary,
} from "../components/k6-summary";
import { SCENARIO_NAMES, type ScenarioName } from "../components/scenarios";
import type { SummaryDocument, SummaryMetric } from "../k6/summary-format";

const FIXTURES = path.join(__dirname, "fixtures", "k6");
const fixture = (file: string): string => fs.readFileSync(path.join(FIXTURES, file), "utf8");
/** A deep copy of a recorded document, to mutate. */
const doc = (file: string): SummaryDocument => JSON.parse(fixture(file)) as SummaryDocument;
const text = (d: unknown): string => JSON.stringify(d) + "\n";
const parse = (d: unknown): K6Summary => parseK6Summary(text(d));
const result = (d: SummaryDocument, generatorCpu?: GeneratorCpu) =>
  toScenarioResult(parse(d), { scenario: d.scenario, ...(generatorCpu ? { generatorCpu } : {}) });

const metric = (d: SummaryDocument, name: string): SummaryMetric => {
  const m = d.metrics[name];
  assert.ok(m, `fixture lacks ${name}`);
  return m;
};

void describe("parseK6Summary on recorded runs", () => {
  for (const scenario of SCENARIO_NAMES) {
    void it(`maps ${scenario}.stdout.txt onto a ScenarioResult`, () => {
      const raw = doc(`${scenario}.stdout.txt`);
      const r = toScenarioResult(parseK6Summary(fixture(`${scenario}.stdout.txt`)), { scenario });
      const d = metric(raw, "http_req_duration").values;
      assert.equal(r.scenario, scenario);
      assert.equal(r.requests, metric(raw, "http_reqs").values["count"]);
      assert.ok(r.requests > 0);
      assert.equal(r.errorRate, metric(raw, "http_req_failed").values["rate"]);
      assert.equal(r.errorRate, 0);
      assert.equal(r.checksPassRate, 1);
      assert.equal(r.latencyMs.p95, Math.round((d["p(95)"] ?? NaN) * 1000) / 1000);
      assert.equal(r.latencyMs.p50, Math.round((d["med"] ?? NaN) * 1000) / 1000);
      assert.ok(r.latencyMs.p99 >= r.latencyMs.p95 && r.latencyMs.p95 >= r.latencyMs.p50 && r.latencyMs.p50 > 0);
      assert.equal(r.testDurationSeconds, Math.round(raw.state.testRunDurationMs) / 1000);
      assert.ok(r.maxVus >= 1);
      assert.ok(r.thresholds.length >= 2);
      assert.ok(r.thresholds.every((t) => !["max>=0", "rate>=0", "count>=0"].includes(t.expression)), "tracking thresholds left out");
    });
  }

  void it("gives the closed-model load its declared thresholds, sorted", () => {
    const r = result(doc("load.stdout.txt"));
    assert.equal(r.model, "closed");
    assert.deepEqual(r.thresholds, [
      { metric: "checks", expression: "rate>0.99", ok: true },
      { metric: "http_req_duration", expression: "p(95)<500", ok: true },
      { metric: "http_req_failed", expression: "rate<0.01", ok: true },
    ]);
    assert.equal(r.thresholdsOk, true);
    assert.equal(r.generatorSaturated, false);
    assert.equal(r.generatorSaturationReason, undefined);
    assert.equal(r.series, undefined);
    assert.equal(r.knee, undefined);
  });

  void it("reads one series per n for compute-scaling", () => {
    const raw = doc("compute-scaling.stdout.txt");
    const r = result(raw);
    assert.deepEqual(r.series?.map((s) => s.tag), ["1000", "5000", "10000", "50000", "100000", "500000"]);
    for (const s of r.series ?? []) {
      const m = metric(raw, `http_req_duration{n:${s.tag}}`).values;
      assert.equal(s.requests, m["count"]);
      assert.equal(s.latencyMs.max, Math.round((m["max"] ?? NaN) * 1000) / 1000);
      assert.equal(s.errorRate, 0);
    }
    assert.ok(r.thresholds.some((t) => t.metric === "http_req_failed{n:500000}" && t.expression === "rate<0.01"));
  });

  void it("reads the capacity knee and one series per swept rate", () => {
    const r = result(doc("capacity.stdout.txt"));
    assert.equal(r.model, "open");
    assert.deepEqual(r.knee, { rps: 20, latencyThresholdMs: 100, maxAttemptedRps: 20 });
    assert.deepEqual(r.series?.map((s) => [s.tag, s.errorRate, s.droppedIterations]), [
      ["5", 0, 0],
      ["10", 0, 0],
      ["20", 0, 0],
    ]);
    assert.deepEqual(
      r.thresholds.map((t) => `${t.metric}: ${t.expression}`),
      ["checks: rate>0.99", "dropped_iterations: count==0", "http_req_failed: rate==0"],
    );
  });

  void it("records a run against a failing endpoint as a threshold miss with its error rate", () => {
    const r = result(doc("latency-errors.stdout.txt"));
    assert.equal(r.errorRate, 1);
    assert.equal(r.checksPassRate, 0);
    assert.equal(r.thresholdsOk, false);
    assert.deepEqual(
      r.thresholds.filter((t) => !t.ok).map((t) => `${t.metric}: ${t.expression}`),
      ["checks: rate>0.99", "http_req_failed: rate<0.01"],
    );
  });

  void it("records a capacity sweep aborted by errors: knee 0, no step beyond the first attempted", () => {
    const r = result(doc("capacity-errors.stdout.txt"));
    assert.equal(r.errorRate, 1);
    assert.equal(r.thresholdsOk, false);
    assert.equal(r.knee?.rps, 0);
    assert.ok((r.knee?.maxAttemptedRps ?? Infinity) <= 5, "the abort came before the 10 req/s step");
    assert.deepEqual(r.series?.map((s) => s.tag), ["5", "10", "20"]);
    assert.deepEqual(r.series?.slice(1).map((s) => s.requests), [0, 0]);
  });

  void it("finds the one JSON line in a merged pod log (banner, progress, logfmt, text summary)", () => {
    const log = fixture("load.pod-log.txt");
    assert.ok(log.includes("Grafana") && log.includes("running ("), "fixture is a real merged log");
    const fromLog = parseK6Summary(log);
    assert.equal(fromLog.scenario, "load");
    assert.deepEqual(Object.keys(fromLog.metrics).sort(), Object.keys(parse(doc("load.stdout.txt")).metrics).sort());
  });

  void it("finds the document behind logfmt lines and a progress line without newline", () => {
    const line = fixture("latency.stdout.txt").trim();
    const log = [
      'time="2026-11-23T11:18:00Z" level=warn msg="Insufficient VUs, reached 10 active VUs"',
      `running (2.0s), 0/10 VUs, 20 complete and 0 interrupted iterations${line}`,
      'time="2026-11-23T11:18:10Z" level=error msg="thresholds on metrics \'http_req_duration\' have been crossed"',
    ].join("\n");
    assert.equal(parseK6Summary(log).scenario, "latency");
  });

  void it("accepts a pretty-printed document", () => {
    assert.equal(parseK6Summary(JSON.stringify(doc("soak.stdout.txt"), null, 2)).scenario, "soak");
  });
});

void describe("parseK6Summary rejects broken input", () => {
  void it("throws when the document is truncated", () => {
    assert.throws(() => parseK6Summary(fixture("load.truncated.txt")), /^Error: k6 summary: JSON document is truncated or malformed \(\d+ characters, .+\)$/);
  });

  void it("throws when metrics.http_req_duration is missing (recorded fixture)", () => {
    assert.throws(() => parseK6Summary(fixture("load.malformed.txt")), { message: "k6 summary: metrics.http_req_duration missing" });
  });

  void it("throws on empty input", () => {
    assert.throws(() => parseK6Summary(" \n"), { message: "k6 summary: input is empty (no JSON document)" });
  });

  void it("throws when no line holds a document", () => {
    assert.throws(() => parseK6Summary('time="x" level=error msg="GoError: boom"\nrunning (1.0s)\n'), {
      message: 'k6 summary: no JSON document found (expected one line starting with "{" on stdout)',
    });
  });

  void it("throws when two documents are present", () => {
    const line = fixture("load.stdout.txt").trim();
    assert.throws(() => parseK6Summary(`banner\n${line}\n${line}\n`), { message: "k6 summary: found 2 JSON documents, expected exactly one" });
  });

  void it("throws naming every missing piece at once", () => {
    const d = doc("load.stdout.txt") as unknown as Record<string, unknown>;
    const metrics = d["metrics"] as Record<string, unknown>;
    delete metrics["http_reqs"];
    delete metrics["http_req_failed"];
    delete d["state"];
    assert.throws(() => parse(d), {
      message: "k6 summary: state.testRunDurationMs missing; metrics.http_reqs missing; metrics.http_req_failed missing",
    });
  });

  void it("throws when p(99) is not in summaryTrendStats", () => {
    const d = doc("load.stdout.txt");
    delete metric(d, "http_req_duration").values["p(99)"];
    assert.throws(() => parse(d), {
      message: 'k6 summary: metrics.http_req_duration.values["p(99)"] missing (add "p(99)" to summaryTrendStats)',
    });
  });

  void it("throws when a per-n series of compute-scaling is missing", () => {
    const d = doc("compute-scaling.stdout.txt");
    delete d.metrics["http_req_duration{n:500000}"];
    assert.throws(() => parse(d), { message: 'k6 summary: metrics["http_req_duration{n:500000}"] missing' });
  });

  void it("throws when a sweep step's dropped_iterations is missing", () => {
    const d = doc("capacity.stdout.txt");
    delete d.metrics["dropped_iterations{scenario:capacity_10rps}"];
    assert.throws(() => parse(d), { message: 'k6 summary: metrics["dropped_iterations{scenario:capacity_10rps}"] missing' });
  });

  void it("rejects k6's own JSON summary (no format marker)", () => {
    const d = doc("load.stdout.txt") as unknown as Record<string, unknown>;
    delete d["format"];
    assert.throws(() => parse(d), {
      message: 'k6 summary: format missing (expected "k8s-bench/k6-summary@1": was the script\'s handleSummary used?)',
    });
  });

  void it("rejects another format version", () => {
    const d = { ...doc("load.stdout.txt"), format: "k8s-bench/k6-summary@2" };
    assert.throws(() => parse(d), { message: 'k6 summary: format "k8s-bench/k6-summary@2" is not "k8s-bench/k6-summary@1"' });
  });

  void it("rejects a metric without numeric values", () => {
    const d = doc("load.stdout.txt") as unknown as { metrics: Record<string, unknown> };
    d.metrics["vus"] = { type: "gauge", values: { value: "many" } };
    assert.throws(() => parse(d), { message: "k6 summary: metrics.vus is not a k6 metric (type and numeric values)" });
  });
});

void describe("toScenarioResult", () => {
  void it("throws when the summary belongs to another scenario", () => {
    assert.throws(() => toScenarioResult(parseK6Summary(fixture("load.stdout.txt")), { scenario: "spike" }), {
      message: 'k6 summary: scenario "load" does not match the expected "spike"',
    });
  });

  void it("throws on a scenario the catalog does not know", () => {
    assert.throws(() => toScenarioResult(parseK6Summary(fixture("load.stdout.txt")), { scenario: "lod" }), {
      message: 'k6 summary: unknown scenario "lod" (known: load, spike, soak, payload, compute-scaling, capacity, latency)',
    });
  });

  void it("falls back to the plan's peak VUs when the run was too short for vus_max to be sampled", () => {
    const d = doc("compute-scaling.stdout.txt");
    d.metrics["vus_max"] = { type: "gauge", values: { value: 0, min: 0, max: 0 } };
    assert.equal(result(d).maxVus, 1);
    delete d.metrics["vus_max"];
    assert.equal(result(d).maxVus, 1);
  });

  void it("takes checksPassRate from the check list when the checks metric is absent, 1 when there are none", () => {
    const d = doc("load.stdout.txt");
    delete d.metrics["checks"];
    d.checks = [
      { name: "a", passes: 3, fails: 1 },
      { name: "b", passes: 4, fails: 0 },
    ];
    assert.equal(result(d).checksPassRate, 7 / 8);
    d.checks = [];
    assert.equal(result(d).checksPassRate, 1);
  });

  void it("reports a failed threshold as thresholdsOk false, not as an error", () => {
    const d = doc("load.stdout.txt");
    metric(d, "http_req_duration").thresholds = { "p(95)<500": { ok: false } };
    const r = result(d);
    assert.equal(r.thresholdsOk, false);
    assert.deepEqual(r.thresholds.find((t) => t.metric === "http_req_duration"), { metric: "http_req_duration", expression: "p(95)<500", ok: false });
  });
});

void describe("generator saturation", () => {
  const cpu = (usageSeconds: number, throttledSeconds: number): GeneratorCpu => ({ usageSeconds, throttledSeconds, limitCores: 2, wallSeconds: 100 });

  void it("flags dropped iterations in the fixed-rate latency scenario", () => {
    const d = doc("latency.stdout.txt");
    metric(d, "dropped_iterations").values["count"] = 3;
    const r = result(d);
    assert.equal(r.droppedIterations, 3);
    assert.equal(r.generatorSaturated, true);
    assert.equal(r.generatorSaturationReason, "3 dropped iterations in a fixed-rate scenario (k6 had no free VU when an iteration was due)");
  });

  void it("does not flag dropped iterations of the capacity sweep (its stop signal, not a generator limit)", () => {
    const d = doc("capacity.stdout.txt");
    d.metrics["dropped_iterations"] = { type: "counter", values: { count: 4, rate: 1 } };
    const r = result(d);
    assert.equal(r.droppedIterations, 4);
    assert.equal(r.generatorSaturated, false);
  });

  void it("flags a k6 pod at 90 % of its CPU limit, not at 89.9 %", () => {
    assert.deepEqual(generatorSaturationReasons("load", 0, cpu(180, 0)), ["k6 used 90.0 % of its CPU limit (2 cores), at or above 90.0 %"]);
    assert.deepEqual(generatorSaturationReasons("load", 0, cpu(179.8, 0)), []);
  });

  void it("flags throttling above 5 % of the wall time, not at 5 %", () => {
    assert.deepEqual(generatorSaturationReasons("load", 0, cpu(10, 5.1)), ["k6 was CPU-throttled for 5.1 % of the wall time, more than 5.0 %"]);
    assert.deepEqual(generatorSaturationReasons("load", 0, cpu(10, 5)), []);
  });

  void it("joins every reason that applies", () => {
    const d = doc("latency.stdout.txt");
    metric(d, "dropped_iterations").values["count"] = 1;
    const r = result(d, cpu(190, 20));
    assert.equal(r.generatorSaturated, true);
    assert.equal(
      r.generatorSaturationReason,
      "1 dropped iterations in a fixed-rate scenario (k6 had no free VU when an iteration was due); " +
        "k6 used 95.0 % of its CPU limit (2 cores), at or above 90.0 %; " +
        "k6 was CPU-throttled for 20.0 % of the wall time, more than 5.0 %",
    );
  });

  void it("leaves a calm generator unflagged", () => {
    const r = result(doc("load.stdout.txt"), cpu(40, 0.5));
    assert.equal(r.generatorSaturated, false);
    assert.equal("generatorSaturationReason" in r, false);
  });

  void it("rejects impossible CPU figures", () => {
    assert.throws(() => generatorSaturationReasons("load", 0, { usageSeconds: -1, throttledSeconds: 0, limitCores: 0, wallSeconds: 10 }), {
      message: "generatorCpu.usageSeconds must be a number >= 0 (got -1); generatorCpu.limitCores must be a number > 0 (got 0)",
    });
  });
});

void describe("capacity knee", () => {
  /** The recorded capacity document with four steps whose outcomes the test sets. */
  function sweep(steps: { rate: number; requests: number; p95: number; failed?: number; dropped?: number }[]): K6Summary {
    const d = doc("capacity.stdout.txt");
    const template = metric(d, "http_req_duration{scenario:capacity_5rps}");
    for (const key of Object.keys(d.metrics)) if (key.includes("{scenario:")) delete d.metrics[key];
    if (d.plan.executor.kind !== "sweep") throw new Error("fixture is not a sweep");
    d.plan.executor.steps = steps.map((s, i) => ({ name: `capacity_${s.rate}rps`, ratePerSecond: s.rate, startSeconds: i * 2, durationSeconds: 1, preAllocatedVus: 5, maxVus: 5 }));
    for (const s of steps) {
      const name = `capacity_${s.rate}rps`;
      d.metrics[`http_req_duration{scenario:${name}}`] = { ...template, values: { ...template.values, count: s.requests, "p(95)": s.p95 } };
      d.metrics[`http_req_failed{scenario:${name}}`] = { type: "rate", values: { rate: s.requests ? (s.failed ?? 0) / s.requests : 0, passes: s.failed ?? 0, fails: s.requests - (s.failed ?? 0) } };
      d.metrics[`dropped_iterations{scenario:${name}}`] = { type: "counter", values: { count: s.dropped ?? 0, rate: 0 } };
    }
    return parse(d);
  }

  void it("is the highest rate within the p95 threshold with no error and no drop", () => {
    const { knee } = capacityKnee(sweep([{ rate: 5, requests: 5, p95: 10 }, { rate: 10, requests: 10, p95: 99.9 }, { rate: 20, requests: 20, p95: 100 }, { rate: 40, requests: 40, p95: 100.1 }]));
    assert.deepEqual(knee, { rps: 20, latencyThresholdMs: 100, maxAttemptedRps: 40 });
  });

  void it("stops at the first failing step even when a higher one looks fine", () => {
    const { knee } = capacityKnee(sweep([{ rate: 5, requests: 5, p95: 10 }, { rate: 10, requests: 10, p95: 150 }, { rate: 20, requests: 20, p95: 50 }]));
    assert.equal(knee.rps, 5);
  });

  void it("does not count a step with one failed request or one dropped iteration", () => {
    assert.equal(capacityKnee(sweep([{ rate: 5, requests: 5, p95: 10 }, { rate: 10, requests: 10, p95: 10, failed: 1 }])).knee.rps, 5);
    assert.equal(capacityKnee(sweep([{ rate: 5, requests: 5, p95: 10 }, { rate: 10, requests: 9, p95: 10, dropped: 1 }])).knee.rps, 5);
  });

  void it("is 0 when the first step already fails, and maxAttemptedRps skips steps an abort never started", () => {
    const { knee, series } = capacityKnee(sweep([{ rate: 5, requests: 5, p95: 500 }, { rate: 10, requests: 0, p95: 0 }, { rate: 20, requests: 0, p95: 0 }]));
    assert.deepEqual(knee, { rps: 0, latencyThresholdMs: 100, maxAttemptedRps: 5 });
    assert.deepEqual(series.map((s) => s.requests), [5, 0, 0]);
  });

  void it("counts a step that only dropped iterations as attempted", () => {
    const { knee } = capacityKnee(sweep([{ rate: 5, requests: 5, p95: 10 }, { rate: 10, requests: 0, p95: 0, dropped: 10 }]));
    assert.deepEqual(knee, { rps: 5, latencyThresholdMs: 100, maxAttemptedRps: 10 });
  });

  void it("throws for a summary that is not a sweep", () => {
    assert.throws(() => capacityKnee(parseK6Summary(fixture("load.stdout.txt"))), { message: 'k6 summary: plan.executor.kind is "ramping-vus", not a capacity sweep' });
  });
});

// Every scenario has a recorded fixture (a new scenario needs `node --import tsx scripts/record-k6-fixtures.ts`).
void it("has a recorded fixture for every scenario", () => {
  const missing = SCENARIO_NAMES.filter((s: ScenarioName) => !fs.existsSync(path.join(FIXTURES, `${s}.stdout.txt`)));
  assert.deepEqual(missing, []);
});
