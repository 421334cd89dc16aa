/**
 * The local cluster: a kind cluster the stack creates and deletes, or an existing kubeconfig
 * context (Docker Desktop, OrbStack, minikube) when `k8s-bench:local.existingContext` is set.
 */
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BenchCluster, GROUP_LABEL, ImageTarget, PodPlacement } from "./cluster";
import { LocalClusterConfig } from "./config";
import { kindConfigYaml, LOCAL_GROUPS } from "./kind-config";

/** Shell commands that create and delete the kind cluster (pure, for tests and the README). */
export function kindCommands(clusterName: string): { create: string; delete: string } {
  return {
    // kind writes progress to stderr; stdout carries only the kubeconfig, kept as a secret.
    create: `kind create cluster --name ${clusterName} --config - --wait 5m 1>&2 && kind get kubeconfig --name ${clusterName}`,
    delete: `kind delete cluster --name ${clusterName}`,
  };
}

/** Reads the kubeconfig file of an existing context, failing with the path and context named. */
export function readExistingKubeconfig(kubeconfigPath: string | undefined, context: string): string {
  const file = kubeconfigPath ?? process.env["KUBECONFIG"]?.split(path.delimiter)[0] ?? path.join(os.homedir(), ".kube", "config");
  const resolved = file.startsWith("~") ? path.join(os.homedir(), file.slice(1)) : file;
  let text: string;
  try {
    text = fs.readFileSync(resolved, "utf8");
  } catch (err) {
    throw new Error(`k8s-bench:local.existingContext (${JSON.stringify(context)}): cannot read kubeconfig ${resolved}: ${(err as Error).message}`);
  }
  if (!new RegExp(`name:\\s*["']?${context.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*$`, "m").test(text)) {
    throw new Error(`k8s-bench:local.existingContext (${JSON.stringify(context)}) is not a context in ${resolved}; list them with: kubectl config get-contexts`);
  }
  return text;
}

/** Arguments of {@link LocalCluster}. */
export interface LocalClusterArgs {
  /** The parsed `local` settings. */
  config: LocalClusterConfig;
}

export class LocalCluster extends pulumi.ComponentResource implements BenchCluster {
  readonly kind = "local" as const;
  readonly provider: k8s.Provider;
  readonly kubeconfig: pulumi.Output<string>;
  readonly context?: string;
  readonly appPlacement: PodPlacement;
  readonly systemPlacement: PodPlacement;
  readonly separatesGenerators: boolean;
  readonly imageTarget: ImageTarget;
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: LocalClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("k8s-bench:cluster:LocalCluster", name, {}, opts);
    const { config } = args;

    if (config.existingContext !== undefined) {
      this.context = config.existingContext;
      this.kubeconfig = pulumi.secret(readExistingKubeconfig(config.kubeconfigPath, config.existingContext));
      // One shared node (or unlabeled nodes): nothing to separate; images come from the
      // local Docker daemon that Docker Desktop and OrbStack share with their node.
      this.appPlacement = {};
      this.systemPlacement = {};
      this.separatesGenerators = false;
      this.imageTarget = { kind: "daemon" };
      this.ready = [];
    } else {
      const commands = kindCommands(config.clusterName);
      const kind = new command.local.Command(
        `${name}-kind`,
        {
          create: commands.create,
          delete: commands.delete,
          stdin: kindConfigYaml({ clusterName: config.clusterName }),
          logging: "stderr",
        },
        // A changed kind config means a new cluster of the same name: the old one must go first.
        { parent: this, additionalSecretOutputs: ["stdout"], deleteBeforeReplace: true },
      );
      this.kubeconfig = pulumi.secret(kind.stdout);
      this.appPlacement = { nodeSelector: { [GROUP_LABEL]: LOCAL_GROUPS.apps } };
      this.systemPlacement = { nodeSelector: { [GROUP_LABEL]: LOCAL_GROUPS.system } };
      this.separatesGenerators = true;
      this.imageTarget = { kind: "kind", clusterName: config.clusterName, clusterReady: kind };
      this.ready = [kind];
    }

    this.provider = new k8s.Provider(
      `${name}-provider`,
      {
        kubeconfig: this.kubeconfig,
        context: this.context,
        // Lets `pulumi destroy` finish after the kind cluster is gone.
        deleteUnreachable: true,
      },
      { parent: this, dependsOn: this.ready },
    );

    this.registerOutputs({ kubeconfig: this.kubeconfig, provider: this.provider });
  }
}
