/**
 * The EKS cluster: the eks branch of the cluster union.
 *
 * One EKS control plane, two or more tainted Bottlerocket kernel node groups on different node
 * Kubernetes versions (so different kernels), an untainted system node group for k6, monitoring
 * and add-ons, kube-proxy in nftables mode, and one ECR repository per app. The rest of the
 * program sees only the {@link BenchCluster} interface.
 * @see https://www.pulumi.com/registry/packages/eks/api-docs/cluster/
 * @see https://www.pulumi.com/registry/packages/eks/api-docs/managednodegroup/
 */
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { BenchCluster, ImageTarget, PodPlacement } from "./cluster";
import { createCorednsAddon, kubeProxyAddonOptions, vpcCniOptions } from "./eks-addons";
import { EKS_DEFAULTS, EksClusterConfig, expectedBottlerocketKernel, SYSTEM_GROUP } from "./eks-config";
import { EcrRepositories } from "./eks-ecr";
import { EksNetwork } from "./eks-network";
import { createNodeRole, kernelNodeGroupSpec, launchTemplateOptionsIn, NodeGroupSpec, systemNodeGroupSpec } from "./eks-node-groups";
import { eksAppPlacement, eksKernelGroupPlacement, eksSystemPlacement } from "./eks-placement";

/** What the stack knows about one node group before reading the real nodes. */
export interface EksNodeGroupInfo {
  name: string;
  /** Node Kubernetes minor (Bottlerocket variant aws-k8s-<version>). */
  kubernetesVersion: string;
  releaseVersion?: string;
  instanceType: string;
  size: number;
  /** Kernel line the variant ships (documentation only: results read the node's real kernel). */
  expectedKernel?: string;
  nodeGroup: eks.ManagedNodeGroup;
}

/** Arguments of {@link EksCluster}. */
export interface EksClusterArgs {
  /** The parsed `k8s-bench:eks` settings (with `aws:region`). */
  config: EksClusterConfig;
  /** Every app that will push an image: one ECR repository each. */
  apps: readonly string[];
  /** Tags for every AWS resource. @default - `{ "k8s-bench:stack": <stack> }` */
  tags?: Record<string, string>;
}

export class EksCluster extends pulumi.ComponentResource implements BenchCluster {
  readonly kind = "eks" as const;
  readonly provider: k8s.Provider;
  readonly kubeconfig: pulumi.Output<string>;
  readonly appPlacement: PodPlacement;
  readonly systemPlacement: PodPlacement;
  readonly separatesGenerators = true;
  readonly imageTarget: ImageTarget;
  readonly ready: pulumi.Resource[];
  /** Physical EKS cluster name (for `aws eks update-kubeconfig --name`). */
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly region: string;
  readonly cluster: eks.Cluster;
  readonly network: EksNetwork;
  readonly kernelGroups: EksNodeGroupInfo[];
  readonly systemGroup: EksNodeGroupInfo;
  readonly repositories: EcrRepositories;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("k8s-bench:eks:EksCluster", name, {}, opts);
    const { config } = args;

    // Validate: the config parser already checked the values; this guards the invariants the
    // benchmark relies on, whoever builds the config object.
    const versions = config.kernelGroups.map((g) => g.version);
    if (new Set(versions).size !== versions.length) {
      throw new Error(`EksCluster ${name}: kernel groups share a Kubernetes version (${versions.join(", ")}), so they would share a kernel`);
    }
    if (config.kernelGroups.some((g) => g.name === SYSTEM_GROUP)) {
      throw new Error(`EksCluster ${name}: a kernel group may not be named ${SYSTEM_GROUP}`);
    }

    // Defaults.
    const stack = pulumi.getStack();
    this.clusterName = config.clusterName ?? `${EKS_DEFAULTS.clusterNamePrefix}-${stack}`;
    this.kubernetesVersion = config.kubernetesVersion;
    this.region = config.region;
    const tags = args.tags ?? { "k8s-bench:stack": stack };

    // Build.
    this.network = new EksNetwork(`${name}-network`, { vpc: config.vpc, nodesInOneAz: config.nodesInOneAz, tags }, { parent: this });

    this.cluster = new eks.Cluster(
      `${name}-eks`,
      {
        name: this.clusterName,
        version: config.kubernetesVersion,
        authenticationMode: "API",
        skipDefaultNodeGroup: true,
        vpcId: this.network.vpcId,
        ...(this.network.created ? { publicSubnetIds: this.network.subnetIds } : { subnetIds: this.network.subnetIds }),
        endpointPublicAccess: true,
        publicAccessCidrs: config.endpointPublicAccessCidrs,
        // Nodes reach the API privately, so a restricted public endpoint never locks them out.
        endpointPrivateAccess: true,
        createOidcProvider: false,
        useDefaultVpcCni: false,
        vpcCniOptions: vpcCniOptions(config.addons),
        kubeProxyAddonOptions: kubeProxyAddonOptions(config.addons),
        // Created below once the system nodes exist: the add-on waits for ready replicas.
        corednsAddonOptions: { enabled: false },
        providerCredentialOpts: config.awsProfile ? { profileName: config.awsProfile } : undefined,
        tags,
      },
      { parent: this },
    );

    const { role, attachments } = createNodeRole(name, this, tags);
    const nodeGroup = (groupName: string, spec: NodeGroupSpec): eks.ManagedNodeGroup => {
      const present = launchTemplateOptionsIn(spec);
      if (present.length > 0) throw new Error(`node group ${groupName} sets launch-template options (${present.join(", ")}); its version and AMI would be ignored`);
      return new eks.ManagedNodeGroup(
        `${name}-${groupName}`,
        { ...spec, cluster: this.cluster, nodeRole: role, subnetIds: this.network.nodeSubnetIds, tags },
        { parent: this, dependsOn: attachments },
      );
    };

    this.kernelGroups = config.kernelGroups.map((group) => ({
      name: group.name,
      kubernetesVersion: group.version,
      releaseVersion: group.releaseVersion,
      instanceType: group.instanceType,
      size: group.size,
      expectedKernel: expectedBottlerocketKernel(group.version),
      nodeGroup: nodeGroup(group.name, kernelNodeGroupSpec(group)),
    }));
    this.systemGroup = {
      name: SYSTEM_GROUP,
      kubernetesVersion: config.kubernetesVersion,
      instanceType: config.systemGroup.instanceType,
      size: config.systemGroup.size,
      expectedKernel: expectedBottlerocketKernel(config.kubernetesVersion),
      nodeGroup: nodeGroup(SYSTEM_GROUP, systemNodeGroupSpec(config.systemGroup, config.kubernetesVersion)),
    };

    const coredns = createCorednsAddon(
      name,
      { clusterName: this.clusterName, addons: config.addons, dependsOn: [this.cluster, this.systemGroup.nodeGroup], tags },
      this,
    );

    this.repositories = new EcrRepositories(`${name}-ecr`, { apps: args.apps, namePrefix: this.clusterName, tags }, { parent: this });

    // The kubeconfig output, never cluster.getKubeconfig(): it runs `aws eks get-token`.
    this.kubeconfig = pulumi.secret(this.cluster.kubeconfigJson);
    this.ready = [this.cluster, ...this.kernelGroups.map((g) => g.nodeGroup), this.systemGroup.nodeGroup, coredns];
    this.provider = new k8s.Provider(
      `${name}-provider`,
      {
        kubeconfig: this.kubeconfig,
        // Lets `pulumi destroy` finish when the cluster is already gone.
        deleteUnreachable: true,
      },
      { parent: this, dependsOn: this.ready },
    );

    this.appPlacement = eksAppPlacement(this.kernelGroups.map((g) => g.name));
    this.systemPlacement = eksSystemPlacement();
    const repositories = this.repositories;
    this.imageTarget = { kind: "registry", repositoryUrl: (app) => repositories.repositoryUrl(app), credentials: repositories.credentials };

    this.registerOutputs({ kubeconfig: this.kubeconfig, provider: this.provider, clusterName: this.clusterName });
  }

  /** Placement on one kernel group (benchmarks that target one group at a time). */
  placementFor(group: string): PodPlacement {
    if (!this.kernelGroups.some((g) => g.name === group)) {
      throw new Error(`no kernel group ${JSON.stringify(group)}; groups: ${this.kernelGroups.map((g) => g.name).join(", ")}`);
    }
    return eksKernelGroupPlacement(group);
  }
}
