/**
 * Runs the real program (index.ts) under Pulumi mocks with a project stack file, recording every
 * resource and invoke. Mocks stand in for the engine and the cluster; nothing else is faked: the
 * collector's output is built from a k6 summary recorded from a real k6 run.
 *
 * Pulumi keeps mock state in globals, so each test file runs one stack (node:test runs each file
 * in its own process).
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  /** The provider reference (`urn::id`) the resource was registered with, if any. */
  provider?: string;
  /** Names of the resources it explicitly depends on (`dependsOn`), as registered. */
  dependsOn: string[];
  /** Its `ignoreChanges` option. */
  ignoreChanges: string[];
  /** Its `customTimeouts` option. */
  customTimeouts?: pulumi.CustomTimeouts;
  id: string;
  urn: string;
  state: Record<string, any>;
}

export interface StackRun {
  resources: RecordedResource[];
  invokes: { token: string; inputs: Record<string, any> }[];
  outputs: Record<string, unknown>;
  byType(type: string): RecordedResource[];
  one(type: string, name: string): RecordedResource;
}

/** Reads `config:` of a stack file into Pulumi's flat `<ns>:<key>` → string map. */
export function stackConfig(stackFile: string): Record<string, string> {
  const doc = parse(fs.readFileSync(path.join(ROOT, stackFile), "utf8")) as { config?: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(doc.config ?? {}).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}

/** Per-type mock state: what the real provider would return for outputs the program reads. */
export type StateFor = (r: { type: string; name: string; inputs: Record<string, any> }) => Record<string, any> | undefined;

/** The name a resource was registered with (the SDK keeps it on the instance). */
function resourceName(r: pulumi.Resource): string {
  return (r as unknown as { __name?: string }).__name ?? "";
}

async function settle(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    return new Promise((resolve) => (value as pulumi.Output<unknown>).apply((v) => { resolve(v); return v; }));
  }
  if (Array.isArray(value)) return Promise.all(value.map(settle));
  if (value && typeof value === "object" && !pulumi.Resource.isInstance(value)) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await settle(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/**
 * Runs `index.ts` with the given stack file (plus config overrides) and returns what it declared.
 * @param stateFor supplies provider outputs (command stdout, image refs) by type and name.
 */
export async function runStack(stackFile: string, stateFor: StateFor, overrides: Record<string, string> = {}): Promise<StackRun> {
  const resources: RecordedResource[] = [];
  const invokes: StackRun["invokes"] = [];
  // Options seen by the stack transformation, by type and name (names repeat across types).
  const options = new Map<string, { dependsOn: string[]; ignoreChanges: string[]; customTimeouts?: pulumi.CustomTimeouts }>();
  const stack = path.basename(stackFile, ".yaml").replace(/^Pulumi\./, "");
  pulumi.runtime.setAllConfig({ ...stackConfig(stackFile), ...overrides });
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        const id = args.id ?? `${args.name}-id`;
        const extra = stateFor({ type: args.type, name: args.name, inputs: args.inputs }) ?? {};
        const state = { ...args.inputs, ...extra };
        const opts = options.get(`${args.type}::${args.name}`);
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          provider: args.provider,
          dependsOn: opts?.dependsOn ?? [],
          ignoreChanges: opts?.ignoreChanges ?? [],
          ...(opts?.customTimeouts ? { customTimeouts: opts.customTimeouts } : {}),
          id,
          urn: `urn:pulumi:${stack}::k8s-bench::${args.type}::${args.name}`,
          state,
        });
        return { id, state };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        invokes.push({ token: args.token, inputs: args.inputs });
        return stateFor({ type: args.token, name: "", inputs: args.inputs }) ?? {};
      },
    },
    "k8s-bench",
    stack,
    false,
  );
  // Run inside a root stack, as the language host does, so a (legacy) stack transformation can
  // see each resource's options: explicit dependsOn is recorded for ordering assertions, which
  // mocks do not otherwise reveal.
  const outputs = (await settle(
    await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        const deps = args.opts.dependsOn;
        const list = deps === undefined ? [] : Array.isArray(deps) ? deps : [deps];
        const custom = args.opts as pulumi.CustomResourceOptions;
        options.set(`${args.type}::${args.name}`, {
          dependsOn: list.filter((d): d is pulumi.Resource => pulumi.Resource.isInstance(d)).map(resourceName),
          ignoreChanges: args.opts.ignoreChanges ?? [],
          ...(custom.customTimeouts ? { customTimeouts: custom.customTimeouts } : {}),
        });
        return undefined;
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require(path.join(ROOT, "index.ts")) as Record<string, unknown>;
    }),
  )) as Record<string, unknown>;
  // Let registrations that no output depends on finish too.
  await new Promise((resolve) => setTimeout(resolve, 50));
  return {
    resources,
    invokes,
    outputs,
    byType: (type) => resources.filter((r) => r.type === type),
    one(type, name) {
      const found = resources.filter((r) => r.type === type && r.name === name);
      if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}: ${resources.filter((r) => r.type === type).map((r) => r.name).join(", ")}`);
      return found[0] as RecordedResource;
    },
  };
}

/** Kubernetes resource types the program may declare (provider resources excluded). */
export const isKubernetesObject = (r: RecordedResource): boolean => r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:") && !r.type.includes("helm.sh");
