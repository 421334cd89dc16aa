/**
 * Every k6 scenario run for real by the k6 binary (PROFILE=smoke: seconds, not minutes) against
 * every natively started app, its stdout parsed by the production parser (components/k6-summary.ts).
 *
 * k6: `K6_BIN`, else `$(go env GOPATH)/bin/k6`, else PATH. Missing: skipped outside CI with the
 * install command, a failure in CI (`CI=true`). `K8S_BENCH_APPS=go,rust` limits the apps.
 * A k6 exit other than 0 or 99 (thresholds crossed, which is a result) fails the test with k6's
 * stderr: a script k6 refuses to load is a failure, never a skip.
 */
import * as assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadAppManifests } from "../components/app-manifest";
import { parseK6Summary, toScenarioResult } from "../components/k6-summary";
import type { ScenarioResult } from "../components/results-schema";
import { SCENARIO_NAMES, scenarioCatalog, type ScenarioName } from "../components/scenarios";
import { resolvePlan } from "../k6/profiles";
import { findK6, K6_INSTALL_HINT, runK6, type K6Run } from "../scripts/k6-local";
import { buildApp, selectedApps, startApp, type NativeApp } from "./support/native-app";
import { tail } from "./support/process-group";
import { assertToolchain, toolchainSkipReason } from "./support/toolchain";

const inCi = process.env.CI === "true";
const apps = selectedApps(loadAppManifests());
const k6 = findK6();
const k6Skip = k6 === undefined && !inCi ? `k6 not found; install it: ${K6_INSTALL_HINT}` : undefined;
const BUILD_TIMEOUT_MS = 20 * 60_000;

/**
 * Knobs of the smoke runs: a generous latency threshold, so that the capacity knee and the
 * thresholds judge the apps, not a busy 2-core test machine.
 */
const SMOKE_ENV = { PROFILE: "smoke", P95_MS: "2000" };

function requireK6(): string {
  if (k6 === undefined) throw new Error(`k6 not found and CI=true requires it: ${K6_INSTALL_HINT}`);
  return k6;
}

/** Runs one scenario; fails unless k6 ran the script to its summary (exit 0, or 99 = thresholds crossed). */
async function runScenario(scenario: ScenarioName, target: NativeApp, extra: Record<string, string> = {}): Promise<{ run: K6Run; result: ScenarioResult }> {
  const env = { ...SMOKE_ENV, TARGET_URL: target.baseUrl, APP: target.app.name, ...extra };
  const plan = resolvePlan(scenario, "smoke", env);
  const run = await runK6({ k6: requireK6(), script: scenarioCatalog[scenario].script, env, timeoutMs: plan.durationSeconds * 1000 + 60_000 });
  if (run.code !== 0 && run.code !== 99) {
    assert.fail(`${run.command}\nexited ${run.code ?? run.signal} (0 or 99 expected)\n--- k6 stderr ---\n${tail(run.stderr)}`);
  }
  assert.equal(run.stdout.trim().split("\n").length, 1, `stdout must be exactly one JSON line, got:\n${tail(run.stdout)}`);
  assert.match(run.stderr, new RegExp(`^k8s-bench ${scenario} \\(app ${target.app.name}`, "m"), "human summary on stderr");
  const result = toScenarioResult(parseK6Summary(run.stdout), { scenario });
  // k6 exits 99 exactly when a threshold was crossed: the parsed verdicts must agree.
  assert.equal(result.thresholdsOk, run.code === 0, `exit ${run.code} but thresholdsOk ${result.thresholdsOk}: ${JSON.stringify(result.thresholds)}`);
  return { run, result };
}

void it("apps/ holds at least one app for the k6 runs", () => {
  assert.ok(apps.length > 0, "no apps/*/app.json found");
});

void describe("k6 scenarios against native apps", { skip: k6Skip }, () => {
  before(() => {
    requireK6();
  });

  void it("rejects a bad knob before sending a request (k6 refuses to start)", async () => {
    const run = await runK6({ k6: requireK6(), script: "latency.ts", env: { PROFILE: "smoke", LATENCY_RATE: "fast", TARGET_URL: "http://127.0.0.1:9" } });
    assert.notEqual(run.code, 0);
    assert.notEqual(run.code, 99);
    assert.match(run.stderr, /k6 env: LATENCY_RATE \(\\?"fast\\?"\) must be an integer >= 1/);
    assert.equal(run.stdout.trim(), "", "no summary when the script cannot load");
  });

  for (const app of apps) {
    void describe(app.name, { skip: toolchainSkipReason(app) }, () => {
      let target: NativeApp | undefined;
      const running = (): NativeApp => {
        if (target === undefined) throw new Error(`${app.name} did not start`);
        return target;
      };

      before(async () => {
        assertToolchain(app);
        await buildApp(app);
        target = await startApp(app);
      }, { timeout: BUILD_TIMEOUT_MS });

      after(async () => {
        await target?.stop();
      });

      for (const scenario of SCENARIO_NAMES) {
        void it(`${scenario}: real run, parsed, checks 100 %, no errors`, async () => {
          const { result } = await runScenario(scenario, running());
          assert.equal(result.scenario, scenario);
          assert.equal(result.model, scenarioCatalog[scenario].model);
          assert.ok(result.requests > 0, "requests > 0");
          assert.equal(result.checksPassRate, 1, "every check passed");
          assert.equal(result.errorRate, 0, "no failed request");
          const l = result.latencyMs;
          assert.ok(l.p99 >= l.p95 && l.p95 >= l.p50 && l.p50 > 0, `p99 ≥ p95 ≥ p50 > 0: ${JSON.stringify(l)}`);
          assert.ok(result.testDurationSeconds > 0);
          if (scenario === "compute-scaling") {
            assert.deepEqual(result.series?.map((s) => s.tag), ["1000", "5000", "10000", "50000", "100000", "500000"]);
            assert.ok(result.series?.every((s) => s.requests >= 1 && s.latencyMs.p50 > 0 && s.errorRate === 0));
          }
          if (scenario === "capacity") {
            assert.ok(result.knee, "capacity reports a knee");
            assert.deepEqual(result.knee, { rps: 20, latencyThresholdMs: 2000, maxAttemptedRps: 20 });
          }
        });
      }

      void it("latency against a failing endpoint (COMPUTE_N=0 → 400): a parsed threshold miss, not a crash", async () => {
        const { run, result } = await runScenario("latency", running(), { COMPUTE_N: "0" });
        assert.equal(run.code, 99);
        assert.ok(result.requests > 0);
        assert.equal(result.errorRate, 1);
        assert.equal(result.checksPassRate, 0);
        assert.equal(result.thresholdsOk, false);
        assert.deepEqual(result.thresholds.find((t) => t.metric === "http_req_failed"), { metric: "http_req_failed", expression: "rate<0.01", ok: false });
      });
    });
  }
});
