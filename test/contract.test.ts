/**
 * The cross-language contract test: every app under apps/ is built and started natively and held
 * to one table of cases (contract-cases.ts), a seeded random run checked against a reference
 * implementation (contract-reference.ts), and the process rules (startup line, concurrency,
 * keep-alive, SIGTERM). Outside CI an app whose toolchain is missing is skipped with a message;
 * in CI (`CI=true`) it fails. `K8S_BENCH_APPS=go,rust` limits the run to some apps; `CONTRACT_SEED`
 * and `CONTRACT_RANDOM_COUNT` replay or resize the random run.
 * @see ../apps/README.md
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import { after, before, describe, it } from "node:test";
import { loadAppManifests } from "../components/app-manifest";
import { checkHealth, checkResponse, contractCases } from "./contract-cases";
import { randomCases } from "./contract-random";
import { primeCount } from "./contract-reference";
import { buildApp, selectedApps, httpRequest, runUntilExit, startApp, type HttpResult, type NativeApp } from "./support/native-app";
import { sleep } from "./support/process-group";
import { assertToolchain, toolchainSkipReason } from "./support/toolchain";

const apps = selectedApps(loadAppManifests(process.env.K8S_BENCH_APPS_DIR));
const RANDOM_SEED = Number(process.env.CONTRACT_SEED ?? 20261123);
const RANDOM_COUNT = Number(process.env.CONTRACT_RANDOM_COUNT ?? 2500);
const BUILD_TIMEOUT_MS = 20 * 60_000;

/** The concurrency an app must derive here with no CONCURRENCY: the cgroup CPU limit rounded up, capped by the affinity mask. */
function expectedDefaultConcurrency(): number {
  const affinity = os.availableParallelism();
  let quota: number | undefined;
  try {
    const [q, p] = fs.readFileSync("/sys/fs/cgroup/cpu.max", "utf8").trim().split(/\s+/);
    if (q !== undefined && q !== "max" && p !== undefined) quota = Math.ceil(Number(q) / Number(p));
  } catch {
    try {
      const q = Number(fs.readFileSync("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "utf8"));
      const p = Number(fs.readFileSync("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "utf8"));
      if (q > 0 && p > 0) quota = Math.ceil(q / p);
    } catch {
      // no cgroup CPU limit visible
    }
  }
  return Math.max(1, Math.min(affinity, quota ?? affinity));
}

/** n for /compute so the request takes about `targetMs`, from the time of n=500000 (cost grows ~ n^1.5). */
export function nForDuration(ms500k: number, targetMs: number): number {
  const n = Math.round(500_000 * Math.pow(targetMs / Math.max(ms500k, 1), 2 / 3));
  return Math.min(10_000_000, Math.max(500_000, n));
}

/** Sends raw bytes on a fresh connection and returns everything the server sent until it closed. */
function rawExchange(port: number, request: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(Buffer.concat(chunks).toString("latin1"));
    }, timeoutMs);
    socket.on("connect", () => socket.write(request));
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("latin1"));
    });
  });
}

function healthBody(res: HttpResult): Record<string, unknown> {
  return JSON.parse(res.body) as Record<string, unknown>;
}

void it("apps/ holds at least one benchmark target", () => {
  assert.ok(apps.length > 0, "no apps/<name>/app.json found");
});

for (const app of apps) {
  void describe(app.name, { skip: toolchainSkipReason(app) }, () => {
    let running: NativeApp | undefined;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const target = (): NativeApp => {
      assert.ok(running, `${app.name} did not start`);
      return running;
    };

    before(async () => {
      assertToolchain(app);
      await buildApp(app);
      running = await startApp(app, { env: { CONCURRENCY: "2" } });
    }, { timeout: BUILD_TIMEOUT_MS });

    after(async () => {
      agent.destroy();
      await running?.stop();
    });

    void describe("startup", () => {
      void it("prints the JSON startup line with the app, port and concurrency", () => {
        const r = target();
        const line = r.startupLine;
        assert.deepStrictEqual(
          { event: line.event, app: line.app, port: line.port, concurrency: line.concurrency },
          { event: "listening", app: app.name, port: r.port, concurrency: 2 },
        );
        // The app's clock starts after the spawn, so it cannot claim more than the time from spawn to its line.
        assert.ok(line.startup_ms >= 0 && line.startup_ms <= r.spawnToStartupLineMs + 5,
          `startup_ms (${line.startup_ms}) must lie between 0 and the time from spawn to the line's arrival (${r.spawnToStartupLineMs.toFixed(1)} ms)`);
      });
    });

    void describe("cases", () => {
      for (const c of contractCases()) {
        void it(c.name, async () => {
          const res = await httpRequest(target(), c.method ?? "GET", c.path, { agent });
          checkResponse(c, res, app);
        });
      }
    });

    void describe("process", () => {
      void it(`answers ${RANDOM_COUNT} random queries as the reference predicts, with no 5xx, and stays up`, async () => {
        const r = target();
        const cases = randomCases(RANDOM_SEED + app.name.length, RANDOM_COUNT);
        const failures: string[] = [];
        let serverErrors = 0;
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < cases.length) {
            const c = cases[next++];
            if (c === undefined) break;
            try {
              const res = await httpRequest(r, "GET", c.path, { agent });
              if (res.status >= 500) serverErrors++;
              checkResponse(c, res, app);
            } catch (err) {
              failures.push(`${c.name}\n    ${(err as Error).message.split("\n")[0]}`);
            }
          }
        };
        await Promise.all([worker(), worker(), worker(), worker()]);
        assert.equal(r.exitStatus(), undefined, `${app.name} exited during the random run\n${r.stderr().slice(-2000)}`);
        const health = await httpRequest(r, "GET", "/health");
        assert.equal(health.status, 200, "/health after the random run");
        assert.equal(serverErrors, 0, `${serverErrors} responses were 5xx`);
        assert.deepStrictEqual(failures.slice(0, 15), [], `${failures.length} of ${cases.length} random queries differ (first 15 shown)`);
      });

      void it("reuses one connection for sequential requests over a keep-alive agent (also after 400 and 404)", async () => {
        const r = target();
        const single = new http.Agent({ keepAlive: true, maxSockets: 1 });
        try {
          const ports: (number | undefined)[] = [];
          for (const [method, path] of [["GET", "/health"], ["GET", "/compute?n=10"], ["GET", "/compute?n=x"], ["GET", "/nope"], ["HEAD", "/payload?size=3"], ["GET", "/payload?size=1"], ["GET", "/health"]] as const) {
            const res = await httpRequest(r, method, path, { agent: single });
            assert.notEqual(String(res.headers["connection"] ?? "").toLowerCase(), "close", `${method} ${path} answered Connection: close`);
            ports.push(res.localPort);
          }
          assert.ok(ports[0] !== undefined, "no local port seen");
          assert.deepStrictEqual(ports, ports.map(() => ports[0]), `requests used several connections (client ports ${ports.join(", ")})`);
        } finally {
          single.destroy();
        }
      });

      void it("sends no body bytes for HEAD", async () => {
        const raw = await rawExchange(target().port, "HEAD /payload?size=1000 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        const end = raw.indexOf("\r\n\r\n");
        assert.ok(raw.startsWith("HTTP/1.1 200"), `HEAD status line: ${JSON.stringify(raw.slice(0, 80))}`);
        assert.ok(end >= 0, "no end of headers");
        assert.equal(raw.slice(end + 4), "", "bytes after the HEAD response headers");
      });

      void it("prints exactly one startup line on stdout", () => {
        const lines = target().stdout().split("\n").filter((l) => l.includes('"listening"'));
        assert.equal(lines.length, 1, `stdout has ${lines.length} startup lines:\n${lines.join("\n")}`);
      });

      void it("derives concurrency 1 from a one-CPU affinity mask and reports APP_VERSION", async () => {
        const pinned = await startApp(app, { cpus: "0", env: { APP_VERSION: "contract-1" } });
        try {
          assert.equal(pinned.startupLine.concurrency, 1, "startup line concurrency under taskset -c 0");
          const res = await httpRequest(pinned, "GET", "/health");
          checkHealth(healthBody(res), res, app, 1, "contract-1");
        } finally {
          await pinned.stop();
        }
      });

      void it("derives concurrency from the CPU limit and affinity when CONCURRENCY is unset", async () => {
        const want = expectedDefaultConcurrency();
        const free = await startApp(app);
        try {
          assert.equal(free.startupLine.concurrency, want, `startup line concurrency (affinity ${os.availableParallelism()} CPUs)`);
          const res = await httpRequest(free, "GET", "/health");
          checkHealth(healthBody(res), res, app, want);
        } finally {
          await free.stop();
        }
      });

      for (const bad of ["abc", "0", "-1", "1.5"]) {
        void it(`fails to start with CONCURRENCY=${JSON.stringify(bad)}, naming the variable`, async () => {
          const result = await runUntilExit(app, { env: { CONCURRENCY: bad }, timeoutMs: 15_000 });
          const output = `${result.stdout}\n${result.stderr}`;
          assert.equal(result.timedOut, false, `still running 15 s after start with CONCURRENCY=${JSON.stringify(bad)}; output:\n${output.slice(-1500)}`);
          assert.ok(result.code !== null && result.code !== 0, `exit code ${result.code} (signal ${result.signal}); want a non-zero exit`);
          assert.match(output, /CONCURRENCY/, `the error must name CONCURRENCY; output:\n${output.slice(-1500)}`);
          assert.ok(output.includes(bad), `the error must show the value ${JSON.stringify(bad)}; output:\n${output.slice(-1500)}`);
        });
      }

      void it("accepts the upper bound n=10000000", async () => {
        // Python needs ~40 s for this n: a 400 would come back at once, so a request still running
        // after 3 s was accepted. A throwaway instance keeps the busy worker away from other tests.
        const inst = await startApp(app, { env: { CONCURRENCY: "1" } });
        try {
          const pending = httpRequest(inst, "GET", "/compute?n=10000000", { timeoutMs: 120_000 }).then(
            (res) => ({ res, err: undefined }),
            (err: Error) => ({ res: undefined, err }),
          );
          const outcome = await Promise.race([pending, sleep(3000).then(() => undefined)]);
          if (outcome === undefined) return;
          assert.ok(outcome.res, `request failed: ${outcome.err?.message}`);
          assert.equal(outcome.res.status, 200, `n=10000000: ${outcome.res.body}`);
          assert.equal((JSON.parse(outcome.res.body) as Record<string, unknown>)["prime_count"], 664_579);
        } finally {
          await inst.stop("SIGKILL");
        }
      });

      void it("exits 0 on SIGINT when idle", async () => {
        const idle = await startApp(app, { env: { CONCURRENCY: "1" } });
        const exit = await idle.stop("SIGINT", 15_000, "leader");
        assert.deepStrictEqual(exit, { code: 0, signal: null }, `exit after SIGINT; stderr:\n${idle.stderr().slice(-1500)}`);
      });

      void it("finishes an in-flight /compute on SIGTERM and exits 0", async () => {
        const inst = await startApp(app, { env: { CONCURRENCY: "2" } });
        try {
          const warm = await httpRequest(inst, "GET", "/compute?n=500000");
          assert.equal(warm.status, 200);
          const n = nForDuration(warm.durationMs, 1500);
          const pending = httpRequest(inst, "GET", `/compute?n=${n}`, { timeoutMs: 60_000 }).then(
            (res) => ({ res, err: undefined }),
            (err: Error) => ({ res: undefined, err }),
          );
          await sleep(100);
          const [outcome, exit] = await Promise.all([pending, inst.stop("SIGTERM", 20_000, "leader")]);
          assert.ok(outcome.res, `the in-flight request failed after SIGTERM (n=${n}): ${outcome.err?.message}\nstderr:\n${inst.stderr().slice(-1500)}`);
          assert.ok(outcome.res.durationMs > 120, `the request (n=${n}) took only ${outcome.res.durationMs.toFixed(0)} ms, so it was not in flight at SIGTERM (100 ms)`);
          assert.equal(outcome.res.status, 200, `status of the in-flight request: ${outcome.res.body}`);
          const body = JSON.parse(outcome.res.body) as Record<string, unknown>;
          assert.equal(body["prime_count"], primeCount(n), `prime_count for n=${n}`);
          assert.deepStrictEqual(exit, { code: 0, signal: null }, `exit after SIGTERM; stderr:\n${inst.stderr().slice(-1500)}`);
        } finally {
          await inst.stop("SIGKILL");
        }
      });
    });
  });
}
