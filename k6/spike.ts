/**
 * Spike: 5→100 VUs in 5 s, hold (full: 1 min, seed 000), 80 % /compute, 20 % /health.
 * Closed model: each VU sends one request, then thinks; stages from ./profiles.ts.
 */
import exec from "k6/execution";
import { sleep } from "k6";
import { buildOptions, mixedIteration, planFor, summaryHandler, thinkSeconds } from "./common.ts";

const plan = planFor("spike");

export const options = buildOptions(plan);

export default function (): void {
  mixedIteration(plan, exec.scenario.iterationInTest);
  sleep(thinkSeconds(plan));
}

export const handleSummary = summaryHandler(plan);
