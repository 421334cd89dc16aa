/**
 * Pure builders for one app's Deployment, Service and HorizontalPodAutoscaler. They return plain
 * `k8s.types.input` objects and create nothing; BenchApp wires them to resources.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PodPlacement, placementSpec } from "./cluster";
import { AppResourcesConfig, HpaConfig } from "./config";
import { appLabels, appSelector } from "./labels";
import { cpuQuantity, memoryQuantity } from "./quantities";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, TMP_MOUNT, TMP_VOLUME } from "./security";

/** The port every app listens on (the contract's default). */
export const APP_PORT = 8080;
/** Apps finish in-flight requests for up to 10 s after SIGTERM (the contract). */
export const APP_DRAIN_SECONDS = 10;
/** Pause before SIGTERM so endpoints and kube-proxy rules drop the pod before it stops accepting. */
export const PRE_STOP_SLEEP_SECONDS = 5;
/** Grace period covering the pre-stop pause, the drain and a margin. */
export const TERMINATION_GRACE_SECONDS = PRE_STOP_SLEEP_SECONDS + APP_DRAIN_SECONDS + 5;

export interface AppSpecInput {
  /** App name: the Deployment, Service and HPA are named after it. */
  name: string;
  namespace: pulumi.Input<string>;
  image: pulumi.Input<string>;
  resources: AppResourcesConfig;
  placement: PodPlacement;
}

const healthProbe = (extra: Partial<k8s.types.input.core.v1.Probe>): k8s.types.input.core.v1.Probe => ({
  httpGet: { path: "/health", port: "http" },
  ...extra,
});

/**
 * The app's Deployment. No `replicas`: the HPA owns the count, and a fixed value would fight it
 * on every update (seed 000's anti-pattern).
 */
export function deploymentSpec(input: AppSpecInput): k8s.types.input.apps.v1.Deployment {
  const { name, resources } = input;
  return {
    metadata: { name, namespace: input.namespace, labels: appLabels(name) },
    spec: {
      selector: { matchLabels: appSelector(name) },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: appLabels(name) },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
          securityContext: restrictedPodSecurityContext(),
          ...placementSpec(input.placement),
          containers: [
            {
              name: "app",
              image: input.image,
              // Local images are loaded into the nodes, registry images are immutable tag@digest.
              imagePullPolicy: "IfNotPresent",
              ports: [{ name: "http", containerPort: APP_PORT, protocol: "TCP" }],
              env: [{ name: "PORT", value: String(APP_PORT) }],
              resources: {
                requests: { cpu: cpuQuantity(resources.cpuRequestMilli), memory: memoryQuantity(resources.memoryRequestMiB) },
                limits: { cpu: cpuQuantity(resources.cpuLimitMilli), memory: memoryQuantity(resources.memoryLimitMiB) },
              },
              // Startup: up to 60 s to listen. Readiness gates traffic; liveness is lenient so a
              // CPU-starved app under load is measured, not restarted.
              startupProbe: healthProbe({ periodSeconds: 1, timeoutSeconds: 2, failureThreshold: 60 }),
              readinessProbe: healthProbe({ periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 }),
              livenessProbe: healthProbe({ periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 }),
              lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SLEEP_SECONDS } } },
              securityContext: restrictedContainerSecurityContext(),
              volumeMounts: [TMP_MOUNT],
            },
          ],
          volumes: [TMP_VOLUME],
        },
      },
    },
  };
}

/** The ClusterIP Service the load generators target (never NodePort, never port-forward). */
export function serviceSpec(input: Pick<AppSpecInput, "name" | "namespace">): k8s.types.input.core.v1.Service {
  return {
    metadata: { name: input.name, namespace: input.namespace, labels: appLabels(input.name) },
    spec: {
      type: "ClusterIP",
      selector: appSelector(input.name),
      ports: [{ name: "http", port: APP_PORT, targetPort: "http", protocol: "TCP" }],
    },
  };
}

/** The autoscaling/v2 HPA on CPU utilisation relative to the container's request. */
export function hpaSpec(input: Pick<AppSpecInput, "name" | "namespace">, hpa: HpaConfig, deploymentName: pulumi.Input<string>): k8s.types.input.autoscaling.v2.HorizontalPodAutoscaler {
  return {
    metadata: { name: input.name, namespace: input.namespace, labels: appLabels(input.name) },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
      minReplicas: hpa.minReplicas,
      maxReplicas: hpa.maxReplicas,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: hpa.targetCpuPercent } } }],
    },
  };
}

/** In-cluster base URL of an app's Service. */
export function serviceUrl(name: string, namespace: string): string {
  return `http://${name}.${namespace}.svc.cluster.local:${APP_PORT}`;
}
