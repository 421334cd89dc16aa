/** Labels shared by everything the stack puts in the cluster. */
export const PART_OF = { "app.kubernetes.io/part-of": "k8s-bench", "app.kubernetes.io/managed-by": "pulumi" } as const;

/** Selector labels of one app's pods: stable for the Deployment's lifetime. */
export function appSelector(app: string): Record<string, string> {
  return { "app.kubernetes.io/name": app, "app.kubernetes.io/component": "benchmark-target" };
}

export function appLabels(app: string): Record<string, string> {
  return { ...appSelector(app), ...PART_OF };
}
