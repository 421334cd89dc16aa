/**
 * Builds, starts and stops benchmark apps natively (outside a container), for the contract test,
 * the apps' unit tests, the k6 tests and `npm run bench:apps`.
 *
 * Processes run in their own process groups (process-group.ts); toolchain checks are in
 * toolchain.ts.
 * @see ../../apps/README.md for the contract the apps implement.
 */
import * as http from "node:http";
import * as net from "node:net";
import { performance } from "node:perf_hooks";
import type { AppManifest } from "../../components/app-manifest";
import { type Exit, killGroup, runShell, settle, sleep, type Spawned, spawnGroup, tail, TAIL_LINES } from "./process-group";

/** Milliseconds `startApp` waits for the startup line and a healthy `/health`. */
export const START_TIMEOUT_MS = 30_000;

/** Variables the harness controls: never inherited from the caller's environment. */
const CONTROLLED_ENV = ["PORT", "CONCURRENCY", "APP_VERSION"];

// ---------------------------------------------------------------------------------------------
// Build

const builds = new Map<string, Promise<void>>();

/** Runs `native.build` in the app folder, once per process per app. Throws with the output's tail. */
export function buildApp(app: AppManifest): Promise<void> {
  let build = builds.get(app.dir);
  if (build === undefined) {
    build = (async () => {
      if (app.native.build.trim() === "") return;
      const result = await runShell(app.native.build, app.dir, { timeoutMs: 15 * 60_000 });
      if (result.code !== 0) {
        throw new Error(
          `${app.name}: native.build failed (exit ${result.code ?? result.signal}): ${app.native.build}\n` +
            `--- last ${TAIL_LINES} lines ---\n${tail(result.output)}`,
        );
      }
    })();
    builds.set(app.dir, build);
  }
  return build;
}

// ---------------------------------------------------------------------------------------------
// Run

/** The JSON line an app prints on stdout once it listens. */
export interface StartupLine {
  event: string;
  app: string;
  port: number;
  startup_ms: number;
  concurrency: number;
}

/** A natively started app. */
export interface NativeApp {
  app: AppManifest;
  port: number;
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Pid of the spawned process, also its process group id. */
  pid: number;
  startupLine: StartupLine;
  /** Milliseconds from spawn to the first 200 from `/health`, measured by the harness. */
  spawnToHealthyMs: number;
  /**
   * Milliseconds from spawn to the arrival of the startup line: an upper bound for its
   * `startup_ms`, whose clock starts after the spawn. (A pre-fork server may answer /health from
   * its first worker before it announces itself once all workers are up.)
   */
  spawnToStartupLineMs: number;
  stdout(): string;
  stderr(): string;
  /** The exit once the process has exited, else undefined. */
  exitStatus(): Exit | undefined;
  /** Resolves when the process exits by itself (never rejects). */
  exited: Promise<Exit>;
  /**
   * Sends `signal` and waits for the exit; SIGKILLs the group after `timeoutMs`.
   * @param signal @default "SIGTERM"
   * @param timeoutMs @default 15000
   * @param target "group" signals the whole process group; "leader" only the spawned process,
   *   as a container runtime signals PID 1. @default "group"
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number, target?: "group" | "leader"): Promise<Exit>;
}

/** Options of `startApp`. */
export interface StartOptions {
  /** Extra environment (wins over the inherited one; PORT, CONCURRENCY, APP_VERSION are never inherited). */
  env?: Record<string, string>;
  /** CPU list for `taskset -c`. @default - no pinning */
  cpus?: string;
  /** @default - a free port picked by the OS */
  port?: number;
  /** @default 30000 */
  timeoutMs?: number;
}

/** A TCP port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function appEnv(port: number, extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of CONTROLLED_ENV) delete env[key];
  return { ...env, PORT: String(port), ...extra };
}

function runArgv(app: AppManifest, cpus: string | undefined): string[] {
  const sh = ["sh", "-c", app.native.run];
  return cpus === undefined ? sh : ["taskset", "-c", cpus, ...sh];
}

/** Parses a startup line; throws with the reason when it is not one. */
export function parseStartupLine(line: string): StartupLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new Error(`startup line is not JSON: ${JSON.stringify(line)}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`startup line is not a JSON object: ${line}`);
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  if (o["event"] !== "listening") problems.push(`event must be "listening"`);
  if (typeof o["app"] !== "string") problems.push("app must be a string");
  if (!Number.isInteger(o["port"])) problems.push("port must be an integer");
  if (typeof o["startup_ms"] !== "number" || (o["startup_ms"] as number) < 0) problems.push("startup_ms must be a non-negative number");
  if (!Number.isInteger(o["concurrency"]) || (o["concurrency"] as number) < 1) problems.push("concurrency must be a positive integer");
  if (problems.length > 0) throw new Error(`bad startup line ${line}: ${problems.join("; ")}`);
  return o as unknown as StartupLine;
}

function describeOutput(s: Spawned): string {
  return `--- stdout (last ${TAIL_LINES} lines) ---\n${tail(s.stdout.toString())}\n--- stderr (last ${TAIL_LINES} lines) ---\n${tail(s.stderr.toString())}`;
}

function healthStatus(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/health", agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
      res.on("error", () => resolve(undefined));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
  });
}

/**
 * Starts the app with `sh -c native.run` in its folder and waits for its startup line and a 200
 * from `/health`. Throws (with the captured output) when it exits or times out first.
 */
export async function startApp(app: AppManifest, opts: StartOptions = {}): Promise<NativeApp> {
  const port = opts.port ?? (await freePort());
  const timeoutMs = opts.timeoutMs ?? START_TIMEOUT_MS;
  const t0 = performance.now();
  const s = spawnGroup(runArgv(app, opts.cpus), app.dir, appEnv(port, opts.env));
  const fail = async (why: string): Promise<never> => {
    if (s.exit === undefined && s.pid !== 0) {
      killGroup(s.pid, "SIGKILL");
      await Promise.race([s.exited, sleep(2000)]);
    }
    await settle(s);
    throw new Error(`${app.name}: ${why} (native.run: ${app.native.run}, PORT=${port})\n${describeOutput(s)}`);
  };

  let healthyAt: number | undefined;
  let startup: StartupLine | undefined;
  while (healthyAt === undefined || startup === undefined) {
    if (s.exit !== undefined) {
      return fail(`exited with ${s.exit.code ?? s.exit.signal} before it was healthy`);
    }
    if (performance.now() - t0 > timeoutMs) {
      const missing = [startup === undefined ? "the JSON startup line on stdout" : "", healthyAt === undefined ? "GET /health 200" : ""].filter((m) => m !== "").join(" and ");
      return fail(`no ${missing} within ${timeoutMs} ms`);
    }
    if (startup === undefined) {
      const out = s.stdout.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) {
        try {
          startup = parseStartupLine(out.slice(0, nl).trim());
        } catch (err) {
          return fail(`first stdout line is not the startup line: ${(err as Error).message}`);
        }
      }
    }
    if (healthyAt === undefined && (await healthStatus(port)) === 200) healthyAt = performance.now();
    if (healthyAt === undefined || startup === undefined) await sleep(10);
  }

  const startupLine = startup;
  const spawned = s;
  return {
    app,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    pid: s.pid,
    startupLine,
    spawnToHealthyMs: healthyAt - t0,
    spawnToStartupLineMs: (s.firstLineAt ?? performance.now()) - t0,
    stdout: () => spawned.stdout.toString(),
    stderr: () => spawned.stderr.toString(),
    exitStatus: () => spawned.exit,
    exited: spawned.exited,
    async stop(signal: NodeJS.Signals = "SIGTERM", stopTimeoutMs = 15_000, target: "group" | "leader" = "group"): Promise<Exit> {
      if (spawned.exit === undefined) {
        if (target === "group") killGroup(spawned.pid, signal);
        else {
          try {
            process.kill(spawned.pid, signal);
          } catch {
            // already gone
          }
        }
        const exited = await Promise.race([spawned.exited, sleep(stopTimeoutMs).then(() => undefined)]);
        if (exited === undefined) {
          killGroup(spawned.pid, "SIGKILL");
          await spawned.exited;
        }
      }
      await settle(spawned);
      return spawned.exit ?? { code: null, signal: null };
    },
  };
}

/** What `runUntilExit` saw. */
export interface RunResult extends Exit {
  stdout: string;
  stderr: string;
  /** True when the process was still running at the timeout and was killed. */
  timedOut: boolean;
}

/**
 * Runs `native.run` and waits for the process to exit by itself (for startup errors such as an
 * invalid CONCURRENCY); kills it after `timeoutMs`. @default timeoutMs 15000
 */
export async function runUntilExit(app: AppManifest, opts: StartOptions = {}): Promise<RunResult> {
  const port = opts.port ?? (await freePort());
  const s = spawnGroup(runArgv(app, opts.cpus), app.dir, appEnv(port, opts.env));
  const exit = await Promise.race([s.exited, sleep(opts.timeoutMs ?? 15_000).then(() => undefined)]);
  if (exit === undefined) {
    killGroup(s.pid, "SIGKILL");
    const killed = await s.exited;
    await settle(s);
    return { ...killed, stdout: s.stdout.toString(), stderr: s.stderr.toString(), timedOut: true };
  }
  await settle(s);
  return { ...exit, stdout: s.stdout.toString(), stderr: s.stderr.toString(), timedOut: false };
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** One HTTP exchange as the contract tests see it. */
export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The raw body text (key order matters to some checks). */
  body: string;
  /** The local port of the socket that carried the request (identifies keep-alive reuse). */
  localPort: number | undefined;
  /** Milliseconds from sending to the end of the body. */
  durationMs: number;
}

/**
 * Sends one request to a running app. The path is sent as given (no re-encoding).
 * @param opts.agent @default - a fresh connection (`agent: false`)
 * @param opts.timeoutMs @default 30000
 */
export function httpRequest(
  target: { port: number },
  method: string,
  requestPath: string,
  opts: { agent?: http.Agent; timeoutMs?: number; body?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers["content-length"] = String(Buffer.byteLength(opts.body));
    else if (method !== "GET" && method !== "HEAD") headers["content-length"] = "0";
    const req = http.request(
      { host: "127.0.0.1", port: target.port, method, path: requestPath, agent: opts.agent ?? false, headers, timeout: opts.timeoutMs ?? 30_000 },
      (res) => {
        const localPort = res.socket?.localPort;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
            localPort,
            durationMs: performance.now() - start,
          }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${requestPath}: no response within ${opts.timeoutMs ?? 30_000} ms`)));
    req.on("error", reject);
    req.end(opts.body);
  });
}

/**
 * `apps` limited to the names in `K8S_BENCH_APPS` (comma-separated), when it is set. Throws on a
 * name that is not an app, so a typo cannot turn into a silently empty run.
 */
export function selectedApps(apps: AppManifest[], filter: string | undefined = process.env.K8S_BENCH_APPS): AppManifest[] {
  if (filter === undefined || filter.trim() === "") return apps;
  const names = filter.split(",").map((n) => n.trim()).filter((n) => n !== "");
  const unknown = names.filter((n) => !apps.some((a) => a.name === n));
  if (unknown.length > 0) {
    throw new Error(`K8S_BENCH_APPS names ${unknown.join(", ")}, which are not apps (have: ${apps.map((a) => a.name).join(", ") || "none"})`);
  }
  return apps.filter((a) => names.includes(a.name));
}
