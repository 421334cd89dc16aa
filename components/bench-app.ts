/**
 * One measured app in the cluster: Deployment, ClusterIP Service and autoscaling/v2 HPA.
 * Generic: every app is driven by its app.json and the stack config, never a copy per language.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AppManifest } from "./app-manifest";
import { deploymentSpec, hpaSpec, serviceSpec, serviceUrl } from "./bench-app-specs";
import { BenchCluster } from "./cluster";
import { AppResourcesConfig, HpaConfig } from "./config";

/** Arguments of {@link BenchApp}. */
export interface BenchAppArgs {
  /** The app, from its app.json. */
  app: AppManifest;
  /** Immutable image reference (AppImage.ref). */
  image: pulumi.Input<string>;
  /** Cluster whose provider and app placement are used. */
  cluster: BenchCluster;
  /** Namespace the stack created for the apps. */
  namespace: pulumi.Input<string>;
  /** Container requests and limits. */
  resources: AppResourcesConfig;
  /** Autoscaling bounds and CPU target. */
  hpa: HpaConfig;
}

export class BenchApp extends pulumi.ComponentResource {
  readonly app: AppManifest;
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service;
  readonly hpa: k8s.autoscaling.v2.HorizontalPodAutoscaler;
  /** In-cluster base URL of the Service, e.g. http://go.k8s-bench.svc.cluster.local:8080. */
  readonly url: pulumi.Output<string>;
  /** The image reference the Deployment runs. */
  readonly image: pulumi.Output<string>;
  readonly resources: AppResourcesConfig;
  readonly hpaConfig: HpaConfig;

  constructor(name: string, args: BenchAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("k8s-bench:app:BenchApp", name, {}, opts);
    const { app, cluster } = args;
    if (args.resources.cpuRequestMilli <= 0) {
      // A CPU-utilisation HPA divides by the request: without one it never scales.
      throw new Error(`BenchApp ${app.name}: a CPU-based HPA needs a CPU request`);
    }
    this.app = app;
    this.image = pulumi.output(args.image);
    this.resources = args.resources;
    this.hpaConfig = args.hpa;
    const k8sOpts = { parent: this, provider: cluster.provider };
    const spec = { name: app.name, namespace: args.namespace };

    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      deploymentSpec({ ...spec, image: args.image, resources: args.resources, placement: cluster.appPlacement }),
      k8sOpts,
    );
    this.service = new k8s.core.v1.Service(`${name}-service`, serviceSpec(spec), { ...k8sOpts, dependsOn: [this.deployment] });
    this.hpa = new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, hpaSpec(spec, args.hpa, this.deployment.metadata.name), k8sOpts);
    this.url = pulumi.all([this.service.metadata.name, this.service.metadata.namespace]).apply(([svc, ns]) => serviceUrl(svc, ns));

    this.registerOutputs({ url: this.url });
  }
}
