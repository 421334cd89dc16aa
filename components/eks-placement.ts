/**
 * Where pods go on the EKS cluster: measured apps on the tainted kernel node groups, everything
 * else (k6, monitoring, add-ons) on the untainted system group. Pure builders, no resources.
 */
import { DEDICATED_TAINT_KEY, GROUP_LABEL, PodPlacement } from "./cluster";
import { SYSTEM_GROUP } from "./eks-config";

/** Node labels of a kernel group's nodes. */
export function kernelGroupLabels(group: string): Record<string, string> {
  return { [GROUP_LABEL]: group };
}

/** The taint that keeps everything but benchmark pods off a kernel group's nodes. */
export function kernelGroupTaint(group: string): { key: string; value: string; effect: "NO_SCHEDULE" } {
  // EKS node group API spelling of Kubernetes' NoSchedule.
  return { key: DEDICATED_TAINT_KEY, value: group, effect: "NO_SCHEDULE" };
}

/** Node labels of the system group's nodes. */
export function systemGroupLabels(): Record<string, string> {
  return { [GROUP_LABEL]: SYSTEM_GROUP };
}

/** Measured pods on any of the kernel groups (the scheduler picks which). */
export function eksAppPlacement(groups: readonly string[]): PodPlacement {
  return {
    nodeAffinity: { key: GROUP_LABEL, values: [...groups] },
    tolerations: [{ key: DEDICATED_TAINT_KEY, operator: "Exists", effect: "NoSchedule" }],
  };
}

/** Measured pods on one kernel group, for benchmarks that compare groups one at a time. */
export function eksKernelGroupPlacement(group: string): PodPlacement {
  return {
    nodeSelector: { [GROUP_LABEL]: group },
    tolerations: [{ key: DEDICATED_TAINT_KEY, operator: "Equal", value: group, effect: "NoSchedule" }],
  };
}

/** Load generators, monitoring and add-ons: the untainted system group only. */
export function eksSystemPlacement(): PodPlacement {
  return { nodeSelector: { [GROUP_LABEL]: SYSTEM_GROUP } };
}
