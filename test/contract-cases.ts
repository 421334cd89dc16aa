/**
 * The one table of HTTP cases every app must answer identically, and the checks that compare a
 * response with a case. Shared by every app's suite in contract.test.ts.
 * @see ../apps/README.md for the contract these cases pin down.
 */
import * as assert from "node:assert/strict";
import type { HttpResult } from "./support/native-app";
import { LIMITS, payloadItems, primeCount, type ParamName } from "./contract-reference";

/** What a case expects back. */
export type Expectation =
  | { kind: "compute"; n: number }
  | { kind: "payload"; size: number }
  | { kind: "health" }
  | { kind: "badParam"; param: ParamName }
  | { kind: "notFound" }
  | { kind: "methodNotAllowed" };

/** One request and what every app must answer. */
export interface ContractCase {
  name: string;
  /** @default "GET" */
  method?: string;
  /** Path and raw query, sent byte for byte. */
  path: string;
  expect: Expectation;
}

const GOLDEN_PRIMES: [number, number][] = [
  [2, 1],
  [3, 2],
  [10, 4],
  [1000, 168],
  [10000, 1229],
  [500000, 41538],
];

/** Values that are not a valid parameter, each with why. `<p>` stands for the parameter name. */
const BAD_VALUES: [string, string][] = [
  ["-5", "a minus sign"],
  ["+5", "a plus (decoded to a space)"],
  ["%2B5", "an encoded plus sign"],
  ["5.0", "a decimal point"],
  ["1e3", "an exponent"],
  ["%2010", "a leading space"],
  ["10%20", "a trailing space"],
  ["1%200", "an inner space"],
  ["%0910", "a leading tab"],
  ["10%0A", "a trailing newline"],
  ["", "an empty value"],
  ["0x10", "hex notation"],
  ["1_000", "digit separators (Python's int() accepts them)"],
  ["%D9%A3%D9%A0", "Arabic-Indic digits (Python's int() and str.isdigit() accept them)"],
  ["%EF%BC%91%EF%BC%90", "fullwidth digits"],
  ["10abc", "trailing letters"],
  ["abc", "letters"],
  ["18446744073709551616", "2^64 (past 64 bits)"],
  ["18446744073709551617", "2^64 + 1"],
  ["99999999999999999999999999999999999999", "a 38-digit number (past 128 bits)"],
  ["9".repeat(5000), "5000 digits"],
  ["1" + "0".repeat(4999), "5000 digits with a leading one"],
  ["%zz", "an invalid percent escape"],
  ["1%", "a trailing percent sign"],
  ["10;", "a semicolon (not a separator: the contract splits on & only)"],
];

function q(path: string, param: string, raw: string): string {
  return `${path}?${param}=${raw}`;
}

function shortName(raw: string): string {
  return raw.length > 40 ? `${raw.slice(0, 12)}…(${raw.length} chars)` : JSON.stringify(raw);
}

/** Every case of the contract table. */
export function contractCases(): ContractCase[] {
  const cases: ContractCase[] = [];
  const add = (name: string, path: string, expect: Expectation, method?: string): void => {
    cases.push(method === undefined ? { name, path, expect } : { name, path, expect, method });
  };

  // /health
  add("GET /health", "/health", { kind: "health" });
  add("GET /health ignores unknown parameters", "/health?verbose=1&n=abc", { kind: "health" });

  // /compute: golden values, default, leading zeros, bounds
  for (const [n, count] of GOLDEN_PRIMES) {
    add(`GET /compute?n=${n} counts ${count} primes`, `/compute?n=${n}`, { kind: "compute", n });
  }
  add("GET /compute without n uses n=10000", "/compute", { kind: "compute", n: LIMITS.n.default });
  add("GET /compute with only other parameters uses n=10000", "/compute?size=5&N=7", { kind: "compute", n: LIMITS.n.default });
  add("GET /compute accepts leading zeros", "/compute?n=0000000000000000000000010", { kind: "compute", n: 10 });
  add("GET /compute accepts 5000 leading zeros", `/compute?n=${"0".repeat(4998)}10`, { kind: "compute", n: 10 });
  add("GET /compute accepts the lower bound n=2", "/compute?n=02", { kind: "compute", n: 2 });
  add("GET /compute accepts a percent-encoded digit", "/compute?n=1%30", { kind: "compute", n: 10 });
  add("GET /compute accepts a percent-encoded name", "/compute?%6E=10", { kind: "compute", n: 10 });
  add("GET /compute: the first of repeated n wins (valid first)", "/compute?n=10&n=x", { kind: "compute", n: 10 });
  add("GET /compute: the first of repeated n wins (valid then valid)", "/compute?n=10&n=1000", { kind: "compute", n: 10 });
  add("GET /compute: the first of repeated n wins (invalid first)", "/compute?n=x&n=10", { kind: "badParam", param: "n" });
  add("GET /compute: the first of repeated n wins (empty first)", "/compute?n=&n=10", { kind: "badParam", param: "n" });
  add("GET /compute: a pair without = has the empty value", "/compute?n", { kind: "badParam", param: "n" });
  add("GET /compute: a pair without = still counts as the first n", "/compute?n&n=10", { kind: "badParam", param: "n" });
  add("GET /compute: names are case-sensitive", "/compute?N=10", { kind: "compute", n: LIMITS.n.default });
  add("GET /compute: empty pairs are skipped", "/compute?&&n=10&", { kind: "compute", n: 10 });
  add("GET /compute: ;-separated is one pair", "/compute?n=10;size=5", { kind: "badParam", param: "n" });
  add("GET /compute: an invalid escape in another parameter is ignored", "/compute?x=%zz&n=10", { kind: "compute", n: 10 });
  add("rejects n=1 (below range)", "/compute?n=1", { kind: "badParam", param: "n" });
  add("rejects n=0 (below range)", "/compute?n=0", { kind: "badParam", param: "n" });
  add("rejects n=000 (zero with leading zeros)", "/compute?n=000", { kind: "badParam", param: "n" });
  add("rejects n=10000001 (above range)", "/compute?n=10000001", { kind: "badParam", param: "n" });
  add("rejects n=4294967297 (past 32 bits)", "/compute?n=4294967297", { kind: "badParam", param: "n" });
  for (const [raw, why] of BAD_VALUES) add(`rejects n=${shortName(raw)} (${why})`, q("/compute", "n", raw), { kind: "badParam", param: "n" });

  // /payload
  for (const size of [1, 100, 1000]) add(`GET /payload?size=${size}`, `/payload?size=${size}`, { kind: "payload", size });
  add("GET /payload without size uses size=100", "/payload", { kind: "payload", size: LIMITS.size.default });
  add("GET /payload accepts leading zeros", "/payload?size=0000000000000000000000010", { kind: "payload", size: 10 });
  add("GET /payload accepts the upper bound size=100000", "/payload?size=100000", { kind: "payload", size: 100_000 });
  add("GET /payload: the first of repeated size wins (valid first)", "/payload?size=3&size=x", { kind: "payload", size: 3 });
  add("GET /payload: the first of repeated size wins (invalid first)", "/payload?size=x&size=3", { kind: "badParam", param: "size" });
  add("GET /payload: a pair without = has the empty value", "/payload?size", { kind: "badParam", param: "size" });
  add("GET /payload ignores n", "/payload?n=abc&size=2", { kind: "payload", size: 2 });
  add("rejects size=0 (below range)", "/payload?size=0", { kind: "badParam", param: "size" });
  add("rejects size=100001 (above range)", "/payload?size=100001", { kind: "badParam", param: "size" });
  for (const [raw, why] of BAD_VALUES) add(`rejects size=${shortName(raw)} (${why})`, q("/payload", "size", raw), { kind: "badParam", param: "size" });

  // Paths
  for (const path of ["/", "/health/", "/HEALTH", "/healthz", "/compute/", "/payload/1", "/nope", "//health", "/health/x?n=1"]) {
    add(`GET ${path} is 404`, path, { kind: "notFound" });
  }
  add("POST to an unknown path is 404", "/nope", { kind: "notFound" }, "POST");
  add("DELETE /health/ is 404", "/health/", { kind: "notFound" }, "DELETE");

  // Methods
  for (const path of ["/health", "/compute", "/payload"]) {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) add(`${method} ${path} is 405`, path, { kind: "methodNotAllowed" }, method);
  }
  add("POST /compute?n=abc is 405 (the method is checked before the parameters)", "/compute?n=abc", { kind: "methodNotAllowed" }, "POST");

  // HEAD: same status as GET, no body
  for (const c of [...cases.filter((c) => c.method === undefined)]) {
    if (["GET /health", "GET /compute?n=1000 counts 168 primes", "GET /payload?size=100", "rejects n=\"abc\" (letters)", "GET /nope is 404"].includes(c.name)) {
      add(`HEAD ${c.path} (${c.expect.kind})`, c.path, c.expect, "HEAD");
    }
  }
  return cases;
}

/** The HTTP status a case expects. */
export function expectedStatus(e: Expectation): number {
  const byKind: Record<Expectation["kind"], number> = { compute: 200, payload: 200, health: 200, badParam: 400, notFound: 404, methodNotAllowed: 405 };
  return byKind[e.kind];
}

/** The JSON body a case expects, without `duration_ms` and `detail`. */
export function expectedBody(e: Expectation, app: { name: string; language: string }): unknown {
  switch (e.kind) {
    case "compute":
      return { app: app.name, n: e.n, prime_count: primeCount(e.n) };
    case "payload":
      return { app: app.name, item_count: e.size, items: payloadItems(e.size) };
    case "health":
      return undefined; // checked field by field
    case "badParam":
      return { error: `invalid parameter ${e.param}` };
    case "notFound":
      return { error: "not found" };
    case "methodNotAllowed":
      return { error: "method not allowed" };
  }
}

const JSON_CONTENT_TYPE = /^application\/json\s*(;.*)?$/i;

function describe(res: HttpResult): string {
  const body = res.body.length > 400 ? `${res.body.slice(0, 400)}… (${res.body.length} chars)` : res.body;
  return `status ${res.status}, content-type ${JSON.stringify(res.headers["content-type"])}, body ${body}`;
}

function parseJson(res: HttpResult): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    assert.fail(`body is not JSON: ${describe(res)}`);
  }
  assert.ok(typeof parsed === "object" && parsed !== null && !Array.isArray(parsed), `body is not a JSON object: ${describe(res)}`);
  return parsed as Record<string, unknown>;
}

/** Removes `duration_ms` after checking it is a non-negative number. */
function stripDuration(body: Record<string, unknown>, res: HttpResult): Record<string, unknown> {
  const { duration_ms: duration, ...rest } = body;
  assert.ok(typeof duration === "number" && Number.isFinite(duration) && duration >= 0, `duration_ms must be a non-negative number: ${describe(res)}`);
  return rest;
}

/** Removes the optional `detail` after checking it is a string. */
function stripDetail(body: Record<string, unknown>, res: HttpResult): Record<string, unknown> {
  const { detail, ...rest } = body;
  assert.ok(detail === undefined || typeof detail === "string", `detail, when present, must be a string: ${describe(res)}`);
  return rest;
}

/** Checks the item key order in the raw text (JSON.parse keeps the order of non-numeric keys). */
function checkItemKeyOrder(body: Record<string, unknown>, res: HttpResult): void {
  const items = body["items"];
  if (!Array.isArray(items)) return;
  items.forEach((item: unknown, i) => {
    const keys = typeof item === "object" && item !== null ? Object.keys(item) : [];
    if (keys.join(",") !== "id,name,value,active") {
      assert.fail(`items[${i}] keys are ${JSON.stringify(keys)}, want ["id","name","value","active"] in that order: ${describe(res)}`);
    }
  });
}

/** Asserts that `res` is what `c` expects from `app`. */
export function checkResponse(c: ContractCase, res: HttpResult, app: { name: string; language: string }): void {
  const method = c.method ?? "GET";
  const want = expectedStatus(c.expect);
  assert.equal(res.status, want, `${method} ${c.path.slice(0, 120)}: want ${want}, got ${describe(res)}`);
  const contentType = res.headers["content-type"] ?? "";
  assert.match(contentType, JSON_CONTENT_TYPE, `Content-Type must be application/json: ${describe(res)}`);
  if (c.expect.kind === "methodNotAllowed") {
    const allow = String(res.headers["allow"] ?? "").split(",").map((m) => m.trim().toUpperCase());
    assert.ok(allow.includes("GET") && allow.includes("HEAD"), `Allow must list GET and HEAD, got ${JSON.stringify(res.headers["allow"])}`);
  }
  if (method === "HEAD") {
    assert.equal(res.body, "", `HEAD must have no body: ${describe(res)}`);
    return;
  }
  const body = parseJson(res);
  if (c.expect.kind === "health") {
    checkHealth(body, res, app);
    return;
  }
  let actual = body;
  if (c.expect.kind === "compute" || c.expect.kind === "payload") {
    actual = stripDuration(actual, res);
    checkItemKeyOrder(actual, res);
  } else {
    actual = stripDetail(actual, res);
  }
  assert.deepStrictEqual(actual, expectedBody(c.expect, app), `${method} ${c.path.slice(0, 120)}: body differs`);
}

/**
 * Asserts the `/health` body.
 * @param concurrency the expected concurrency. @default 2 (the suite starts apps with CONCURRENCY=2)
 */
export function checkHealth(body: Record<string, unknown>, res: HttpResult, app: { name: string; language: string }, concurrency = 2, version = "dev"): void {
  const { runtime, ...rest } = body;
  assert.ok(typeof runtime === "string" && runtime.startsWith(`${app.language} `) && runtime.length > app.language.length + 1,
    `runtime must be "<language> <version>" with language ${JSON.stringify(app.language)}: ${describe(res)}`);
  assert.deepStrictEqual(rest, { status: "ok", app: app.name, version, concurrency }, `/health body differs: ${describe(res)}`);
}
