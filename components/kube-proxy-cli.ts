/**
 * The logic of `npm run kube-proxy:parse -- <file>...` (scripts/kube-proxy-parse.ts): offline
 * analysis of kube-proxy logs into the same `kubeProxy` result the stack produces. Takes its I/O
 * as arguments so tests can drive it without a process.
 */
import * as path from "node:path";
import { parseKubeProxyLog } from "./kube-proxy-log.ts";
import { summarizeKubeProxyMetrics } from "./kube-proxy-metrics.ts";
import type { KubeProxyMetrics } from "./kube-proxy-metrics.ts";
import { kubeProxyResult } from "./kube-proxy-result.ts";
import type { KubeProxyNodeInput, KubeProxyResultInput } from "./kube-proxy-result.ts";
import type { KubeProxyResult } from "./results-schema";

export const KUBE_PROXY_PARSE_USAGE = `usage: npm run kube-proxy:parse -- [options] <file>...

Reads one kube-proxy log per node ("-" for stdin; the node is named after the file, without its
extension) and prints the kubeProxy result JSON, with a kernel comparison for several files.

options:
  --kernel <node>=<version>   kernel of a node (repeatable); without it nodes are compared by name
  --metrics <node>=<file>     kube-proxy /metrics scrape of a node (repeatable)
  --since <RFC 3339>          keep syncs logged at or after this time (also sets the year of klog lines)
  --until <RFC 3339>          keep syncs logged at or before this time
  --year <YYYY>               year of the klog lines (default: the year closest to --since, else now)
  --target-endpoints <n>      endpoint count of a node's final sync (default: the largest logged)
  --mode <mode>               proxier mode (default: from the logs)
  --version <version>         kube-proxy version (default: "unknown")
  --pretty                    indent the JSON
  -h, --help                  this text

exit codes: 0 result printed; 1 a file could not be read; 2 bad arguments.`;

export interface ParseCliOptions {
  files: string[];
  kernels: Record<string, string>;
  metrics: Record<string, string>;
  since?: Date;
  until?: Date;
  year?: number;
  targetEndpoints?: number;
  mode?: string;
  version?: string;
  pretty: boolean;
  help: boolean;
}

/** Parses the arguments; every problem is reported. */
export function parseCliArgs(argv: string[]): { options: ParseCliOptions } | { errors: string[] } {
  const options: ParseCliOptions = { files: [], kernels: {}, metrics: {}, pretty: false, help: false };
  const errors: string[] = [];
  const pair = (flag: string, value: string, into: Record<string, string>): void => {
    const eq = value.indexOf("=");
    if (eq <= 0 || eq === value.length - 1) errors.push(`${flag} (${JSON.stringify(value)}) must be <node>=<value>`);
    else into[value.slice(0, eq)] = value.slice(eq + 1);
  };
  const date = (flag: string, value: string): Date | undefined => {
    const d = new Date(value);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(d.getTime())) {
      errors.push(`${flag} (${JSON.stringify(value)}) must be an RFC 3339 time such as 2025-10-15T12:00:00Z`);
      return undefined;
    }
    return d;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const valueFlags = ["--kernel", "--metrics", "--since", "--until", "--year", "--target-endpoints", "--mode", "--version"];
    let flag = arg;
    let value: string | undefined;
    if (arg.startsWith("--") && arg.includes("=") && valueFlags.includes(arg.slice(0, arg.indexOf("=")))) {
      flag = arg.slice(0, arg.indexOf("="));
      value = arg.slice(arg.indexOf("=") + 1);
    } else if (valueFlags.includes(arg)) {
      value = argv[++i];
      if (value === undefined) {
        errors.push(`${arg} needs a value`);
        break;
      }
    }
    switch (flag) {
      case "--kernel": pair(flag, value as string, options.kernels); break;
      case "--metrics": pair(flag, value as string, options.metrics); break;
      case "--since": options.since = date(flag, value as string); break;
      case "--until": options.until = date(flag, value as string); break;
      case "--year":
        if (/^\d{4}$/.test(value as string)) options.year = Number(value);
        else errors.push(`--year (${JSON.stringify(value)}) must be four digits`);
        break;
      case "--target-endpoints":
        if (/^\d+$/.test(value as string)) options.targetEndpoints = Number(value);
        else errors.push(`--target-endpoints (${JSON.stringify(value)}) must be a whole number`);
        break;
      case "--mode": options.mode = value as string; break;
      case "--version": options.version = value as string; break;
      case "--pretty": options.pretty = true; break;
      case "-h":
      case "--help": options.help = true; break;
      default:
        if (arg.startsWith("-") && arg !== "-") errors.push(`unknown option ${arg}`);
        else options.files.push(arg);
    }
  }
  if (!options.help && options.files.length === 0) errors.push("no log file given");
  if (options.files.filter((f) => f === "-").length > 1) errors.push(`"-" (stdin) can be given once`);
  const names = options.files.map(nodeName);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) errors.push(`two files name the same node ${JSON.stringify(dup)}`);
  for (const key of [...Object.keys(options.kernels), ...Object.keys(options.metrics)]) {
    if (!names.includes(key)) errors.push(`${JSON.stringify(key)} names no node; the nodes are ${names.map((n) => JSON.stringify(n)).join(", ")}`);
  }
  return errors.length > 0 ? { errors } : { options };
}

/** "logs/ip-10-0-1-23.log" → "ip-10-0-1-23"; "-" → "stdin". */
export function nodeName(file: string): string {
  if (file === "-") return "stdin";
  const base = path.basename(file);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Runs the CLI; `read` returns a file's text ("-" is stdin). */
export async function runParseCli(
  argv: string[],
  read: (file: string) => Promise<string>,
  now: Date = new Date(),
): Promise<{ code: number; stdout: string; stderr: string }> {
  const parsed = parseCliArgs(argv);
  if ("errors" in parsed) {
    return { code: 2, stdout: "", stderr: `${parsed.errors.map((e) => `error: ${e}`).join("\n")}\n\n${KUBE_PROXY_PARSE_USAGE}\n` };
  }
  const o = parsed.options;
  if (o.help) return { code: 0, stdout: `${KUBE_PROXY_PARSE_USAGE}\n`, stderr: "" };
  const nodes: KubeProxyNodeInput[] = [];
  let stderr = "";
  for (const file of o.files) {
    const node = nodeName(file);
    let text: string;
    let metricsText: string | undefined;
    try {
      text = await read(file);
      const m = o.metrics[node];
      if (m !== undefined) metricsText = await read(m);
    } catch (err) {
      return { code: 1, stdout: "", stderr: `error: cannot read ${file}: ${err instanceof Error ? err.message : String(err)}\n` };
    }
    const log = parseKubeProxyLog(text, { since: o.since, until: o.until, year: o.year, reference: o.since ?? o.until ?? now });
    const input: KubeProxyNodeInput = { node, log };
    const kernel = o.kernels[node];
    if (kernel !== undefined) input.kernelVersion = kernel;
    if (metricsText !== undefined) {
      const metrics: KubeProxyMetrics | undefined = summarizeKubeProxyMetrics(metricsText);
      if (metrics) input.metrics = metrics;
      else input.warnings = [`metrics file ${o.metrics[node]} has no kubeproxy_sync_proxy_rules_duration_seconds series`];
    }
    if (log.skippedLines > 0) stderr += `${file}: skipped ${log.skippedLines} of ${log.lines} lines\n`;
    nodes.push(input);
  }
  const input: KubeProxyResultInput = { nodes };
  if (o.mode !== undefined) input.mode = o.mode;
  if (o.version !== undefined) input.version = o.version;
  if (o.targetEndpoints !== undefined) input.targetEndpoints = o.targetEndpoints;
  if (o.since || o.until) input.window = { ...(o.since ? { start: o.since.toISOString() } : {}), ...(o.until ? { end: o.until.toISOString() } : {}) };
  const result: KubeProxyResult = kubeProxyResult(input);
  return { code: 0, stdout: `${JSON.stringify(result, null, o.pretty ? 2 : undefined)}\n`, stderr };
}
