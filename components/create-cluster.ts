/**
 * The one fork between the stacks: which cluster component backs the BenchCluster interface.
 */
import { AppManifest } from "./app-manifest";
import { BenchCluster } from "./cluster";
import { BenchConfig } from "./config";
import { EksCluster } from "./eks-cluster";
import { LocalCluster } from "./local-cluster";

export function createCluster(config: BenchConfig, apps: AppManifest[]): BenchCluster {
  const c = config.cluster;
  if (c.kind === "local") return new LocalCluster("local", { config: c });
  return new EksCluster("eks", { config: c, apps: apps.map((a) => a.name) });
}
