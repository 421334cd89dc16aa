/**
 * EKS add-on settings (pure builders) and the CoreDNS add-on.
 *
 * - kube-proxy: the measured component. Pinned version, `{"mode": "nftables"}` as add-on
 *   configuration values. Its DaemonSet runs `kube-proxy --v=2`, so the "SyncProxyRules complete"
 *   lines the kube-proxy benchmark parses (klog V(2)) are logged without changes.
 * - vpc-cni: prefix delegation with a warm prefix (seed 004's ENABLE_PREFIX_DELEGATION=true,
 *   WARM_PREFIX_TARGET=1), so pod IPs come from /28 prefixes instead of one ENI IP at a time.
 * - coredns: created after the system node group (the add-on waits for ready replicas), pinned to
 *   the system nodes, with memory for clusters with thousands of Services.
 * @see https://docs.aws.amazon.com/eks/latest/best-practices/nftables.html
 * @see https://docs.aws.amazon.com/eks/latest/userguide/cni-increase-ip-addresses.html
 * @see https://docs.aws.amazon.com/eks/latest/userguide/coredns-add-on-create.html
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { GROUP_LABEL } from "./cluster";
import { EksAddonsConfig, SYSTEM_GROUP } from "./eks-config";

/** kube-proxy add-on options for eks.Cluster (pure). */
export function kubeProxyAddonOptions(addons: EksAddonsConfig): eks.types.input.KubeProxyAddonOptionsArgs {
  return {
    version: addons.kubeProxyVersion,
    configurationValues: { mode: addons.kubeProxyMode },
    // Replaces the self-managed kube-proxy EKS installs at cluster creation.
    resolveConflictsOnCreate: "OVERWRITE",
    resolveConflictsOnUpdate: "OVERWRITE",
  };
}

/** vpc-cni add-on options for eks.Cluster (pure). */
export function vpcCniOptions(addons: EksAddonsConfig): eks.types.input.VpcCniOptionsArgs {
  return {
    addonVersion: addons.vpcCniVersion,
    enablePrefixDelegation: true,
    warmPrefixTarget: addons.warmPrefixTarget,
    resolveConflictsOnCreate: "OVERWRITE",
    resolveConflictsOnUpdate: "OVERWRITE",
  };
}

/**
 * CoreDNS add-on configuration values (pure). The EKS default memory limit (170Mi) is too small
 * once 8,000 Services and 240,000 endpoints are watched; requests keep two replicas schedulable
 * next to monitoring on the system nodes.
 */
export function corednsConfigurationValues(addons: EksAddonsConfig): Record<string, unknown> {
  return {
    replicaCount: addons.corednsReplicas,
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "1Gi" } },
    nodeSelector: { [GROUP_LABEL]: SYSTEM_GROUP },
  };
}

/** Arguments of {@link createCorednsAddon}. */
export interface CorednsAddonArgs {
  clusterName: pulumi.Input<string>;
  addons: EksAddonsConfig;
  /** The system node group: CoreDNS replicas need a node before the add-on turns ACTIVE. */
  dependsOn: pulumi.Resource[];
  tags: Record<string, string>;
}

export function createCorednsAddon(name: string, args: CorednsAddonArgs, parent: pulumi.Resource): aws.eks.Addon {
  return new aws.eks.Addon(
    `${name}-coredns`,
    {
      clusterName: args.clusterName,
      addonName: "coredns",
      addonVersion: args.addons.corednsVersion,
      configurationValues: JSON.stringify(corednsConfigurationValues(args.addons)),
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
      tags: args.tags,
    },
    { parent, dependsOn: args.dependsOn },
  );
}
