/**
 * The k6 scenario catalog: which scripts exist, how each loads the app, how long each runs and how
 * many VUs it needs. Every duration, VU count and rate is derived from `k6/profiles.ts`, the same
 * module the k6 scripts build their options from, so the Job deadline and the k6 pod size cannot
 * drift from what k6 actually runs.
 * @see ../k6/README.md for the scenarios, the knobs and the capacity-knee method.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { resolvePlan, SCENARIO_IDS, type Plan, type ProfileName, type ScenarioId } from "../k6/profiles";

/** Every scenario, in report order. */
export const SCENARIO_NAMES = SCENARIO_IDS;
export type ScenarioName = ScenarioId;

/** The profiles the stack config offers (`smoke` exists in k6/profiles.ts for the tests only). */
export const PROFILES = ["quick", "full"] as const;
export type Profile = (typeof PROFILES)[number];

/** The folder holding the k6 scripts; mounted flat into the k6 pod from one ConfigMap. */
export const K6_DIR = path.resolve(__dirname, "..", "k6");

/** Knob overrides passed to k6 as environment (`COMPUTE_N`, `LATENCY_RATE`, `TARGET_URL`, `APP`, ...). */
export type ScenarioEnv = Readonly<Record<string, string>>;

/** How one scenario loads the app and what it costs to run. */
export interface ScenarioSpec {
  /** File name of the script in k6/. */
  script: string;
  /** "open" (arrival-rate executors: the schedule ignores slow responses) or "closed" (VUs + think time). */
  model: "open" | "closed";
  /** One line for the README and the report. */
  description: string;
  /** True when the schedule is a fixed rate, so a dropped iteration means the generator was saturated. */
  fixedRate: boolean;
  /** The profiles that run this scenario when `k8s-bench:scenarios` is not set. */
  defaultFor: readonly Profile[];
  /** Upper bound of the run in seconds, graceful stop included (k6 start-up and summary not included). */
  durationSeconds(profile: Profile, overrides?: ScenarioEnv): number;
  /** Peak VUs (arrival-rate: preAllocatedVUs = maxVUs), to size the k6 pod. */
  maxVus(profile: Profile, overrides?: ScenarioEnv): number;
  /**
   * The k6 environment for a run: `PROFILE` plus the overrides (which win for every knob but
   * PROFILE). Validates the knobs the way the script will, so a bad value fails `pulumi up`
   * before a Job starts: `k6 env: LATENCY_RATE ("x") must be an integer >= 1`.
   */
  env(profile: Profile, overrides?: ScenarioEnv): Record<string, string>;
  /** The resolved plan (executor, durations, VUs, thresholds) for the profile and overrides. */
  plan(profile: Profile, overrides?: ScenarioEnv): Plan;
}

interface SpecData {
  model: "open" | "closed";
  description: string;
  fixedRate: boolean;
  defaultFor: readonly Profile[];
}

const BOTH: readonly Profile[] = ["quick", "full"];
const FULL: readonly Profile[] = ["full"];

const DATA: Record<ScenarioName, SpecData> = {
  load: {
    model: "closed",
    description: "Ramp 0→50 VUs, 80 % /compute?n=50000, 20 % /health (seed 000's load test)",
    fixedRate: false,
    defaultFor: BOTH,
  },
  spike: {
    model: "closed",
    description: "5→100 VUs in 5 s, then hold (seed 000's spike test)",
    fixedRate: false,
    defaultFor: FULL,
  },
  soak: {
    model: "closed",
    description: "30 VUs held for 10 min (full) to expose leaks and drift (seed 000's soak test)",
    fixedRate: false,
    defaultFor: FULL,
  },
  payload: {
    model: "closed",
    description: "30 VUs fetching /payload?size=1000: JSON serialisation throughput",
    fixedRate: false,
    defaultFor: FULL,
  },
  "compute-scaling": {
    model: "closed",
    description: "Sequential single requests at n = 1k…500k, one latency series per n",
    fixedRate: false,
    defaultFor: BOTH,
  },
  capacity: {
    model: "open",
    description: "Arrival-rate sweep until errors or dropped iterations; reports the knee (highest rate within the p95 threshold)",
    // Dropped iterations are the sweep's stop signal (the app fell behind), not a generator limit.
    fixedRate: false,
    defaultFor: BOTH,
  },
  latency: {
    model: "open",
    description: "Constant arrival rate (LATENCY_RATE/s): latency free of coordinated omission",
    fixedRate: true,
    defaultFor: FULL,
  },
};

/** Builds the `PROFILE` + overrides env map after validating it against the plan resolver. */
function envFor(scenario: ScenarioName, profile: Profile, overrides: ScenarioEnv = {}): Record<string, string> {
  const env = { ...overrides, PROFILE: profile };
  resolvePlan(scenario, profile, env);
  return env;
}

function spec(scenario: ScenarioName): ScenarioSpec {
  const planOf = (profile: Profile, overrides: ScenarioEnv = {}): Plan => resolvePlan(scenario, profile as ProfileName, overrides);
  return {
    script: `${scenario}.ts`,
    ...DATA[scenario],
    durationSeconds: (profile, overrides) => planOf(profile, overrides).durationSeconds,
    maxVus: (profile, overrides) => planOf(profile, overrides).maxVus,
    env: (profile, overrides) => envFor(scenario, profile, overrides),
    plan: planOf,
  };
}

/** Every scenario's spec, keyed by name. */
export const scenarioCatalog: Record<ScenarioName, ScenarioSpec> = Object.fromEntries(
  SCENARIO_NAMES.map((name) => [name, spec(name)]),
) as Record<ScenarioName, ScenarioSpec>;

/** The scenarios a profile runs by default, in catalog order. */
export function defaultScenarios(profile: Profile): ScenarioName[] {
  return SCENARIO_NAMES.filter((name) => scenarioCatalog[name].defaultFor.includes(profile));
}

/** ConfigMap keys: `[-._a-zA-Z0-9]+`. */
const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * Every file the k6 ConfigMap must hold (file name → content): the scenario scripts and the
 * modules they import, i.e. every `.ts` file in k6/. Throws when k6/ is not flat (a ConfigMap
 * volume has no folders), when a file name is not a valid ConfigMap key, or when a catalog
 * script is missing.
 */
export function k6ScriptFiles(dir: string = K6_DIR): Record<string, string> {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  const files: Record<string, string> = {};
  for (const entry of entries) {
    if (entry.isDirectory()) {
      throw new Error(`k6/${entry.name}/ is a folder: k6/ must stay flat, it is mounted from one ConfigMap`);
    }
    if (!entry.name.endsWith(".ts")) continue;
    if (!CONFIGMAP_KEY.test(entry.name)) {
      throw new Error(`k6/${entry.name}: file name is not a valid ConfigMap key ([-._a-zA-Z0-9]+)`);
    }
    files[entry.name] = fs.readFileSync(path.join(dir, entry.name), "utf8");
  }
  const missing = SCENARIO_NAMES.map((name) => scenarioCatalog[name].script).filter((script) => !(script in files));
  if (missing.length > 0) throw new Error(`k6/: scenario scripts missing: ${missing.join(", ")}`);
  return files;
}

/** One scenario resolved for a profile: what a benchmark Job needs (see components/benchmark-run.ts). */
export interface ResolvedScenario {
  name: ScenarioName;
  /** File name of the script in k6/. */
  script: string;
  model: "open" | "closed";
  fixedRate: boolean;
  /** Upper bound of the run, graceful stop included. */
  durationSeconds: number;
  /** Peak VUs, to size the k6 pod. */
  maxVus: number;
  /** The k6 environment besides TARGET_URL and APP (PROFILE and the overrides). */
  env: Record<string, string>;
}

/**
 * Resolves a scenario by name for a profile. Throws on a name the catalog does not know:
 * `unknown scenario "x" (known: load, spike, ...)`, and on a bad knob in `overrides`.
 */
export function resolveScenario(name: string, profile: Profile, overrides: ScenarioEnv = {}): ResolvedScenario {
  if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown scenario ${JSON.stringify(name)} (known: ${SCENARIO_NAMES.join(", ")})`);
  }
  const scenario = name as ScenarioName;
  const s = scenarioCatalog[scenario];
  const plan = s.plan(profile, overrides);
  return {
    name: scenario,
    script: s.script,
    model: s.model,
    fixedRate: s.fixedRate,
    durationSeconds: plan.durationSeconds,
    maxVus: plan.maxVus,
    env: s.env(profile, overrides),
  };
}
