/**
 * Records the k6 summary fixtures of test/k6-summary.test.ts from real k6 runs against a natively
 * started app, so every fixture's provenance is reproducible:
 *
 *   node --import tsx scripts/record-k6-fixtures.ts [app]      # default app: go
 *
 * Writes test/fixtures/k6/:
 * - `<scenario>.stdout.txt`   stdout of `k6 run --quiet` with PROFILE=smoke (one JSON line)
 * - `latency-errors.stdout.txt` latency with COMPUTE_N=0: every request a 400, thresholds crossed
 * - `capacity-errors.stdout.txt` capacity with COMPUTE_N=0: the sweep aborts at its first step
 * - `load.pod-log.txt`        load without --quiet, stdout and stderr merged as `kubectl logs` shows
 * - `load.truncated.txt`      the load document cut in the middle (a log read before k6 finished)
 * - `load.malformed.txt`      the load document with http_req_duration removed
 * - `manifest.json`           k6 version, app, time, command line and exit code of every run
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadAppManifests } from "../components/app-manifest";
import { SCENARIO_NAMES, scenarioCatalog } from "../components/scenarios";
import { buildApp, startApp } from "../test/support/native-app";
import { assertToolchain } from "../test/support/toolchain";
import { findK6, K6_INSTALL_HINT, runK6, type K6Run } from "./k6-local";

export const FIXTURE_DIR = path.resolve(__dirname, "..", "test", "fixtures", "k6");

interface Recorded {
  file: string;
  command: string;
  exitCode: number | null;
}

async function main(): Promise<void> {
  const appName = process.argv[2] ?? "go";
  const k6 = findK6();
  if (k6 === undefined) throw new Error(`k6 not found: ${K6_INSTALL_HINT}`);
  const app = loadAppManifests().find((a) => a.name === appName);
  if (app === undefined) throw new Error(`no app ${JSON.stringify(appName)} in apps/`);
  assertToolchain(app);
  await buildApp(app);
  const running = await startApp(app);
  const recorded: Recorded[] = [];
  fs.mkdirSync(FIXTURE_DIR, { recursive: true });
  const write = (file: string, text: string, run: K6Run): void => {
    fs.writeFileSync(path.join(FIXTURE_DIR, file), text);
    // The app's port is random: record a stable URL so reruns only differ in measured numbers.
    recorded.push({ file, command: run.command.replace(running.baseUrl, "http://127.0.0.1:PORT"), exitCode: run.code });
    console.error(`${file}: k6 exit ${run.code}, ${Math.round(run.durationMs)} ms`);
  };
  const run = async (scenario: string, extra: Record<string, string> = {}, quiet = true): Promise<K6Run> => {
    const result = await runK6({
      k6,
      script: `${scenario}.ts`,
      env: { PROFILE: "smoke", TARGET_URL: running.baseUrl, APP: app.name, ...extra },
      quiet,
    });
    if (result.code !== 0 && result.code !== 99) {
      throw new Error(`${result.command} exited ${result.code ?? result.signal}\n${result.stderr.slice(-4000)}`);
    }
    return result;
  };
  try {
    for (const scenario of SCENARIO_NAMES) {
      const r = await run(scenario);
      write(`${scenarioCatalog[scenario].script.replace(/\.ts$/, "")}.stdout.txt`, r.stdout, r);
    }
    const latencyErrors = await run("latency", { COMPUTE_N: "0" });
    write("latency-errors.stdout.txt", latencyErrors.stdout, latencyErrors);
    const capacityErrors = await run("capacity", { COMPUTE_N: "0" });
    write("capacity-errors.stdout.txt", capacityErrors.stdout, capacityErrors);
    const podLog = await run("load", {}, false);
    write("load.pod-log.txt", podLog.combined, podLog);
    const load = fs.readFileSync(path.join(FIXTURE_DIR, "load.stdout.txt"), "utf8");
    const derive = (file: string, text: string, how: string): void => {
      fs.writeFileSync(path.join(FIXTURE_DIR, file), text);
      recorded.push({ file, command: `derived from load.stdout.txt: ${how}`, exitCode: null });
    };
    derive("load.truncated.txt", load.slice(0, Math.floor(load.length / 2)), "its first half");
    const doc = JSON.parse(load) as { metrics: Record<string, unknown> };
    delete doc.metrics["http_req_duration"];
    derive("load.malformed.txt", JSON.stringify(doc) + "\n", "metrics.http_req_duration deleted");
  } finally {
    await running.stop();
  }
  const k6Version = execFileSync(k6, ["version"], { encoding: "utf8" }).trim();
  const manifest = { recordedAt: new Date().toISOString(), k6Version, app: app.name, profile: "smoke", runs: recorded };
  fs.writeFileSync(path.join(FIXTURE_DIR, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  console.error(`wrote ${recorded.length} fixtures and manifest.json to ${path.relative(process.cwd(), FIXTURE_DIR)}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
