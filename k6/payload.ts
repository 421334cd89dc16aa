/**
 * Payload: 30 VUs fetch /payload?size=PAYLOAD_SIZE (default 1000, seed 000) and validate
 * item_count and the items: JSON serialisation throughput. Closed model; stages from ./profiles.ts.
 */
import { sleep } from "k6";
import { buildOptions, payload, planFor, summaryHandler, thinkSeconds } from "./common.ts";

const plan = planFor("payload");

export const options = buildOptions(plan);

export default function (): void {
  payload(plan.payloadSize);
  sleep(thinkSeconds(plan));
}

export const handleSummary = summaryHandler(plan);
