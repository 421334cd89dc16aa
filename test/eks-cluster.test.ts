/**
 * Tier 2: EksCluster under Pulumi mocks. Every registered resource is recorded with its type, name
 * and inputs; the assertions check what AWS would be asked to build. @pulumi/eks Cluster and
 * ManagedNodeGroup are remote components, so the mocks see their inputs, not their children: the
 * node group inputs are exactly what reaches pulumi-eks, which is where the launch-template trap
 * lives.
 *
 * Two clusters in one process: the defaults ("bench"), and a variant ("alt") with an existing VPC,
 * three kernel groups (1.34 / 1.35 / 1.36 → kernels 6.12 / 6.12 / 6.18), a restricted endpoint and
 * an AWS profile.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { DEDICATED_TAINT_KEY, GROUP_LABEL } from "../components/cluster";
import { ConfigProblems } from "../components/config-problems";
import { EksCluster } from "../components/eks-cluster";
import { EksClusterConfig, parseEksClusterConfig } from "../components/eks-config";
import { LAUNCH_TEMPLATE_OPTIONS, launchTemplateOptionsIn } from "../components/eks-node-groups";

interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const recorded: Recorded[] = [];
const invokes: string[] = [];
const ACCOUNT = "123456789012";
const KUBECONFIG_JSON = (name: string) => JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [{ name, cluster: { server: `https://${name}.eks.example` } }] });

// The body of setMocks is synchronous; its promise carries nothing to wait for.
void pulumi.runtime.setMocks(
  {
    newResource(args) {
      const inputs = (args.inputs ?? {}) as Record<string, unknown>;
      recorded.push({ type: args.type, name: args.name, inputs });
      const id = `${args.name}-id`;
      switch (args.type) {
        case "eks:index:Cluster": {
          const clusterName = String(inputs["name"]);
          return { id, state: { ...inputs, kubeconfig: JSON.parse(KUBECONFIG_JSON(clusterName)), kubeconfigJson: KUBECONFIG_JSON(clusterName) } };
        }
        case "aws:ecr/repository:Repository":
          return { id, state: { ...inputs, registryId: ACCOUNT, repositoryUrl: `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/${String(inputs["name"])}` } };
        case "aws:iam/role:Role":
          return { id, state: { ...inputs, name: args.name, arn: `arn:aws:iam::${ACCOUNT}:role/${args.name}` } };
        default:
          return { id, state: inputs };
      }
    },
    call(args) {
      invokes.push(args.token);
      switch (args.token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
          return { names: ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"], zoneIds: ["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"], id: "us-west-2", groupNames: [], region: "us-west-2" };
        case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
          return {
            id: "us-west-2",
            proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com`,
            userName: "AWS",
            password: "ecr-token",
            authorizationToken: "QVdTOmVjci10b2tlbg==",
            expiresAt: "2026-11-24T00:00:00Z",
            region: "us-west-2",
          };
        default:
          throw new Error(`unexpected invoke ${args.token}`);
      }
    },
  },
  "k8s-bench",
  "eks",
  false,
);

function config(raw: unknown, aws: { region?: string; profile?: string } = { region: "us-west-2" }): EksClusterConfig {
  const problems = new ConfigProblems();
  const parsed = parseEksClusterConfig(raw, problems, aws);
  assert.deepEqual(problems.problems, []);
  return parsed;
}

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

async function settle(cluster: EksCluster): Promise<void> {
  await valueOf(pulumi.all([cluster.kubeconfig, cluster.provider.urn, ...cluster.ready.map((r) => r.urn)]));
  await valueOf(cluster.repositories.credentials);
  // Let the last registrations reach the mock monitor.
  await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Resources of one cluster and type, sorted by name (registration order is not deterministic). */
const of = (prefix: string, type: string) =>
  recorded.filter((r) => r.type === type && r.name.startsWith(`${prefix}-`)).sort((a, b) => a.name.localeCompare(b.name));
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
/** A secret input as the mock monitor receives it: `{ [sig]: secret-sig, value }`. */
function unsecret(value: unknown): { secret: boolean; value: unknown } {
  if (typeof value === "object" && value !== null && SECRET_SIG in value) return { secret: true, value: (value as unknown as { value: unknown }).value };
  return { secret: false, value };
}
const one = (prefix: string, type: string, name: string) => {
  const found = recorded.filter((r) => r.type === type && r.name === `${prefix}-${name}`);
  assert.equal(found.length, 1, `expected one ${type} named ${prefix}-${name}`);
  return found[0] as Recorded;
};

const bench = new EksCluster("bench", { config: config(undefined), apps: ["rust", "go"] });
const alt = new EksCluster("alt", {
  config: config(
    {
      clusterName: "bench-alt",
      kubernetesVersion: "1.36",
      endpointPublicAccessCidrs: ["203.0.113.0/24"],
      vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"] },
      nodesInOneAz: false,
      kernelGroups: [
        { name: "k-1-34", version: "1.34", releaseVersion: "1.50.0-a1b2c3d4" },
        { name: "k-1-35", version: "1.35" },
        { name: "k-1-36", version: "1.36", instanceType: "c6i.8xlarge" },
      ],
      addons: { kubeProxyMode: "iptables", corednsVersion: "v1.13.2-eksbuild.4" },
    },
    { region: "us-west-2", profile: "bench" },
  ),
  apps: ["rust"],
});

before(async () => {
  await settle(bench);
  await settle(alt);
});

void describe("EksCluster (defaults) under mocks", () => {
  void it("builds one EKS control plane with API auth, no default node group and a pinned version", () => {
    const c = one("bench", "eks:index:Cluster", "eks").inputs;
    assert.equal(c["name"], "k8s-bench-eks");
    assert.equal(c["version"], "1.34");
    assert.equal(c["authenticationMode"], "API");
    assert.equal(c["skipDefaultNodeGroup"], true);
    assert.equal(c["endpointPublicAccess"], true);
    assert.equal(c["endpointPrivateAccess"], true);
    assert.deepEqual(c["publicAccessCidrs"], ["0.0.0.0/0"]);
    assert.equal(c["useDefaultVpcCni"], false);
    assert.equal(c["providerCredentialOpts"], undefined);
  });

  void it("runs kube-proxy in nftables mode with a pinned add-on version", () => {
    const c = one("bench", "eks:index:Cluster", "eks").inputs;
    assert.deepEqual(c["kubeProxyAddonOptions"], {
      version: "v1.34.6-eksbuild.13",
      configurationValues: { mode: "nftables" },
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
    });
  });

  void it("turns on vpc-cni prefix delegation with one warm prefix", () => {
    const cni = one("bench", "eks:index:Cluster", "eks").inputs["vpcCniOptions"] as Record<string, unknown>;
    assert.equal(cni["enablePrefixDelegation"], true);
    assert.equal(cni["warmPrefixTarget"], 1);
  });

  void it("creates CoreDNS itself, after the system nodes, sized and pinned to them", () => {
    assert.equal((one("bench", "eks:index:Cluster", "eks").inputs["corednsAddonOptions"] as Record<string, unknown>)["enabled"], false);
    const addon = one("bench", "aws:eks/addon:Addon", "coredns").inputs;
    assert.equal(addon["addonName"], "coredns");
    assert.equal(addon["clusterName"], "k8s-bench-eks");
    assert.deepEqual(JSON.parse(String(addon["configurationValues"])), {
      replicaCount: 2,
      resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "1Gi" } },
      nodeSelector: { [GROUP_LABEL]: "system" },
    });
  });

  void it("creates exactly two Bottlerocket kernel groups on different node versions, labelled and tainted", () => {
    const kernel = of("bench", "eks:index:ManagedNodeGroup").filter((g) => g.name !== "bench-system");
    assert.deepEqual(
      kernel.map((g) => [g.name, g.inputs["version"], g.inputs["amiType"]]),
      [
        ["bench-kernel-6-1", "1.32", "BOTTLEROCKET_x86_64"],
        ["bench-kernel-6-12", "1.34", "BOTTLEROCKET_x86_64"],
      ],
    );
    assert.equal(new Set(kernel.map((g) => g.inputs["version"])).size, 2, "the kernel groups must differ in version");
    for (const g of kernel) {
      const group = g.name.slice("bench-".length);
      assert.deepEqual(g.inputs["labels"], { [GROUP_LABEL]: group });
      assert.deepEqual(g.inputs["taints"], [{ key: DEDICATED_TAINT_KEY, value: group, effect: "NO_SCHEDULE" }]);
      assert.deepEqual(g.inputs["instanceTypes"], ["m5.4xlarge"]);
      assert.deepEqual(g.inputs["scalingConfig"], { desiredSize: 1, minSize: 1, maxSize: 1 });
      assert.equal(g.inputs["capacityType"], "ON_DEMAND");
      assert.ok(g.inputs["nodeRole"] !== undefined, `${g.name} needs the node role`);
    }
  });

  void it("sets no launch-template option on any node group, so version, releaseVersion and amiType are honoured", () => {
    const groups = of("bench", "eks:index:ManagedNodeGroup");
    assert.equal(groups.length, 3);
    for (const g of groups) {
      assert.deepEqual(launchTemplateOptionsIn(g.inputs), [], `${g.name} sets launch-template options`);
      for (const key of LAUNCH_TEMPLATE_OPTIONS) assert.ok(!(key in g.inputs) || g.inputs[key] === undefined, `${g.name}.${key}`);
    }
  });

  void it("adds an untainted system group on the control plane's version", () => {
    const g = one("bench", "eks:index:ManagedNodeGroup", "system").inputs;
    assert.deepEqual(g["labels"], { [GROUP_LABEL]: "system" });
    assert.equal(g["taints"], undefined);
    assert.equal(g["version"], "1.34");
    assert.equal(g["amiType"], "BOTTLEROCKET_x86_64");
    assert.deepEqual(g["instanceTypes"], ["m5.xlarge"]);
    assert.deepEqual(g["scalingConfig"], { desiredSize: 2, minSize: 2, maxSize: 2 });
  });

  void it("gives the node role the worker, CNI, ECR read-only and SSM policies", () => {
    const policies = of("bench", "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => a.inputs["policyArn"]);
    assert.deepEqual(policies.sort(), [
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ]);
    const role = one("bench", "aws:iam/role:Role", "node-role").inputs;
    assert.match(String(role["assumeRolePolicy"]), /"Service":"ec2.amazonaws.com"/);
  });

  void it("creates a two-AZ VPC with public subnets and no NAT gateway, and puts the nodes in one AZ", async () => {
    const vpc = one("bench", "aws:ec2/vpc:Vpc", "network-vpc").inputs;
    assert.equal(vpc["cidrBlock"], "10.0.0.0/16");
    assert.equal(vpc["enableDnsHostnames"], true);
    const subnets = of("bench", "aws:ec2/subnet:Subnet");
    assert.deepEqual(
      subnets.map((s) => [s.inputs["cidrBlock"], s.inputs["availabilityZone"], s.inputs["mapPublicIpOnLaunch"]]),
      [
        ["10.0.0.0/20", "us-west-2a", true],
        ["10.0.16.0/20", "us-west-2b", true],
      ],
    );
    assert.equal(of("bench", "aws:ec2/natGateway:NatGateway").length, 0);
    assert.equal(of("bench", "aws:ec2/internetGateway:InternetGateway").length, 1);
    assert.deepEqual(one("bench", "eks:index:Cluster", "eks").inputs["publicSubnetIds"], ["bench-network-public-0-id", "bench-network-public-1-id"]);
    for (const g of of("bench", "eks:index:ManagedNodeGroup")) assert.deepEqual(g.inputs["subnetIds"], ["bench-network-public-0-id"]);
    assert.ok(invokes.includes("aws:index/getAvailabilityZones:getAvailabilityZones"));
  });

  void it("creates one immutable, scanned, force-deletable ECR repository per app", async () => {
    const repos = of("bench", "aws:ecr/repository:Repository");
    assert.deepEqual(
      repos.map((r) => [r.inputs["name"], r.inputs["imageTagMutability"], r.inputs["imageScanningConfiguration"], r.inputs["forceDelete"]]),
      [
        ["k8s-bench-eks/go", "IMMUTABLE", { scanOnPush: true }, true],
        ["k8s-bench-eks/rust", "IMMUTABLE", { scanOnPush: true }, true],
      ],
    );
    const target = bench.imageTarget;
    assert.equal(target.kind, "registry");
    if (target.kind !== "registry") return;
    assert.equal(await valueOf(target.repositoryUrl("rust")), `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/k8s-bench-eks/rust`);
    assert.deepEqual(await valueOf(target.credentials), { address: `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com`, username: "AWS", password: "ecr-token" });
    assert.throws(() => target.repositoryUrl("java"), /no ECR repository for app "java"; the EKS cluster created: rust, go/);
  });

  void it("creates the Kubernetes provider from the cluster's kubeconfig output, after the nodes", async () => {
    const provider = one("bench", "pulumi:providers:kubernetes", "provider").inputs;
    assert.deepEqual(unsecret(provider["kubeconfig"]), { secret: true, value: KUBECONFIG_JSON("k8s-bench-eks") });
    // The kubernetes provider SDK passes its booleans as strings.
    assert.equal(provider["deleteUnreachable"], "true");
    assert.equal(await valueOf(bench.kubeconfig), KUBECONFIG_JSON("k8s-bench-eks"));
    assert.equal(bench.ready.length, 5, "cluster, two kernel groups, system group, coredns");
  });

  void it("places apps on the kernel groups, generators on the system group", () => {
    assert.equal(bench.kind, "eks");
    assert.equal(bench.separatesGenerators, true);
    assert.deepEqual(bench.appPlacement, {
      nodeAffinity: { key: GROUP_LABEL, values: ["kernel-6-1", "kernel-6-12"] },
      tolerations: [{ key: DEDICATED_TAINT_KEY, operator: "Exists", effect: "NoSchedule" }],
    });
    assert.deepEqual(bench.systemPlacement, { nodeSelector: { [GROUP_LABEL]: "system" } });
    assert.deepEqual(bench.placementFor("kernel-6-12"), {
      nodeSelector: { [GROUP_LABEL]: "kernel-6-12" },
      tolerations: [{ key: DEDICATED_TAINT_KEY, operator: "Equal", value: "kernel-6-12", effect: "NoSchedule" }],
    });
    assert.throws(() => bench.placementFor("kernel-5-10"), /no kernel group "kernel-5-10"; groups: kernel-6-1, kernel-6-12/);
    assert.deepEqual(
      bench.kernelGroups.map((g) => [g.name, g.kubernetesVersion, g.expectedKernel]),
      [
        ["kernel-6-1", "1.32", "6.1"],
        ["kernel-6-12", "1.34", "6.12"],
      ],
    );
  });
});

void describe("EksCluster (existing VPC, three groups) under mocks", () => {
  void it("uses the existing subnets, creates no VPC, and spreads nodes over every subnet", () => {
    assert.equal(of("alt", "aws:ec2/vpc:Vpc").length, 0);
    assert.equal(of("alt", "aws:ec2/subnet:Subnet").length, 0);
    const c = one("alt", "eks:index:Cluster", "eks").inputs;
    assert.equal(c["vpcId"], "vpc-0123456789abcdef0");
    assert.deepEqual(c["subnetIds"], ["subnet-0000000000000000a", "subnet-0000000000000000b"]);
    assert.equal(c["publicSubnetIds"], undefined);
    for (const g of of("alt", "eks:index:ManagedNodeGroup")) assert.deepEqual(g.inputs["subnetIds"], ["subnet-0000000000000000a", "subnet-0000000000000000b"]);
  });

  void it("restricts the public endpoint and passes the AWS profile to the kubeconfig", () => {
    const c = one("alt", "eks:index:Cluster", "eks").inputs;
    assert.equal(c["name"], "bench-alt");
    assert.equal(c["version"], "1.36");
    assert.deepEqual(c["publicAccessCidrs"], ["203.0.113.0/24"]);
    assert.deepEqual(c["providerCredentialOpts"], { profileName: "bench" });
    assert.deepEqual(c["kubeProxyAddonOptions"], {
      version: "v1.36.0-eksbuild.14",
      configurationValues: { mode: "iptables" },
      resolveConflictsOnCreate: "OVERWRITE",
      resolveConflictsOnUpdate: "OVERWRITE",
    });
    assert.equal(one("alt", "aws:eks/addon:Addon", "coredns").inputs["addonVersion"], "v1.13.2-eksbuild.4");
  });

  void it("creates three kernel groups on three versions, the pinned release kept, no launch-template options", () => {
    const kernel = of("alt", "eks:index:ManagedNodeGroup").filter((g) => g.name !== "alt-system");
    assert.deepEqual(
      kernel.map((g) => [g.name, g.inputs["version"], g.inputs["releaseVersion"], g.inputs["instanceTypes"]]),
      [
        ["alt-k-1-34", "1.34", "1.50.0-a1b2c3d4", ["m5.4xlarge"]],
        ["alt-k-1-35", "1.35", undefined, ["m5.4xlarge"]],
        ["alt-k-1-36", "1.36", undefined, ["c6i.8xlarge"]],
      ],
    );
    for (const g of of("alt", "eks:index:ManagedNodeGroup")) assert.deepEqual(launchTemplateOptionsIn(g.inputs), []);
    assert.deepEqual(
      alt.kernelGroups.map((g) => g.expectedKernel),
      ["6.12", "6.12", "6.18"],
    );
    assert.deepEqual(alt.appPlacement.nodeAffinity, { key: GROUP_LABEL, values: ["k-1-34", "k-1-35", "k-1-36"] });
  });

  void it("rejects a hand-built config whose groups share a version", () => {
    const shared = config(undefined);
    const broken = { ...shared, kernelGroups: shared.kernelGroups.map((g) => ({ ...g, version: "1.34" })) };
    assert.throws(() => new EksCluster("broken", { config: broken, apps: [] }), /kernel groups share a Kubernetes version \(1\.34, 1\.34\), so they would share a kernel/);
  });
});
