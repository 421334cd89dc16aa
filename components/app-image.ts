/**
 * Builds one app's image from `apps/<name>/Dockerfile` (build context: apps/) and makes it
 * available to the cluster under an immutable reference.
 *
 * Uses @pulumi/docker-build (BuildKit/buildx) rather than @pulumi/docker's Image: it is the
 * maintained builder, exposes the pushed digest as `ref`, supports multi-platform builds (EKS
 * nodes are x86_64 while laptops may be arm64), and does not build during preview when told not to.
 */
import * as command from "@pulumi/command";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import { AppManifest } from "./app-manifest";
import { ImageTarget } from "./cluster";
import { appBuildFiles, contentTag, dockerfileBaseImages } from "./image-source";

/** Shell command that loads an image into kind (when needed) and prints its size in bytes. */
export function imageLoadCommand(target: ImageTarget, ref: string): string {
  const size = `docker image inspect --format '{{.Size}}' ${ref}`;
  return target.kind === "kind" ? `kind load docker-image ${ref} --name ${target.clusterName} 1>&2 && ${size}` : size;
}

/** Arguments of {@link AppImage}. */
export interface AppImageArgs {
  /** The app to build. */
  app: AppManifest;
  /** Where the image must end up. */
  target: ImageTarget;
  /**
   * Value of the APP_VERSION build argument, shown by /health.
   * @default "v1"
   */
  appVersion?: string;
}

export class AppImage extends pulumi.ComponentResource {
  /** Immutable reference the cluster pulls: a content-hash tag (kind, daemon) or tag@digest (registry). */
  readonly ref: pulumi.Output<string>;
  /** Uncompressed size of the local image in bytes, as Docker reports it. */
  readonly sizeBytes: pulumi.Output<number | undefined>;
  /** Base images pinned by the Dockerfile, echoed in results. */
  readonly baseImages: string[];
  /** The content-hash tag. */
  readonly tag: string;

  constructor(name: string, args: AppImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("k8s-bench:image:AppImage", name, {}, opts);
    const { app, target } = args;
    const appVersion = args.appVersion ?? "v1";
    const appsDir = path.dirname(app.dir);
    const dockerfile = path.join(app.dir, "Dockerfile");
    const buildArgs = { APP_VERSION: appVersion };

    this.tag = contentTag(appBuildFiles(appsDir, app.name), buildArgs);
    this.baseImages = fs.existsSync(dockerfile) ? dockerfileBaseImages(fs.readFileSync(dockerfile, "utf8")) : [];
    const registry = target.kind === "registry" ? target : undefined;
    // One tag only: with push enabled every tag is pushed, so a local-only name must not be there.
    const taggedRef: pulumi.Output<string> = registry
      ? pulumi.interpolate`${registry.repositoryUrl(app.name)}:${this.tag}`
      : pulumi.output(`k8s-bench/${app.name}:${this.tag}`);

    const image = new dockerBuild.Image(
      `${name}-build`,
      {
        context: { location: appsDir },
        dockerfile: { location: dockerfile },
        buildArgs,
        tags: [taggedRef],
        // Always load into the local daemon: kind loads from there and the size is read there.
        load: true,
        push: registry !== undefined,
        registries: registry ? [registry.credentials] : undefined,
        // EKS nodes are x86_64 whatever the laptop is; locally the host's platform is right.
        platforms: registry ? ["linux/amd64"] : undefined,
        buildOnPreview: false,
      },
      { parent: this, dependsOn: target.kind === "kind" ? [target.clusterReady] : [] },
    );

    const load = new command.local.Command(
      `${name}-load`,
      { create: taggedRef.apply((ref) => imageLoadCommand(target, ref)), triggers: [this.tag], logging: "stderr" },
      { parent: this, dependsOn: [image] },
    );

    // Registry: tag@digest as pushed. Local: the content-hash tag, once loaded where the nodes see it.
    this.ref = registry ? image.ref : pulumi.all([taggedRef, load.stdout]).apply(([ref]) => ref);
    this.sizeBytes = load.stdout.apply((out) => {
      const bytes = Number(out.trim());
      return Number.isFinite(bytes) && bytes > 0 ? bytes : undefined;
    });
    this.registerOutputs({ ref: this.ref, sizeBytes: this.sizeBytes });
  }
}
