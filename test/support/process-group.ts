/**
 * Child processes in their own process groups, killed with the whole group when this Node
 * process exits, so no server (or pre-fork worker) outlives the test file that started it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";

/** Lines of output quoted in error messages. */
export const TAIL_LINES = 40;

const liveGroups = new Set<number>();
let cleanupRegistered = false;

export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function registerCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.on("exit", () => {
    for (const pgid of liveGroups) killGroup(pgid, "SIGKILL");
  });
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    process.once(signal, () => {
      for (const pgid of liveGroups) killGroup(pgid, "SIGKILL");
      process.exit(code);
    });
  }
}

/** Keeps the first 64 KiB and the last 256 KiB of a stream: access logs under load can be huge. */
export class BoundedText {
  private head = "";
  private tail = "";
  private dropped = 0;
  private static readonly HEAD = 64 * 1024;
  private static readonly TAIL = 256 * 1024;

  append(chunk: string): void {
    if (this.head.length < BoundedText.HEAD) {
      const room = BoundedText.HEAD - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (chunk === "") return;
    this.tail += chunk;
    if (this.tail.length > BoundedText.TAIL * 2) {
      const cut = this.tail.length - BoundedText.TAIL;
      this.dropped += cut;
      this.tail = this.tail.slice(cut);
    }
  }

  toString(): string {
    return this.dropped > 0 ? `${this.head}\n[... ${this.dropped} characters dropped ...]\n${this.tail}` : this.head + this.tail;
  }
}

/** The last `lines` lines of `text`. */
export function tail(text: string, lines = TAIL_LINES): string {
  const all = text.replace(/\s+$/, "").split("\n");
  return all.slice(-lines).join("\n");
}

export interface Exit {
  code: number | null;
  signal: string | null;
}

export interface Spawned {
  child: ChildProcess;
  pid: number;
  stdout: BoundedText;
  stderr: BoundedText;
  /** Resolves on the leader's exit. */
  exited: Promise<Exit>;
  exit: Exit | undefined;
  /** Resolves once stdout and stderr are closed (or shortly after exit if a grandchild holds them). */
  closed: Promise<void>;
  /** performance.now() when the first complete stdout line arrived. */
  firstLineAt: number | undefined;
}

export function spawnGroup(argv: string[], cwd: string, env: NodeJS.ProcessEnv): Spawned {
  registerCleanup();
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error("spawnGroup: empty command");
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const stdout = new BoundedText();
  const stderr = new BoundedText();
  child.stderr?.setEncoding("utf8").on("data", (c: string) => stderr.append(c));
  const spawned: Spawned = {
    firstLineAt: undefined,
    child,
    pid: 0,
    stdout,
    stderr,
    exit: undefined,
    exited: new Promise<Exit>((resolve) => {
      child.once("exit", (code, signal) => {
        spawned.exit = { code, signal };
        resolve(spawned.exit);
      });
      child.once("error", (err) => {
        stderr.append(`spawn error: ${err.message}\n`);
        spawned.exit = { code: null, signal: null };
        resolve(spawned.exit);
      });
    }),
    closed: new Promise<void>((resolve) => child.once("close", () => resolve())),
  };
  child.stdout?.setEncoding("utf8").on("data", (c: string) => {
    if (spawned.firstLineAt === undefined && c.includes("\n")) spawned.firstLineAt = performance.now();
    stdout.append(c);
  });
  if (child.pid === undefined) {
    // spawn failed synchronously-ish (ENOENT is reported through "error"); nothing to track.
    return spawned;
  }
  spawned.pid = child.pid;
  liveGroups.add(child.pid);
  void spawned.exited.then(() => {
    // Children left behind by the leader (workers of a pre-fork server) die with it.
    killGroup(child.pid as number, "SIGKILL");
    liveGroups.delete(child.pid as number);
  });
  return spawned;
}

export async function settle(s: Spawned, ms = 500): Promise<void> {
  await Promise.race([s.closed, sleep(ms)]);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The result of a shell command run to completion. */
export interface ShellResult {
  code: number | null;
  signal: string | null;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
  durationMs: number;
}

/**
 * Runs `sh -c command` in `cwd` in its own process group and collects its output.
 * @param timeoutMs kill the whole group after this long. @default 600000
 */
export async function runShell(command: string, cwd: string, opts: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<ShellResult> {
  const start = performance.now();
  registerCleanup();
  const child = spawn("sh", ["-c", command], { cwd, env: { ...process.env, ...opts.env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const output = new BoundedText();
  child.stdout?.setEncoding("utf8").on("data", (c: string) => output.append(c));
  child.stderr?.setEncoding("utf8").on("data", (c: string) => output.append(c));
  const pid = child.pid;
  if (pid !== undefined) liveGroups.add(pid);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (pid !== undefined) killGroup(pid, "SIGKILL");
  }, opts.timeoutMs ?? 600_000);
  const exit = await new Promise<Exit>((resolve) => {
    child.once("error", (err) => {
      output.append(`spawn error: ${err.message}\n`);
      resolve({ code: null, signal: null });
    });
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  if (pid !== undefined) {
    killGroup(pid, "SIGKILL");
    liveGroups.delete(pid);
  }
  if (timedOut) output.append(`\n[killed after ${opts.timeoutMs ?? 600_000} ms]\n`);
  return { ...exit, output: output.toString(), durationMs: performance.now() - start };
}
