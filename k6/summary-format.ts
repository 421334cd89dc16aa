/**
 * The machine-readable document `handleSummary` prints as one line on stdout: its shape, shared by
 * the producer (./common.ts, in k6) and the consumer (components/k6-summary.ts, in Node).
 * No runtime imports, so both sides can load it.
 */
import type { Plan } from "./profiles.ts";

/** Marks the document so the parser can tell it from any other line of a pod log. */
export const SUMMARY_FORMAT = "k8s-bench/k6-summary@1";

/**
 * Thresholds that can never fail. k6 puts a sub-metric (`http_req_duration{n:1000}`) into the
 * summary only when a threshold names it; these expressions do that and nothing else, and are
 * left out of the verdicts.
 */
export const TRACKING = { trend: "max>=0", rate: "rate>=0", counter: "count>=0" } as const;

/** True for the expressions of {@link TRACKING}. */
export function isTrackingThreshold(expression: string): boolean {
  return expression === TRACKING.trend || expression === TRACKING.rate || expression === TRACKING.counter;
}

/** k6's summary trend columns for this project; p(99) is not among k6's defaults. */
export const TREND_STATS = ["avg", "min", "med", "p(90)", "p(95)", "p(99)", "max", "count"];

/** One metric as k6 hands it to handleSummary (legacy summary data, k6 1.x). */
export interface SummaryMetric {
  type: "counter" | "gauge" | "rate" | "trend";
  contains?: string;
  /**
   * counter: count, rate; gauge: value, min, max; trend: the TREND_STATS;
   * rate: rate, passes (samples that were true: for http_req_failed, the failed requests), fails.
   */
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

/** A check with its totals, flattened from k6's group tree. */
export interface SummaryCheck {
  name: string;
  passes: number;
  fails: number;
}

/** The document, exactly as printed. */
export interface SummaryDocument {
  format: typeof SUMMARY_FORMAT;
  scenario: string;
  /** APP as given to k6; null when not given. */
  app: string | null;
  profile: string;
  targetUrl: string;
  /** The resolved plan the run used (durations, rates, the n values, the sweep's steps). */
  plan: Plan;
  state: { testRunDurationMs: number };
  checks: SummaryCheck[];
  /** Every metric k6 reported, sub-metrics under names like `http_req_duration{n:1000}`. */
  metrics: Record<string, SummaryMetric>;
}
