/**
 * Collects every configuration problem, each with its key path, before anything is declared.
 * Messages name the key, the bad value and what is allowed:
 * `k8s-bench:hpa.minReplicas (12) must be <= hpa.maxReplicas (10)`.
 */

export const CONFIG_NAMESPACE = "k8s-bench";

/** Renders a config value the way a user typed it: strings bare, everything else as JSON. */
export function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid k8s-bench configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        "\nFix them with `pulumi config set <key> <value>` (or edit Pulumi.<stack>.yaml); the README lists every key.",
    );
    this.name = "ConfigError";
  }
}

/** A typed reader over one config object that records problems instead of throwing. */
export class ConfigProblems {
  readonly problems: string[] = [];

  /** Records `k8s-bench:<keyPath> (<value>) <message>`. */
  add(keyPath: string, value: unknown, message: string): void {
    this.problems.push(`${CONFIG_NAMESPACE}:${keyPath} (${show(value)}) ${message}`);
  }

  /** Records a problem that is not about one value, e.g. a missing required key. */
  addRaw(message: string): void {
    this.problems.push(message);
  }

  throwIfAny(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

type Obj = Record<string, unknown>;

/**
 * Reads the fields of one structured config key (for example `k8s-bench:hpa`), checking that no
 * unknown sub-key is present (a typo would otherwise silently fall back to a default).
 */
export class ObjectReader {
  constructor(
    readonly keyPath: string,
    readonly value: Obj,
    readonly problems: ConfigProblems,
  ) {}

  /** Parses a raw config value (JSON object text, an object, or absent) into a reader. */
  static of(keyPath: string, raw: unknown, problems: ConfigProblems, allowedKeys: readonly string[]): ObjectReader {
    let value: unknown = raw;
    if (typeof raw === "string") {
      try {
        value = JSON.parse(raw);
      } catch {
        problems.add(keyPath, raw, `must be an object with keys ${allowedKeys.join(", ")}`);
        value = {};
      }
    }
    if (value === undefined || value === null) value = {};
    if (typeof value !== "object" || Array.isArray(value)) {
      problems.add(keyPath, raw, `must be an object with keys ${allowedKeys.join(", ")}`);
      value = {};
    }
    const reader = new ObjectReader(keyPath, value as Obj, problems);
    for (const key of Object.keys(value as Obj)) {
      if (!allowedKeys.includes(key)) {
        problems.add(`${keyPath}.${key}`, (value as Obj)[key], `is not a known key; allowed: ${allowedKeys.join(", ")}`);
      }
    }
    return reader;
  }

  path(key: string): string {
    return this.keyPath === "" ? key : `${this.keyPath}.${key}`;
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  raw(key: string): unknown {
    return this.value[key];
  }

  /** A whole number within [min, max]; numeric strings are accepted (CLI-set values are strings). */
  int(key: string, fallback: number, min: number, max: number): number {
    const raw = this.value[key];
    if (raw === undefined) return fallback;
    const n = typeof raw === "string" && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
      this.problems.add(this.path(key), raw, `must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  bool(key: string, fallback: boolean): boolean {
    const raw = this.value[key];
    if (raw === undefined) return fallback;
    if (raw === true || raw === "true") return true;
    if (raw === false || raw === "false") return false;
    this.problems.add(this.path(key), raw, "must be true or false");
    return fallback;
  }

  /** A string matching `pattern`; `describe` says what is allowed. */
  string(key: string, fallback: string, pattern: RegExp, describe: string): string {
    const raw = this.value[key];
    if (raw === undefined) return fallback;
    if (typeof raw !== "string" || !pattern.test(raw)) {
      this.problems.add(this.path(key), raw, `must be ${describe}`);
      return fallback;
    }
    return raw;
  }

  optionalString(key: string, pattern: RegExp, describe: string): string | undefined {
    return this.has(key) ? this.string(key, "", pattern, describe) : undefined;
  }

  oneOf<T extends string>(key: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.value[key];
    if (raw === undefined) return fallback;
    if (typeof raw !== "string" || !(allowed as readonly string[]).includes(raw)) {
      this.problems.add(this.path(key), raw, `must be one of: ${allowed.join(", ")}`);
      return fallback;
    }
    return raw as T;
  }

  /** A quantity parsed by `parse` (e.g. CPU to millicores) that must be > 0. */
  quantity(key: string, fallback: number, parse: (v: unknown) => number | undefined, describe: string): number {
    const raw = this.value[key];
    if (raw === undefined) return fallback;
    const parsed = parse(raw);
    if (parsed === undefined || parsed <= 0) {
      this.problems.add(this.path(key), raw, `must be a positive ${describe}`);
      return fallback;
    }
    return parsed;
  }

  /** A list of strings; also accepts a comma-separated string (`pulumi config set x a,b`). */
  stringList(key: string): string[] | undefined {
    return readStringList(this.path(key), this.value[key], this.problems);
  }
}

/**
 * A list-valued config entry as Pulumi passes it: a YAML list arrives as JSON array text, a value
 * set on the command line as `a,b`. Returns the array (undefined for unparseable JSON), or the
 * raw value unchanged when it is not a string.
 */
export function listFromConfig(raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  const text = raw.trim();
  if (!text.startsWith("[")) return text === "" ? [] : text.split(",").map((s) => s.trim());
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A list of strings from a JSON array, an array, or a comma-separated string. */
export function readStringList(keyPath: string, raw: unknown, problems: ConfigProblems): string[] | undefined {
  if (raw === undefined) return undefined;
  const value = listFromConfig(raw);
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string" && v !== "")) {
    problems.add(keyPath, raw, "must be a list of names (YAML list, JSON array or comma-separated)");
    return undefined;
  }
  return value as string[];
}
