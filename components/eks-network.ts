/**
 * The cluster's network: a dedicated VPC with one public subnet per Availability Zone and no NAT
 * gateway (nodes get public IPs and reach ECR and the internet through the internet gateway), or
 * an existing VPC and subnets from config.
 *
 * Why no NAT: a NAT gateway bills per hour and per GB processed (every image pull); a public IPv4
 * address per node costs less, and the nodes' security group admits nothing from the internet.
 * @see https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { canonicalCidr, EksVpcConfig, parseIpv4Cidr } from "./eks-config";

/** Bits added to the VPC prefix for each subnet: a /16 VPC gets /20 subnets (4,096 addresses). */
export const SUBNET_NEW_BITS = 4;

/** The first `count` subnets of `vpcCidr`, each SUBNET_NEW_BITS longer (pure). */
export function subnetCidrs(vpcCidr: string, count: number): string[] {
  const vpc = parseIpv4Cidr(vpcCidr);
  if (vpc === undefined) throw new Error(`not an IPv4 CIDR: ${vpcCidr}`);
  const prefix = vpc.prefix + SUBNET_NEW_BITS;
  if (prefix > 28 || count > 2 ** SUBNET_NEW_BITS) throw new Error(`${vpcCidr} cannot hold ${count} subnets of /${prefix}`);
  const size = 2 ** (32 - prefix);
  return Array.from({ length: count }, (_, i) => canonicalCidr({ address: vpc.address + i * size, prefix }));
}

/** Arguments of {@link EksNetwork}. */
export interface EksNetworkArgs {
  /** New VPC shape or existing ids. */
  vpc: EksVpcConfig;
  /** Put all node groups in the first subnet's Availability Zone. */
  nodesInOneAz: boolean;
  /** Tags for every created resource. @default - none */
  tags?: Record<string, string>;
}

export class EksNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  /** Every subnet of the cluster (two or more AZs, as the control plane requires). */
  readonly subnetIds: pulumi.Output<string>[];
  /** Subnets the node groups launch into. */
  readonly nodeSubnetIds: pulumi.Output<string>[];
  /** True when the stack created the VPC (public subnets, nodes with public IPs). */
  readonly created: boolean;

  constructor(name: string, args: EksNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("k8s-bench:eks:EksNetwork", name, {}, opts);
    const tags = args.tags ?? {};

    if (args.vpc.kind === "existing") {
      this.created = false;
      this.vpcId = pulumi.output(args.vpc.vpcId);
      this.subnetIds = args.vpc.subnetIds.map((id) => pulumi.output(id));
    } else {
      this.created = true;
      const count = args.vpc.azCount;
      const cidrs = subnetCidrs(args.vpc.cidr, count);
      const zoneNames: pulumi.Output<string[]> = args.vpc.availabilityZones
        ? pulumi.output(args.vpc.availabilityZones)
        : aws
            .getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, { parent: this })
            .apply((zones) => zones.names);

      // EKS needs DNS hostnames and resolution in the VPC for nodes to join.
      const vpc = new aws.ec2.Vpc(
        `${name}-vpc`,
        { cidrBlock: args.vpc.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { ...tags, Name: `${name}-vpc` } },
        { parent: this },
      );
      const gateway = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { ...tags, Name: `${name}-igw` } }, { parent: this });
      const routes = new aws.ec2.RouteTable(
        `${name}-public`,
        { vpcId: vpc.id, routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }], tags: { ...tags, Name: `${name}-public` } },
        { parent: this },
      );
      this.vpcId = vpc.id;
      this.subnetIds = cidrs.map((cidrBlock, i) => {
        const zone = zoneNames.apply((names) => {
          const az = names[i];
          if (az === undefined) throw new Error(`k8s-bench:eks.vpc.azCount (${count}) is more than the ${names.length} Availability Zones available in this region`);
          return az;
        });
        const subnet = new aws.ec2.Subnet(
          `${name}-public-${i}`,
          {
            vpcId: vpc.id,
            cidrBlock,
            availabilityZone: zone,
            // Managed node groups without a launch template take their public IP from here.
            mapPublicIpOnLaunch: true,
            tags: { ...tags, Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1" },
          },
          { parent: this },
        );
        new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: routes.id }, { parent: this });
        return subnet.id;
      });
    }

    const first = this.subnetIds[0];
    this.nodeSubnetIds = args.nodesInOneAz && first !== undefined ? [first] : this.subnetIds;
    this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds, nodeSubnetIds: this.nodeSubnetIds });
  }
}
