/**
 * Runs each app's own unit tests (`native.test` in its folder) after building it natively.
 * Outside CI an app whose toolchain is missing is skipped with a message; in CI (`CI=true`) it fails.
 * `K8S_BENCH_APPS` (comma-separated names) limits the run to some apps.
 */
import * as assert from "node:assert/strict";
import { it } from "node:test";
import { loadAppManifests } from "../components/app-manifest";
import { buildApp, selectedApps } from "./support/native-app";
import { runShell, tail } from "./support/process-group";
import { requireToolchain } from "./support/toolchain";

const TIMEOUT_MS = 20 * 60_000;

for (const app of selectedApps(loadAppManifests(process.env.K8S_BENCH_APPS_DIR))) {
  void it(`${app.name}: native.test passes (${app.native.test})`, { timeout: TIMEOUT_MS }, async (t) => {
    if (!requireToolchain(t, app)) return;
    await buildApp(app);
    const result = await runShell(app.native.test, app.dir, { timeoutMs: TIMEOUT_MS - 60_000 });
    assert.equal(result.code, 0,
      `${app.name}: "${app.native.test}" exited with ${result.code ?? result.signal} after ${(result.durationMs / 1000).toFixed(1)} s\n--- last 40 lines ---\n${tail(result.output)}`);
  });
}
