/**
 * Kubernetes resource quantities from config, as whole millicores and MiB.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T|k)?$/;

const MEMORY_FACTORS: Record<string, number> = {
  "": 1 / (1024 * 1024),
  k: 1000 / (1024 * 1024),
  K: 1000 / (1024 * 1024),
  M: 1e6 / (1024 * 1024),
  G: 1e9 / (1024 * 1024),
  T: 1e12 / (1024 * 1024),
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  Ti: 1024 * 1024,
};

/** "500m" → 500, "0.5" → 500, "2" → 2000; undefined when not a non-negative CPU quantity. */
export function parseCpuMilli(value: unknown): number | undefined {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string") return undefined;
  const match = CPU.exec(text.trim());
  if (!match) return undefined;
  const milli = match[2] === "m" ? Number(match[1]) : Number(match[1]) * 1000;
  return Number.isInteger(milli) ? milli : undefined;
}

/** A memory quantity in MiB, fractions kept: "3276Ki" → 3.2, "1048576" → 1 (metrics API usage). */
export function memoryMiB(text: string): number | undefined {
  const match = MEMORY.exec(text.trim());
  return match ? Number(match[1]) * (MEMORY_FACTORS[match[2] ?? ""] ?? NaN) : undefined;
}

/** "256Mi" → 256, "1Gi" → 1024, "268435456" → 256; undefined unless a whole number of MiB. */
export function parseMemoryMiB(value: unknown): number | undefined {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string") return undefined;
  const mib = memoryMiB(text);
  if (mib === undefined) return undefined;
  const rounded = Math.round(mib);
  return Math.abs(mib - rounded) < 1e-9 ? rounded : undefined;
}

/** 500 → "500m". */
export const cpuQuantity = (milli: number): string => `${milli}m`;
/** 256 → "256Mi". */
export const memoryQuantity = (mib: number): string => `${mib}Mi`;
