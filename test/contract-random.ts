/**
 * Generates random query strings for the contract test's bounded random run: valid values, junk,
 * percent escapes (valid and invalid), encoded unicode, huge numbers and repeated keys. Each comes
 * with what the reference implementation predicts, so the app's answer can be checked exactly.
 */
import type { ContractCase } from "./contract-cases";
import { mulberry32, resolveParam, type ParamName } from "./contract-reference";

/** Valid values above these are regenerated, so the run stays fast on the slowest runtime. */
export interface RandomBounds {
  /** @default 20000 */
  maxN: number;
  /** @default 300 */
  maxSize: number;
}

const JUNK = [
  "-", "+", ".", "e", "E", "x", "a", "0x", "_", ",", ";", "=", ":", "@", "!", "~", "*", "(", ")", "'", "$", "/", "?",
  "%20", "%2B", "%2D", "%2E", "%00", "%0A", "%09", "%FF", "%C3%A9", "%E2%80%8B", "%D9%A3", "%EF%BC%91", "%F0%9F%98%80",
  "%zz", "%", "%4", "%G1", "%%", "%3", "%2", "%26", "%3D", "%23",
  "18446744073709551616", "99999999999999999999", "4294967296", "10000001", "100001", "-0", "0", "1", "00",
];

const UNICODE = ["é", "٣", "１", "😀", "ß", "\u200b", "中"];

type Rng = () => number;

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

function int(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

function encodeSomeDigits(rng: Rng, digits: string): string {
  return [...digits].map((d) => (rng() < 0.15 ? `%3${d}` : d)).join("");
}

function validValue(rng: Rng, param: ParamName, bounds: RandomBounds): string {
  const max = param === "n" ? bounds.maxN : bounds.maxSize;
  const min = param === "n" ? 2 : 1;
  const zeros = rng() < 0.2 ? "0".repeat(int(rng, 1, rng() < 0.1 ? 300 : 5)) : "";
  return encodeSomeDigits(rng, zeros + String(int(rng, min, max)));
}

function junkValue(rng: Rng, param: ParamName, bounds: RandomBounds): string {
  const parts: string[] = [];
  const count = int(rng, 1, 3);
  for (let i = 0; i < count; i++) {
    const r = rng();
    if (r < 0.35) parts.push(pick(rng, JUNK));
    else if (r < 0.55) parts.push(validValue(rng, param, bounds));
    else if (r < 0.65) parts.push(encodeURIComponent(pick(rng, UNICODE)));
    else if (r < 0.75) parts.push(String(int(rng, 0, 9)).repeat(int(rng, 10, 60)));
    else if (r < 0.8) parts.push("9".repeat(int(rng, 100, 2000)));
    else parts.push(String(int(rng, 0, 10)));
  }
  return parts.join("");
}

function randomName(rng: Rng, param: ParamName): string {
  const other: ParamName = param === "n" ? "size" : "n";
  const r = rng();
  if (r < 0.6) return param;
  if (r < 0.65) return encodeURIComponent(param).replace(/./, (c) => `%${c.charCodeAt(0).toString(16)}`);
  if (r < 0.75) return other;
  return pick(rng, ["N", "Size", `${param}%20`, `${param}+`, `%20${param}`, `${param}${param}`, "x", "", "%zz", `${param}%zz`, "%", "q", `${param}[]`]);
}

function randomQuery(rng: Rng, param: ParamName, bounds: RandomBounds): string | undefined {
  if (rng() < 0.05) return undefined;
  const pairs: string[] = [];
  const count = int(rng, 0, 4);
  for (let i = 0; i < count; i++) {
    const name = randomName(rng, param);
    const r = rng();
    if (r < 0.08) pairs.push(name); // no '='
    else pairs.push(`${name}=${r < 0.5 ? validValue(rng, param, bounds) : junkValue(rng, param, bounds)}`);
  }
  if (rng() < 0.1) pairs.splice(int(rng, 0, pairs.length), 0, "");
  return pairs.join("&");
}

/**
 * `count` random requests to /compute and /payload, reproducible from `seed`, each with the
 * reference's expectation. A query the reference accepts with a value above `bounds` is replaced.
 */
export function randomCases(seed: number, count: number, bounds: RandomBounds = { maxN: 20_000, maxSize: 300 }): ContractCase[] {
  const rng = mulberry32(seed);
  const cases: ContractCase[] = [];
  while (cases.length < count) {
    const param: ParamName = rng() < 0.5 ? "n" : "size";
    const path = param === "n" ? "/compute" : "/payload";
    const query = randomQuery(rng, param, bounds);
    const outcome = resolveParam(query, param);
    if (outcome.ok && outcome.value > (param === "n" ? bounds.maxN : bounds.maxSize)) continue;
    const full = query === undefined ? path : `${path}?${query}`;
    const name = `random #${cases.length} (seed ${seed}): GET ${full.length > 100 ? `${full.slice(0, 100)}…` : full}`;
    if (!outcome.ok) cases.push({ name, path: full, expect: { kind: "badParam", param } });
    else if (param === "n") cases.push({ name, path: full, expect: { kind: "compute", n: outcome.value } });
    else cases.push({ name, path: full, expect: { kind: "payload", size: outcome.value } });
  }
  return cases;
}
