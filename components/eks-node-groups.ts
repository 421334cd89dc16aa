/**
 * Managed node group arguments (pure) and the node IAM role.
 *
 * Every group runs Bottlerocket (amiType BOTTLEROCKET_x86_64). A kernel group's Kubernetes
 * `version` picks the Bottlerocket variant aws-k8s-<version>, and the variant fixes the kernel
 * line: that is how two groups carry two kernels.
 *
 * The launch-template trap: @pulumi/eks builds a custom launch template, and then DROPS `version`,
 * `releaseVersion` and `amiType` (using the newest AMI of the cluster's version instead), when any
 * of {@link LAUNCH_TEMPLATE_OPTIONS} is set. Every group would then get the same kernel, so the
 * builders here set none of them and {@link launchTemplateOptionsIn} lets tests prove it.
 * @see https://github.com/pulumi/pulumi-eks/blob/master/nodejs/eks/nodes/nodegroup.ts (customLaunchTemplateArgs, requiresCustomUserData)
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { KernelGroupConfig, SystemGroupConfig } from "./eks-config";
import { kernelGroupLabels, kernelGroupTaint, systemGroupLabels } from "./eks-placement";

export const BOTTLEROCKET_AMI_TYPE = "BOTTLEROCKET_x86_64";

/** ManagedNodeGroup options that make @pulumi/eks ignore version/releaseVersion/amiType. */
export const LAUNCH_TEMPLATE_OPTIONS = [
  "amiId",
  "bootstrapExtraArgs",
  "bottlerocketSettings",
  "enableEfaSupport",
  "enableIMDSv2",
  "kubeletExtraArgs",
  "launchTemplate",
  "nodeadmExtraOptions",
  "userData",
] as const satisfies readonly (keyof eks.ManagedNodeGroupArgs)[];

/** The node group arguments this module decides; the cluster, role and subnets are added by the caller. */
export type NodeGroupSpec = Omit<eks.ManagedNodeGroupArgs, "cluster" | "nodeRole" | "nodeRoleArn" | "subnetIds">;

/** Names of launch-template options present in `args` (must be empty for every group). */
export function launchTemplateOptionsIn(args: object): string[] {
  const present = args as Record<string, unknown>;
  return LAUNCH_TEMPLATE_OPTIONS.filter((key) => present[key] !== undefined);
}

function fixedSize(size: number) {
  return { desiredSize: size, minSize: size, maxSize: size };
}

/** A tainted Bottlerocket group on the given node Kubernetes version (pure). */
export function kernelNodeGroupSpec(group: KernelGroupConfig): NodeGroupSpec {
  return {
    amiType: BOTTLEROCKET_AMI_TYPE,
    version: group.version,
    releaseVersion: group.releaseVersion,
    instanceTypes: [group.instanceType],
    capacityType: "ON_DEMAND",
    scalingConfig: fixedSize(group.size),
    labels: kernelGroupLabels(group.name),
    taints: [kernelGroupTaint(group.name)],
  };
}

/** The untainted system group, on the control plane's version (pure). */
export function systemNodeGroupSpec(group: SystemGroupConfig, kubernetesVersion: string): NodeGroupSpec {
  return {
    amiType: BOTTLEROCKET_AMI_TYPE,
    version: kubernetesVersion,
    instanceTypes: [group.instanceType],
    capacityType: "ON_DEMAND",
    scalingConfig: fixedSize(group.size),
    labels: systemGroupLabels(),
  };
}

/**
 * Managed policies of the node role. AmazonEC2ContainerRegistryReadOnly lets nodes pull the
 * stack's ECR images; AmazonSSMManagedInstanceCore gives Bottlerocket's control container a shell
 * through SSM for troubleshooting.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html
 */
export const NODE_ROLE_POLICIES = {
  worker: aws.iam.ManagedPolicy.AmazonEKSWorkerNodePolicy,
  cni: aws.iam.ManagedPolicy.AmazonEKS_CNI_Policy,
  ecr: aws.iam.ManagedPolicy.AmazonEC2ContainerRegistryReadOnly,
  ssm: aws.iam.ManagedPolicy.AmazonSSMManagedInstanceCore,
} as const;

/**
 * The IAM role every node group uses. With authenticationMode API, EKS creates the node access
 * entry for a managed node group's role itself.
 */
export function createNodeRole(name: string, parent: pulumi.Resource, tags: Record<string, string>): { role: aws.iam.Role; attachments: aws.iam.RolePolicyAttachment[] } {
  const role = new aws.iam.Role(
    `${name}-node-role`,
    {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags,
    },
    { parent },
  );
  const attachments = Object.entries(NODE_ROLE_POLICIES).map(
    ([key, policyArn]) => new aws.iam.RolePolicyAttachment(`${name}-node-role-${key}`, { role: role.name, policyArn }, { parent }),
  );
  return { role, attachments };
}
