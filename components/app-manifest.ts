/**
 * Reads and validates `apps/<name>/app.json`: apps are data, one generic component serves them all.
 * @see ../apps/README.md for the contract every app.json describes.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The folder that holds every benchmark target. */
export const APPS_DIR = path.resolve(__dirname, "..", "apps");

/** How to build, run and test an app natively (outside a container). */
export interface NativeCommands {
  /** Executables that must be on PATH. */
  requires: string[];
  /** Shell command run in the app folder to build it; may be "". */
  build: string;
  /** Shell command run in the app folder that starts the server on $PORT. */
  run: string;
  /** Shell command run in the app folder that runs the app's own unit tests. */
  test: string;
}

/** One benchmark target as declared by its app.json. */
export interface AppManifest {
  name: string;
  displayName: string;
  language: string;
  framework: string;
  native: NativeCommands;
  /** Absolute path of the app folder. */
  dir: string;
}

const APP_NAME = /^[a-z][a-z0-9-]{0,30}$/;

function requireString(obj: Record<string, unknown>, key: string, where: string, errors: string[], allowEmpty = false): string {
  const value = obj[key];
  if (typeof value !== "string" || (!allowEmpty && value.trim() === "")) {
    errors.push(`${where}: "${key}" must be a ${allowEmpty ? "" : "non-empty "}string (got ${JSON.stringify(value)})`);
    return "";
  }
  return value;
}

/**
 * Validates the parsed content of one app.json. Pure: collects every problem and throws once.
 * @param folderName the folder the file sits in; `name` must equal it.
 */
export function parseAppManifest(raw: unknown, folderName: string, dir: string): AppManifest {
  const where = `apps/${folderName}/app.json`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error(`${where}: must be a JSON object`);
  }
  const obj = raw as Record<string, unknown>;
  const errors: string[] = [];
  const name = requireString(obj, "name", where, errors);
  if (name && name !== folderName) errors.push(`${where}: "name" (${JSON.stringify(name)}) must equal the folder name (${JSON.stringify(folderName)})`);
  if (name && !APP_NAME.test(name)) errors.push(`${where}: "name" (${JSON.stringify(name)}) must match ${APP_NAME} (it becomes part of Kubernetes names)`);
  const displayName = requireString(obj, "displayName", where, errors);
  const language = requireString(obj, "language", where, errors);
  const framework = requireString(obj, "framework", where, errors);
  const nativeRaw = obj["native"];
  let native: NativeCommands = { requires: [], build: "", run: "", test: "" };
  if (typeof nativeRaw !== "object" || nativeRaw === null || Array.isArray(nativeRaw)) {
    errors.push(`${where}: "native" must be an object with build, run, test and requires`);
  } else {
    const n = nativeRaw as Record<string, unknown>;
    const requires = n["requires"];
    if (!Array.isArray(requires) || !requires.every((r) => typeof r === "string" && r !== "")) {
      errors.push(`${where}: "native.requires" must be a list of executable names (got ${JSON.stringify(requires)})`);
    }
    native = {
      requires: Array.isArray(requires) ? requires.filter((r): r is string => typeof r === "string") : [],
      build: requireString(n, "build", `${where} native`, errors, true),
      run: requireString(n, "run", `${where} native`, errors),
      test: requireString(n, "test", `${where} native`, errors),
    };
  }
  if (errors.length > 0) throw new Error(errors.join("\n"));
  return { name, displayName, language, framework, native, dir };
}

/** Every benchmark target under `appsDir`, sorted by name: the folders that hold an app.json. */
export function loadAppManifests(appsDir: string = APPS_DIR): AppManifest[] {
  return fs
    .readdirSync(appsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(appsDir, entry.name, "app.json")))
    .map((entry) => {
      const dir = path.join(appsDir, entry.name);
      const file = path.join(dir, "app.json");
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch (err) {
        throw new Error(`apps/${entry.name}/app.json: not valid JSON (${(err as Error).message})`);
      }
      return parseAppManifest(raw, entry.name, dir);
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
