import { test, describe } from "node:test";
import * as assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { KUBE_PROXY_PARSE_USAGE, runParseCli } from "../components/kube-proxy-cli";
import type { KubeProxyResult } from "../components/results-schema";

const fixtures = path.join(__dirname, "fixtures/kube-proxy");
const old = path.join(fixtures, "ip-10-0-1-23.log");
const neu = path.join(fixtures, "ip-10-0-2-45.log");
const read = (f: string): Promise<string> => readFile(f, "utf8");

void describe("kube-proxy:parse", () => {
  void test("two nodes with kernels and a window: the comparison sentence", async () => {
    const res = await runParseCli(["--since", "2025-10-15T12:00:00Z", "--until=2025-10-15T13:30:00Z", "--kernel", "ip-10-0-1-23=6.1.144", "--kernel", "ip-10-0-2-45=6.12.46", "--metrics", `ip-10-0-1-23=${path.join(fixtures, "metrics-6.1.txt")}`, old, neu], read);
    assert.equal(res.code, 0);
    assert.equal(res.stderr, `${old}: skipped 2 of 30 lines\n${neu}: skipped 1 of 17 lines\n`);
    const r = JSON.parse(res.stdout) as KubeProxyResult;
    assert.equal(r.services, 8006);
    assert.equal(r.endpoints, 240015);
    assert.deepEqual(r.nodes.map((n) => [n.node, n.kernelVersion, n.syncCount, n.finalSync?.elapsedSeconds, n.incomplete]), [
      ["ip-10-0-1-23", "6.1.144", 5, 991.474906059, false],
      ["ip-10-0-2-45", "6.12.46", 4, 334.125524912, false],
    ]);
    assert.equal(r.nodes[0]?.metrics?.syncsOverTopBucket, 5);
    assert.equal(r.comparison?.summary, "kernel 6.12.46 synced 240,015 endpoints 3.0× faster than 6.1.144 (final sync 5m34.1s vs 16m31.5s; median sync 4m52.4s vs 15m26.2s)");
  });

  void test("without kernels or window: compared by node name, year from now", async () => {
    const res = await runParseCli([old, neu], read, new Date("2025-11-01T00:00:00Z"));
    const r = JSON.parse(res.stdout) as KubeProxyResult;
    assert.equal(r.nodes[0]?.syncs[0]?.at, "2025-10-15T11:58:02.631872Z");
    assert.match(r.comparison?.summary ?? "", /^node ip-10-0-2-45 synced 240,015 endpoints .* faster than node ip-10-0-1-23 /);
  });

  void test("rejects bad arguments with the usage (exit 2); unreadable file exits 1", async () => {
    const res = await runParseCli(["--kernel", "nonode", "--since", "yesterday", "--bogus", "--kernel", "zzz=6.1"], read);
    assert.equal(res.code, 2);
    assert.equal(res.stderr, [
      'error: --kernel ("nonode") must be <node>=<value>',
      'error: --since ("yesterday") must be an RFC 3339 time such as 2025-10-15T12:00:00Z',
      "error: unknown option --bogus",
      "error: no log file given",
      'error: "zzz" names no node; the nodes are ',
      "",
      KUBE_PROXY_PARSE_USAGE,
      "",
    ].join("\n"));
    assert.equal((await runParseCli(["a/n1.log", "b/n1.txt"], read)).stderr.split("\n")[0], 'error: two files name the same node "n1"');
    const missing = await runParseCli(["/nonexistent/node.log"], read);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: cannot read \/nonexistent\/node.log: ENOENT/);
    assert.equal((await runParseCli(["--help"], read)).stdout, `${KUBE_PROXY_PARSE_USAGE}\n`);
  });

  void test("the npm script reads stdin as node \"stdin\"", () => {
    const res = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "../scripts/kube-proxy-parse.ts"), "--year", "2025", "-"], {
      input: 'garbage\nI1015 12:00:01.850000 1 proxier.go:1794] "Reloading service nftables data" numServices=3 numEndpoints=7\nI1015 12:00:02.000000 1 proxier.go:1168] "SyncProxyRules complete" elapsed="850ms"\n',
      encoding: "utf8",
    });
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stderr, "-: skipped 1 of 3 lines\n");
    const r = JSON.parse(res.stdout) as KubeProxyResult;
    assert.deepEqual(r.nodes[0]?.syncs, [{ at: "2025-10-15T12:00:02.000000Z", elapsedSeconds: 0.85, services: 3, endpoints: 7 }]);
    assert.equal(r.nodes[0]?.node, "stdin");
    const bad = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "../scripts/kube-proxy-parse.ts")], { encoding: "utf8" });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^error: no log file given\n\nusage: /);
  });
});
