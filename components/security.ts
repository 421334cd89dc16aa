/**
 * The restricted security context every workload of the stack runs with (Pod Security Standards
 * "restricted": non-root, read-only root filesystem, no privilege escalation, all capabilities
 * dropped, RuntimeDefault seccomp).
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
import * as k8s from "@pulumi/kubernetes";

export function restrictedPodSecurityContext(runAsUser?: number): k8s.types.input.core.v1.PodSecurityContext {
  return {
    runAsNonRoot: true,
    ...(runAsUser !== undefined ? { runAsUser, runAsGroup: runAsUser, fsGroup: runAsUser } : {}),
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function restrictedContainerSecurityContext(): k8s.types.input.core.v1.SecurityContext {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** A small in-memory /tmp for programs that insist on one under a read-only root filesystem. */
export const TMP_VOLUME: k8s.types.input.core.v1.Volume = { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } };
export const TMP_MOUNT: k8s.types.input.core.v1.VolumeMount = { name: "tmp", mountPath: "/tmp" };
