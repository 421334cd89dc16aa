/**
 * Pure parser for kube-proxy's klog output: klog lines, Go durations, and the syncs they describe.
 *
 * Runs in two places: in the stack and the `kube-proxy:parse` CLI (through tsx), and inside the
 * benchmark Job on the official Node image, which runs TypeScript by type stripping. So this file
 * uses erasable syntax only and has no runtime imports (the `import type` below is erased).
 *
 * A kube-proxy sync is logged as up to three lines of the same ipFamily (newer versions first log
 * "Syncing nftables rules" fullSync=..., older ones omit ipFamily):
 *   I1015 12:31:11.235732  1 proxier.go:1794] "Reloading service nftables data" ipFamily="IPv4" numServices=8006 numEndpoints=240015
 *   I1015 12:35:54.334108  1 proxier.go:1168] "SyncProxyRules complete" ipFamily="IPv4" elapsed="4m50.461347544s"
 *
 * @see https://github.com/kubernetes/klog (header format `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg`)
 * @see https://pkg.go.dev/time#ParseDuration
 */
import type { KubeProxySync } from "./results-schema";

/** klog severity: Info, Warning, Error, Fatal. */
export type KlogLevel = "I" | "W" | "E" | "F";

/** One klog line, decoded. */
export interface KlogLine {
  level: KlogLevel;
  /** RFC 3339 UTC timestamp with klog's microseconds, for example "2025-10-15T12:31:11.235732Z". */
  at: string;
  /** Milliseconds since the epoch (for window comparisons). */
  timeMs: number;
  /** "proxier.go:1794". */
  source: string;
  /** The structured message ("Reloading service nftables data"), or the whole text of an unstructured line. */
  msg: string;
  /** Decoded key=value pairs of a structured line; empty for unstructured lines. */
  values: Record<string, string>;
}

/** How to date klog lines, whose header carries no year. */
export interface KlogDateOptions {
  /** The year of every line. @default - the year that puts each line closest to `reference` */
  year?: number;
  /** A time near the lines (the test window's start). @default - now */
  reference?: Date;
}

const HEADER =
  /^([IWEF])(\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{6})\s+\d+\s+([^\s\]]+)\] ?(.*)$/;
// `kubectl logs --timestamps` and the CRI log files under /var/log/pods prefix each line with an
// RFC 3339 time (CRI adds the stream and a partial/full tag); the prefix carries the year.
const PREFIX = /^(\d{4})-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})\s+(?:(?:stdout|stderr)\s+[FP]\s+)?/;

/**
 * Parses one klog line; returns undefined for anything else (continuation lines of multi-line
 * values, blank lines, other programs' output).
 */
export function parseKlogLine(line: string, dates: KlogDateOptions = {}): KlogLine | undefined {
  let text = line.endsWith("\r") ? line.slice(0, -1) : line;
  let year = dates.year;
  const prefix = PREFIX.exec(text);
  if (prefix) {
    year ??= Number(prefix[1]);
    text = text.slice(prefix[0].length);
  }
  const m = HEADER.exec(text);
  if (!m) return undefined;
  const [, level, mo, d, h, mi, s, micro, source, rest] = m as unknown as string[] as [
    string, KlogLevel, string, string, string, string, string, string, string, string,
  ];
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) {
    return undefined;
  }
  const ms = Math.floor(Number(micro) / 1000);
  const fullYear = year ?? closestYear(month, day, Number(h), Number(mi), Number(s), ms, dates.reference ?? new Date());
  const timeMs = Date.UTC(fullYear, month - 1, day, Number(h), Number(mi), Number(s), ms);
  const at = `${String(fullYear).padStart(4, "0")}-${mo}-${d}T${h}:${mi}:${s}.${micro}Z`;
  const structured = parseStructured(rest);
  return structured
    ? { level, at, timeMs, source, msg: structured.msg, values: structured.values }
    : { level, at, timeMs, source, msg: rest.trim(), values: {} };
}

function closestYear(month: number, day: number, h: number, mi: number, s: number, ms: number, reference: Date): number {
  const refYear = reference.getUTCFullYear();
  let best = refYear;
  let bestDistance = Infinity;
  for (const y of [refYear - 1, refYear, refYear + 1]) {
    const distance = Math.abs(Date.UTC(y, month - 1, day, h, mi, s, ms) - reference.getTime());
    if (distance < bestDistance) {
      best = y;
      bestDistance = distance;
    }
  }
  return best;
}

/** `"msg" k1=v1 k2="quoted \"v\""` → { msg, values }; undefined when the text is not structured. */
function parseStructured(rest: string): { msg: string; values: Record<string, string> } | undefined {
  if (!rest.startsWith('"')) return undefined;
  const first = readQuoted(rest, 0);
  if (!first) return undefined;
  const values: Record<string, string> = {};
  let i = first.end;
  while (i < rest.length) {
    while (rest[i] === " ") i++;
    if (i >= rest.length) break;
    const eq = rest.indexOf("=", i);
    const space = rest.indexOf(" ", i);
    if (eq < 0 || (space >= 0 && space < eq)) break; // not key=value: stop, keep what we have
    const key = rest.slice(i, eq);
    i = eq + 1;
    if (rest[i] === '"') {
      const q = readQuoted(rest, i);
      if (!q) break;
      values[key] = q.value;
      i = q.end;
    } else if (rest[i] === "<" && i + 1 === rest.length) {
      // klog starts a multi-line value with `key=<` and continues on the next lines.
      values[key] = "<multi-line>";
      i = rest.length;
    } else {
      const end = rest.indexOf(" ", i);
      values[key] = rest.slice(i, end < 0 ? rest.length : end);
      i = end < 0 ? rest.length : end;
    }
  }
  return { msg: first.value, values };
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\", "'": "'", a: "\x07", b: "\b", f: "\f", v: "\v" };

/** Reads a Go-quoted string starting at `start` (which holds the opening quote). */
function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  let value = "";
  let i = start + 1;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') return { value, end: i + 1 };
    if (c !== "\\") {
      value += c;
      i++;
      continue;
    }
    const e = text[i + 1];
    if (e === undefined) return undefined;
    const simple = ESCAPES[e];
    if (simple !== undefined) {
      value += simple;
      i += 2;
      continue;
    }
    const hexLength = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    const hex = text.slice(i + 2, i + 2 + hexLength);
    if (hexLength > 0 && /^[0-9a-fA-F]+$/.test(hex) && hex.length === hexLength) {
      value += String.fromCodePoint(Number.parseInt(hex, 16));
      i += 2 + hexLength;
      continue;
    }
    value += e; // unknown escape: keep the character, like a forgiving reader should
    i += 2;
  }
  return undefined;
}

const UNIT_NANOS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n, // micro sign
  "\u03bcs": 1_000n, // Greek small letter mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/**
 * Parses a Go duration (`time.Duration.String()` output and everything `time.ParseDuration`
 * accepts: "850ms", "1.3s", "16m31.474906059s", "1h2m3.5s", "1.5µs", "120us", "0") into seconds.
 * Integer nanoseconds are computed exactly (fractions truncated to whole nanoseconds, as Go does).
 * @throws Error `invalid Go duration "<text>"` for anything else.
 */
export function parseGoDuration(text: string): number {
  const nanos = parseGoDurationNanos(text);
  return Number(nanos) / 1e9;
}

/** Like {@link parseGoDuration}, in integer nanoseconds. */
export function parseGoDurationNanos(text: string): bigint {
  const fail = (): never => {
    throw new Error(`invalid Go duration ${JSON.stringify(text)}`);
  };
  let s = text;
  let negative = false;
  if (s.startsWith("-") || s.startsWith("+")) {
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") fail();
  let total = 0n;
  const component = /^([0-9]*)(?:\.([0-9]*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/;
  while (s.length > 0) {
    const m = component.exec(s);
    if (!m) return fail();
    const whole = m[1] ?? "";
    const frac = m[2] ?? "";
    if (whole === "" && frac === "") fail();
    const unit = UNIT_NANOS[m[3] as string] as bigint;
    total += BigInt(whole === "" ? "0" : whole) * unit;
    if (frac !== "") total += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    s = s.slice(m[0].length);
  }
  return negative ? -total : total;
}

/** Options of {@link parseKubeProxyLog}. */
export interface KubeProxyLogOptions extends KlogDateOptions {
  /** Keep only syncs (and warnings) logged at or after this time. @default - no lower bound */
  since?: Date;
  /** Keep only syncs (and warnings) logged at or before this time. @default - no upper bound */
  until?: Date;
}

/** What one kube-proxy log says about the test window. */
export interface ParsedKubeProxyLog {
  /** Completed syncs inside the window, in log order. */
  syncs: KubeProxySync[];
  /** Completed syncs outside the window (ignored). */
  syncsOutsideWindow: number;
  /** Grouped error and trouble lines inside the window, for example `3× E "nftables sync failed": err=...`. */
  warnings: string[];
  /** Non-blank lines that are not klog lines (continuations of multi-line values, garbage). */
  skippedLines: number;
  /** Every non-blank line read. */
  lines: number;
  /** Proxier mode announced by the log ("Using nftables Proxier", "Reloading service nftables data"). */
  mode?: string;
}

/** Lines worth keeping to rebuild a {@link ParsedKubeProxyLog}: sync lines, mode lines, errors. */
export function isRelevantKubeProxyLine(line: KlogLine): boolean {
  return line.level !== "I" || SYNC_MESSAGES.test(line.msg) || MODE_MESSAGE.test(line.msg);
}

const SYNC_MESSAGES = /^(SyncProxyRules complete|Reloading service \S+ data|Syncing \S+ rules)$/;
const MODE_MESSAGE = /^Using (\S+) Proxier\.?$/;
const RELOADING = /^Reloading service (\S+) data$/;
const SYNCING = /^Syncing (\S+) rules$/;
// Warning-level lines that say something about rule programming; every E/F line counts anyway.
const TROUBLE = /nft|sync|rules|iptables|conntrack/i;

interface PendingSync {
  services?: number;
  endpoints?: number;
  fullSync?: boolean;
}

/**
 * Extracts the syncs, trouble signs and mode from a kube-proxy log. Never throws on content:
 * lines it cannot use are counted in `skippedLines`.
 */
export function parseKubeProxyLog(text: string, options: KubeProxyLogOptions = {}): ParsedKubeProxyLog {
  const dates: KlogDateOptions = { year: options.year, reference: options.reference ?? options.since ?? options.until };
  const sinceMs = options.since?.getTime() ?? -Infinity;
  const untilMs = options.until?.getTime() ?? Infinity;
  const pending = new Map<string, PendingSync>();
  const troubles = new Map<string, { count: number; first: KlogLine }>();
  const result: ParsedKubeProxyLog = { syncs: [], syncsOutsideWindow: 0, warnings: [], skippedLines: 0, lines: 0 };

  // klog writes a multi-line value as `key=<`, tab-indented lines, then ` >`.
  let multiLine: { line: KlogLine; key: string; parts: string[] } | undefined;
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    result.lines++;
    const line = parseKlogLine(raw, dates);
    if (!line) {
      if (multiLine && raw.startsWith("\t")) multiLine.parts.push(raw.slice(1).replace(/\r$/, ""));
      else if (multiLine && raw.trim() === ">") {
        multiLine.line.values[multiLine.key] = multiLine.parts.join("\n");
        multiLine = undefined;
      } else result.skippedLines++;
      continue;
    }
    multiLine = undefined;
    const open = Object.entries(line.values).find(([, v]) => v === "<multi-line>");
    if (open) multiLine = { line, key: open[0], parts: [] };
    const inWindow = line.timeMs >= sinceMs && line.timeMs <= untilMs;
    const family = line.values.ipFamily ?? "";
    const modeLine = MODE_MESSAGE.exec(line.msg);
    if (modeLine) result.mode = (modeLine[1] as string).toLowerCase();

    const syncing = SYNCING.exec(line.msg);
    const reloading = RELOADING.exec(line.msg);
    if (syncing) {
      const full = line.values.fullSync;
      pending.set(family, full === "true" || full === "false" ? { fullSync: full === "true" } : {});
    } else if (reloading) {
      result.mode ??= (reloading[1] as string).toLowerCase();
      const p = pending.get(family) ?? {};
      const services = nonNegativeInt(line.values.numServices);
      const endpoints = nonNegativeInt(line.values.numEndpoints);
      if (services !== undefined) p.services = services;
      if (endpoints !== undefined) p.endpoints = endpoints;
      pending.set(family, p);
    } else if (line.msg === "SyncProxyRules complete") {
      const p = pending.get(family) ?? {};
      pending.delete(family);
      let elapsedSeconds: number;
      try {
        elapsedSeconds = parseGoDuration(line.values.elapsed ?? "");
      } catch {
        result.skippedLines++;
        continue;
      }
      if (!inWindow) {
        result.syncsOutsideWindow++;
        continue;
      }
      const sync: KubeProxySync = { at: line.at, elapsedSeconds };
      if (p.services !== undefined) sync.services = p.services;
      if (p.endpoints !== undefined) sync.endpoints = p.endpoints;
      if (p.fullSync !== undefined) sync.fullSync = p.fullSync;
      if (family !== "") sync.ipFamily = family;
      result.syncs.push(sync);
    }

    if (inWindow && (line.level === "E" || line.level === "F" || (line.level === "W" && TROUBLE.test(line.msg)))) {
      const key = `${line.level} ${JSON.stringify(line.msg)}`;
      const seen = troubles.get(key);
      if (seen) seen.count++;
      else troubles.set(key, { count: 1, first: line });
    }
  }

  for (const [key, { count, first }] of troubles) {
    const detail = (first.values.err ?? first.values.error)?.split("\n")[0];
    const text = `${count}× ${key} first at ${first.at}${detail ? `: ${detail}` : ""}`;
    result.warnings.push(text.length > 300 ? `${text.slice(0, 299)}…` : text);
  }
  return result;
}

function nonNegativeInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}
