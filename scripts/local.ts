/**
 * `npm run local`: the whole local benchmark with no Pulumi Cloud account.
 *
 * Uses a file state backend inside the project (.pulumi-state/, git-ignored), selects or creates
 * the `local` stack, runs `pulumi up`, and prints the report. Secrets in that state are encrypted
 * with PULUMI_CONFIG_PASSPHRASE; when it is unset an empty passphrase is used so the run never
 * stops at a prompt (set your own to protect the Grafana password in the state files).
 *
 * Extra arguments go to `pulumi up`, e.g. `npm run local -- --config k8s-bench:runtimes=go,rust`.
 * Exit code: pulumi's, or 2 when a prerequisite is missing.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const STATE_DIR = path.join(ROOT, ".pulumi-state");
const PREREQUISITES: Record<string, string> = {
  pulumi: "https://www.pulumi.com/docs/install/",
  docker: "https://docs.docker.com/get-docker/ (Docker Desktop, OrbStack, Colima or Docker Engine)",
  kind: "https://kind.sigs.k8s.io/docs/user/quick-start/#installation (v0.33.0 or newer)",
};

function onPath(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status === 0;
}

function run(args: string[], env: NodeJS.ProcessEnv): number {
  process.stderr.write(`$ pulumi ${args.join(" ")}\n`);
  const result = spawnSync("pulumi", args, { cwd: ROOT, env, stdio: "inherit" });
  return result.status ?? 1;
}

function main(): number {
  const missing = Object.keys(PREREQUISITES).filter((tool) => !onPath(tool));
  if (missing.length > 0) {
    for (const tool of missing) process.stderr.write(`missing prerequisite: ${tool}; install it: ${PREREQUISITES[tool]}\n`);
    return 2;
  }
  fs.mkdirSync(STATE_DIR, { recursive: true });
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: process.env["PULUMI_BACKEND_URL"] ?? `file://${STATE_DIR}`,
    PULUMI_CONFIG_PASSPHRASE: process.env["PULUMI_CONFIG_PASSPHRASE"] ?? (process.env["PULUMI_CONFIG_PASSPHRASE_FILE"] ? undefined : ""),
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  const steps = [
    ["stack", "select", "local", "--create"],
    ["up", "--stack", "local", "--yes", ...process.argv.slice(2)],
    ["stack", "output", "report", "--stack", "local"],
  ];
  for (const step of steps) {
    const code = run(step, env);
    if (code !== 0) return code;
  }
  return 0;
}

process.exit(main());
