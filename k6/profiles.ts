/**
 * The profile table of every k6 scenario: the ONE copy of every duration, VU count and rate.
 *
 * Pure data and pure functions, no k6 imports: the k6 scripts (`./common.ts`) build their
 * `options` from {@link resolvePlan}, and the Pulumi program (`components/scenarios.ts`) derives
 * Job deadlines and k6 pod sizes from the same function. Change a number here and both follow.
 *
 * Profiles: `full` = seed 000's durations, `quick` = every scenario within 60 s (graceful stop
 * included), `smoke` = seconds, used only by the tests (`test/k6-real.test.ts`).
 *
 * Knobs (k6 `__ENV`, or the `env` map the Pulumi program passes to the Job):
 * `PROFILE`, `COMPUTE_N` (alias `PRIME_N`, seed 000's name), `PAYLOAD_SIZE`, `SLEEP_SECONDS`,
 * `P95_MS`, `LATENCY_RATE`, `CAPACITY_RATES` (comma list), `COMPUTE_NS` (comma list),
 * `ITERATIONS`. `TARGET_URL` and `APP` are read by the scripts, not here.
 * @see ./README.md for the scenarios and the capacity-knee method.
 */

export const PROFILE_NAMES = ["quick", "full", "smoke"] as const;
/** `smoke` is hidden: the tests use it, the stack config does not offer it. */
export type ProfileName = (typeof PROFILE_NAMES)[number];

export const SCENARIO_IDS = ["load", "spike", "soak", "payload", "compute-scaling", "capacity", "latency"] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** One step of a ramping-vus executor. */
export interface Stage {
  durationSeconds: number;
  target: number;
}

/** Closed model: VUs that each send a request, then sleep (ramping-vus executor). */
export interface ClosedPlan {
  kind: "ramping-vus";
  startVus: number;
  stages: Stage[];
  gracefulRampDownSeconds: number;
  gracefulStopSeconds: number;
  /** Think time after each iteration. */
  sleepSeconds: number;
}

/** Compute scaling: one VU, each iteration sends one request per n, in order (per-vu-iterations). */
export interface SequentialPlan {
  kind: "per-vu-iterations";
  vus: 1;
  iterations: number;
  maxDurationSeconds: number;
  gracefulStopSeconds: number;
  /** The n values; each n is its own tagged series (`n:<value>`). */
  ns: number[];
}

/** Open model at one fixed rate (constant-arrival-rate executor). */
export interface ArrivalPlan {
  kind: "constant-arrival-rate";
  ratePerSecond: number;
  durationSeconds: number;
  preAllocatedVus: number;
  maxVus: number;
  gracefulStopSeconds: number;
}

/** One step of the capacity sweep: its own constant-arrival-rate k6 scenario. */
export interface SweepStep {
  /** k6 scenario name, also the `scenario` tag of every sample of the step. */
  name: string;
  ratePerSecond: number;
  startSeconds: number;
  durationSeconds: number;
  preAllocatedVus: number;
  maxVus: number;
}

/** Open-model sweep: back-to-back constant-arrival-rate steps of rising rate. */
export interface SweepPlan {
  kind: "sweep";
  /**
   * Runs first, at the lowest rate, and is not judged: a cold app's first requests (imports,
   * connection pools, caches) would otherwise fail the first step and hide the knee.
   */
  warmup: SweepStep | null;
  steps: SweepStep[];
  gracefulStopSeconds: number;
}

export type ExecutorPlan = ClosedPlan | SequentialPlan | ArrivalPlan | SweepPlan;

/** Everything a script needs to build its options, resolved from profile + knobs. */
export interface Plan {
  scenario: ScenarioId;
  profile: ProfileName;
  executor: ExecutorPlan;
  /** n of /compute requests (load, spike, soak, capacity, latency). */
  computeN: number;
  /** size of /payload requests (payload). */
  payloadSize: number;
  /** p95 threshold of http_req_duration in ms; null when the scenario declares none. */
  p95Ms: number | null;
  /** Upper bound of the run in seconds, graceful stop included (k6 start-up excluded). */
  durationSeconds: number;
  /** Peak VUs k6 may run at once (preAllocated + on-demand for arrival-rate executors). */
  maxVus: number;
}

/** Seed 000: PRIME_N=50000 for the load scripts. */
export const DEFAULT_COMPUTE_N = 50000;
/** Seed 000: /payload?size=1000. */
export const DEFAULT_PAYLOAD_SIZE = 1000;
/** Seed 000's compute-scaling table: 1k to 500k. */
export const DEFAULT_COMPUTE_NS: readonly number[] = [1000, 5000, 10000, 50000, 100000, 500000];

// ---- the profile table --------------------------------------------------------------------

interface ClosedRow {
  startVus: number;
  stages: Stage[];
  gracefulSeconds: number;
  sleepSeconds: number;
}
interface SequentialRow {
  iterations: number;
  maxDurationSeconds: number;
  gracefulSeconds: number;
}
interface ArrivalRow {
  ratePerSecond: number;
  durationSeconds: number;
  gracefulSeconds: number;
}
interface SweepRow {
  ratesPerSecond: number[];
  stepSeconds: number;
  /** Unjudged warm-up at the lowest rate before the first step; 0 for none. */
  warmupSeconds: number;
  /** Also the pause between steps, so one step's stragglers never overlap the next. */
  gracefulSeconds: number;
}

interface ProfileRow {
  load: ClosedRow;
  spike: ClosedRow;
  soak: ClosedRow;
  payload: ClosedRow;
  "compute-scaling": SequentialRow;
  capacity: SweepRow;
  latency: ArrivalRow;
}

const s = (durationSeconds: number, target: number): Stage => ({ durationSeconds, target });

/**
 * Per profile and scenario: stages, durations, VUs, rates.
 * Seed 000 (full): load ramps 0→50 VUs over 5 min, spike 5→100 VUs in 5 s and holds 1 min,
 * soak holds 30 VUs for 10 min, payload runs 30 VUs. Think time 0.5 s: seed 000's scripts are
 * lost; 100 VUs then offer ~200 req/s, the order of the seed's 228 req/s.
 */
export const PROFILES: Readonly<Record<ProfileName, ProfileRow>> = {
  full: {
    load: { startVus: 0, stages: [s(120, 50), s(150, 50), s(30, 0)], gracefulSeconds: 10, sleepSeconds: 0.5 },
    spike: { startVus: 5, stages: [s(10, 5), s(5, 100), s(60, 100), s(10, 0)], gracefulSeconds: 10, sleepSeconds: 0.5 },
    soak: { startVus: 0, stages: [s(30, 30), s(540, 30), s(30, 0)], gracefulSeconds: 10, sleepSeconds: 0.5 },
    payload: { startVus: 0, stages: [s(10, 30), s(100, 30), s(10, 0)], gracefulSeconds: 10, sleepSeconds: 0.5 },
    "compute-scaling": { iterations: 30, maxDurationSeconds: 300, gracefulSeconds: 10 },
    capacity: { ratesPerSecond: [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560], stepSeconds: 30, warmupSeconds: 10, gracefulSeconds: 5 },
    latency: { ratePerSecond: 50, durationSeconds: 300, gracefulSeconds: 10 },
  },
  quick: {
    load: { startVus: 0, stages: [s(15, 50), s(30, 50), s(5, 0)], gracefulSeconds: 2, sleepSeconds: 0.5 },
    spike: { startVus: 5, stages: [s(5, 5), s(5, 100), s(30, 100), s(5, 0)], gracefulSeconds: 2, sleepSeconds: 0.5 },
    soak: { startVus: 0, stages: [s(5, 30), s(40, 30), s(5, 0)], gracefulSeconds: 2, sleepSeconds: 0.5 },
    payload: { startVus: 0, stages: [s(5, 30), s(40, 30), s(5, 0)], gracefulSeconds: 2, sleepSeconds: 0.5 },
    "compute-scaling": { iterations: 5, maxDurationSeconds: 50, gracefulSeconds: 5 },
    capacity: { ratesPerSecond: [5, 10, 20, 40, 80, 160, 320, 640], stepSeconds: 5, warmupSeconds: 3, gracefulSeconds: 1 },
    latency: { ratePerSecond: 50, durationSeconds: 45, gracefulSeconds: 5 },
  },
  smoke: {
    load: { startVus: 0, stages: [s(1, 4), s(2, 4), s(1, 0)], gracefulSeconds: 1, sleepSeconds: 0.1 },
    spike: { startVus: 2, stages: [s(1, 2), s(1, 8), s(1, 8), s(1, 0)], gracefulSeconds: 1, sleepSeconds: 0.1 },
    soak: { startVus: 0, stages: [s(1, 3), s(2, 3)], gracefulSeconds: 1, sleepSeconds: 0.1 },
    payload: { startVus: 0, stages: [s(1, 3), s(2, 3)], gracefulSeconds: 1, sleepSeconds: 0.1 },
    "compute-scaling": { iterations: 1, maxDurationSeconds: 8, gracefulSeconds: 1 },
    capacity: { ratesPerSecond: [5, 10, 20], stepSeconds: 1, warmupSeconds: 1, gracefulSeconds: 1 },
    latency: { ratePerSecond: 10, durationSeconds: 2, gracefulSeconds: 1 },
  },
};

/** Default p95 thresholds (ms) per scenario; null = no latency threshold (compute-scaling spans 1k..500k). */
export const DEFAULT_P95_MS: Readonly<Record<ScenarioId, number | null>> = {
  load: 500,
  spike: 500,
  soak: 500,
  payload: 500,
  "compute-scaling": null,
  capacity: 100,
  latency: 100,
};

/**
 * VUs an arrival-rate executor needs: in-flight requests = rate × latency (Little's law), for a
 * latency budget. All of them are pre-allocated (preAllocatedVUs = maxVUs): a VU initialised in
 * the middle of a step costs the generator CPU and drops iterations that the app did not cause.
 */
export function arrivalVus(ratePerSecond: number, latencyBudgetMs: number): { preAllocatedVus: number; maxVus: number } {
  const vus = Math.max(5, Math.ceil((ratePerSecond * latencyBudgetMs) / 1000));
  return { preAllocatedVus: vus, maxVus: vus };
}

/** Env knobs as k6 (`__ENV`) or the Pulumi program hands them over. */
export type Env = Readonly<Record<string, string | undefined>>;

function intKnob(env: Env, key: string, min: number, errors: string[]): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw === "") return undefined;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    errors.push(`${key} (${JSON.stringify(raw)}) must be an integer >= ${min}`);
    return undefined;
  }
  return Number(raw);
}

function numberKnob(env: Env, key: string, errors: string[]): number | undefined {
  const raw = env[key];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(raw) || !Number.isFinite(value)) {
    errors.push(`${key} (${JSON.stringify(raw)}) must be a non-negative number`);
    return undefined;
  }
  return value;
}

function listKnob(env: Env, key: string, errors: string[]): number[] | undefined {
  const raw = env[key];
  if (raw === undefined || raw === "") return undefined;
  const parts = raw.split(",").map((p) => p.trim());
  if (!parts.every((p) => /^[0-9]+$/.test(p) && Number(p) >= 1)) {
    errors.push(`${key} (${JSON.stringify(raw)}) must be a comma-separated list of positive integers`);
    return undefined;
  }
  const values = parts.map(Number);
  if (values.some((v, i) => i > 0 && v <= (values[i - 1] ?? 0))) {
    errors.push(`${key} (${JSON.stringify(raw)}) must be strictly increasing`);
    return undefined;
  }
  return values;
}

/** Reads PROFILE; throws on an unknown value. @default "quick" */
export function profileFromEnv(env: Env): ProfileName {
  const raw = env["PROFILE"];
  if (raw === undefined || raw === "") return "quick";
  if ((PROFILE_NAMES as readonly string[]).includes(raw)) return raw as ProfileName;
  throw new Error(`k6 env: PROFILE (${JSON.stringify(raw)}) must be one of ${PROFILE_NAMES.join(", ")}`);
}

function closedPlan(row: ClosedRow, sleepSeconds: number): ClosedPlan {
  return {
    kind: "ramping-vus",
    startVus: row.startVus,
    stages: row.stages,
    gracefulRampDownSeconds: row.gracefulSeconds,
    gracefulStopSeconds: row.gracefulSeconds,
    sleepSeconds,
  };
}

/** Upper bound of an executor's run, graceful stop included. */
export function executorSeconds(plan: ExecutorPlan): number {
  switch (plan.kind) {
    case "ramping-vus":
      return plan.stages.reduce((sum, st) => sum + st.durationSeconds, 0) + plan.gracefulRampDownSeconds + plan.gracefulStopSeconds;
    case "per-vu-iterations":
      return plan.maxDurationSeconds + plan.gracefulStopSeconds;
    case "constant-arrival-rate":
      return plan.durationSeconds + plan.gracefulStopSeconds;
    case "sweep": {
      const last = plan.steps[plan.steps.length - 1];
      return last === undefined ? 0 : last.startSeconds + last.durationSeconds + plan.gracefulStopSeconds;
    }
  }
}

/** Peak VUs of an executor. */
export function executorMaxVus(plan: ExecutorPlan): number {
  switch (plan.kind) {
    case "ramping-vus":
      return Math.max(plan.startVus, ...plan.stages.map((st) => st.target));
    case "per-vu-iterations":
      return plan.vus;
    case "constant-arrival-rate":
      return plan.maxVus;
    case "sweep":
      // Steps never overlap (each starts after the previous one's graceful stop), so k6 reuses VUs.
      return Math.max(plan.warmup?.maxVus ?? 0, ...plan.steps.map((st) => st.maxVus));
  }
}

/** The knobs an executor builder reads; undefined = the profile's value. */
interface Knobs {
  sleepSeconds: number | undefined;
  latencyRate: number | undefined;
  capacityRates: number[] | undefined;
  computeNs: number[] | undefined;
  iterations: number | undefined;
  p95Ms: number | null;
}

function sweepPlan(r: SweepRow, k: Knobs): SweepPlan {
  const rates = k.capacityRates ?? r.ratesPerSecond;
  // Twice the threshold: a step drops iterations only once p95 is far past it.
  const vus = (rate: number) => arrivalVus(rate, 2 * (k.p95Ms ?? 100));
  const first = rates[0] ?? 1;
  const warmup: SweepStep | null =
    r.warmupSeconds > 0 ? { name: "capacity_warmup", ratePerSecond: first, startSeconds: 0, durationSeconds: r.warmupSeconds, ...vus(first) } : null;
  const offset = warmup === null ? 0 : r.warmupSeconds + r.gracefulSeconds;
  return {
    kind: "sweep",
    gracefulStopSeconds: r.gracefulSeconds,
    warmup,
    steps: rates.map((rate, i) => ({
      name: `capacity_${rate}rps`,
      ratePerSecond: rate,
      startSeconds: offset + i * (r.stepSeconds + r.gracefulSeconds),
      durationSeconds: r.stepSeconds,
      ...vus(rate),
    })),
  };
}

/** How each scenario turns its profile row and the knobs into an executor plan. */
const EXECUTORS: { [S in ScenarioId]: (row: ProfileRow, k: Knobs) => ExecutorPlan } = {
  load: (row, k) => closedPlan(row.load, k.sleepSeconds ?? row.load.sleepSeconds),
  spike: (row, k) => closedPlan(row.spike, k.sleepSeconds ?? row.spike.sleepSeconds),
  soak: (row, k) => closedPlan(row.soak, k.sleepSeconds ?? row.soak.sleepSeconds),
  payload: (row, k) => closedPlan(row.payload, k.sleepSeconds ?? row.payload.sleepSeconds),
  "compute-scaling": (row, k) => ({
    kind: "per-vu-iterations",
    vus: 1,
    iterations: k.iterations ?? row["compute-scaling"].iterations,
    maxDurationSeconds: row["compute-scaling"].maxDurationSeconds,
    gracefulStopSeconds: row["compute-scaling"].gracefulSeconds,
    ns: k.computeNs ?? [...DEFAULT_COMPUTE_NS],
  }),
  capacity: (row, k) => sweepPlan(row.capacity, k),
  latency: (row, k) => {
    const rate = k.latencyRate ?? row.latency.ratePerSecond;
    return {
      kind: "constant-arrival-rate",
      ratePerSecond: rate,
      durationSeconds: row.latency.durationSeconds,
      // A full second of latency per VU: only a generator that cannot keep up drops iterations.
      ...arrivalVus(rate, 1000),
      gracefulStopSeconds: row.latency.gracefulSeconds,
    };
  },
};

/**
 * Resolves one scenario's plan from the profile table and the env knobs.
 * Pure; collects every bad knob and throws once: `k6 env: LATENCY_RATE ("x") must be an integer >= 1`.
 */
export function resolvePlan(scenario: ScenarioId, profile: ProfileName, env: Env = {}): Plan {
  const errors: string[] = [];
  // COMPUTE_N may be 0 or 1: the app answers 400, which is how the tests provoke failures.
  const computeN = intKnob(env, "COMPUTE_N", 0, errors) ?? intKnob(env, "PRIME_N", 0, errors) ?? DEFAULT_COMPUTE_N;
  const payloadSize = intKnob(env, "PAYLOAD_SIZE", 0, errors) ?? DEFAULT_PAYLOAD_SIZE;
  const p95Override = intKnob(env, "P95_MS", 1, errors);
  const knobs: Knobs = {
    sleepSeconds: numberKnob(env, "SLEEP_SECONDS", errors),
    latencyRate: intKnob(env, "LATENCY_RATE", 1, errors),
    capacityRates: listKnob(env, "CAPACITY_RATES", errors),
    computeNs: listKnob(env, "COMPUTE_NS", errors),
    iterations: intKnob(env, "ITERATIONS", 1, errors),
    p95Ms: null,
  };
  if (errors.length > 0) throw new Error(errors.map((e) => `k6 env: ${e}`).join("\n"));
  const defaultP95 = DEFAULT_P95_MS[scenario];
  knobs.p95Ms = defaultP95 === null ? null : (p95Override ?? defaultP95);
  const executor = EXECUTORS[scenario](PROFILES[profile], knobs);
  return {
    scenario,
    profile,
    executor,
    computeN,
    payloadSize,
    p95Ms: knobs.p95Ms,
    durationSeconds: executorSeconds(executor),
    maxVus: executorMaxVus(executor),
  };
}
