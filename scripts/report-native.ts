/**
 * `npm run report:native [-- --profile quick|smoke] [--apps go,rust]`: the scenario suite run for
 * real by k6 against every app started natively on this machine (no cluster), parsed by the
 * production parser and rendered by the production report. Each app is pinned to CPU 0 with
 * CONCURRENCY=1 and k6 to the remaining CPUs, so app and generator do not share a core.
 *
 * It is a preview of the in-cluster numbers' shape, not a substitute for them: no container
 * limits, no Service hop, no HPA. The report says so in its environment table.
 * Output: the Markdown report on stdout, the results JSON in bench-results/native-results.json.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadAppManifests } from "../components/app-manifest";
import { parseK6Summary, toScenarioResult } from "../components/k6-summary";
import { renderReport } from "../components/report";
import { assembleResults, RuntimeInput } from "../components/results";
import { defaultScenarios, Profile, resolveScenario } from "../components/scenarios";
import { pinnedVersions } from "../components/versions";
import { buildApp, selectedApps, startApp } from "../test/support/native-app";
import { findK6, K6_INSTALL_HINT, runK6 } from "./k6-local";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const profile = (arg("profile") ?? "quick") as Profile | "smoke";
  const k6 = findK6();
  if (!k6) throw new Error(`k6 not found: ${K6_INSTALL_HINT}`);
  const cpus = os.cpus().length;
  const generatorCpus = cpus > 1 ? `1-${cpus - 1}` : "0";
  // k6 inherits this process's CPU affinity: keep it (and so the generator) off the app's CPU.
  if (cpus > 1) execFileSync("taskset", ["-pc", generatorCpus, String(process.pid)], { stdio: "ignore" });
  const apps = selectedApps(loadAppManifests(), arg("apps"));
  const scenarios = defaultScenarios(profile === "smoke" ? "quick" : profile);
  const runtimes: RuntimeInput[] = [];
  for (const app of apps) {
    await buildApp(app);
    const native = await startApp(app, { env: { CONCURRENCY: "1" }, cpus: "0" });
    const results = [];
    try {
      for (const scenario of scenarios) {
        const resolved = resolveScenario(scenario, profile === "smoke" ? "quick" : profile);
        const env = { ...resolved.env, PROFILE: profile, TARGET_URL: native.baseUrl, APP: app.name };
        process.stderr.write(`${app.name} ${scenario} (${profile})...\n`);
        const run = await runK6({ k6, script: resolved.script, env, timeoutMs: (resolved.durationSeconds + 120) * 1000 });
        if (run.code !== 0 && run.code !== 99) throw new Error(`${run.command} exited ${run.code}:\n${run.stderr.slice(-2000)}`);
        results.push(toScenarioResult(parseK6Summary(run.stdout), { scenario }));
      }
    } finally {
      await native.stop();
    }
    runtimes.push({
      name: app.name,
      displayName: app.displayName,
      language: app.language,
      framework: app.framework,
      image: { ref: `native (${app.native.run})`, baseImages: [] },
      resources: { cpuRequestMilli: 1000, cpuLimitMilli: 1000, memoryRequestMiB: 0, memoryLimitMiB: 0, hpa: { minReplicas: 1, maxReplicas: 1, targetCpuPercent: 100 } },
      scenarios: results,
    });
  }
  const results = assembleResults({
    runId: `native-${new Date().toISOString()}`,
    profile: profile === "smoke" ? "quick" : profile,
    clusterKind: "local",
    cluster: {
      kubernetesVersion: "none (native run, no cluster)",
      nodes: [{ name: os.hostname(), group: `native: app on CPU 0, k6 on CPUs ${generatorCpus}`, kernelVersion: os.release(), osImage: `${os.type()} ${os.arch()}, ${cpus} × ${os.cpus()[0]?.model ?? "CPU"}`, kubeletVersion: "none" }],
      kubeProxy: { mode: "none", version: "none" },
    },
    versions: pinnedVersions(),
    runtimes,
  });
  fs.mkdirSync(path.resolve(__dirname, "..", "bench-results"), { recursive: true });
  fs.writeFileSync(path.resolve(__dirname, "..", "bench-results", "native-results.json"), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${renderReport(results)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`report-native: ${(err as Error).message}\n`);
  process.exit(1);
});
