/**
 * What every cluster kind (LocalCluster, EksCluster) gives the rest of the program: an explicit
 * Kubernetes provider, the kubeconfig for in-program readers, placement rules and where images go.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Node label naming the group a node belongs to (kind role or EKS node group). */
export const GROUP_LABEL = "k8s-bench.io/group";
/** Taint key on dedicated benchmark nodes; its value is the group name. */
export const DEDICATED_TAINT_KEY = "k8s-bench.io/dedicated";

/** Where pods of one kind are scheduled. */
export interface PodPlacement {
  nodeSelector?: Record<string, string>;
  /** Required node affinity: node label key → allowed values (for "any of these groups"). */
  nodeAffinity?: { key: string; values: string[] };
  tolerations?: k8s.types.input.core.v1.Toleration[];
}

/** Pod spec fields that put a pod where a {@link PodPlacement} says. */
export function placementSpec(placement: PodPlacement): Pick<k8s.types.input.core.v1.PodSpec, "nodeSelector" | "tolerations" | "affinity"> {
  return {
    ...(placement.nodeSelector ? { nodeSelector: placement.nodeSelector } : {}),
    ...(placement.tolerations ? { tolerations: placement.tolerations } : {}),
    ...(placement.nodeAffinity
      ? {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [{ key: placement.nodeAffinity.key, operator: "In", values: placement.nodeAffinity.values }] }],
              },
            },
          },
        }
      : {}),
  };
}

/** Where images are made available to the cluster. */
export type ImageTarget =
  /** `kind load docker-image` into this kind cluster. */
  | { kind: "kind"; clusterName: string; clusterReady: pulumi.Resource }
  /** The cluster's nodes share the local Docker daemon (Docker Desktop, OrbStack). */
  | { kind: "daemon" }
  /** Push to a registry repository the nodes can pull from (ECR). */
  | {
      kind: "registry";
      /** Repository URL per app name, e.g. 123.dkr.ecr.eu-west-1.amazonaws.com/k8s-bench/rust. */
      repositoryUrl: (app: string) => pulumi.Output<string>;
      /** Registry address and credentials for the push. */
      credentials: pulumi.Output<{ address: string; username: string; password: string }>;
    };

/** The interface shared by LocalCluster and EksCluster. */
export interface BenchCluster {
  readonly kind: "local" | "eks";
  /** Every Kubernetes resource receives this provider explicitly. */
  readonly provider: k8s.Provider;
  /** Kubeconfig (secret) for commands that read from the cluster (Job results, node facts). */
  readonly kubeconfig: pulumi.Output<string>;
  /** Context inside `kubeconfig` to use; undefined means its current-context. */
  readonly context?: string;
  /** Measured app pods and their in-cluster workloads. */
  readonly appPlacement: PodPlacement;
  /** Load generators (k6) and monitoring: never on the measured nodes when there is more than one node. */
  readonly systemPlacement: PodPlacement;
  /** True when apps and generators are on different nodes. */
  readonly separatesGenerators: boolean;
  readonly imageTarget: ImageTarget;
  /** Resources that must exist before workloads are scheduled (node groups, add-ons). */
  readonly ready: pulumi.Resource[];
}
