/**
 * Whether an app's toolchain (its app.json `native.requires`) is on PATH, and what a test does
 * when it is not: skip with a message outside CI, fail in CI (`CI=true`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { TestContext } from "node:test";
import type { AppManifest } from "../../components/app-manifest";

function onPath(tool: string): boolean {
  const candidates = tool.includes("/")
    ? [tool]
    : (process.env.PATH ?? "").split(path.delimiter).filter((d) => d !== "").map((d) => path.join(d, tool));
  return candidates.some((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/** The first executable of `native.requires` that is not on PATH, or undefined when all are. */
export function missingTool(app: AppManifest): string | undefined {
  return app.native.requires.find((tool) => !onPath(tool));
}

function inCi(): boolean {
  return process.env.CI === "true";
}

function skipMessage(app: AppManifest, tool: string): string {
  return `${app.name}: ${tool} not on PATH; install it or run in CI`;
}

function ciMessage(app: AppManifest, tool: string): string {
  return `${app.name}: ${tool} (native.requires of apps/${app.name}/app.json) is not on PATH; CI=true requires every toolchain, so this fails instead of skipping`;
}

/**
 * Skips the test when a required tool is missing outside CI; throws in CI (`CI=true`).
 * @returns true when every tool is present and the test should go on.
 */
export function requireToolchain(t: TestContext, app: AppManifest): boolean {
  const tool = missingTool(app);
  if (tool === undefined) return true;
  if (inCi()) throw new Error(ciMessage(app, tool));
  t.skip(skipMessage(app, tool));
  return false;
}

/**
 * For `describe(name, { skip: toolchainSkipReason(app) }, ...)`: the skip message when a tool is
 * missing outside CI, otherwise undefined. In CI a missing tool is not a skip: the suite runs and
 * `assertToolchain` (call it in `before`) fails it.
 */
export function toolchainSkipReason(app: AppManifest): string | undefined {
  const tool = missingTool(app);
  return tool !== undefined && !inCi() ? skipMessage(app, tool) : undefined;
}

/** Throws (naming the app and the tool) when a tool of `native.requires` is missing. */
export function assertToolchain(app: AppManifest): void {
  const tool = missingTool(app);
  if (tool !== undefined) throw new Error(inCi() ? ciMessage(app, tool) : skipMessage(app, tool));
}
