/**
 * Compute scaling: one VU sends sequential single requests at n = 1k, 5k, 10k, 50k, 100k, 500k
 * (COMPUTE_NS), ITERATIONS times. Every request is tagged `n:<value>`, so each n is its own
 * series (`http_req_duration{n:500000}`) in the summary; prime_count is checked for every n.
 */
import { buildOptions, compute, planFor, summaryHandler } from "./common.ts";

const plan = planFor("compute-scaling");
const ns = plan.executor.kind === "per-vu-iterations" ? plan.executor.ns : [];

export const options = buildOptions(plan);

export default function (): void {
  for (const n of ns) compute(n, { n: String(n) });
}

export const handleSummary = summaryHandler(plan);
