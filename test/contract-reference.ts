/**
 * An independent reference implementation of the app contract's query rules and results, used by
 * the contract test to predict what every app must answer.
 * @see ../apps/README.md ("HTTP details every app implements identically")
 */

/** The limits every app enforces. */
export const LIMITS = {
  n: { min: 2, max: 10_000_000, default: 10_000 },
  size: { min: 1, max: 100_000, default: 100 },
} as const;

/** A parameter the contract defines. */
export type ParamName = keyof typeof LIMITS;

/** One `name=value` pair after decoding. */
interface Pair {
  name: string;
  value: string;
}

/**
 * Percent-decodes a form component as the WHATWG application/x-www-form-urlencoded parser does:
 * `+` is a space, `%XX` is that byte, and a `%` without two hex digits stays a literal `%`. The
 * contract does not name a rule for invalid escapes, but every choice that honours it gives the
 * same answers: a value with a bad escape is not digits (400), a name with one is never `n` or
 * `size` (ignored as unknown).
 */
export function formDecode(component: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < component.length; i++) {
    const ch = component[i] as string;
    const hex = component.slice(i + 1, i + 3);
    if (ch === "%" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (ch === "+") {
      bytes.push(0x20);
    } else {
      bytes.push(...Buffer.from(ch, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Splits a raw query string (without `?`) on `&`, each pair on its first `=`, and decodes both. */
export function parsePairs(query: string): Pair[] {
  return query
    .split("&")
    .filter((raw) => raw !== "")
    .map((raw) => {
      const eq = raw.indexOf("=");
      const name = eq < 0 ? raw : raw.slice(0, eq);
      const value = eq < 0 ? "" : raw.slice(eq + 1);
      return { name: formDecode(name), value: formDecode(value) };
    });
}

/** What one parameter resolves to. */
export type ParamOutcome = { ok: true; value: number } | { ok: false };

/** Validates one decoded value against the digit rule and the range (by magnitude, never overflowing). */
export function checkValue(value: string, param: ParamName): ParamOutcome {
  if (!/^[0-9]+$/.test(value)) return { ok: false };
  const digits = value.replace(/^0+(?=.)/, "");
  // Anything longer than 9 significant digits is above every range the contract defines.
  if (digits.length > 9) return { ok: false };
  const v = Number(digits);
  const { min, max } = LIMITS[param];
  return v >= min && v <= max ? { ok: true, value: v } : { ok: false };
}

/** What an app must make of `param` in a raw query (`undefined`: no query): the first occurrence wins. */
export function resolveParam(query: string | undefined, param: ParamName): ParamOutcome {
  const pair = (query === undefined ? [] : parsePairs(query)).find((p) => p.name === param);
  return pair === undefined ? { ok: true, value: LIMITS[param].default } : checkValue(pair.value, param);
}

let sieveCache: { limit: number; counts: Uint32Array } | undefined;

/**
 * π(n): the number of primes ≤ n, by a sieve (a different algorithm from the apps' trial
 * division, so a shared mistake cannot hide).
 */
export function primeCount(n: number): number {
  if (n < 2) return 0;
  if (sieveCache === undefined || sieveCache.limit < n) {
    const limit = Math.max(n, 1_000_000);
    const composite = new Uint8Array(limit + 1);
    const counts = new Uint32Array(limit + 1);
    let count = 0;
    for (let i = 2; i <= limit; i++) {
      if (composite[i] === 0) {
        count++;
        for (let j = i * i; j <= limit; j += i) composite[j] = 1;
      }
      counts[i] = count;
    }
    sieveCache = { limit, counts };
  }
  return sieveCache.counts[n] as number;
}

/** The items of `/payload?size=S`, in the contract's key order. */
export function payloadItems(size: number): { id: number; name: string; value: number; active: boolean }[] {
  return Array.from({ length: size }, (_, i) => ({ id: i, name: `item-${i}`, value: i * 42, active: i % 2 === 0 }));
}

/** A small deterministic PRNG (mulberry32) so a failing random run can be replayed from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
