/**
 * `npm run bench:apps`: builds and starts every app natively with the same CPU budget and prints
 * one side-by-side table, also written to bench-results/apps.json.
 *
 * Each app runs pinned to one CPU (`taskset -c 0`, CONCURRENCY=1); wrk and this script run on
 * another (CPU 1), so the app never competes with its load generator. Measured per app:
 * `/compute?n=500000` latency over sequential requests, `/health` and `/payload?size=1000`
 * throughput at fixed concurrency (with the generator's and the app's own CPU use, so a reader
 * sees which side was the limit), idle and loaded memory of the process tree, and startup time.
 * Two reference rows time the bare loop: C (gcc -O2) and CPython, so each runtime's overhead
 * over the algorithm shows as a ratio.
 *
 * Environment: K8S_BENCH_APPS=go,rust (subset), BENCH_SECONDS (10), BENCH_CONNECTIONS (50),
 * BENCH_COMPUTE_RUNS (20), BENCH_STARTS (5), BENCH_APP_CPU (0), BENCH_LOAD_CPU (1).
 * This is a benchmark, not a test: targets are reported, never enforced.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { loadAppManifests, type AppManifest } from "../components/app-manifest";
import { buildApp, httpRequest, selectedApps, startApp, type NativeApp } from "../test/support/native-app";
import { sleep } from "../test/support/process-group";
import { missingTool } from "../test/support/toolchain";
import {
  TARGETS, busyPercent, checkRuntimeTargets, formatNumber, formatRatio, median, parseBashTimes, parseProcStatCpu, parseWrkOutput,
  percentile, ratio, renderTable, renderTargetChecks, type CpuJiffies, type Reference, type TargetCheck, type WrkResult,
} from "./bench-format";
import { machineInfo, treeCpuSeconds, treeMemory, type MachineInfo, type TreeMemory } from "./bench-proc";

const ROOT = path.resolve(__dirname, "..");
const RESULTS_DIR = path.join(ROOT, "bench-results");
const COMPUTE_N = 500_000;
const COMPUTE_PRIMES = 41_538;
const PAYLOAD_PATH = "/payload?size=1000";

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name}=${JSON.stringify(raw)} must be a non-negative integer (default ${fallback})`);
  return Number(raw);
}

const settings = {
  loadSeconds: envInt("BENCH_SECONDS", 10),
  warmupSeconds: 2,
  connections: envInt("BENCH_CONNECTIONS", 50),
  computeRuns: Math.max(envInt("BENCH_COMPUTE_RUNS", 20), 1),
  computeWarmups: 3,
  starts: Math.max(envInt("BENCH_STARTS", 5), 1),
  appCpu: String(envInt("BENCH_APP_CPU", 0)),
  loadCpu: String(envInt("BENCH_LOAD_CPU", 1)),
};

interface Exec {
  code: number | null;
  stdout: string;
  stderr: string;
}

function exec(file: string, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<Exec> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: opts.cwd, timeout: opts.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as NodeJS.ErrnoException & { code?: unknown }).code === "number" ? ((err as unknown as { code: number }).code) : null;
      resolve({ code, stdout, stderr: err !== null && stderr === "" ? err.message : stderr });
    });
  });
}

function onPath(tool: string): boolean {
  return missingTool({ name: tool, displayName: tool, language: "", framework: "", dir: ROOT, native: { requires: [tool], build: "", run: "", test: "" } }) === undefined;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Reference loops

interface LoopTimes {
  command: string;
  version: string;
  durationsMs: number[];
  p50Ms: number | undefined;
  p95Ms: number | undefined;
}

function loopJson(stdout: string, what: string): number[] {
  const parsed = JSON.parse(stdout.trim().split("\n").pop() ?? "") as { prime_count: number; durations_ms: number[] };
  if (parsed.prime_count !== COMPUTE_PRIMES) throw new Error(`${what} counted ${parsed.prime_count} primes up to ${COMPUTE_N}, want ${COMPUTE_PRIMES}`);
  return parsed.durations_ms;
}

function loopTimes(command: string, version: string, durationsMs: number[]): LoopTimes {
  return { command, version, durationsMs, p50Ms: median(durationsMs), p95Ms: percentile(durationsMs, 95) };
}

async function gccReference(): Promise<LoopTimes | string> {
  if (!onPath("gcc")) return "gcc not on PATH (apt-get install -y gcc)";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-bench-primes-"));
  try {
    const bin = path.join(dir, "primes");
    const cc = await exec("gcc", ["-O2", "-o", bin, path.join(__dirname, "bench", "primes.c")]);
    if (cc.code !== 0) return `gcc failed: ${cc.stderr}`;
    const run = await exec("taskset", ["-c", settings.appCpu, bin, String(COMPUTE_N), String(settings.computeRuns + settings.computeWarmups)]);
    if (run.code !== 0) return `primes.c failed: ${run.stderr}`;
    const version = (await exec("gcc", ["-dumpfullversion"])).stdout.trim();
    return loopTimes("gcc -O2 scripts/bench/primes.c", `gcc ${version}`, loopJson(run.stdout, "primes.c").slice(settings.computeWarmups));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function cpythonReference(): Promise<LoopTimes | string> {
  if (!onPath("python3")) return "python3 not on PATH";
  const code = fs.readFileSync(path.join(__dirname, "bench", "primes.py"), "utf8");
  const run = await exec("taskset", ["-c", settings.appCpu, "python3", "-c", code, String(COMPUTE_N), String(settings.computeRuns), path.join(__dirname, "..", "apps", "pycommon")]);
  if (run.code !== 0) return `python3 failed: ${run.stderr}`;
  const version = (await exec("python3", ["--version"])).stdout.trim() || "python3";
  return loopTimes("python3 -c <scripts/bench/primes.py>", version, loopJson(run.stdout, "primes.py"));
}

// ---------------------------------------------------------------------------------------------
// Per-app measurements

interface LoadRun {
  path: string;
  wrk: WrkResult;
  /** Generator CPU (user + system) over the run, in % of one core. */
  generatorCpuPercent: number;
  /** The app's process tree CPU over the run, in % of one core. */
  appCpuPercent: number;
  /** CPU time on the app's CPU not used by the app (other processes on the machine), in %. */
  otherOnAppCpuPercent: number;
}

function appCpuJiffies(): CpuJiffies {
  return parseProcStatCpu(fs.readFileSync("/proc/stat", "utf8"), settings.appCpu);
}

/** Runs `work` and returns how busy the app's CPU was with anything but the app (process tree under `pid`). */
async function foreignCpu<T>(pid: number, work: () => Promise<T>): Promise<{ value: T; appPercent: number; otherPercent: number }> {
  const cpuBefore = appCpuJiffies();
  const appBefore = treeCpuSeconds(pid);
  const start = process.hrtime.bigint();
  const value = await work();
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const appPercent = (100 * (treeCpuSeconds(pid) - appBefore)) / wallSeconds;
  return { value, appPercent, otherPercent: Math.max(0, busyPercent(cpuBefore, appCpuJiffies()) - appPercent) };
}

interface AppResult {
  app: string;
  displayName: string;
  language: string;
  startup: { startupMs: number[]; spawnToHealthyMs: number[]; startupMsP50?: number; spawnToHealthyMsP50?: number };
  compute?: { requestMs: number[]; loopMs: number[]; p50Ms?: number; p95Ms?: number; loopP50Ms?: number; reference: Reference; ratio?: number; otherOnAppCpuPercent?: number };
  health?: LoadRun;
  payload?: LoadRun;
  idleMemory?: TreeMemory;
  loadedMemory?: TreeMemory;
  stopExit?: { code: number | null; signal: string | null };
  skipped?: string;
  notes: string[];
}

async function measureStartups(app: AppManifest, result: AppResult): Promise<void> {
  for (let i = 0; i < settings.starts; i++) {
    const r = await startApp(app, { cpus: settings.appCpu, env: { CONCURRENCY: "1" } });
    result.startup.startupMs.push(r.startupLine.startup_ms);
    result.startup.spawnToHealthyMs.push(r.spawnToHealthyMs);
    await r.stop();
  }
  result.startup.startupMsP50 = median(result.startup.startupMs);
  result.startup.spawnToHealthyMsP50 = median(result.startup.spawnToHealthyMs);
}

async function measureCompute(r: NativeApp, reference: Reference): Promise<NonNullable<AppResult["compute"]>> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const requestMs: number[] = [];
    const loopMs: number[] = [];
    for (let i = 0; i < settings.computeWarmups + settings.computeRuns; i++) {
      const res = await httpRequest(r, "GET", `/compute?n=${COMPUTE_N}`, { agent, timeoutMs: 120_000 });
      const body = JSON.parse(res.body) as { prime_count?: unknown; duration_ms?: unknown };
      if (res.status !== 200 || body.prime_count !== COMPUTE_PRIMES) throw new Error(`${r.app.name}: /compute?n=${COMPUTE_N} answered ${res.status} ${res.body.slice(0, 200)}`);
      if (i < settings.computeWarmups) continue;
      requestMs.push(res.durationMs);
      if (typeof body.duration_ms === "number") loopMs.push(body.duration_ms);
    }
    return { requestMs, loopMs, p50Ms: median(requestMs), p95Ms: percentile(requestMs, 95), loopP50Ms: median(loopMs), reference };
  } finally {
    agent.destroy();
  }
}

async function wrk(url: string, seconds: number): Promise<{ wrk: WrkResult; cpuSeconds: number; wallSeconds: number }> {
  // bash's `times` reports the CPU its children (taskset exec'ing wrk) used: the generator's own cost.
  const script = 'taskset -c "$1" wrk -t1 -c"$2" -d"$3"s --latency "$4"; rc=$?; times; exit $rc';
  const start = process.hrtime.bigint();
  const run = await exec("bash", ["-c", script, "wrk", settings.loadCpu, String(settings.connections), String(seconds), url], { timeoutMs: (seconds + 60) * 1000 });
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.code !== 0) throw new Error(`wrk ${url} failed (exit ${run.code}): ${run.stderr}\n${run.stdout}`);
  const cpu = parseBashTimes(run.stdout);
  return { wrk: parseWrkOutput(run.stdout), cpuSeconds: cpu.userSeconds + cpu.systemSeconds, wallSeconds };
}

async function measureLoad(r: NativeApp, urlPath: string): Promise<LoadRun> {
  const url = `${r.baseUrl}${urlPath}`;
  await wrk(url, settings.warmupSeconds);
  const { value: run, appPercent, otherPercent } = await foreignCpu(r.pid, () => wrk(url, settings.loadSeconds));
  return {
    path: urlPath,
    wrk: run.wrk,
    generatorCpuPercent: (100 * run.cpuSeconds) / run.wallSeconds,
    appCpuPercent: appPercent,
    otherOnAppCpuPercent: otherPercent,
  };
}

async function benchApp(app: AppManifest, haveWrk: boolean): Promise<AppResult> {
  const reference: Reference = TARGETS[app.language]?.reference ?? "gcc";
  const result: AppResult = { app: app.name, displayName: app.displayName, language: app.language, startup: { startupMs: [], spawnToHealthyMs: [] }, notes: [] };
  const tool = missingTool(app);
  if (tool !== undefined) {
    result.skipped = `${tool} not on PATH`;
    return result;
  }
  log(`[${app.name}] build`);
  await buildApp(app);
  log(`[${app.name}] ${settings.starts} starts`);
  await measureStartups(app, result);
  const r = await startApp(app, { cpus: settings.appCpu, env: { CONCURRENCY: "1" } });
  try {
    await sleep(1000);
    result.idleMemory = treeMemory(r.pid);
    log(`[${app.name}] /compute?n=${COMPUTE_N} x ${settings.computeRuns}`);
    const compute = await foreignCpu(r.pid, () => measureCompute(r, reference));
    result.compute = { ...compute.value, otherOnAppCpuPercent: compute.otherPercent };
    if (haveWrk) {
      log(`[${app.name}] wrk /health ${settings.loadSeconds} s`);
      result.health = await measureLoad(r, "/health");
      log(`[${app.name}] wrk ${PAYLOAD_PATH} ${settings.loadSeconds} s`);
      result.payload = await measureLoad(r, PAYLOAD_PATH);
      for (const run of [result.health, result.payload]) {
        const errors = run.wrk.non2xx + Object.values(run.wrk.socketErrors).reduce((a, b) => a + b, 0);
        if (errors > 0) result.notes.push(`${run.path}: ${run.wrk.non2xx} non-2xx, socket errors ${JSON.stringify(run.wrk.socketErrors)}`);
      }
    }
    result.loadedMemory = treeMemory(r.pid);
    if (r.exitStatus() !== undefined) result.notes.push(`exited during the benchmark: ${JSON.stringify(r.exitStatus())}`);
  } finally {
    result.stopExit = await r.stop("SIGTERM", 15_000, "leader");
    if (result.stopExit.code !== 0) result.notes.push(`SIGTERM exit: ${JSON.stringify(result.stopExit)}`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Report

/** A generator above this share of its core may have been the limit, not the app. */
const GENERATOR_BUSY_PERCENT = 90;

function loadCells(run: LoadRun | undefined): string[] {
  if (run === undefined) return ["-", "-", "-"];
  const busy = run.generatorCpuPercent >= GENERATOR_BUSY_PERCENT ? "!" : "";
  return [formatNumber(run.wrk.requestsPerSecond), `${formatNumber(run.generatorCpuPercent, 0)}${busy}`, formatNumber(run.appCpuPercent, 0)];
}

/** The 1-minute load average: other work on the machine skews every number, so the report shows it. */
function loadAverage(): number {
  return os.loadavg()[0] ?? 0;
}

/** The largest share of the app's CPU that other processes took during any measured phase. */
function otherMax(r: AppResult): number | undefined {
  const values = [r.compute?.otherOnAppCpuPercent, r.health?.otherOnAppCpuPercent, r.payload?.otherOnAppCpuPercent].filter((v): v is number => v !== undefined);
  return values.length === 0 ? undefined : Math.max(...values);
}

function render(machine: MachineInfo, load: { before: number; after: number }, refs: Record<Reference, LoopTimes | string>, results: AppResult[], checks: TargetCheck[], haveWrk: boolean): string {
  const headers = [
    "runtime", "compute\np50 ms", "compute\np95 ms", "loop\np50 ms", "vs bare\nloop",
    "/health\nreq/s", "gen\nCPU %", "app\nCPU %", "/payload\nreq/s", "gen\nCPU %", "app\nCPU %",
    "idle\nRSS MiB", "loaded\nRSS MiB", "startup\nms", "spawn to\nhealthy ms", "others on\napp CPU %",
  ];
  const rows: string[][] = [];
  for (const [name, ref] of [["gcc -O2 (bare loop)", refs.gcc], ["CPython (bare loop)", refs.cpython]] as const) {
    if (typeof ref === "string") rows.push([name, `(${ref})`]);
    else rows.push([name, formatNumber(ref.p50Ms), formatNumber(ref.p95Ms), formatNumber(ref.p50Ms), "1.00×"]);
  }
  for (const r of results) {
    if (r.skipped !== undefined) {
      rows.push([r.app, `(skipped: ${r.skipped})`]);
      continue;
    }
    const c = r.compute;
    rows.push([
      r.app,
      formatNumber(c?.p50Ms), formatNumber(c?.p95Ms), formatNumber(c?.loopP50Ms),
      c?.ratio === undefined ? "-" : `${formatRatio(c.ratio)} ${c.reference === "gcc" ? "gcc" : "py"}`,
      ...loadCells(r.health), ...loadCells(r.payload),
      formatNumber(r.idleMemory?.rssMiB), formatNumber(r.loadedMemory?.rssMiB),
      formatNumber(r.startup.startupMsP50), formatNumber(r.startup.spawnToHealthyMsP50),
      formatNumber(otherMax(r), 0),
    ]);
  }
  const lines = [
    `k8s-bench native app benchmark — ${new Date().toISOString()}`,
    `machine: ${machine.cpuModel}, ${machine.logicalCpus} logical CPUs (${machine.availableCpus} available), kernel ${machine.kernel}, node ${machine.node}`,
    `load average (1 min): ${load.before.toFixed(2)} before the run${load.before > 0.5 ? " — other work was running: numbers are skewed, rerun on a quiet machine" : ""} (${load.after.toFixed(2)} at the end, which includes this benchmark)`,
    `budget: each app pinned to CPU ${settings.appCpu} with CONCURRENCY=1; wrk (1 thread, ${settings.connections} connections, ${settings.warmupSeconds} s warm-up + ${settings.loadSeconds} s) and this script on CPU ${settings.loadCpu}`,
    `compute: /compute?n=${COMPUTE_N} (π = ${COMPUTE_PRIMES}), ${settings.computeWarmups} warm-up + ${settings.computeRuns} sequential requests over keep-alive; "compute" is the client-side request time, "loop" the app's own duration_ms`,
    `references: ${typeof refs.gcc === "string" ? refs.gcc : refs.gcc.version}; ${typeof refs.cpython === "string" ? refs.cpython : refs.cpython.version}`,
    "",
    renderTable(headers, rows),
    "",
    "vs bare loop: compute p50 / the bare loop's p50 (gcc for compiled runtimes, CPython for Python apps).",
    `gen CPU %: wrk's own CPU (user+system) over the run, % of one core; "!" marks >= ${GENERATOR_BUSY_PERCENT} %: the generator may have been the limit.`,
    "app CPU %: the app's process tree over the run, % of one core (it is pinned to one).",
    `others on app CPU %: the most that processes other than the app used of CPU ${settings.appCpu} during /compute or a wrk run; above a few % the app's numbers are understated.`,
    "RSS: VmRSS summed over the app's process tree (the JSON also has PSS, which splits pages shared by forked workers).",
    "startup: median over the starts of the app's own startup_ms and of spawn-to-first-healthy /health measured by the harness.",
  ];
  if (!haveWrk) lines.push("", "wrk not found: throughput columns are empty. Install it with `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk`.");
  if (checks.length > 0) lines.push("", "Targets (reported, not enforced):", renderTargetChecks(checks));
  const notes = results.flatMap((r) => r.notes.map((n) => `${r.app}: ${n}`));
  if (notes.length > 0) lines.push("", "Notes:", ...notes.map((n) => `- ${n}`));
  return lines.join("\n");
}

async function main(): Promise<void> {
  const machine = machineInfo();
  const loadBefore = loadAverage();
  if (!onPath("taskset")) throw new Error("taskset not on PATH (util-linux): the benchmark pins apps and the generator to CPUs");
  if (machine.availableCpus < 2) log(`warning: only ${machine.availableCpus} CPU available; the app and the load generator share it`);
  else {
    // Keep this script (the /compute client) off the app's CPU.
    await exec("taskset", ["-a", "-p", "-c", settings.loadCpu, String(process.pid)]);
  }
  const haveWrk = onPath("wrk");
  if (!haveWrk) log("wrk not found: install it with `apt-get install -y wrk` (Debian/Ubuntu) or `brew install wrk`; throughput columns will be empty");

  const apps = selectedApps(loadAppManifests());
  log(`apps: ${apps.map((a) => a.name).join(", ") || "(none)"}; ${machine.logicalCpus} CPUs, ${machine.cpuModel}`);
  log("reference: gcc -O2 loop");
  const gcc = await gccReference();
  log("reference: CPython loop");
  const cpython = await cpythonReference();
  const refs: Record<Reference, LoopTimes | string> = { gcc, cpython };

  const results: AppResult[] = [];
  for (const app of apps) {
    try {
      const result = await benchApp(app, haveWrk);
      const ref = refs[result.compute?.reference ?? "gcc"];
      if (result.compute !== undefined && typeof ref !== "string") result.compute.ratio = ratio(result.compute.p50Ms, ref.p50Ms);
      results.push(result);
    } catch (err) {
      log(`[${app.name}] failed: ${(err as Error).message}`);
      results.push({ app: app.name, displayName: app.displayName, language: app.language, startup: { startupMs: [], spawnToHealthyMs: [] }, skipped: `failed: ${(err as Error).message.split("\n")[0]}`, notes: [] });
    }
  }

  const checks = results
    .filter((r) => r.skipped === undefined)
    .flatMap((r) => checkRuntimeTargets(r.app, r.language, { computeRatio: r.compute?.ratio, idleRssMiB: r.idleMemory?.rssMiB, healthRps: r.health?.wrk.requestsPerSecond }));
  const load = { before: loadBefore, after: loadAverage() };
  const report = render(machine, load, refs, results, checks, haveWrk);
  process.stdout.write(`${report}\n`);
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, "apps.json");
  fs.writeFileSync(file, `${JSON.stringify({ schemaVersion: 1, generatedAt: new Date().toISOString(), machine, loadAverage1m: load, settings, references: refs, apps: results, targets: checks }, null, 2)}\n`);
  log(`\nwritten: ${path.relative(process.cwd(), file)}`);
}

main().catch((err: unknown) => {
  log(`bench:apps failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exit(1);
});
