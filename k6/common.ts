/**
 * What every scenario script shares: env, options built from the profile table, requests with
 * body checks, and `handleSummary` (one JSON line on stdout, a human summary on stderr).
 *
 * k6 resolves imports as written, so sibling modules are imported with their `.ts` extension and
 * the folder stays flat (it is mounted from one ConfigMap).
 */
import http from "k6/http";
import { check } from "k6";
import type { Options, Scenario, Threshold } from "k6/options";
import { computeBodyOk, healthBodyOk, payloadBodyOk } from "./expect.ts";
import { profileFromEnv, resolvePlan, type Plan, type ScenarioId } from "./profiles.ts";
import {
  isTrackingThreshold,
  SUMMARY_FORMAT,
  TRACKING,
  TREND_STATS,
  type SummaryCheck,
  type SummaryDocument,
  type SummaryMetric,
} from "./summary-format.ts";

/** Base URL of the app, without trailing slash. @default "http://localhost:8080" */
export const TARGET_URL = (__ENV.TARGET_URL || "http://localhost:8080").replace(/\/+$/, "");
/** The app's name; checked against /health's `app` when given. */
export const APP = __ENV.APP || undefined;

/** Resolves the scenario's plan from PROFILE and the knobs; a bad knob stops k6 before it starts. */
export function planFor(scenario: ScenarioId): Plan {
  return resolvePlan(scenario, profileFromEnv(__ENV), __ENV);
}

const secs = (seconds: number): string => `${Math.round(seconds * 1000)}ms`;

/** k6 options from the plan: named scenarios, declared thresholds, p(99) in the summary. */
export function buildOptions(plan: Plan, exec = "default"): Options {
  const e = plan.executor;
  const scenarios: Record<string, Scenario> = {};
  const thresholds: Record<string, Threshold[]> = {
    checks: ["rate>0.99"],
  };
  switch (e.kind) {
    case "ramping-vus":
      scenarios[plan.scenario] = {
        executor: "ramping-vus",
        exec,
        startVUs: e.startVus,
        stages: e.stages.map((st) => ({ duration: secs(st.durationSeconds), target: st.target })),
        gracefulRampDown: secs(e.gracefulRampDownSeconds),
        gracefulStop: secs(e.gracefulStopSeconds),
      };
      thresholds["http_req_failed"] = ["rate<0.01"];
      break;
    case "per-vu-iterations":
      scenarios[plan.scenario] = {
        executor: "per-vu-iterations",
        exec,
        vus: e.vus,
        iterations: e.iterations,
        maxDuration: secs(e.maxDurationSeconds),
        gracefulStop: secs(e.gracefulStopSeconds),
      };
      thresholds["http_req_failed"] = ["rate<0.01"];
      for (const n of e.ns) {
        thresholds[`http_req_duration{n:${n}}`] = [TRACKING.trend];
        thresholds[`http_req_failed{n:${n}}`] = ["rate<0.01"];
      }
      break;
    case "constant-arrival-rate":
      scenarios[plan.scenario] = {
        executor: "constant-arrival-rate",
        exec,
        rate: e.ratePerSecond,
        timeUnit: "1s",
        duration: secs(e.durationSeconds),
        preAllocatedVUs: e.preAllocatedVus,
        maxVUs: e.maxVus,
        gracefulStop: secs(e.gracefulStopSeconds),
      };
      thresholds["http_req_failed"] = ["rate<0.01"];
      // At a fixed rate, a dropped iteration means the generator could not keep the schedule.
      thresholds["dropped_iterations"] = ["count==0"];
      break;
    case "sweep":
      for (const st of [...(e.warmup ? [e.warmup] : []), ...e.steps]) {
        scenarios[st.name] = {
          executor: "constant-arrival-rate",
          exec,
          rate: st.ratePerSecond,
          timeUnit: "1s",
          duration: secs(st.durationSeconds),
          startTime: secs(st.startSeconds),
          preAllocatedVUs: st.preAllocatedVus,
          maxVUs: st.maxVus,
          gracefulStop: secs(e.gracefulStopSeconds),
        };
        if (st === e.warmup) continue;
        thresholds[`http_req_duration{scenario:${st.name}}`] = [TRACKING.trend];
        thresholds[`http_req_failed{scenario:${st.name}}`] = [TRACKING.rate];
        thresholds[`dropped_iterations{scenario:${st.name}}`] = [TRACKING.counter];
      }
      // The sweep stops at the first error or dropped iteration: past that point the app is saturated.
      thresholds["http_req_failed"] = [{ threshold: "rate==0", abortOnFail: true }];
      thresholds["dropped_iterations"] = [{ threshold: "count==0", abortOnFail: true }];
      break;
  }
  if (plan.p95Ms !== null && e.kind !== "sweep") {
    thresholds["http_req_duration"] = [`p(95)<${plan.p95Ms}`];
  }
  return {
    scenarios,
    thresholds,
    summaryTrendStats: TREND_STATS,
    // Bodies are read only where a check validates them (responseType: "text" per request).
    discardResponseBodies: true,
    tags: { app: APP ?? "unknown", profile: plan.profile },
  };
}

/** GET /compute?n=N and check status and prime_count. */
export function compute(n: number, tags: Record<string, string> = {}): void {
  const res = http.get(`${TARGET_URL}/compute?n=${n}`, { responseType: "text", tags: { name: "compute", ...tags } });
  check(res, {
    "compute status 200": (r) => r.status === 200,
    "compute prime_count": (r) => computeBodyOk(r.body, n),
  });
}

/** GET /health and check status and body. */
export function health(): void {
  const res = http.get(`${TARGET_URL}/health`, { responseType: "text", tags: { name: "health" } });
  check(res, {
    "health status 200": (r) => r.status === 200,
    "health body": (r) => healthBodyOk(r.body, APP),
  });
}

/** GET /payload?size=S and check item_count and the items. */
export function payload(size: number): void {
  const res = http.get(`${TARGET_URL}/payload?size=${size}`, { responseType: "text", tags: { name: "payload" } });
  check(res, {
    "payload status 200": (r) => r.status === 200,
    "payload items": (r) => payloadBodyOk(r.body, size),
  });
}

// ---- summary --------------------------------------------------------------------------------

interface SummaryGroup {
  name: string;
  checks: SummaryCheck[];
  groups: SummaryGroup[];
}
/** The part of k6's handleSummary data this project reads. */
export interface SummaryData {
  state: { testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
  root_group: SummaryGroup;
}

function flattenChecks(group: SummaryGroup): SummaryCheck[] {
  return [
    ...group.checks.map((c) => ({ name: c.name, passes: c.passes, fails: c.fails })),
    ...group.groups.flatMap(flattenChecks),
  ];
}

const fmt = (v: number | undefined, digits = 2): string => (v === undefined ? "-" : v.toFixed(digits));

/** A short human summary (jslib's textSummary is a remote import, unavailable offline). */
export function textSummary(plan: Plan, data: SummaryData): string {
  const m = data.metrics;
  const d = m["http_req_duration"]?.values ?? {};
  const lines = [
    `k8s-bench ${plan.scenario} (app ${APP ?? "unknown"}, profile ${plan.profile}, target ${TARGET_URL})`,
    `  requests   ${m["http_reqs"]?.values["count"] ?? 0} (${fmt(m["http_reqs"]?.values["rate"])}/s), ` +
      `failed ${fmt((m["http_req_failed"]?.values["rate"] ?? 0) * 100)} %, ` +
      `dropped iterations ${m["dropped_iterations"]?.values["count"] ?? 0}, max VUs ${m["vus_max"]?.values["max"] ?? 0}`,
    `  latency ms avg ${fmt(d["avg"])}  p50 ${fmt(d["med"])}  p90 ${fmt(d["p(90)"])}  p95 ${fmt(d["p(95)"])}  p99 ${fmt(d["p(99)"])}  max ${fmt(d["max"])}`,
  ];
  for (const c of flattenChecks(data.root_group)) {
    lines.push(`  check ${c.fails === 0 ? "✓" : "✗"} ${c.name}: ${c.passes} passed, ${c.fails} failed`);
  }
  for (const [name, metric] of Object.entries(m)) {
    for (const [expr, t] of Object.entries(metric.thresholds ?? {})) {
      if (isTrackingThreshold(expr)) continue;
      lines.push(`  threshold ${t.ok ? "✓" : "✗"} ${name}: ${expr}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** handleSummary for a plan: one JSON line on stdout (read by components/k6-summary.ts), text on stderr. */
export function summaryHandler(plan: Plan): (data: SummaryData) => Record<string, string> {
  return (data) => {
    const doc: SummaryDocument = {
      format: SUMMARY_FORMAT,
      scenario: plan.scenario,
      app: APP ?? null,
      profile: plan.profile,
      targetUrl: TARGET_URL,
      plan,
      state: { testRunDurationMs: data.state.testRunDurationMs },
      checks: flattenChecks(data.root_group),
      metrics: data.metrics,
    };
    return { stdout: JSON.stringify(doc) + "\n", stderr: textSummary(plan, data) };
  };
}

/**
 * The closed-model iteration of load, spike and soak: 80 % /compute, 20 % /health (seed 000's
 * mix), deterministic so two runs send the same sequence: every fifth iteration probes /health.
 */
export function mixedIteration(plan: Plan, iterationInTest: number): void {
  if (iterationInTest % 5 === 4) health();
  else compute(plan.computeN);
}

/** Think time of a closed-model plan (0 for the open model, whose executor sets the pace). */
export function thinkSeconds(plan: Plan): number {
  return plan.executor.kind === "ramping-vus" ? plan.executor.sleepSeconds : 0;
}
