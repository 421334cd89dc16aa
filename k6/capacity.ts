/**
 * Capacity: open-model sweep of rising arrival rates (CAPACITY_RATES) against
 * /compute?n=COMPUTE_N, until errors or dropped iterations appear.
 *
 * Each rate is its own constant-arrival-rate k6 scenario (`capacity_<rate>rps`), started after
 * the previous one's graceful stop, so every sample, dropped_iterations included, carries the
 * step's `scenario` tag. The parser reads the per-step sub-metrics and reports the knee: the
 * highest rate that, like every rate below it, kept p95 within P95_MS with no error and no
 * dropped iteration. See ./README.md.
 */
import { buildOptions, compute, planFor, summaryHandler } from "./common.ts";

const plan = planFor("capacity");

export const options = buildOptions(plan);

export default function (): void {
  compute(plan.computeN);
}

export const handleSummary = summaryHandler(plan);
