/**
 * Pure helpers of `npm run bench:apps`: statistics, parsers for wrk and bash `times` output, target
 * checks and the plain-text table. No I/O here, so every function is unit-tested with plain values
 * (test/bench-format.test.ts).
 */

/**
 * The p-th percentile (0–100) of `values` by linear interpolation between closest ranks (the
 * method of numpy's default and of k6's trend stats). Undefined for an empty list.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  if (p < 0 || p > 100) throw new RangeError(`percentile ${p} is outside 0..100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

/** The median (50th percentile) of `values`. */
export function median(values: readonly number[]): number | undefined {
  return percentile(values, 50);
}

/** `value / reference`, undefined when either is missing or the reference is not positive. */
export function ratio(value: number | undefined, reference: number | undefined): number | undefined {
  if (value === undefined || reference === undefined || !(reference > 0)) return undefined;
  return value / reference;
}

/**
 * A number for a table cell: `-` when missing, otherwise `digits` decimals below 100 and none
 * above, with thin grouping of thousands (`12,345`).
 */
export function formatNumber(value: number | undefined, digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return "-";
  const decimals = Math.abs(value) >= 100 ? 0 : digits;
  return value.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A ratio cell: `1.07×`, or `-`. */
export function formatRatio(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? "-" : `${value.toFixed(2)}×`;
}

/** Column alignment: numbers right, text left. */
export type Align = "left" | "right";

/**
 * Renders a plain-text table. Headers may span several lines (`"compute\np50 ms"`); the first
 * column is left-aligned unless `align` says otherwise, the others right-aligned.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  const headerLines = headers.map((h) => h.split("\n"));
  const depth = Math.max(1, ...headerLines.map((h) => h.length));
  const widths = headers.map((_, c) =>
    Math.max(...(headerLines[c] ?? []).map((l) => l.length), ...rows.map((r) => (r[c] ?? "").length)),
  );
  const alignOf = (c: number): Align => align?.[c] ?? (c === 0 ? "left" : "right");
  const cell = (text: string, c: number): string => {
    const w = widths[c] ?? 0;
    return alignOf(c) === "left" ? text.padEnd(w) : text.padStart(w);
  };
  const line = (cells: readonly string[]): string => headers.map((_, c) => cell(cells[c] ?? "", c)).join("  ").replace(/\s+$/, "");
  const out: string[] = [];
  for (let i = 0; i < depth; i++) {
    // Bottom-align multi-line headers so the last line sits on the rule.
    out.push(line(headerLines.map((h) => h[i - (depth - h.length)] ?? "")));
  }
  out.push(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) out.push(line(r));
  return out.join("\n");
}

/** What one wrk run reports. */
export interface WrkResult {
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  latencyMs: { avg?: number; p50?: number; p75?: number; p90?: number; p99?: number; max?: number };
  /** Responses whose status was not 2xx or 3xx. */
  non2xx: number;
  socketErrors: { connect: number; read: number; write: number; timeout: number };
}

/** Milliseconds from a wrk duration such as `455.12us`, `1.20ms`, `2.00s`, `1.50m`. */
export function wrkDurationMs(text: string): number {
  const m = /^([0-9.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (m === null) throw new Error(`not a wrk duration: ${JSON.stringify(text)}`);
  const scale: Record<string, number> = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };
  return Number(m[1]) * (scale[m[2] as string] as number);
}

/** Parses the text wrk prints (with `--latency`). Throws when the essentials are missing. */
export function parseWrkOutput(text: string): WrkResult {
  const total = /(\d+) requests in ([0-9.]+)(us|ms|s|m)/.exec(text);
  const rps = /Requests\/sec:\s+([0-9.]+)/.exec(text);
  if (total === null || rps === null) throw new Error(`wrk output has no request totals:\n${text}`);
  const latencyMs: WrkResult["latencyMs"] = {};
  const stats = /Latency\s+([0-9.]+\w+)\s+([0-9.]+\w+)\s+([0-9.]+\w+)/.exec(text);
  if (stats !== null) {
    latencyMs.avg = wrkDurationMs(stats[1] as string);
    latencyMs.max = wrkDurationMs(stats[3] as string);
  }
  for (const [pct, key] of [["50", "p50"], ["75", "p75"], ["90", "p90"], ["99", "p99"]] as const) {
    const m = new RegExp(`^\\s+${pct}%\\s+([0-9.]+\\w+)\\s*$`, "m").exec(text);
    if (m !== null) latencyMs[key] = wrkDurationMs(m[1] as string);
  }
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    requests: Number(total[1]),
    durationSeconds: wrkDurationMs(`${total[2]}${total[3]}`) / 1000,
    requestsPerSecond: Number(rps[1]),
    latencyMs,
    non2xx: non2xx === null ? 0 : Number(non2xx[1]),
    socketErrors: sock === null
      ? { connect: 0, read: 0, write: 0, timeout: 0 }
      : { connect: Number(sock[1]), read: Number(sock[2]), write: Number(sock[3]), timeout: Number(sock[4]) },
  };
}

/**
 * CPU seconds of the children from bash's `times` builtin (its second line,
 * `0m1.234s 0m0.567s`: user, then system).
 */
export function parseBashTimes(text: string): { userSeconds: number; systemSeconds: number } {
  const lines = text.trim().split("\n").filter((l) => /^\s*\d+m[0-9.]+s\s+\d+m[0-9.]+s\s*$/.test(l));
  const children = lines[lines.length - 1];
  if (lines.length < 2 || children === undefined) throw new Error(`no bash "times" output in:\n${text}`);
  const [user, system] = children.trim().split(/\s+/).map((t) => {
    const m = /^(\d+)m([0-9.]+)s$/.exec(t);
    return m === null ? NaN : Number(m[1]) * 60 + Number(m[2]);
  });
  return { userSeconds: user ?? NaN, systemSeconds: system ?? NaN };
}

/** A bound a benchmark number is reported against. */
export interface Target {
  /** What is measured, e.g. `compute vs gcc`. */
  metric: string;
  /** `<=` or `>=`. */
  op: "<=" | ">=";
  limit: number;
  unit: string;
}

/** The outcome of one target for one app. */
export interface TargetCheck extends Target {
  app: string;
  value: number | undefined;
  /** undefined when the value is missing. */
  ok: boolean | undefined;
}

/** Compares `value` with `target`. */
export function checkTarget(app: string, target: Target, value: number | undefined): TargetCheck {
  const ok = value === undefined || !Number.isFinite(value) ? undefined : target.op === "<=" ? value <= target.limit : value >= target.limit;
  return { ...target, app, value, ok };
}

/** One line per target: `rust   compute vs gcc    1.07× <= 1.30×  ok`. */
export function renderTargetChecks(checks: readonly TargetCheck[]): string {
  const rows = checks.map((c) => [
    c.app,
    c.metric,
    c.unit === "×" ? formatRatio(c.value) : `${formatNumber(c.value)} ${c.unit}`,
    `${c.op} ${c.unit === "×" ? formatRatio(c.limit) : `${formatNumber(c.limit)} ${c.unit}`}`,
    c.ok === undefined ? "not measured" : c.ok ? "ok" : "MISSED",
  ]);
  return renderTable(["app", "target", "measured", "bound", "result"], rows, ["left", "left", "right", "left", "left"]);
}

/** The bare loop an app's /compute is compared with. */
export type Reference = "gcc" | "cpython";

/** What `npm run bench:apps` reports one runtime against (from the project's goals). */
export interface RuntimeTargets {
  reference: Reference;
  /** Largest acceptable /compute p50 over the reference loop's p50. */
  computeRatio: number;
  idleRssMiB: number;
  healthRps: number;
}

/** Targets per app language; a language not listed here is reported without targets. */
export const TARGETS: Record<string, RuntimeTargets> = {
  rust: { reference: "gcc", computeRatio: 1.3, idleRssMiB: 5, healthRps: 20_000 },
  go: { reference: "gcc", computeRatio: 1.3, idleRssMiB: 12, healthRps: 20_000 },
  python: { reference: "cpython", computeRatio: 1.15, idleRssMiB: 80, healthRps: 2_500 },
};

/** The measured numbers the targets look at. */
export interface TargetInputs {
  computeRatio: number | undefined;
  idleRssMiB: number | undefined;
  healthRps: number | undefined;
}

/** Checks one app's numbers against the targets of its language (none for an unknown language). */
export function checkRuntimeTargets(app: string, language: string, m: TargetInputs): TargetCheck[] {
  const t = TARGETS[language];
  if (t === undefined) return [];
  return [
    checkTarget(app, { metric: `/compute p50 vs ${t.reference}`, op: "<=", limit: t.computeRatio, unit: "×" }, m.computeRatio),
    checkTarget(app, { metric: "idle RSS", op: "<=", limit: t.idleRssMiB, unit: "MiB" }, m.idleRssMiB),
    checkTarget(app, { metric: "/health on one core", op: ">=", limit: t.healthRps, unit: "req/s" }, m.healthRps),
  ];
}

/** Jiffies of one CPU from /proc/stat: all of them, and those not idle (steal counts as busy). */
export interface CpuJiffies {
  total: number;
  busy: number;
}

/**
 * Reads the `cpu<N>` line of /proc/stat text (`cpu0 user nice system idle iowait irq softirq steal ...`).
 * Guest time is already inside user and nice, so it is not added twice.
 */
export function parseProcStatCpu(text: string, cpu: string): CpuJiffies {
  const line = text.split("\n").find((l) => l.startsWith(`cpu${cpu} `));
  if (line === undefined) throw new Error(`/proc/stat has no cpu${cpu} line`);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { total, busy: total - idle - iowait };
}

/** Busy share of a CPU between two readings, in percent (0 when no time passed). */
export function busyPercent(before: CpuJiffies, after: CpuJiffies): number {
  const total = after.total - before.total;
  return total > 0 ? (100 * (after.busy - before.busy)) / total : 0;
}
