/**
 * Validates a Kubernetes object against the Kubernetes OpenAPI schema through the
 * `kubernetes-models` package: a manifest the API server would reject for its shape fails here.
 */

/** `kubernetes:apps/v1:Deployment` → { apiVersion: "apps/v1", kind: "Deployment" }. */
export function typeToGvk(type: string): { apiVersion: string; kind: string } {
  const match = /^kubernetes:([^:]+):(\w+)$/.exec(type);
  if (!match || !match[1] || !match[2]) throw new Error(`not a Kubernetes resource type: ${type}`);
  const apiVersion = match[1].startsWith("core/") ? match[1].slice("core/".length) : match[1];
  return { apiVersion, kind: match[2] };
}

/** The kubernetes-models module path of a group/version/kind. */
function modelPath(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return group ? `kubernetes-models/${group}/${version}/${kind}` : `kubernetes-models/${version}/${kind}`;
}

/** Throws with the schema's complaint when the object is invalid. */
export async function validateObject(type: string, object: Record<string, unknown>): Promise<void> {
  const { apiVersion, kind } = typeToGvk(type);
  const mod = (await import(modelPath(apiVersion, kind))) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = mod[kind];
  if (!Model) throw new Error(`kubernetes-models has no ${apiVersion} ${kind}`);
  new Model({ ...object, apiVersion, kind }).validate();
}

/** Drops fields Pulumi adds to inputs that are not part of the Kubernetes object. */
export function kubernetesObject(inputs: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, ...rest } = inputs;
  return rest;
}
