/**
 * Runs the project's k6 scripts with a local k6 binary, the way the cluster's Job runs them (same
 * scripts, same env knobs, `--quiet` so stdout holds only handleSummary's JSON line). Used by
 * `test/k6-real.test.ts` and `scripts/record-k6-fixtures.ts`.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { K6_DIR } from "../components/scenarios";
import { VERSIONS } from "../components/versions";

/** The k6 version the project pins; install with `go install go.k6.io/k6@v1.8.1`. */
export const K6_PINNED = VERSIONS.k6;
export const K6_INSTALL_HINT = `go install go.k6.io/k6@${K6_PINNED} (lands in $(go env GOPATH)/bin/k6), or set K6_BIN`;

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function goBinDir(): string {
  try {
    const gopath = execFileSync("go", ["env", "GOPATH"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return path.join(gopath.split(path.delimiter)[0] ?? gopath, "bin");
  } catch {
    return path.join(os.homedir(), "go", "bin");
  }
}

/**
 * The k6 binary: `K6_BIN` when set (an error when it is not executable: an explicit choice must
 * not fall back silently), else `$(go env GOPATH)/bin/k6`, else `k6` on PATH; undefined when none.
 */
export function findK6(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env["K6_BIN"];
  if (explicit !== undefined && explicit !== "") {
    if (!executable(explicit)) throw new Error(`K6_BIN (${explicit}) is not an executable file`);
    return explicit;
  }
  const fromGo = path.join(goBinDir(), "k6");
  if (executable(fromGo)) return fromGo;
  for (const dir of (env["PATH"] ?? "").split(path.delimiter).filter((d) => d !== "")) {
    if (executable(path.join(dir, "k6"))) return path.join(dir, "k6");
  }
  return undefined;
}

/** What one k6 run printed. */
export interface K6Run {
  /** k6's exit code: 0 ok, 99 thresholds crossed, 107 script error, 104/105 invalid config. */
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived: what `kubectl logs` shows for the pod. */
  combined: string;
  durationMs: number;
  /** The command line, for error messages. */
  command: string;
}

export interface RunK6Options {
  k6: string;
  /** Script file name in k6/, for example "load.ts". */
  script: string;
  /** Passed as `-e KEY=VALUE` (k6's __ENV). */
  env: Record<string, string>;
  /** @default 120000 */
  timeoutMs?: number;
  /** `--quiet`: no banner or progress on stdout. @default true */
  quiet?: boolean;
}

/**
 * Runs `k6 run --quiet` on one script. Never throws for a k6 failure: the caller judges the exit
 * code (99 is a threshold miss, which is a result).
 */
export function runK6(opts: RunK6Options): Promise<K6Run> {
  const args = [
    "run",
    ...(opts.quiet === false ? [] : ["--quiet"]),
    "--no-color",
    "--no-usage-report",
    // No REST API server: parallel runs would fight over localhost:6565.
    "--address",
    "",
    ...Object.entries(opts.env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
    path.join(K6_DIR, opts.script),
  ];
  const command = [opts.k6, ...args.map((a) => (a === "" || /\s/.test(a) ? JSON.stringify(a) : a))].join(" ");
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(opts.k6, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, K6_NO_USAGE_REPORT: "true" } });
    let stdout = "";
    let stderr = "";
    let combined = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
      combined += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
      combined += c;
    });
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const timer = setTimeout(() => {
      stderr += `\n[k6 killed after ${timeoutMs} ms]\n`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.once("error", (err) => {
      stderr += `spawn error: ${err.message}\n`;
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, combined, durationMs: performance.now() - start, command });
    });
  });
}
