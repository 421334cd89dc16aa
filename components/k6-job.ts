/**
 * Pure builder of a k6 benchmark Job (after grafana/k6-operator: the Job is data built by a
 * function). The official k6 image runs one script from the mounted ConfigMap against an app's
 * ClusterIP Service; a small wrapper turns k6's "thresholds crossed" exit code into success
 * (a miss is a result) and prints the container's cgroup CPU use so saturation can be judged.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CPU_STAT_MARKER } from "./collector";
import { PodPlacement, placementSpec } from "./cluster";
import { PART_OF } from "./labels";
import { cpuQuantity, memoryQuantity } from "./quantities";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, TMP_MOUNT, TMP_VOLUME } from "./security";

/** k6's exit code when a threshold was crossed. @see https://grafana.com/docs/k6/latest/using-k6/thresholds/ */
export const K6_THRESHOLDS_FAILED_EXIT = 99;
/** The uid of the `k6` user in the official image. */
export const K6_UID = 12345;
/** Where the scripts ConfigMap is mounted. */
export const SCRIPTS_DIR = "/scripts";
/** k6's REST API port; bound on the pod IP so the kubelet can probe it. */
export const K6_API_PORT = 6565;
/** Slack on top of a scenario's duration for scheduling, image pull and the summary. */
export const JOB_DEADLINE_MARGIN_SECONDS = 300;

/**
 * The container's shell program. Exit 0 on success or crossed thresholds; k6's own exit code
 * otherwise (a script error or an aborted test fails the Job and so `pulumi up`).
 */
export function k6WrapperScript(script: string): string {
  return [
    `k6 run --no-color --quiet --address 0.0.0.0:${K6_API_PORT} ${SCRIPTS_DIR}/${script}`,
    "rc=$?",
    `if [ -r /sys/fs/cgroup/cpu.stat ]; then echo "${CPU_STAT_MARKER} $(sed 's/ /=/' /sys/fs/cgroup/cpu.stat | tr '\\n' ' ')"; fi`,
    `if [ "$rc" -eq 0 ] || [ "$rc" -eq ${K6_THRESHOLDS_FAILED_EXIT} ]; then exit 0; fi`,
    'echo "k6 exited with code $rc" >&2',
    'exit "$rc"',
  ].join("\n");
}

export interface K6JobInput {
  namespace: pulumi.Input<string>;
  app: string;
  scenario: string;
  runId: string;
  image: string;
  /** File name of the scenario script inside the ConfigMap. */
  script: string;
  scriptsConfigMap: pulumi.Input<string>;
  /** Environment of the k6 process (TARGET_URL, PROFILE, scenario knobs). */
  env: Record<string, pulumi.Input<string>>;
  /** Upper bound of the scenario's run time. */
  durationSeconds: number;
  cpuMilli: number;
  memoryMiB: number;
  placement: PodPlacement;
  /**
   * Annotations of the pod template. The template is immutable, so any change replaces the Job:
   * record here everything the result depends on (app image, app resources, script content).
   * @default {}
   */
  podAnnotations?: Record<string, pulumi.Input<string>>;
}

export function jobLabels(input: Pick<K6JobInput, "app" | "scenario" | "runId">): Record<string, string> {
  return {
    ...PART_OF,
    "app.kubernetes.io/component": "load-generator",
    "k8s-bench.io/app": input.app,
    "k8s-bench.io/scenario": input.scenario,
    "k8s-bench.io/run-id": input.runId,
  };
}

/** Memory k6 needs besides its VUs (runtime, metrics, the summary). */
export const K6_BASE_MEMORY_MIB = 256;
/** Memory per VU: k6's own guidance is 1-5 MiB for simple HTTP scripts; take the high end. */
export const K6_MEMORY_PER_VU_MIB = 5;

/**
 * The k6 pod's size for a scenario: the configured CPU, and the configured memory raised to what
 * the scenario's peak VUs need (the full capacity sweep pre-allocates hundreds), so a big
 * scenario is never OOM-killed into a failed run.
 */
export function k6PodSize(configured: { cpuMilli: number; memoryMiB: number }, maxVus: number): { cpuMilli: number; memoryMiB: number } {
  return { cpuMilli: configured.cpuMilli, memoryMiB: Math.max(configured.memoryMiB, K6_BASE_MEMORY_MIB + K6_MEMORY_PER_VU_MIB * maxVus) };
}

/** The Job's deadline: the scenario's length plus a fixed margin. */
export const jobDeadlineSeconds = (durationSeconds: number): number => durationSeconds + JOB_DEADLINE_MARGIN_SECONDS;

export function k6JobSpec(input: K6JobInput): k8s.types.input.batch.v1.Job {
  const labels = jobLabels(input);
  const placement = placementSpec(input.placement);
  return {
    metadata: {
      namespace: input.namespace,
      labels,
      // The collector waits for the Job and reports its logs on failure; Pulumi's own await
      // would fail without them.
      annotations: { "pulumi.com/skipAwait": "true" },
    },
    spec: {
      // A benchmark that failed once must not be silently retried into a different result.
      backoffLimit: 0,
      activeDeadlineSeconds: jobDeadlineSeconds(input.durationSeconds),
      // No ttlSecondsAfterFinished: the pod log is read after completion.
      template: {
        // The run id in the pod template makes a new run a new Job (templates are immutable).
        metadata: { labels, ...(input.podAnnotations ? { annotations: input.podAnnotations } : {}) },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPodSecurityContext(K6_UID),
          ...placement,
          affinity: {
            ...placement.affinity,
            // Never share a node with a measured pod when there is a choice.
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    topologyKey: "kubernetes.io/hostname",
                    labelSelector: { matchLabels: { "app.kubernetes.io/component": "benchmark-target" } },
                  },
                },
              ],
            },
          },
          containers: [
            {
              name: "k6",
              image: input.image,
              command: ["/bin/sh", "-c", k6WrapperScript(input.script)],
              env: [
                ...Object.entries(input.env).map(([name, value]) => ({ name, value })),
                { name: "K6_NO_USAGE_REPORT", value: "true" },
              ],
              // Requests equal limits: a Guaranteed pod is not squeezed by neighbours mid-test.
              resources: {
                requests: { cpu: cpuQuantity(input.cpuMilli), memory: memoryQuantity(input.memoryMiB) },
                limits: { cpu: cpuQuantity(input.cpuMilli), memory: memoryQuantity(input.memoryMiB) },
              },
              ports: [{ name: "k6-api", containerPort: K6_API_PORT }],
              // A hung k6 (API unresponsive for a minute) is restarted into a failed Job rather
              // than holding the run until the deadline.
              livenessProbe: { httpGet: { path: "/v1/status", port: "k6-api" }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [{ name: "scripts", mountPath: SCRIPTS_DIR, readOnly: true }, TMP_MOUNT],
            },
          ],
          volumes: [{ name: "scripts", configMap: { name: input.scriptsConfigMap } }, TMP_VOLUME],
        },
      },
    },
  };
}
