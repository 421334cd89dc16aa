/**
 * Pure helpers that make app images immutable and traceable: a content-hash tag over exactly the
 * files that go into the build, and the base images a Dockerfile pins.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** Build outputs and caches that never enter an image (mirrors apps/.dockerignore). */
export const IGNORED_NAMES = new Set(["target", "bin", ".venv", "__pycache__", ".pytest_cache", "node_modules"]);

export interface SourceFile {
  /** Path relative to the build context, with forward slashes. */
  path: string;
  content: Buffer | string;
}

/** A tag derived from file paths, contents and build arguments: same inputs, same tag. */
export function contentTag(files: SourceFile[], buildArgs: Record<string, string>): string {
  const hash = createHash("sha256");
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`file ${file.path}\0`);
    hash.update(file.content);
    hash.update("\0");
  }
  for (const key of Object.keys(buildArgs).sort()) hash.update(`arg ${key}=${buildArgs[key]}\0`);
  return `h${hash.digest("hex").slice(0, 16)}`;
}

function walk(root: string, rel: string, out: SourceFile[]): void {
  for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    if (IGNORED_NAMES.has(entry.name) || entry.name.endsWith(".pyc")) continue;
    const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) walk(root, child, out);
    else if (entry.isFile()) out.push({ path: child, content: fs.readFileSync(path.join(root, child)) });
  }
}

/**
 * The files of one app's build: its own folder plus the shared support folders of the context
 * (folders of `appsDir` without an app.json), so that a change to another app does not rebuild it.
 */
export function appBuildFiles(appsDir: string, app: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of fs.readdirSync(appsDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || IGNORED_NAMES.has(entry.name)) continue;
    const isTarget = fs.existsSync(path.join(appsDir, entry.name, "app.json"));
    if (entry.name === app || !isTarget) walk(appsDir, entry.name, out);
  }
  const ignore = path.join(appsDir, ".dockerignore");
  if (fs.existsSync(ignore)) out.push({ path: ".dockerignore", content: fs.readFileSync(ignore) });
  return out;
}

/**
 * The images a Dockerfile builds FROM, with `ARG` defaults substituted and internal stage
 * names dropped: `FROM rust:1.95.0-slim-bookworm AS build` → "rust:1.95.0-slim-bookworm".
 */
export function dockerfileBaseImages(dockerfile: string): string[] {
  const args: Record<string, string> = {};
  const stages = new Set<string>();
  const images: string[] = [];
  const lines = dockerfile.replace(/\\\r?\n/g, " ").split(/\r?\n/);
  for (const line of lines) {
    const arg = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)=("?)([^"\s]*)\2\s*$/i.exec(line);
    if (arg && arg[1] !== undefined && arg[3] !== undefined) args[arg[1]] = arg[3];
    const from = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (!from || from[1] === undefined) continue;
    const image = from[1].replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => args[name] ?? `$${name}`);
    if (!stages.has(image) && image !== "scratch" && !images.includes(image)) images.push(image);
    if (from[2]) stages.add(from[2]);
  }
  return images;
}
