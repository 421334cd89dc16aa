/**
 * Tier 1: the `k8s-bench:eks` parser. Defaults, every EKS-specific error with its exact text,
 * all errors at once, and the project's Pulumi.eks.yaml parsing cleanly.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { ConfigProblems } from "../components/config-problems";
import {
  AwsStackConfig,
  awsStackConfig,
  canonicalCidr,
  EKS_DEFAULTS,
  EksClusterConfig,
  expectedBottlerocketKernel,
  KUBE_PROXY_ADDON_VERSIONS,
  parseEksClusterConfig,
  parseIpv4Cidr,
} from "../components/eks-config";

const AWS: AwsStackConfig = { region: "us-west-2" };

function parse(raw: unknown, aws: AwsStackConfig = AWS): { config: EksClusterConfig; problems: string[] } {
  const problems = new ConfigProblems();
  const config = parseEksClusterConfig(raw, problems, aws);
  return { config, problems: problems.problems };
}

function problemsOf(raw: unknown, aws: AwsStackConfig = AWS): string[] {
  return parse(raw, aws).problems;
}

void describe("parseEksClusterConfig defaults", () => {
  void it("resolves every default when only aws:region is set", () => {
    const expected: EksClusterConfig = {
      kind: "eks",
      region: "us-west-2",
      awsProfile: undefined,
      clusterName: undefined,
      kubernetesVersion: "1.34",
      endpointPublicAccessCidrs: ["0.0.0.0/0"],
      vpc: { kind: "new", cidr: "10.0.0.0/16", azCount: 2, availabilityZones: undefined },
      nodesInOneAz: true,
      kernelGroups: [
        { name: "kernel-6-1", version: "1.32", releaseVersion: undefined, instanceType: "m5.4xlarge", size: 1 },
        { name: "kernel-6-12", version: "1.34", releaseVersion: undefined, instanceType: "m5.4xlarge", size: 1 },
      ],
      systemGroup: { instanceType: "m5.xlarge", size: 2 },
      addons: {
        kubeProxyVersion: "v1.34.6-eksbuild.13",
        kubeProxyMode: "nftables",
        vpcCniVersion: undefined,
        corednsVersion: undefined,
        corednsReplicas: 2,
        warmPrefixTarget: 1,
      },
    };
    assert.deepEqual(parse(undefined), { config: expected, problems: [] });
  });

  void it("the default kernel groups carry two kernels (6.1 and 6.12) on two node versions", () => {
    const { config } = parse(undefined);
    assert.deepEqual(
      config.kernelGroups.map((g) => [g.name, g.version, expectedBottlerocketKernel(g.version)]),
      [
        ["kernel-6-1", "1.32", "6.1"],
        ["kernel-6-12", "1.34", "6.12"],
      ],
    );
  });

  void it("maps Bottlerocket variants to kernel lines", () => {
    assert.deepEqual(
      ["1.27", "1.28", "1.32", "1.33", "1.35", "1.36", "1.37"].map(expectedBottlerocketKernel),
      [undefined, "6.1", "6.1", "6.12", "6.12", "6.18", undefined],
    );
  });

  void it("pins a kube-proxy add-on version for the default cluster version", () => {
    assert.equal(KUBE_PROXY_ADDON_VERSIONS[EKS_DEFAULTS.kubernetesVersion], "v1.34.6-eksbuild.13");
  });

  void it("accepts structured values as JSON text, the way Pulumi passes them", () => {
    const { config, problems } = parse(
      JSON.stringify({
        kubernetesVersion: "1.36",
        endpointPublicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"],
        kernelGroups: [
          { name: "k612", version: "1.35", releaseVersion: "1.50.0-a1b2c3d4", instanceType: "c6i.8xlarge", size: "2" },
          { name: "k618", version: "1.36" },
        ],
        systemGroup: { instanceType: "m5.2xlarge", size: 1 },
        addons: { kubeProxyMode: "iptables", corednsReplicas: "3", vpcCniVersion: "v1.20.4-eksbuild.1" },
        nodesInOneAz: "false",
        clusterName: "bench-eu",
      }),
    );
    assert.deepEqual(problems, []);
    assert.equal(config.kubernetesVersion, "1.36");
    assert.deepEqual(config.kernelGroups, [
      { name: "k612", version: "1.35", releaseVersion: "1.50.0-a1b2c3d4", instanceType: "c6i.8xlarge", size: 2 },
      { name: "k618", version: "1.36", releaseVersion: undefined, instanceType: "m5.4xlarge", size: 1 },
    ]);
    assert.deepEqual(config.systemGroup, { instanceType: "m5.2xlarge", size: 1 });
    assert.equal(config.addons.kubeProxyVersion, "v1.36.0-eksbuild.14");
    assert.equal(config.addons.kubeProxyMode, "iptables");
    assert.equal(config.addons.corednsReplicas, 3);
    assert.equal(config.nodesInOneAz, false);
    assert.equal(config.clusterName, "bench-eu");
  });

  void it("accepts an existing VPC with two subnets", () => {
    const { config, problems } = parse({ vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-00000000000000001"] } });
    assert.deepEqual(problems, []);
    assert.deepEqual(config.vpc, { kind: "existing", vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-00000000000000001"] });
  });

  void it("accepts explicit Availability Zones in the region", () => {
    const { config, problems } = parse({ vpc: { cidr: "10.20.0.0/16", availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"] } });
    assert.deepEqual(problems, []);
    assert.deepEqual(config.vpc, { kind: "new", cidr: "10.20.0.0/16", azCount: 3, availabilityZones: ["us-west-2a", "us-west-2b", "us-west-2c"] });
  });

  void it("passes aws:profile through and reads both aws values from Pulumi's flat config", () => {
    const aws = awsStackConfig({ "aws:region": "eu-west-1", "aws:profile": "bench", "k8s-bench:cluster": "eks" });
    assert.deepEqual(aws, { region: "eu-west-1", profile: "bench" });
    const { config } = parse(undefined, aws);
    assert.equal(config.region, "eu-west-1");
    assert.equal(config.awsProfile, "bench");
  });
});

void describe("parseEksClusterConfig errors", () => {
  const cases: [string, unknown, AwsStackConfig, string[]][] = [
    [
      "throws when two kernel groups share a Kubernetes version",
      { kernelGroups: [{ name: "a", version: "1.32" }, { name: "b", version: "1.32" }] },
      AWS,
      ['k8s-bench:eks.kernelGroups[1].version ("1.32") must differ from eks.kernelGroups[0].version ("1.32"): two groups on one Kubernetes version run the same kernel'],
    ],
    [
      "throws when a node version is more than three minors older than the control plane",
      { kernelGroups: [{ name: "old", version: "1.30" }, { name: "new", version: "1.34" }] },
      AWS,
      ['k8s-bench:eks.kernelGroups[0].version ("1.30") must be within the kubelet version skew of eks.kubernetesVersion ("1.34"): at most 3 minors older, never newer; allowed: 1.31, 1.32, 1.33, 1.34'],
    ],
    [
      "throws when a node version is newer than the control plane",
      { kernelGroups: [{ name: "a", version: "1.34" }, { name: "b", version: "1.35" }] },
      AWS,
      ['k8s-bench:eks.kernelGroups[1].version ("1.35") must be within the kubelet version skew of eks.kubernetesVersion ("1.34"): at most 3 minors older, never newer; allowed: 1.31, 1.32, 1.33, 1.34'],
    ],
    [
      "throws on a malformed instance type",
      { kernelGroups: [{ name: "a", version: "1.32", instanceType: "m5-4xlarge" }, { name: "b", version: "1.34" }] },
      AWS,
      ['k8s-bench:eks.kernelGroups[0].instanceType ("m5-4xlarge") must be an EC2 instance type such as m5.4xlarge (family.size)'],
    ],
    [
      "rejects an Arm instance type for x86_64 Bottlerocket",
      { systemGroup: { instanceType: "m7g.xlarge" } },
      AWS,
      ['k8s-bench:eks.systemGroup.instanceType ("m7g.xlarge") is an Arm (Graviton) type but the nodes run BOTTLEROCKET_x86_64; pick an x86_64 type such as m5.4xlarge'],
    ],
    [
      "throws when aws:region is missing",
      undefined,
      {},
      ["aws:region is required for the eks cluster: set it with `pulumi config set aws:region us-west-2` (Pulumi.eks.yaml does)"],
    ],
    ["throws when aws:region is malformed", undefined, { region: "us-west" }, ['aws:region ("us-west") must be an AWS region such as us-west-2']],
    [
      "throws on duplicate group names",
      { kernelGroups: [{ name: "k", version: "1.32" }, { name: "k", version: "1.34" }] },
      AWS,
      ['k8s-bench:eks.kernelGroups[1].name ("k") must be unique: eks.kernelGroups[0] already uses it'],
    ],
    [
      "throws on a kernel group named system",
      { kernelGroups: [{ name: "system", version: "1.32" }, { name: "b", version: "1.34" }] },
      AWS,
      ['k8s-bench:eks.kernelGroups[0].name ("system") is reserved for the system node group; pick another name such as kernel-6-12'],
    ],
    [
      "throws on a malformed endpoint CIDR",
      { endpointPublicAccessCidrs: ["203.0.113.0/24", "10.0.0.300/8"] },
      AWS,
      ['k8s-bench:eks.endpointPublicAccessCidrs[1] ("10.0.0.300/8") must be an IPv4 CIDR such as 203.0.113.0/24'],
    ],
    [
      "throws on an endpoint CIDR with host bits set",
      { endpointPublicAccessCidrs: ["203.0.113.5/24"] },
      AWS,
      ['k8s-bench:eks.endpointPublicAccessCidrs[0] ("203.0.113.5/24") has host bits set; use 203.0.113.0/24'],
    ],
    [
      "throws on an empty endpoint CIDR list",
      { endpointPublicAccessCidrs: [] },
      AWS,
      ["k8s-bench:eks.endpointPublicAccessCidrs ([]) must list at least one CIDR such as 203.0.113.0/24"],
    ],
    [
      "throws on a VPC CIDR outside /16../20",
      { vpc: { cidr: "10.0.0.0/24" } },
      AWS,
      ['k8s-bench:eks.vpc.cidr ("10.0.0.0/24") must have a prefix length from /16 to /20 (each AZ gets a /20 to /24 subnet)'],
    ],
    [
      "throws when an existing VPC has fewer than 2 subnets",
      { vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"] } },
      AWS,
      ['k8s-bench:eks.vpc.subnetIds (["subnet-0123456789abcdef0"]) must list at least 2 subnets in different Availability Zones (EKS requires two for the control plane)'],
    ],
    [
      "throws on subnets without a VPC id, and on malformed subnet ids",
      { vpc: { subnetIds: "subnet-0123456789abcdef0,sn-2" } },
      AWS,
      [
        "k8s-bench:eks.vpc.vpcId is required with eks.vpc.subnetIds: the id of the existing VPC, such as vpc-0123456789abcdef0",
        'k8s-bench:eks.vpc.subnetIds[1] ("sn-2") must be a subnet id such as subnet-0123456789abcdef0',
      ],
    ],
    [
      "throws when new-VPC keys are mixed with an existing VPC",
      { vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-00000000000000001"], azCount: 3 } },
      AWS,
      ["k8s-bench:eks.vpc.azCount (3) only applies to a new VPC; remove it or remove eks.vpc.vpcId and eks.vpc.subnetIds"],
    ],
    ["throws on a one-AZ VPC", { vpc: { azCount: 1 } }, AWS, ["k8s-bench:eks.vpc.azCount (1) must be a whole number from 2 to 6"]],
    [
      "throws on an Availability Zone of another region",
      { vpc: { availabilityZones: ["us-west-2a", "us-east-1b"] } },
      AWS,
      ['k8s-bench:eks.vpc.availabilityZones[1] ("us-east-1b") must be in aws:region us-west-2'],
    ],
    [
      "throws on a kernel group without name or version",
      { kernelGroups: [{ instanceType: "m5.4xlarge" }] },
      AWS,
      [
        "k8s-bench:eks.kernelGroups[0].name is required: a DNS label of at most 40 characters (lower-case letters, digits, '-') such as kernel-6-12",
        "k8s-bench:eks.kernelGroups[0].version is required: a Kubernetes minor version such as 1.34",
      ],
    ],
    ["throws on an empty kernel group list", { kernelGroups: [] }, AWS, ["k8s-bench:eks.kernelGroups ([]) must list 1 to 6 node groups"]],
    [
      "throws on an unknown kernel group key (a typo would silently do nothing)",
      { kernelGroups: [{ name: "a", version: "1.32", instancetype: "m5.large" }] },
      AWS,
      ['k8s-bench:eks.kernelGroups[0].instancetype ("m5.large") is not a known key; allowed: name, version, releaseVersion, instanceType, size'],
    ],
    [
      "throws on a malformed release version",
      { kernelGroups: [{ name: "a", version: "1.32", releaseVersion: "latest" }] },
      AWS,
      ['k8s-bench:eks.kernelGroups[0].releaseVersion ("latest") must be a Bottlerocket release version such as 1.50.0-a1b2c3d4 (see the README: pinning an AMI release)'],
    ],
    [
      "throws when no kube-proxy version is pinned for the cluster version",
      { kubernetesVersion: "1.37", kernelGroups: [{ name: "a", version: "1.36" }] },
      AWS,
      [
        'k8s-bench:eks.addons.kubeProxyVersion is required for eks.kubernetesVersion "1.37" (no pinned default; pinned: 1.31, 1.32, 1.33, 1.34, 1.35, 1.36); list versions with: aws eks describe-addon-versions --addon-name kube-proxy --kubernetes-version 1.37',
      ],
    ],
    [
      "throws on a kube-proxy add-on newer than the control plane",
      { addons: { kubeProxyVersion: "v1.35.3-eksbuild.13" } },
      AWS,
      ['k8s-bench:eks.addons.kubeProxyVersion ("v1.35.3-eksbuild.13") must be for Kubernetes 1.31 to 1.34 (kube-proxy is never newer than the API server, at most 3 minors older)'],
    ],
    ["throws on an ipvs kube-proxy mode", { addons: { kubeProxyMode: "ipvs" } }, AWS, ['k8s-bench:eks.addons.kubeProxyMode ("ipvs") must be one of: nftables, iptables']],
    [
      "throws on a malformed Kubernetes version",
      { kubernetesVersion: "1.34.2" },
      AWS,
      ['k8s-bench:eks.kubernetesVersion ("1.34.2") must be a Kubernetes minor version such as 1.34'],
    ],
  ];

  for (const [name, raw, aws, expected] of cases) {
    void it(name, () => assert.deepEqual(problemsOf(raw, aws), expected));
  }

  void it("accepts the seed's older kube-proxy add-on within the skew window", () => {
    assert.deepEqual(problemsOf({ addons: { kubeProxyVersion: "v1.32.6-eksbuild.12" } }), []);
  });

  void it("reports every problem at once, in key order", () => {
    const problems = problemsOf(
      {
        endpointPublicAccessCidrs: ["0.0.0.0"],
        vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"] },
        kernelGroups: [
          { name: "system", version: "1.32", instanceType: "huge" },
          { name: "b", version: "1.32" },
          { name: "b", version: "1.29" },
        ],
      },
      {},
    );
    assert.deepEqual(problems, [
      "aws:region is required for the eks cluster: set it with `pulumi config set aws:region us-west-2` (Pulumi.eks.yaml does)",
      'k8s-bench:eks.endpointPublicAccessCidrs[0] ("0.0.0.0") must be an IPv4 CIDR such as 203.0.113.0/24',
      'k8s-bench:eks.vpc.subnetIds (["subnet-0123456789abcdef0"]) must list at least 2 subnets in different Availability Zones (EKS requires two for the control plane)',
      'k8s-bench:eks.kernelGroups[0].name ("system") is reserved for the system node group; pick another name such as kernel-6-12',
      'k8s-bench:eks.kernelGroups[0].instanceType ("huge") must be an EC2 instance type such as m5.4xlarge (family.size)',
      'k8s-bench:eks.kernelGroups[1].version ("1.32") must differ from eks.kernelGroups[0].version ("1.32"): two groups on one Kubernetes version run the same kernel',
      'k8s-bench:eks.kernelGroups[2].name ("b") must be unique: eks.kernelGroups[1] already uses it',
      'k8s-bench:eks.kernelGroups[2].version ("1.29") must be within the kubelet version skew of eks.kubernetesVersion ("1.34"): at most 3 minors older, never newer; allowed: 1.31, 1.32, 1.33, 1.34',
    ]);
  });
});

void describe("CIDR helpers", () => {
  void it("parses and canonicalises IPv4 CIDRs", () => {
    assert.deepEqual(parseIpv4Cidr("10.0.0.0/16"), { address: 10 * 2 ** 24, prefix: 16 });
    assert.equal(parseIpv4Cidr("256.0.0.0/8"), undefined);
    assert.equal(parseIpv4Cidr("10.0.0.0/33"), undefined);
    assert.equal(canonicalCidr({ address: parseIpv4Cidr("203.0.113.77/24")?.address ?? 0, prefix: 24 }), "203.0.113.0/24");
  });
});

void describe("Pulumi.eks.yaml", () => {
  const file = path.join(__dirname, "..", "Pulumi.eks.yaml");
  const doc = parseYaml(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };

  void it("selects the eks cluster and an AWS region", () => {
    assert.equal(doc.config["k8s-bench:cluster"], "eks");
    assert.equal(typeof doc.config["aws:region"], "string");
  });

  void it("holds only keys that differ from defaults and parses without problems", () => {
    const all = Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    const { problems } = parse(all["k8s-bench:eks"], awsStackConfig(all));
    assert.deepEqual(problems, []);
    for (const key of Object.keys(doc.config)) {
      assert.ok(["k8s-bench:cluster", "k8s-bench:profile", "k8s-bench:eks", "aws:region", "aws:profile"].includes(key), `unexpected key ${key}`);
    }
  });
});
