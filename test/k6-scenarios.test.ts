/**
 * The scenario catalog and the profile table it derives from (k6/profiles.ts), the body checks
 * (k6/expect.ts), the ConfigMap file set, and a strict type-check of the k6 scripts against
 * @types/k6 (k6/tsconfig.json; the root tsconfig excludes k6/ because k6's globals are not Node's).
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { computeBodyOk, expectedPrimeCount, healthBodyOk, payloadBodyOk } from "../k6/expect";
import { PROFILES as PROFILE_TABLE, resolvePlan, SCENARIO_IDS, type ProfileName } from "../k6/profiles";
import { defaultScenarios, K6_DIR, k6ScriptFiles, PROFILES, resolveScenario, SCENARIO_NAMES, scenarioCatalog } from "../components/scenarios";

const ALL_PROFILES: ProfileName[] = ["quick", "full", "smoke"];

void describe("profile table (k6/profiles.ts)", () => {
  void it("keeps every quick scenario within 60 s, graceful stop included", () => {
    const over = SCENARIO_NAMES.filter((s) => scenarioCatalog[s].durationSeconds("quick") > 60);
    assert.deepEqual(over, [], SCENARIO_NAMES.map((s) => `${s}=${scenarioCatalog[s].durationSeconds("quick")}s`).join(" "));
  });

  void it("keeps every smoke scenario within 10 s", () => {
    for (const s of SCENARIO_NAMES) assert.ok(resolvePlan(s, "smoke").durationSeconds <= 10, s);
  });

  void it("gives full seed 000's shapes: load 0→50 VUs in 5 min, spike 5→100 in 5 s held 1 min, soak 30 VUs 10 min, payload 30 VUs", () => {
    const full = PROFILE_TABLE.full;
    const total = (stages: { durationSeconds: number }[]): number => stages.reduce((s, st) => s + st.durationSeconds, 0);
    assert.equal(full.load.startVus, 0);
    assert.equal(total(full.load.stages), 300);
    assert.equal(Math.max(...full.load.stages.map((s) => s.target)), 50);
    assert.equal(full.spike.startVus, 5);
    assert.deepEqual(full.spike.stages.slice(1, 3), [{ durationSeconds: 5, target: 100 }, { durationSeconds: 60, target: 100 }]);
    assert.equal(total(full.soak.stages), 600);
    assert.equal(Math.max(...full.soak.stages.map((s) => s.target)), 30);
    assert.equal(Math.max(...full.payload.stages.map((s) => s.target)), 30);
    const load = resolvePlan("load", "full");
    assert.equal(load.computeN, 50000);
    assert.equal(resolvePlan("payload", "full").payloadSize, 1000);
    assert.deepEqual(resolvePlan("compute-scaling", "full").executor.kind === "per-vu-iterations" && resolvePlan("compute-scaling", "full").executor, {
      kind: "per-vu-iterations",
      vus: 1,
      iterations: 30,
      maxDurationSeconds: 300,
      gracefulStopSeconds: 10,
      ns: [1000, 5000, 10000, 50000, 100000, 500000],
    });
  });

  void it("derives durationSeconds from stages plus graceful ramp-down and stop", () => {
    assert.equal(scenarioCatalog.load.durationSeconds("full"), 300 + 10 + 10);
    assert.equal(scenarioCatalog.load.durationSeconds("quick"), 50 + 2 + 2);
    assert.equal(scenarioCatalog.latency.durationSeconds("full"), 300 + 10);
    assert.equal(scenarioCatalog["compute-scaling"].durationSeconds("quick"), 50 + 5);
    // A 3 s warm-up, then 8 steps of 5 s, each followed by a 1 s graceful stop before the next starts.
    assert.equal(scenarioCatalog.capacity.durationSeconds("quick"), 3 + 1 + 7 * 6 + 5 + 1);
  });

  void it("sizes arrival-rate VUs by Little's law, all pre-allocated", () => {
    const latency = resolvePlan("latency", "full");
    assert.deepEqual(latency.executor.kind === "constant-arrival-rate" && [latency.executor.preAllocatedVus, latency.executor.maxVus], [50, 50]);
    const capacity = resolvePlan("capacity", "full");
    assert.equal(capacity.executor.kind, "sweep");
    if (capacity.executor.kind !== "sweep") return;
    assert.deepEqual(capacity.executor.steps.map((s) => s.ratePerSecond), [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560]);
    // 2560 req/s × 2 × 100 ms threshold = 512 VUs in flight at most before drops stop the sweep.
    assert.deepEqual(capacity.executor.steps.at(-1), { name: "capacity_2560rps", ratePerSecond: 2560, startSeconds: 15 + 9 * 35, durationSeconds: 30, preAllocatedVus: 512, maxVus: 512 });
    assert.deepEqual(capacity.executor.warmup, { name: "capacity_warmup", ratePerSecond: 5, startSeconds: 0, durationSeconds: 10, preAllocatedVus: 5, maxVus: 5 });
    assert.deepEqual(capacity.executor.steps[0], { name: "capacity_5rps", ratePerSecond: 5, startSeconds: 15, durationSeconds: 30, preAllocatedVus: 5, maxVus: 5 });
    assert.equal(scenarioCatalog.capacity.maxVus("full"), 512);
    assert.equal(scenarioCatalog.spike.maxVus("full"), 100);
    assert.equal(scenarioCatalog["compute-scaling"].maxVus("full"), 1);
  });

  void it("applies knob overrides", () => {
    const p = resolvePlan("latency", "quick", { LATENCY_RATE: "200", P95_MS: "50", COMPUTE_N: "0" });
    assert.equal(p.computeN, 0);
    assert.equal(p.p95Ms, 50);
    assert.deepEqual(p.executor.kind === "constant-arrival-rate" && [p.executor.ratePerSecond, p.maxVus], [200, 200]);
    assert.equal(resolvePlan("load", "quick", { PRIME_N: "10000" }).computeN, 10000, "seed 000's PRIME_N is an alias");
    const cap = resolvePlan("capacity", "smoke", { CAPACITY_RATES: "1, 2,4" });
    assert.deepEqual(cap.executor.kind === "sweep" && cap.executor.steps.map((s) => [s.name, s.startSeconds]), [["capacity_1rps", 2], ["capacity_2rps", 4], ["capacity_4rps", 6]]);
    assert.equal(resolvePlan("compute-scaling", "smoke").p95Ms, null);
  });

  void it("rejects bad knobs, all at once", () => {
    assert.throws(() => resolvePlan("load", "quick", { LATENCY_RATE: "abc", P95_MS: "0", SLEEP_SECONDS: "-1", CAPACITY_RATES: "10,5" }), {
      message: [
        'k6 env: P95_MS ("0") must be an integer >= 1',
        'k6 env: SLEEP_SECONDS ("-1") must be a non-negative number',
        'k6 env: LATENCY_RATE ("abc") must be an integer >= 1',
        'k6 env: CAPACITY_RATES ("10,5") must be strictly increasing',
      ].join("\n"),
    });
  });

  void it("covers every scenario in every profile", () => {
    for (const profile of ALL_PROFILES) assert.deepEqual(Object.keys(PROFILE_TABLE[profile]).sort(), [...SCENARIO_IDS].sort(), profile);
  });
});

void describe("scenario catalog (components/scenarios.ts)", () => {
  void it("names one script per scenario and marks the open model", () => {
    assert.deepEqual(
      SCENARIO_NAMES.map((s) => [s, scenarioCatalog[s].script, scenarioCatalog[s].model, scenarioCatalog[s].fixedRate]),
      [
        ["load", "load.ts", "closed", false],
        ["spike", "spike.ts", "closed", false],
        ["soak", "soak.ts", "closed", false],
        ["payload", "payload.ts", "closed", false],
        ["compute-scaling", "compute-scaling.ts", "closed", false],
        ["capacity", "capacity.ts", "open", false],
        ["latency", "latency.ts", "open", true],
      ],
    );
  });

  void it("runs everything in full and a fast subset in quick", () => {
    assert.deepEqual(PROFILES, ["quick", "full"]);
    assert.deepEqual(defaultScenarios("full"), [...SCENARIO_NAMES]);
    assert.deepEqual(defaultScenarios("quick"), ["load", "compute-scaling", "capacity"]);
  });

  void it("builds the k6 env from the profile and the overrides", () => {
    assert.deepEqual(scenarioCatalog.latency.env("full", { TARGET_URL: "http://go.bench:8080", LATENCY_RATE: "80" }), {
      TARGET_URL: "http://go.bench:8080",
      LATENCY_RATE: "80",
      PROFILE: "full",
    });
    assert.deepEqual(scenarioCatalog.load.env("quick", { PROFILE: "smoke" }), { PROFILE: "quick" }, "the profile argument wins");
  });

  void it("throws on a bad knob before a Job is built", () => {
    assert.throws(() => scenarioCatalog.latency.env("quick", { LATENCY_RATE: "0" }), { message: 'k6 env: LATENCY_RATE ("0") must be an integer >= 1' });
  });

  void it("resolves a scenario by name for a Job", () => {
    assert.deepEqual(resolveScenario("capacity", "quick"), {
      name: "capacity",
      script: "capacity.ts",
      model: "open",
      fixedRate: false,
      durationSeconds: 52,
      maxVus: 128,
      env: { PROFILE: "quick" },
    });
    assert.throws(() => resolveScenario("stress", "quick"), {
      message: 'unknown scenario "stress" (known: load, spike, soak, payload, compute-scaling, capacity, latency)',
    });
  });
});

void describe("k6ScriptFiles", () => {
  void it("returns every .ts file of k6/, scripts and shared modules, read from disk", () => {
    const files = k6ScriptFiles();
    assert.deepEqual(Object.keys(files), [
      "capacity.ts",
      "common.ts",
      "compute-scaling.ts",
      "expect.ts",
      "latency.ts",
      "load.ts",
      "payload.ts",
      "profiles.ts",
      "soak.ts",
      "spike.ts",
      "summary-format.ts",
    ]);
    assert.equal(files["load.ts"], fs.readFileSync(path.join(K6_DIR, "load.ts"), "utf8"));
  });

  void it("holds every module a script imports (the ConfigMap is all k6 sees)", () => {
    const files = k6ScriptFiles();
    for (const [name, content] of Object.entries(files)) {
      for (const m of content.matchAll(/from "\.\/([^"]+)"/g)) assert.ok(m[1] !== undefined && m[1] in files, `${name} imports ./${m[1]}`);
    }
  });

  void it("throws when k6/ is not flat", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k6-flat-"));
    try {
      for (const s of SCENARIO_NAMES) fs.writeFileSync(path.join(dir, `${s}.ts`), "");
      fs.mkdirSync(path.join(dir, "lib"));
      assert.throws(() => k6ScriptFiles(dir), { message: "k6/lib/ is a folder: k6/ must stay flat, it is mounted from one ConfigMap" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  void it("throws when a catalog script is missing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k6-missing-"));
    try {
      fs.writeFileSync(path.join(dir, "load.ts"), "");
      assert.throws(() => k6ScriptFiles(dir), { message: "k6/: scenario scripts missing: spike.ts, soak.ts, payload.ts, compute-scaling.ts, capacity.ts, latency.ts" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

void describe("body checks (k6/expect.ts)", () => {
  void it("knows π(n) for the contract's values and sieves the rest", () => {
    assert.deepEqual(
      [2, 3, 10, 1000, 5000, 10000, 50000, 100000, 500000].map(expectedPrimeCount),
      [1, 2, 4, 168, 669, 1229, 5133, 9592, 41538],
    );
    assert.equal(expectedPrimeCount(100), 25);
    assert.equal(expectedPrimeCount(1_000_000), 78498);
    assert.equal(expectedPrimeCount(3_000_000), undefined);
    assert.equal(expectedPrimeCount(1), undefined);
  });

  void it("accepts a right /compute body and rejects a wrong count, n or shape", () => {
    assert.equal(computeBodyOk('{"app":"go","n":1000,"prime_count":168,"duration_ms":0.1}', 1000), true);
    assert.equal(computeBodyOk('{"app":"go","n":1000,"prime_count":167,"duration_ms":0.1}', 1000), false);
    assert.equal(computeBodyOk('{"app":"go","n":999,"prime_count":168,"duration_ms":0.1}', 1000), false);
    assert.equal(computeBodyOk('{"app":"go","n":1000,"prime_count":168}', 1000), false);
    assert.equal(computeBodyOk('{"error":"invalid parameter n"}', 0), false);
    assert.equal(computeBodyOk("not json", 1000), false);
    assert.equal(computeBodyOk(null, 1000), false);
    assert.equal(computeBodyOk('{"app":"go","n":5000000,"prime_count":348513,"duration_ms":1}', 5_000_000), true, "beyond the sieve: shape only");
  });

  void it("accepts a right /payload body and rejects a short or wrong one", () => {
    const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i, name: `item-${i}`, value: i * 42, active: i % 2 === 0 }));
    assert.equal(payloadBodyOk(JSON.stringify({ app: "go", item_count: 3, duration_ms: 1, items: items(3) }), 3), true);
    assert.equal(payloadBodyOk(JSON.stringify({ app: "go", item_count: 3, duration_ms: 1, items: items(2) }), 3), false);
    assert.equal(payloadBodyOk(JSON.stringify({ app: "go", item_count: 2, duration_ms: 1, items: items(2) }), 3), false);
    const wrong = items(3);
    wrong[2] = { id: 2, name: "item-2", value: 84, active: false };
    assert.equal(payloadBodyOk(JSON.stringify({ app: "go", item_count: 3, duration_ms: 1, items: wrong }), 3), false);
  });

  void it("accepts a healthy /health body for the right app", () => {
    const body = '{"status":"ok","app":"go","runtime":"go 1.26.8","version":"dev","concurrency":2}';
    assert.equal(healthBodyOk(body, "go"), true);
    assert.equal(healthBodyOk(body, undefined), true);
    assert.equal(healthBodyOk(body, "rust"), false);
    assert.equal(healthBodyOk('{"status":"down","app":"go"}', "go"), false);
  });
});

void it("type-checks the k6 scripts against @types/k6 (npx tsc -p k6)", () => {
  const tsc = path.join(__dirname, "..", "node_modules", "typescript", "bin", "tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", path.join(K6_DIR, "tsconfig.json")], { encoding: "utf8", stdio: "pipe" });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    assert.fail(`tsc -p k6 failed:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
});
