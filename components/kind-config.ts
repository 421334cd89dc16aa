/**
 * The kind cluster configuration as data: kube-proxy in nftables mode with sync logging and
 * reachable metrics, a pinned node image, one worker for the measured apps and one for load
 * generators and monitoring.
 * @see https://kind.sigs.k8s.io/docs/user/configuration/
 */
import { stringify } from "yaml";
import { GROUP_LABEL } from "./cluster";
import { VERSIONS } from "./versions";

/** Node groups of the local cluster, as GROUP_LABEL values. */
export const LOCAL_GROUPS = { apps: "apps", system: "system" } as const;

export interface KindConfigOptions {
  clusterName: string;
  /** @default VERSIONS.kindNodeImage */
  nodeImage?: string;
}

/**
 * kube-proxy settings the kube-proxy benchmark relies on: verbosity 2 makes it log every sync
 * ("SyncProxyRules complete" with elapsed), and binding metrics on all addresses lets an
 * in-cluster reader scrape :10249 (the default is 127.0.0.1 only).
 */
export const KUBE_PROXY_PATCH = {
  apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
  kind: "KubeProxyConfiguration",
  metricsBindAddress: "0.0.0.0:10249",
  logging: { verbosity: 2 },
};

/** Returns the kind `Cluster` object (serialise with {@link kindConfigYaml}). */
export function kindConfig(opts: KindConfigOptions): Record<string, unknown> {
  const image = opts.nodeImage ?? VERSIONS.kindNodeImage;
  return {
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    name: opts.clusterName,
    networking: { kubeProxyMode: "nftables" },
    kubeadmConfigPatches: [stringify(KUBE_PROXY_PATCH)],
    nodes: [
      { role: "control-plane", image },
      { role: "worker", image, labels: { [GROUP_LABEL]: LOCAL_GROUPS.apps } },
      { role: "worker", image, labels: { [GROUP_LABEL]: LOCAL_GROUPS.system } },
    ],
  };
}

export function kindConfigYaml(opts: KindConfigOptions): string {
  return stringify(kindConfig(opts));
}
