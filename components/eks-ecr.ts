/**
 * One ECR repository per app, created and deleted by the stack, and push credentials.
 * Tags are immutable (an image ref means one image forever), images are scanned on push, and
 * `forceDelete` lets `pulumi destroy` remove repositories that still hold images.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link EcrRepositories}. */
export interface EcrRepositoriesArgs {
  /** App names; one repository each, named `<namePrefix>/<app>`. */
  apps: readonly string[];
  /** Repository name prefix, e.g. the cluster name. */
  namePrefix: string;
  /** Tags for every repository. @default - none */
  tags?: Record<string, string>;
}

export class EcrRepositories extends pulumi.ComponentResource {
  readonly repositories: ReadonlyMap<string, aws.ecr.Repository>;
  /** Registry address (host, no scheme) and a 12-hour token for `docker push`. */
  readonly credentials: pulumi.Output<{ address: string; username: string; password: string }>;

  constructor(name: string, args: EcrRepositoriesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("k8s-bench:eks:EcrRepositories", name, {}, opts);
    const repositories = new Map<string, aws.ecr.Repository>();
    for (const app of args.apps) {
      repositories.set(
        app,
        new aws.ecr.Repository(
          `${name}-${app}`,
          {
            name: `${args.namePrefix}/${app}`.toLowerCase(),
            imageTagMutability: "IMMUTABLE",
            imageScanningConfiguration: { scanOnPush: true },
            forceDelete: true,
            tags: args.tags,
          },
          { parent: this },
        ),
      );
    }
    this.repositories = repositories;

    const first = repositories.values().next().value;
    const token = aws.ecr.getAuthorizationTokenOutput({ registryId: first?.registryId }, { parent: this });
    this.credentials = pulumi.secret(
      token.apply((t) => ({ address: t.proxyEndpoint.replace(/^https?:\/\//, ""), username: t.userName, password: t.password })),
    );
    this.registerOutputs({ credentials: this.credentials });
  }

  /** The repository URL of one app, e.g. 123456789012.dkr.ecr.us-west-2.amazonaws.com/k8s-bench-eks/rust. */
  repositoryUrl(app: string): pulumi.Output<string> {
    const repository = this.repositories.get(app);
    if (repository === undefined) {
      throw new Error(`no ECR repository for app ${JSON.stringify(app)}; the EKS cluster created: ${[...this.repositories.keys()].join(", ") || "none"} (pass every app in EksCluster args.apps)`);
    }
    return repository.repositoryUrl;
  }
}
