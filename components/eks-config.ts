/**
 * The `k8s-bench:eks` settings: the eks branch of the cluster union.
 *
 * Pure: parsed with the shared problem collector, every error with its key path, the bad value and
 * what is allowed. All EKS defaults live in {@link EKS_DEFAULTS}.
 *
 * @see https://kubernetes.io/releases/version-skew-policy/ (kubelet up to three minors older)
 * @see https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html (add-on versions)
 */
import { ConfigProblems, ObjectReader } from "./config-problems";

/** One Bottlerocket managed node group whose Kubernetes variant selects the kernel under test. */
export interface KernelGroupConfig {
  /** Node group name; also the value of the group label and of the dedicated taint. */
  name: string;
  /** Node Kubernetes minor (Bottlerocket variant aws-k8s-<version>, which fixes the kernel line). */
  version: string;
  /** Pinned Bottlerocket AMI release, e.g. "1.50.0-a1b2c3d4"; undefined means the newest. */
  releaseVersion?: string;
  instanceType: string;
  /** Desired = min = max number of nodes. */
  size: number;
}

/** The untainted group for monitoring, load generators and add-ons. */
export interface SystemGroupConfig {
  instanceType: string;
  size: number;
}

/** A VPC the stack creates (public subnets, no NAT gateway) or an existing one. */
export type EksVpcConfig =
  | { kind: "new"; cidr: string; azCount: number; availabilityZones?: string[] }
  | { kind: "existing"; vpcId: string; subnetIds: string[] };

export type KubeProxyMode = "nftables" | "iptables";

export interface EksAddonsConfig {
  /** EKS kube-proxy add-on version (pinned: it is the measured component). */
  kubeProxyVersion: string;
  kubeProxyMode: KubeProxyMode;
  /** vpc-cni add-on version; undefined lets @pulumi/eks pick the newest for the cluster version. */
  vpcCniVersion?: string;
  /** coredns add-on version; undefined means EKS's default for the cluster version. */
  corednsVersion?: string;
  corednsReplicas: number;
  /** vpc-cni WARM_PREFIX_TARGET (prefix delegation is always on). */
  warmPrefixTarget: number;
}

export interface EksClusterConfig {
  kind: "eks";
  /** `aws:region` of the stack. */
  region: string;
  /** `aws:profile` of the stack, passed to the kubeconfig's `aws eks get-token`. */
  awsProfile?: string;
  /** Physical EKS cluster name; undefined means `k8s-bench-<stack>`. */
  clusterName?: string;
  /** Kubernetes version of the control plane. */
  kubernetesVersion: string;
  /** Who may reach the public API endpoint. */
  endpointPublicAccessCidrs: string[];
  vpc: EksVpcConfig;
  /** Put every node group in the first subnet's AZ (no cross-AZ hop between k6 and the apps). */
  nodesInOneAz: boolean;
  kernelGroups: KernelGroupConfig[];
  systemGroup: SystemGroupConfig;
  addons: EksAddonsConfig;
}

/** The `aws:*` stack settings the EKS branch needs (another namespace than `k8s-bench:`). */
export interface AwsStackConfig {
  /** `aws:region`; required for the eks cluster. */
  region?: string;
  /** `aws:profile`, optional. */
  profile?: string;
}

/** Name of the untainted node group; no kernel group may use it. */
export const SYSTEM_GROUP = "system";

/**
 * kube-proxy EKS add-on version per cluster minor: the newest in the EKS user guide's
 * "kube-proxy versions" table (checked November 2026). Verify with
 * `aws eks describe-addon-versions --addon-name kube-proxy --kubernetes-version <minor>`.
 */
export const KUBE_PROXY_ADDON_VERSIONS: Readonly<Record<string, string>> = {
  "1.31": "v1.31.14-eksbuild.20",
  "1.32": "v1.32.13-eksbuild.16",
  "1.33": "v1.33.10-eksbuild.13",
  "1.34": "v1.34.6-eksbuild.13",
  "1.35": "v1.35.3-eksbuild.13",
  "1.36": "v1.36.0-eksbuild.14",
};

/** Every EKS default, in one place. */
export const EKS_DEFAULTS = {
  /** Seed 004's control plane. */
  kubernetesVersion: "1.34",
  endpointPublicAccessCidrs: ["0.0.0.0/0"],
  vpc: { cidr: "10.0.0.0/16", azCount: 2 },
  nodesInOneAz: true,
  /** Seed 004: aws-k8s-1.32 → kernel 6.1, aws-k8s-1.34 → kernel 6.12, on m5.4xlarge. */
  kernelGroups: [
    { name: "kernel-6-1", version: "1.32" },
    { name: "kernel-6-12", version: "1.34" },
  ],
  kernelGroup: { instanceType: "m5.4xlarge", size: 1 },
  /** 2 × (4 vCPU, 16 GiB): kube-prometheus-stack, metrics-server, coredns and k6 off the measured nodes. */
  systemGroup: { instanceType: "m5.xlarge", size: 2 },
  addons: { kubeProxyMode: "nftables" as KubeProxyMode, corednsReplicas: 2, warmPrefixTarget: 1 },
  /** kubelet may be up to three minors older than the API server (since Kubernetes 1.28), never newer. */
  maxKubeletSkewMinors: 3,
  maxKernelGroups: 6,
  clusterNamePrefix: "k8s-bench",
} as const;

/**
 * The kernel line of a Bottlerocket aws-k8s-<version> variant (x86_64, non-FIPS), for documentation
 * and plausibility only: the real kernel is read from `node.status.nodeInfo.kernelVersion`.
 */
export function expectedBottlerocketKernel(version: string): string | undefined {
  const minor = minorOf(version);
  if (minor === undefined || minor < 28) return undefined;
  if (minor <= 32) return "6.1";
  if (minor <= 35) return "6.12";
  if (minor === 36) return "6.18";
  return undefined;
}

const VERSION = /^1\.\d{2}$/;
const VERSION_TEXT = "a Kubernetes minor version such as 1.34";
const GROUP_NAME = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;
const GROUP_NAME_TEXT = "a DNS label of at most 40 characters (lower-case letters, digits, '-') such as kernel-6-12";
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.(nano|micro|small|medium|large|xlarge|\d+xlarge|metal(-\d+xl)?)$/;
const INSTANCE_TYPE_TEXT = "an EC2 instance type such as m5.4xlarge (family.size)";
/** Graviton families: a1, or a digit followed by a suffix containing g (m7g, c7gn, r8gd, im4gn, t4g). */
const ARM_FAMILY = /^(a1|[a-z]+\d+[a-z]*g[a-z]*)$/;
const RELEASE_VERSION = /^\d+\.\d+\.\d+-[0-9a-f]{7,8}$/;
const ADDON_VERSION = /^v(\d+)\.(\d+)\.\d+-eksbuild\.\d+$/;
const ADDON_VERSION_TEXT = "an EKS add-on version such as v1.34.6-eksbuild.13";
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const AZ = /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const CLUSTER_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,99}$/;
const NEW_VPC_KEYS = ["cidr", "azCount", "availabilityZones"];
const EXISTING_VPC_KEYS = ["vpcId", "subnetIds"];

export function minorOf(version: string): number | undefined {
  const match = /^1\.(\d{2})$/.exec(version);
  return match ? Number(match[1]) : undefined;
}

/** An IPv4 CIDR parsed to its network address (as an unsigned int) and prefix length. */
export function parseIpv4Cidr(text: string): { address: number; prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}

function hostBitsSet(cidr: { address: number; prefix: number }): boolean {
  const size = 2 ** (32 - cidr.prefix);
  return cidr.address % size !== 0;
}

function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** The CIDR with its host bits cleared, e.g. 203.0.113.5/24 → 203.0.113.0/24. */
export function canonicalCidr(cidr: { address: number; prefix: number }): string {
  const size = 2 ** (32 - cidr.prefix);
  return `${formatIpv4(cidr.address - (cidr.address % size))}/${cidr.prefix}`;
}

/** Checks one CIDR; records a problem and returns false when it is not a canonical IPv4 CIDR. */
function checkCidr(keyPath: string, value: unknown, problems: ConfigProblems): value is string {
  const parsed = typeof value === "string" ? parseIpv4Cidr(value) : undefined;
  if (parsed === undefined) {
    problems.add(keyPath, value, "must be an IPv4 CIDR such as 203.0.113.0/24");
    return false;
  }
  if (hostBitsSet(parsed)) {
    problems.add(keyPath, value, `has host bits set; use ${canonicalCidr(parsed)}`);
    return false;
  }
  return true;
}

function checkInstanceType(keyPath: string, value: string, problems: ConfigProblems): void {
  const family = value.split(".")[0] ?? "";
  if (ARM_FAMILY.test(family)) {
    problems.add(keyPath, value, "is an Arm (Graviton) type but the nodes run BOTTLEROCKET_x86_64; pick an x86_64 type such as m5.4xlarge");
  }
}

/** A list of objects from a YAML list, a JSON array text, or undefined. */
function readObjectList(keyPath: string, raw: unknown, problems: ConfigProblems, describe: string): unknown[] | undefined {
  if (raw === undefined) return undefined;
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
  }
  if (!Array.isArray(value)) {
    problems.add(keyPath, raw, `must be a list of ${describe}`);
    return undefined;
  }
  return value;
}

function parseKernelGroup(index: number, raw: unknown, problems: ConfigProblems): KernelGroupConfig {
  const path = `eks.kernelGroups[${index}]`;
  const r = ObjectReader.of(path, raw, problems, ["name", "version", "releaseVersion", "instanceType", "size"]);
  if (!r.has("name")) problems.addRaw(`k8s-bench:${path}.name is required: ${GROUP_NAME_TEXT}`);
  if (!r.has("version")) problems.addRaw(`k8s-bench:${path}.version is required: ${VERSION_TEXT}`);
  const name = r.string("name", "", GROUP_NAME, GROUP_NAME_TEXT);
  if (name === SYSTEM_GROUP) problems.add(r.path("name"), name, `is reserved for the system node group; pick another name such as kernel-6-12`);
  const instanceType = r.string("instanceType", EKS_DEFAULTS.kernelGroup.instanceType, INSTANCE_TYPE, INSTANCE_TYPE_TEXT);
  if (r.has("instanceType")) checkInstanceType(r.path("instanceType"), instanceType, problems);
  return {
    name,
    version: r.string("version", "", VERSION, VERSION_TEXT),
    releaseVersion: r.optionalString("releaseVersion", RELEASE_VERSION, "a Bottlerocket release version such as 1.50.0-a1b2c3d4 (see the README: pinning an AMI release)"),
    instanceType,
    size: r.int("size", EKS_DEFAULTS.kernelGroup.size, 1, 20),
  };
}

function parseKernelGroups(raw: unknown, kubernetesVersion: string, problems: ConfigProblems): KernelGroupConfig[] {
  const list = readObjectList("eks.kernelGroups", raw, problems, "node groups ({name, version, releaseVersion?, instanceType?, size?})");
  const items = list ?? EKS_DEFAULTS.kernelGroups.map((g) => ({ ...g }));
  if (list !== undefined && (list.length === 0 || list.length > EKS_DEFAULTS.maxKernelGroups)) {
    problems.add("eks.kernelGroups", raw, `must list 1 to ${EKS_DEFAULTS.maxKernelGroups} node groups`);
  }
  const groups = items.map((item, i) => parseKernelGroup(i, item, problems));

  const clusterMinor = minorOf(kubernetesVersion);
  groups.forEach((group, i) => {
    const path = `eks.kernelGroups[${i}]`;
    const earlierName = groups.findIndex((g) => g.name !== "" && g.name === group.name);
    if (earlierName < i && earlierName >= 0) {
      problems.add(`${path}.name`, group.name, `must be unique: eks.kernelGroups[${earlierName}] already uses it`);
    }
    const minor = minorOf(group.version);
    if (minor === undefined) return;
    const earlierVersion = groups.findIndex((g) => g.version === group.version);
    if (earlierVersion < i) {
      problems.add(
        `${path}.version`,
        group.version,
        `must differ from eks.kernelGroups[${earlierVersion}].version (${JSON.stringify(group.version)}): two groups on one Kubernetes version run the same kernel`,
      );
    }
    if (clusterMinor !== undefined && (minor > clusterMinor || minor < clusterMinor - EKS_DEFAULTS.maxKubeletSkewMinors)) {
      const allowed = Array.from({ length: EKS_DEFAULTS.maxKubeletSkewMinors + 1 }, (_, k) => `1.${clusterMinor - EKS_DEFAULTS.maxKubeletSkewMinors + k}`);
      problems.add(
        `${path}.version`,
        group.version,
        `must be within the kubelet version skew of eks.kubernetesVersion (${JSON.stringify(kubernetesVersion)}): at most ${EKS_DEFAULTS.maxKubeletSkewMinors} minors older, never newer; allowed: ${allowed.join(", ")}`,
      );
    }
  });
  return groups;
}

function parseVpc(raw: unknown, region: string | undefined, problems: ConfigProblems): EksVpcConfig {
  const r = ObjectReader.of("eks.vpc", raw, problems, [...NEW_VPC_KEYS, ...EXISTING_VPC_KEYS]);
  if (r.has("vpcId") || r.has("subnetIds")) {
    for (const key of NEW_VPC_KEYS) {
      if (r.has(key)) problems.add(r.path(key), r.raw(key), "only applies to a new VPC; remove it or remove eks.vpc.vpcId and eks.vpc.subnetIds");
    }
    if (!r.has("vpcId")) problems.addRaw("k8s-bench:eks.vpc.vpcId is required with eks.vpc.subnetIds: the id of the existing VPC, such as vpc-0123456789abcdef0");
    const vpcId = r.string("vpcId", "", VPC_ID, "a VPC id such as vpc-0123456789abcdef0");
    const subnetIds = r.stringList("subnetIds") ?? [];
    subnetIds.forEach((id, i) => {
      if (!SUBNET_ID.test(id)) problems.add(`eks.vpc.subnetIds[${i}]`, id, "must be a subnet id such as subnet-0123456789abcdef0");
    });
    if (subnetIds.length < 2) {
      problems.add("eks.vpc.subnetIds", r.raw("subnetIds") ?? subnetIds, "must list at least 2 subnets in different Availability Zones (EKS requires two for the control plane)");
    }
    return { kind: "existing", vpcId, subnetIds };
  }

  const cidr = r.has("cidr") ? r.raw("cidr") : EKS_DEFAULTS.vpc.cidr;
  if (r.has("cidr") && checkCidr("eks.vpc.cidr", cidr, problems)) {
    const prefix = parseIpv4Cidr(cidr)?.prefix ?? 0;
    if (prefix < 16 || prefix > 20) problems.add("eks.vpc.cidr", cidr, "must have a prefix length from /16 to /20 (each AZ gets a /20 to /24 subnet)");
  }
  const availabilityZones = r.stringList("availabilityZones");
  if (availabilityZones !== undefined) {
    if (r.has("azCount")) problems.add("eks.vpc.azCount", r.raw("azCount"), "conflicts with eks.vpc.availabilityZones; set only one");
    if (availabilityZones.length < 2) problems.add("eks.vpc.availabilityZones", r.raw("availabilityZones"), "must list at least 2 Availability Zones (EKS requires two)");
    availabilityZones.forEach((az, i) => {
      if (!AZ.test(az)) problems.add(`eks.vpc.availabilityZones[${i}]`, az, "must be an Availability Zone name such as us-west-2a");
      else if (region !== undefined && !az.startsWith(region)) problems.add(`eks.vpc.availabilityZones[${i}]`, az, `must be in aws:region ${region}`);
    });
  }
  const azCount = availabilityZones?.length ?? r.int("azCount", EKS_DEFAULTS.vpc.azCount, 2, 6);
  return { kind: "new", cidr: typeof cidr === "string" ? cidr : EKS_DEFAULTS.vpc.cidr, azCount, availabilityZones };
}

function parseAddons(raw: unknown, kubernetesVersion: string, problems: ConfigProblems): EksAddonsConfig {
  const r = ObjectReader.of("eks.addons", raw, problems, ["kubeProxyVersion", "kubeProxyMode", "vpcCniVersion", "corednsVersion", "corednsReplicas", "warmPrefixTarget"]);
  const pinned = KUBE_PROXY_ADDON_VERSIONS[kubernetesVersion];
  if (!r.has("kubeProxyVersion") && pinned === undefined && VERSION.test(kubernetesVersion)) {
    problems.addRaw(
      `k8s-bench:eks.addons.kubeProxyVersion is required for eks.kubernetesVersion ${JSON.stringify(kubernetesVersion)} (no pinned default; pinned: ${Object.keys(KUBE_PROXY_ADDON_VERSIONS).join(", ")}); list versions with: aws eks describe-addon-versions --addon-name kube-proxy --kubernetes-version ${kubernetesVersion}`,
    );
  }
  const kubeProxyVersion = r.string("kubeProxyVersion", pinned ?? "", ADDON_VERSION, ADDON_VERSION_TEXT);
  const clusterMinor = minorOf(kubernetesVersion);
  const proxyMatch = ADDON_VERSION.exec(kubeProxyVersion);
  if (r.has("kubeProxyVersion") && proxyMatch && clusterMinor !== undefined) {
    const proxyMinor = Number(proxyMatch[2]);
    if (proxyMatch[1] !== "1" || proxyMinor > clusterMinor || proxyMinor < clusterMinor - EKS_DEFAULTS.maxKubeletSkewMinors) {
      problems.add(
        "eks.addons.kubeProxyVersion",
        kubeProxyVersion,
        `must be for Kubernetes 1.${clusterMinor - EKS_DEFAULTS.maxKubeletSkewMinors} to ${kubernetesVersion} (kube-proxy is never newer than the API server, at most ${EKS_DEFAULTS.maxKubeletSkewMinors} minors older)`,
      );
    }
  }
  return {
    kubeProxyVersion,
    kubeProxyMode: r.oneOf("kubeProxyMode", EKS_DEFAULTS.addons.kubeProxyMode, ["nftables", "iptables"]),
    vpcCniVersion: r.optionalString("vpcCniVersion", ADDON_VERSION, ADDON_VERSION_TEXT),
    corednsVersion: r.optionalString("corednsVersion", ADDON_VERSION, ADDON_VERSION_TEXT),
    corednsReplicas: r.int("corednsReplicas", EKS_DEFAULTS.addons.corednsReplicas, 1, 10),
    warmPrefixTarget: r.int("warmPrefixTarget", EKS_DEFAULTS.addons.warmPrefixTarget, 0, 16),
  };
}

/** Reads `aws:region` and `aws:profile` from Pulumi's flat config map (`pulumi.runtime.allConfig()`). */
export function awsStackConfig(all: Record<string, string | undefined>): AwsStackConfig {
  return { region: all["aws:region"], profile: all["aws:profile"] };
}

/**
 * Parses `k8s-bench:eks` (raw object, JSON text or absent) into the eks branch of the cluster union.
 * @param aws the stack's `aws:*` values (see {@link awsStackConfig}); `aws:region` is required.
 */
export function parseEksClusterConfig(raw: unknown, problems: ConfigProblems, aws: AwsStackConfig = {}): EksClusterConfig {
  const r = ObjectReader.of("eks", raw, problems, [
    "clusterName",
    "kubernetesVersion",
    "endpointPublicAccessCidrs",
    "vpc",
    "nodesInOneAz",
    "kernelGroups",
    "systemGroup",
    "addons",
  ]);

  let region = aws.region;
  if (region === undefined || region === "") {
    problems.addRaw("aws:region is required for the eks cluster: set it with `pulumi config set aws:region us-west-2` (Pulumi.eks.yaml does)");
    region = undefined;
  } else if (!REGION.test(region)) {
    problems.addRaw(`aws:region (${JSON.stringify(region)}) must be an AWS region such as us-west-2`);
    region = undefined;
  }

  const kubernetesVersion = r.string("kubernetesVersion", EKS_DEFAULTS.kubernetesVersion, VERSION, VERSION_TEXT);

  let endpointPublicAccessCidrs: string[] = [...EKS_DEFAULTS.endpointPublicAccessCidrs];
  if (r.has("endpointPublicAccessCidrs")) {
    const cidrs = r.stringList("endpointPublicAccessCidrs");
    if (cidrs !== undefined) {
      if (cidrs.length === 0) problems.add("eks.endpointPublicAccessCidrs", r.raw("endpointPublicAccessCidrs"), "must list at least one CIDR such as 203.0.113.0/24");
      cidrs.forEach((cidr, i) => checkCidr(`eks.endpointPublicAccessCidrs[${i}]`, cidr, problems));
      endpointPublicAccessCidrs = cidrs;
    }
  }

  const systemReader = ObjectReader.of("eks.systemGroup", r.raw("systemGroup"), problems, ["instanceType", "size"]);
  const systemGroup = {
    instanceType: systemReader.string("instanceType", EKS_DEFAULTS.systemGroup.instanceType, INSTANCE_TYPE, INSTANCE_TYPE_TEXT),
    size: systemReader.int("size", EKS_DEFAULTS.systemGroup.size, 1, 20),
  };
  if (systemReader.has("instanceType")) checkInstanceType("eks.systemGroup.instanceType", systemGroup.instanceType, problems);

  const clusterName = r.optionalString("clusterName", CLUSTER_NAME, "an EKS cluster name: a letter, then up to 99 letters, digits, '-' or '_'");

  return {
    kind: "eks",
    region: region ?? "",
    awsProfile: aws.profile === "" ? undefined : aws.profile,
    clusterName,
    kubernetesVersion,
    endpointPublicAccessCidrs,
    vpc: parseVpc(r.raw("vpc"), region, problems),
    nodesInOneAz: r.bool("nodesInOneAz", EKS_DEFAULTS.nodesInOneAz),
    kernelGroups: parseKernelGroups(r.raw("kernelGroups"), kubernetesVersion, problems),
    systemGroup,
    addons: parseAddons(r.raw("addons"), kubernetesVersion, problems),
  };
}
