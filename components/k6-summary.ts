/**
 * Parses what a k6 run of a `k6/` script prints and turns it into a {@link ScenarioResult}.
 *
 * The scripts' `handleSummary` prints one JSON line (`k6/summary-format.ts`) on stdout. The
 * parser accepts that stdout alone, or a merged pod log in which k6's banner and logfmt lines
 * (`time="..." level=error msg="thresholds ... crossed"`) surround the JSON line. Pure functions:
 * text in, typed values out, every failure an Error that names what is missing.
 */
import type { Plan, SweepStep } from "../k6/profiles";
import { isTrackingThreshold, SUMMARY_FORMAT, type SummaryCheck, type SummaryDocument, type SummaryMetric } from "../k6/summary-format";
import type { CapacityKnee, LatencyMs, ScenarioResult, SeriesResult, ThresholdVerdict } from "./results-schema";
import { SCENARIO_NAMES, scenarioCatalog, type ScenarioName } from "./scenarios";

/** The parsed, validated summary document: the printed one with `state` flattened. */
export type K6Summary = Omit<SummaryDocument, "state"> & { testRunDurationMs: number };

/** CPU the k6 pod used during the run, read from the cluster (cgroup or metrics). */
export interface GeneratorCpu {
  /** CPU seconds the k6 container consumed. */
  usageSeconds: number;
  /** Seconds the container was CPU-throttled (cgroup `throttled_usec`). */
  throttledSeconds: number;
  /** The container's CPU limit in cores. */
  limitCores: number;
  /** Wall-clock seconds of the run. */
  wallSeconds: number;
}

export interface ToScenarioResultContext {
  /**
   * The scenario the Job ran; must be a catalog name and match the summary's own `scenario`.
   * Typed `string` so callers holding config strings need no cast; checked at run time.
   */
  scenario: ScenarioName | (string & {});
  generatorCpu?: GeneratorCpu;
}

/** The generator counts as saturated at or above this fraction of its CPU limit. */
export const GENERATOR_CPU_SATURATION = 0.9;
/** ... or when throttled for more than this fraction of the wall time. */
export const GENERATOR_THROTTLE_SATURATION = 0.05;

const PREFIX = "k6 summary:";

/** The trend columns every latency series needs (`med` is p50). */
const LATENCY_STATS = ["avg", "med", "p(90)", "p(95)", "p(99)", "max"] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Finds the one summary document in `text`: the whole text as JSON (pure stdout, even
 * pretty-printed), else the single line that starts with `{` and parses to an object with a
 * `format` or `metrics` key.
 */
function locateDocument(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") throw new Error(`${PREFIX} input is empty (no JSON document)`);
  if (trimmed.startsWith("{")) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      // Not a pure document: a merged log whose first line happens to be JSON. Scan lines.
    }
  }
  const found: unknown[] = [];
  const broken: string[] = [];
  for (const line of trimmed.split(/\r?\n/)) {
    // A progress line without its newline may precede the document on the same log line.
    const marker = line.indexOf(`{"format":`);
    const candidate = (marker > 0 ? line.slice(marker) : line).trim();
    if (!candidate.startsWith("{")) continue;
    try {
      const parsed: unknown = JSON.parse(candidate);
      if (isObject(parsed) && ("format" in parsed || "metrics" in parsed)) found.push(parsed);
    } catch (err) {
      broken.push(`${candidate.length} characters, ${(err as Error).message}`);
    }
  }
  if (found.length > 1) throw new Error(`${PREFIX} found ${found.length} JSON documents, expected exactly one`);
  if (found.length === 1) return found[0];
  if (broken.length > 0) throw new Error(`${PREFIX} JSON document is truncated or malformed (${broken[0]})`);
  throw new Error(`${PREFIX} no JSON document found (expected one line starting with "{" on stdout)`);
}

const METRIC_TYPES = new Set(["counter", "gauge", "rate", "trend"]);

function validMetric(v: unknown): v is SummaryMetric {
  return (
    isObject(v) &&
    typeof v["type"] === "string" &&
    METRIC_TYPES.has(v["type"]) &&
    isObject(v["values"]) &&
    Object.values(v["values"]).every((x) => typeof x === "number")
  );
}

/** `metrics.http_reqs` for plain names, `metrics["http_req_duration{n:1000}"]` for sub-metrics. */
function metricPath(name: string): string {
  return /^[a-z_][a-z0-9_]*$/i.test(name) ? `metrics.${name}` : `metrics[${JSON.stringify(name)}]`;
}

function requireValues(metrics: Record<string, unknown>, name: string, stats: readonly string[], problems: string[]): void {
  const m = metrics[name];
  if (m === undefined) {
    problems.push(`${metricPath(name)} missing`);
    return;
  }
  if (!validMetric(m)) {
    problems.push(`${metricPath(name)} is not a k6 metric (type and numeric values)`);
    return;
  }
  for (const stat of stats) {
    if (m.values[stat] === undefined) {
      const hint = stat.startsWith("p(") ? ` (add "${stat}" to summaryTrendStats)` : "";
      problems.push(`${metricPath(name)}.values[${JSON.stringify(stat)}] missing${hint}`);
    }
  }
}

function validatePlan(plan: unknown, problems: string[]): void {
  if (!isObject(plan)) {
    problems.push("plan missing");
    return;
  }
  const executor = plan["executor"];
  if (!isObject(executor) || typeof executor["kind"] !== "string") {
    problems.push("plan.executor.kind missing");
    return;
  }
  if (typeof plan["maxVus"] !== "number") problems.push("plan.maxVus missing");
  if (plan["p95Ms"] !== null && typeof plan["p95Ms"] !== "number") problems.push("plan.p95Ms missing");
  if (executor["kind"] === "per-vu-iterations") {
    const ns = executor["ns"];
    if (!Array.isArray(ns) || !ns.every((n) => typeof n === "number")) problems.push("plan.executor.ns missing");
  }
  if (executor["kind"] === "sweep") {
    const steps = executor["steps"];
    if (!Array.isArray(steps) || !steps.every((st) => isObject(st) && typeof st["name"] === "string" && typeof st["ratePerSecond"] === "number")) {
      problems.push("plan.executor.steps missing");
    }
  }
}

/**
 * Validates a parsed document, collecting every problem: `k6 summary: metrics.http_req_duration missing`.
 * Sub-metrics the result needs (per n, per sweep step) are checked too.
 */
function validate(doc: unknown): K6Summary {
  if (!isObject(doc)) throw new Error(`${PREFIX} the JSON document is not an object`);
  const problems: string[] = [];
  if (doc["format"] !== SUMMARY_FORMAT) {
    problems.push(
      doc["format"] === undefined
        ? `format missing (expected "${SUMMARY_FORMAT}": was the script's handleSummary used?)`
        : `format ${JSON.stringify(doc["format"])} is not "${SUMMARY_FORMAT}"`,
    );
  }
  if (typeof doc["scenario"] !== "string") problems.push("scenario missing");
  if (typeof doc["profile"] !== "string") problems.push("profile missing");
  const state = doc["state"];
  if (!isObject(state) || typeof state["testRunDurationMs"] !== "number") problems.push("state.testRunDurationMs missing");
  const checks = doc["checks"];
  if (checks !== undefined && !(Array.isArray(checks) && checks.every((c) => isObject(c) && typeof c["name"] === "string" && typeof c["passes"] === "number" && typeof c["fails"] === "number"))) {
    problems.push("checks is not a list of {name, passes, fails}");
  }
  validatePlan(doc["plan"], problems);
  const metrics = doc["metrics"];
  if (!isObject(metrics)) {
    problems.push("metrics missing");
  } else {
    requireValues(metrics, "http_reqs", ["count", "rate"], problems);
    requireValues(metrics, "http_req_duration", LATENCY_STATS, problems);
    requireValues(metrics, "http_req_failed", ["rate"], problems);
    for (const [name, m] of Object.entries(metrics)) {
      if (!validMetric(m) && !problems.some((p) => p.startsWith(metricPath(name)))) {
        problems.push(`${metricPath(name)} is not a k6 metric (type and numeric values)`);
      }
    }
    const plan = doc["plan"];
    if (problems.length === 0 && isObject(plan)) {
      const executor = (plan as unknown as Plan).executor;
      if (executor.kind === "per-vu-iterations") {
        for (const n of executor.ns) requireValues(metrics, `http_req_duration{n:${n}}`, [...LATENCY_STATS, "count"], problems);
      }
      if (executor.kind === "sweep") {
        for (const st of executor.steps) {
          requireValues(metrics, `http_req_duration{scenario:${st.name}}`, [...LATENCY_STATS, "count"], problems);
          requireValues(metrics, `http_req_failed{scenario:${st.name}}`, ["rate", "passes"], problems);
          requireValues(metrics, `dropped_iterations{scenario:${st.name}}`, ["count"], problems);
        }
      }
    }
  }
  if (problems.length > 0) throw new Error(`${PREFIX} ${problems.join("; ")}`);
  return {
    format: SUMMARY_FORMAT,
    scenario: doc["scenario"] as string,
    app: typeof doc["app"] === "string" ? doc["app"] : null,
    profile: doc["profile"] as string,
    targetUrl: typeof doc["targetUrl"] === "string" ? doc["targetUrl"] : "",
    plan: doc["plan"] as unknown as Plan,
    testRunDurationMs: (state as { testRunDurationMs: number }).testRunDurationMs,
    checks: (checks as SummaryCheck[] | undefined) ?? [],
    metrics: metrics as Record<string, SummaryMetric>,
  };
}

/**
 * Finds and validates the single k6 summary document in `text` (the k6 pod's stdout, or its
 * merged log). Throws an Error naming what is missing or broken, for example
 * `k6 summary: metrics.http_req_duration missing` or
 * `k6 summary: JSON document is truncated or malformed (...)`.
 */
export function parseK6Summary(text: string): K6Summary {
  return validate(locateDocument(text));
}

// ---- to ScenarioResult ------------------------------------------------------------------------

function value(summary: K6Summary, name: string, stat: string): number {
  const v = summary.metrics[name]?.values[stat];
  if (v === undefined) throw new Error(`${PREFIX} ${metricPath(name)}.values[${JSON.stringify(stat)}] missing`);
  return v;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function latencyOf(summary: K6Summary, name: string): LatencyMs {
  return {
    avg: round3(value(summary, name, "avg")),
    p50: round3(value(summary, name, "med")),
    p90: round3(value(summary, name, "p(90)")),
    p95: round3(value(summary, name, "p(95)")),
    p99: round3(value(summary, name, "p(99)")),
    max: round3(value(summary, name, "max")),
  };
}

/** Declared thresholds and whether they held, sorted; tracking thresholds (`max>=0`, ...) left out. */
function verdicts(summary: K6Summary): ThresholdVerdict[] {
  const out: ThresholdVerdict[] = [];
  for (const [metric, m] of Object.entries(summary.metrics)) {
    for (const [expression, t] of Object.entries(m.thresholds ?? {})) {
      if (!isTrackingThreshold(expression)) out.push({ metric, expression, ok: t.ok === true });
    }
  }
  return out.sort((a, b) => a.metric.localeCompare(b.metric) || a.expression.localeCompare(b.expression));
}

function checksPassRate(summary: K6Summary): number {
  const rate = summary.metrics["checks"]?.values["rate"];
  if (rate !== undefined) return rate;
  const passes = summary.checks.reduce((s, c) => s + c.passes, 0);
  const total = passes + summary.checks.reduce((s, c) => s + c.fails, 0);
  return total === 0 ? 1 : passes / total;
}

/** One latency series per n of compute-scaling (tag = n). */
function computeSeries(summary: K6Summary, ns: number[]): SeriesResult[] {
  return ns.map((n) => {
    const name = `http_req_duration{n:${n}}`;
    const failed = summary.metrics[`http_req_failed{n:${n}}`]?.values["rate"];
    return {
      tag: String(n),
      requests: value(summary, name, "count"),
      latencyMs: latencyOf(summary, name),
      ...(failed === undefined ? {} : { errorRate: failed }),
    };
  });
}

interface StepOutcome {
  step: SweepStep;
  series: SeriesResult;
  attempted: boolean;
  served: boolean;
}

function sweepOutcomes(summary: K6Summary, steps: SweepStep[], thresholdMs: number): StepOutcome[] {
  return [...steps]
    .sort((a, b) => a.ratePerSecond - b.ratePerSecond)
    .map((step) => {
      const durName = `http_req_duration{scenario:${step.name}}`;
      const requests = value(summary, durName, "count");
      const failedRequests = value(summary, `http_req_failed{scenario:${step.name}}`, "passes");
      const dropped = value(summary, `dropped_iterations{scenario:${step.name}}`, "count");
      const latencyMs = latencyOf(summary, durName);
      return {
        step,
        series: {
          tag: String(step.ratePerSecond),
          requests,
          latencyMs,
          errorRate: requests === 0 ? 0 : failedRequests / requests,
          droppedIterations: dropped,
        },
        attempted: requests > 0 || dropped > 0,
        served: requests > 0 && failedRequests === 0 && dropped === 0 && latencyMs.p95 <= thresholdMs,
      };
    });
}

/**
 * The knee of a capacity sweep: the highest step rate that, like every step below it, had
 * requests, no failed request, no dropped iteration and p95 within the threshold. A step above
 * a failed one never counts (a noisy recovery is not capacity). 0 when the first step failed.
 */
export function capacityKnee(summary: K6Summary): { knee: CapacityKnee; series: SeriesResult[] } {
  const executor = summary.plan.executor;
  if (executor.kind !== "sweep") throw new Error(`${PREFIX} plan.executor.kind is "${executor.kind}", not a capacity sweep`);
  const thresholdMs = summary.plan.p95Ms;
  if (thresholdMs === null) throw new Error(`${PREFIX} plan.p95Ms missing (the knee needs a latency threshold)`);
  const outcomes = sweepOutcomes(summary, executor.steps, thresholdMs);
  let kneeRps = 0;
  for (const o of outcomes) {
    if (!o.served) break;
    kneeRps = o.step.ratePerSecond;
  }
  const attempted = outcomes.filter((o) => o.attempted);
  return {
    knee: {
      rps: kneeRps,
      latencyThresholdMs: thresholdMs,
      maxAttemptedRps: attempted.length === 0 ? 0 : Math.max(...attempted.map((o) => o.step.ratePerSecond)),
    },
    series: outcomes.map((o) => o.series),
  };
}

function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

function checkCpu(cpu: GeneratorCpu): void {
  const problems: string[] = [];
  for (const key of ["usageSeconds", "throttledSeconds"] as const) {
    if (!Number.isFinite(cpu[key]) || cpu[key] < 0) problems.push(`generatorCpu.${key} must be a number >= 0 (got ${cpu[key]})`);
  }
  for (const key of ["limitCores", "wallSeconds"] as const) {
    if (!Number.isFinite(cpu[key]) || cpu[key] <= 0) problems.push(`generatorCpu.${key} must be a number > 0 (got ${cpu[key]})`);
  }
  if (problems.length > 0) throw new Error(problems.join("; "));
}

const pct = (x: number): string => `${(Math.round(x * 1000) / 10).toFixed(1)} %`;

/**
 * Why the generator, not the app, may have set the pace; empty when nothing points that way.
 * Rules: dropped iterations in a fixed-rate scenario; CPU use ≥ 90 % of the k6 pod's limit;
 * CPU throttling for more than 5 % of the wall time.
 */
export function generatorSaturationReasons(scenario: ScenarioName, droppedIterations: number, cpu?: GeneratorCpu): string[] {
  const reasons: string[] = [];
  if (scenarioCatalog[scenario].fixedRate && droppedIterations > 0) {
    reasons.push(`${droppedIterations} dropped iterations in a fixed-rate scenario (k6 had no free VU when an iteration was due)`);
  }
  if (cpu !== undefined) {
    checkCpu(cpu);
    const used = cpu.usageSeconds / (cpu.limitCores * cpu.wallSeconds);
    if (used >= GENERATOR_CPU_SATURATION) {
      reasons.push(`k6 used ${pct(used)} of its CPU limit (${cpu.limitCores} cores), at or above ${pct(GENERATOR_CPU_SATURATION)}`);
    }
    const throttled = cpu.throttledSeconds / cpu.wallSeconds;
    if (throttled > GENERATOR_THROTTLE_SATURATION) {
      reasons.push(`k6 was CPU-throttled for ${pct(throttled)} of the wall time, more than ${pct(GENERATOR_THROTTLE_SATURATION)}`);
    }
  }
  return reasons;
}

/**
 * The typed result of one (app, scenario) run. Throws when the summary belongs to another
 * scenario than the context's, or lacks a metric the scenario's result needs.
 */
export function toScenarioResult(summary: K6Summary, ctx: ToScenarioResultContext): ScenarioResult {
  if (!isScenarioName(ctx.scenario)) {
    throw new Error(`${PREFIX} unknown scenario ${JSON.stringify(ctx.scenario)} (known: ${SCENARIO_NAMES.join(", ")})`);
  }
  if (summary.scenario !== ctx.scenario) {
    throw new Error(`${PREFIX} scenario ${JSON.stringify(summary.scenario)} does not match the expected ${JSON.stringify(ctx.scenario)}`);
  }
  const scenario = ctx.scenario;
  const spec = scenarioCatalog[scenario];
  const droppedIterations = summary.metrics["dropped_iterations"]?.values["count"] ?? 0;
  const thresholds = verdicts(summary);
  const reasons = generatorSaturationReasons(scenario, droppedIterations, ctx.generatorCpu);
  // vus_max is sampled once a second; a run shorter than that reports 0, so fall back to the plan.
  const observedVus = summary.metrics["vus_max"]?.values["max"] ?? 0;
  const result: ScenarioResult = {
    scenario,
    model: spec.model,
    requests: value(summary, "http_reqs", "count"),
    rps: round3(value(summary, "http_reqs", "rate")),
    errorRate: value(summary, "http_req_failed", "rate"),
    latencyMs: latencyOf(summary, "http_req_duration"),
    droppedIterations,
    checksPassRate: checksPassRate(summary),
    thresholdsOk: thresholds.every((t) => t.ok),
    thresholds,
    generatorSaturated: reasons.length > 0,
    ...(reasons.length > 0 ? { generatorSaturationReason: reasons.join("; ") } : {}),
    testDurationSeconds: round3(summary.testRunDurationMs / 1000),
    maxVus: observedVus > 0 ? observedVus : summary.plan.maxVus,
  };
  const executor = summary.plan.executor;
  if (executor.kind === "per-vu-iterations") result.series = computeSeries(summary, executor.ns);
  if (executor.kind === "sweep") {
    const { knee, series } = capacityKnee(summary);
    result.knee = knee;
    result.series = series;
  }
  return result;
}
