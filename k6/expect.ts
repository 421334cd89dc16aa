/**
 * What a correct response body looks like (apps/README.md), as pure functions with no k6 imports:
 * the scripts' checks call them, and the unit tests hold them to the contract's known values.
 * No imports, so the Node side (tests) can load it too.
 */

/** Known prime counts (π(n)), from the app contract and seed 000's compute-scaling table. */
export const KNOWN_PRIME_COUNTS: Readonly<Record<number, number>> = {
  2: 1,
  3: 2,
  10: 4,
  1000: 168,
  5000: 669,
  10000: 1229,
  50000: 5133,
  100000: 9592,
  500000: 41538,
};

/** Above this n, an unknown π(n) is not sieved in the generator (memory per VU); only the shape is checked. */
export const SIEVE_LIMIT = 2_000_000;

const sieved: Record<number, number> = {};

/** π(n): the table of known values, else a sieve (cached per VU), else undefined above {@link SIEVE_LIMIT}. */
export function expectedPrimeCount(n: number): number | undefined {
  const known = KNOWN_PRIME_COUNTS[n] ?? sieved[n];
  if (known !== undefined) return known;
  if (!Number.isSafeInteger(n) || n < 2 || n > SIEVE_LIMIT) return undefined;
  const composite = new Uint8Array(n + 1);
  let count = 0;
  for (let k = 2; k <= n; k++) {
    if (composite[k] === 1) continue;
    count++;
    for (let m = k * k; m <= n; m += k) composite[m] = 1;
  }
  sieved[n] = count;
  return count;
}

function asObject(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `GET /compute?n=N` answered `{"app","n":N,"prime_count":π(N),"duration_ms"}`. */
export function computeBodyOk(body: unknown, n: number): boolean {
  const obj = asObject(body);
  if (obj === undefined || obj["n"] !== n || typeof obj["duration_ms"] !== "number") return false;
  const count = obj["prime_count"];
  const expected = expectedPrimeCount(n);
  return expected === undefined ? Number.isSafeInteger(count) && (count as number) >= 0 : count === expected;
}

/** `GET /payload?size=S` answered `item_count` S and S items, the first and last well-formed. */
export function payloadBodyOk(body: unknown, size: number): boolean {
  const obj = asObject(body);
  if (obj === undefined || obj["item_count"] !== size) return false;
  const items = obj["items"];
  if (!Array.isArray(items) || items.length !== size) return false;
  const itemOk = (i: number): boolean => {
    const it = items[i] as Record<string, unknown> | undefined;
    return it !== undefined && it["id"] === i && it["name"] === `item-${i}` && it["value"] === i * 42 && it["active"] === (i % 2 === 0);
  };
  return size === 0 || (itemOk(0) && itemOk(size - 1));
}

/** `GET /health` answered `{"status":"ok","app":<app>}` (app checked unless unknown). */
export function healthBodyOk(body: unknown, app: string | undefined): boolean {
  const obj = asObject(body);
  return obj !== undefined && obj["status"] === "ok" && (app === undefined || obj["app"] === app);
}
