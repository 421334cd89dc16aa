/**
 * A minimal Kubernetes API client for the in-cluster driver: zero npm dependencies (node:http,
 * node:https), a client-side QPS limit, and retries.
 *
 * Retry policy (every attempt waits for the QPS limiter):
 * - 429 Too Many Requests: waits `Retry-After` (seconds or an HTTP date, capped at 60 s), else backoff.
 * - 500, 502, 503, 504 and network errors/timeouts: exponential backoff (0.5 s doubling, capped at 30 s).
 * - 409 Conflict: retried only for requests marked `retryConflict` (server-side apply races);
 *   otherwise returned to the caller when listed in `okStatuses` (create-or-ignore), else an error.
 * - Any other status outside 2xx and `okStatuses`: a {@link KubeApiError} at once (403 names the verb).
 * After `maxRetries` retries the last failure is thrown as a {@link KubeApiError}.
 *
 * Erasable syntax only (no parameter properties): it runs on Node's type stripping.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";

/** In-cluster credentials, mounted by the ServiceAccount admission plugin. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

export interface KubeApiOptions {
  /** "https://10.100.0.1:443", or "http://127.0.0.1:PORT" (no TLS) in tests. */
  baseUrl: string;
  /** Returns the bearer token for each request (projected tokens rotate). @default - no Authorization header */
  token?: () => string | undefined;
  /** CA bundle for https. @default - Node's default CAs */
  ca?: string | Buffer;
  /** Requests per second, client-side. */
  qps: number;
  /** Retries of one request. */
  maxRetries: number;
  /** Timeout of one attempt. @default 120000 */
  timeoutMs?: number;
  /** Progress messages (stderr in the Job). @default - silent */
  log?: (message: string) => void;
  /** Replaceable for tests. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

export interface KubeRequest {
  /** Request body (objects are sent as JSON). */
  body?: unknown;
  /** @default "application/json" when there is a body */
  contentType?: string;
  /** Statuses returned instead of thrown (for example 404 on delete, 409 on create). */
  okStatuses?: number[];
  /** Retry 409 Conflict like a 5xx. @default false */
  retryConflict?: boolean;
  /** @default "application/json" */
  accept?: string;
}

export interface KubeResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request that failed for good. */
export class KubeApiError extends Error {
  readonly status: number | undefined;
  readonly method: string;
  readonly path: string;
  constructor(method: string, path: string, status: number | undefined, detail: string) {
    super(`${method} ${path} failed${status === undefined ? "" : ` with HTTP ${status}`}: ${detail}`);
    this.name = "KubeApiError";
    this.method = method;
    this.path = path;
    this.status = status;
  }
}

const RETRYABLE = new Set([500, 502, 503, 504]);

/** Spaces requests at least 1/qps seconds apart (no burst): the simplest limit to reason about. */
export class RateLimiter {
  private readonly intervalMs: number;
  private next = 0;
  private readonly sleep: (ms: number) => Promise<void>;
  constructor(qps: number, sleep: (ms: number) => Promise<void>) {
    this.intervalMs = 1000 / qps;
    this.sleep = sleep;
  }
  /** Resolves when the caller may send. */
  async take(): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.next);
    this.next = slot + this.intervalMs;
    if (slot > now) await this.sleep(slot - now);
  }
}

export class KubeApi {
  private readonly options: KubeApiOptions;
  private readonly limiter: RateLimiter;
  private readonly sleep: (ms: number) => Promise<void>;
  /** Attempts sent, retries among them, by reason. */
  readonly stats = { requests: 0, retries: 0, throttled: 0 };

  constructor(options: KubeApiOptions) {
    this.options = options;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.limiter = new RateLimiter(options.qps, this.sleep);
  }

  /** A client for the API server the pod runs under (ServiceAccount token and CA). */
  static inCluster(options: Omit<KubeApiOptions, "baseUrl" | "token" | "ca">, dir = SERVICE_ACCOUNT_DIR): KubeApi {
    const host = process.env.KUBERNETES_SERVICE_HOST;
    const port = process.env.KUBERNETES_SERVICE_PORT ?? "443";
    if (!host) throw new Error("KUBERNETES_SERVICE_HOST is not set: not running in a pod (set KUBE_API_URL to use another API server)");
    const hostPart = host.includes(":") ? `[${host}]` : host; // IPv6 service address
    return new KubeApi({
      ...options,
      baseUrl: `https://${hostPart}:${port}`,
      ca: fs.readFileSync(`${dir}/ca.crt`),
      token: () => fs.readFileSync(`${dir}/token`, "utf8").trim(),
    });
  }

  async request(method: string, path: string, req: KubeRequest = {}): Promise<KubeResponse> {
    let lastDetail = "";
    let lastStatus: number | undefined;
    for (let attempt = 0; attempt <= this.options.maxRetries; attempt++) {
      await this.limiter.take();
      this.stats.requests++;
      let res: KubeResponse;
      try {
        res = await this.send(method, path, req);
      } catch (err) {
        lastStatus = undefined;
        lastDetail = err instanceof Error ? err.message : String(err);
        await this.backoff(method, path, attempt, lastDetail);
        continue;
      }
      if ((res.status >= 200 && res.status < 300) || req.okStatuses?.includes(res.status)) return res;
      lastStatus = res.status;
      lastDetail = statusMessage(res.body);
      if (res.status === 429) {
        this.stats.throttled++;
        const wait = retryAfterMs(res.headers["retry-after"]);
        if (attempt < this.options.maxRetries) {
          this.stats.retries++;
          this.options.log?.(`${method} ${path}: 429, retrying in ${wait ?? "backoff"} ms`);
          if (wait !== undefined) await this.sleep(wait);
          else await this.backoff(method, path, attempt, lastDetail, true);
        }
        continue;
      }
      if (RETRYABLE.has(res.status) || (res.status === 409 && req.retryConflict)) {
        await this.backoff(method, path, attempt, `HTTP ${res.status}: ${lastDetail}`);
        continue;
      }
      const hint = res.status === 403 ? " (the driver's RBAC rules in components/kube-proxy-rbac.ts must allow it)" : "";
      throw new KubeApiError(method, path, res.status, lastDetail + hint);
    }
    throw new KubeApiError(method, path, lastStatus, `${lastDetail} (gave up after ${this.options.maxRetries} retries)`);
  }

  /** GET and parse JSON. */
  async getJson<T>(path: string, req: KubeRequest = {}): Promise<T> {
    const res = await this.request("GET", path, req);
    return JSON.parse(res.body) as T;
  }

  /** Every item of a paginated list (`limit` + `continue`). */
  async listAll<T>(path: string, pageSize = 500): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const sep = path.includes("?") ? "&" : "?";
      const page = await this.getJson<{ items?: T[]; metadata?: { continue?: string } }>(
        `${path}${sep}limit=${pageSize}${token ? `&continue=${encodeURIComponent(token)}` : ""}`,
      );
      items.push(...(page.items ?? []));
      token = page.metadata?.continue || undefined;
    } while (token);
    return items;
  }

  private async backoff(method: string, path: string, attempt: number, detail: string, throttled = false): Promise<void> {
    if (attempt >= this.options.maxRetries) return;
    this.stats.retries++;
    const ms = Math.min(30_000, 500 * 2 ** attempt);
    this.options.log?.(`${method} ${path}: ${throttled ? "throttled" : detail}; retry ${attempt + 1}/${this.options.maxRetries} in ${ms} ms`);
    await this.sleep(ms);
  }

  private send(method: string, path: string, req: KubeRequest): Promise<KubeResponse> {
    const url = new URL(path, `${this.options.baseUrl}/`);
    const body = req.body === undefined ? undefined : typeof req.body === "string" ? req.body : JSON.stringify(req.body);
    const headers: Record<string, string> = { accept: req.accept ?? "application/json", "user-agent": "k8s-bench-kube-proxy-driver" };
    if (body !== undefined) {
      headers["content-type"] = req.contentType ?? "application/json";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    const token = this.options.token?.();
    if (token) headers.authorization = `Bearer ${token}`;
    const transport = url.protocol === "http:" ? http : https;
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    return new Promise((resolve, reject) => {
      const r = transport.request(
        url,
        { method, headers, ...(url.protocol === "https:" && this.options.ca ? { ca: this.options.ca } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      r.setTimeout(timeoutMs, () => r.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      r.on("error", reject);
      r.end(body);
    });
  }
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; capped at 60 s; undefined if absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === "") return undefined;
  let ms: number;
  if (/^\d+$/.test(value.trim())) ms = Number(value.trim()) * 1000;
  else {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    ms = Math.max(0, at - now);
  }
  return Math.min(ms, 60_000);
}

function statusMessage(body: string): string {
  try {
    const status = JSON.parse(body) as { message?: unknown; reason?: unknown };
    if (typeof status.message === "string") return status.message;
  } catch {
    // not a Status object
  }
  return body.slice(0, 300);
}
