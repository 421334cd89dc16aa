/**
 * Latency: open model, constant-arrival-rate at LATENCY_RATE iterations/s against
 * /compute?n=COMPUTE_N. The schedule does not wait for slow responses (no coordinated
 * omission); an iteration that finds no free VU is counted in dropped_iterations, which at a
 * fixed rate means the generator, not the app, set the pace.
 */
import { buildOptions, compute, planFor, summaryHandler } from "./common.ts";

const plan = planFor("latency");

export const options = buildOptions(plan);

export default function (): void {
  compute(plan.computeN);
}

export const handleSummary = summaryHandler(plan);
