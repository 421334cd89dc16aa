/**
 * Reads process facts from Linux /proc for `npm run bench:apps`: the process tree under a pid, its
 * summed resident memory and CPU time, and the machine's CPU model.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import { execFileSync } from "node:child_process";

interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime in clock ticks. */
  cpuTicks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name sits in parentheses and may contain spaces: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // fields[0] is state (field 3); ppid is field 4, utime 14, stime 15.
    return { pid, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** `root` and every descendant that is alive now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat === undefined) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(stat.pid);
    children.set(stat.ppid, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (!fs.existsSync(`/proc/${pid}`)) continue;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

function statusKiB(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m === null ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}

function pssKiB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return m === null ? 0 : Number(m[1]);
  } catch {
    return 0;
  }
}

/** Memory of a process tree: RSS summed over its processes (pages shared by forked workers count once per process) and PSS (shared pages split). */
export interface TreeMemory {
  processes: number;
  rssMiB: number;
  pssMiB: number;
}

/** The summed memory of `root` and its descendants. */
export function treeMemory(root: number): TreeMemory {
  const pids = processTree(root);
  const rss = pids.reduce((sum, pid) => sum + statusKiB(pid, "VmRSS"), 0);
  const pss = pids.reduce((sum, pid) => sum + pssKiB(pid), 0);
  return { processes: pids.length, rssMiB: rss / 1024, pssMiB: pss / 1024 };
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) used so far by the live processes of the tree under `root`. */
export function treeCpuSeconds(root: number): number {
  const ticks = processTree(root).reduce((sum, pid) => sum + (readStat(pid)?.cpuTicks ?? 0), 0);
  return ticks / clockTicks();
}

/** The machine as the header of the results shows it. */
export interface MachineInfo {
  cpuModel: string;
  logicalCpus: number;
  /** CPUs this process may run on. */
  availableCpus: number;
  kernel: string;
  node: string;
}

/** Reads the CPU model and counts. */
export function machineInfo(): MachineInfo {
  let cpuModel = os.cpus()[0]?.model ?? "unknown";
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
    if (m?.[1] !== undefined) cpuModel = m[1].trim();
  } catch {
    // keep os.cpus()
  }
  return { cpuModel, logicalCpus: os.cpus().length, availableCpus: os.availableParallelism(), kernel: os.release(), node: process.version };
}
