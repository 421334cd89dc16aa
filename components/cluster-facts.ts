/**
 * The environment that travels with every number: node facts as the API server reports them at
 * benchmark time (never assumed from config), and what kube-proxy runs as.
 */
import { GROUP_LABEL } from "./cluster";
import { imageTag as driverImageTag } from "./kube-proxy-driver";
import { NodeFacts } from "./results-schema";

/** The Node fields read (a structural subset of V1Node). */
export interface NodeLike {
  metadata?: { name?: string; labels?: Record<string, string> };
  status?: { nodeInfo?: { kernelVersion?: string; osImage?: string; kubeletVersion?: string; containerRuntimeVersion?: string; architecture?: string } };
}

const INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type";
const CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane";

export function nodeFacts(node: NodeLike): NodeFacts {
  const labels = node.metadata?.labels ?? {};
  const info = node.status?.nodeInfo ?? {};
  const group = labels[GROUP_LABEL] ?? (CONTROL_PLANE_LABEL in labels ? "control-plane" : "unlabeled");
  return {
    name: node.metadata?.name ?? "",
    group,
    kernelVersion: info.kernelVersion ?? "",
    osImage: info.osImage ?? "",
    kubeletVersion: info.kubeletVersion ?? "",
    ...(info.containerRuntimeVersion ? { containerRuntimeVersion: info.containerRuntimeVersion } : {}),
    ...(labels[INSTANCE_TYPE_LABEL] ? { instanceType: labels[INSTANCE_TYPE_LABEL] } : {}),
    ...(info.architecture ? { architecture: info.architecture } : {}),
  };
}

/** kube-proxy as found in kube-system. */
export interface KubeProxyInfo {
  /** iptables, ipvs, nftables, or "unknown" when the configuration could not be read. */
  mode: string;
  /** The image tag of the kube-proxy DaemonSet, e.g. v1.34.11 or v1.32.6-eksbuild.12. */
  version: string;
}

/** Reads `mode:` from a KubeProxyConfiguration document (the kube-proxy ConfigMap's config). */
export function kubeProxyModeFromConfig(configText: string | undefined): string {
  const match = configText ? /^mode:\s*["']?([a-z]*)["']?\s*$/m.exec(configText) : null;
  // An empty mode means the platform default, which is iptables on Linux.
  if (!match) return "unknown";
  return match[1] === "" ? "iptables" : (match[1] ?? "unknown");
}

/**
 * The tag of an image reference ("registry/kube-proxy:v1.34.11@sha256:…" → "v1.34.11"): the
 * driver's parser, with "latest" for an untagged reference and "unknown" for none.
 */
export function imageTag(image: string | undefined): string {
  if (!image) return "unknown";
  return driverImageTag(image) ?? "latest";
}

/** What `collector-cli cluster` prints. */
export interface CollectedCluster {
  kubernetesVersion: string;
  nodes: NodeFacts[];
  kubeProxy: KubeProxyInfo;
}
