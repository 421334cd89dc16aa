/**
 * Tier 2: index.ts under Pulumi mocks with the project's own Pulumi.eks.yaml. The EKS cluster is
 * the only fork between the stacks: this checks that the EKS branch is what the rest of the program
 * is wired to (provider, placement, registry images) and that everything else is declared as on
 * the local stack.
 *
 * Skipped, with the reason, while components/create-cluster.ts does not construct EksCluster yet.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { loadAppManifests } from "../components/app-manifest";
import { DEDICATED_TAINT_KEY, GROUP_LABEL } from "../components/cluster";
import { EKS_DEFAULTS } from "../components/eks-config";
import { kubernetesObject, validateObject } from "./support/k8s-schema";
import { isKubernetesObject, ROOT, runStack, StackRun, StateFor } from "./support/pulumi-mocks";
import { localStackState } from "./support/stack-state";

const ACCOUNT = "123456789012";
const REGISTRY = `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com`;
const EKS_KUBECONFIG = JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [{ name: "k8s-bench-eks", cluster: { server: "https://k8s-bench-eks.eks.example" } }] });
const KERNEL_GROUPS = EKS_DEFAULTS.kernelGroups.map((g) => g.name);

/** Provider outputs of the EKS stack: AWS on top of what the local stack's providers return. */
const eksStackState: StateFor = (r) => {
  switch (r.type) {
    case "eks:index:Cluster":
      return { kubeconfig: JSON.parse(EKS_KUBECONFIG), kubeconfigJson: EKS_KUBECONFIG };
    case "aws:ecr/repository:Repository":
      return { registryId: ACCOUNT, repositoryUrl: `${REGISTRY}/${String(r.inputs["name"])}` };
    case "aws:iam/role:Role":
      return { name: r.name, arn: `arn:aws:iam::${ACCOUNT}:role/${r.name}` };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { names: ["us-west-2a", "us-west-2b", "us-west-2c"], zoneIds: ["usw2-az1", "usw2-az2", "usw2-az3"], id: "us-west-2", groupNames: [], region: "us-west-2" };
    case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
      return { id: "us-west-2", proxyEndpoint: `https://${REGISTRY}`, userName: "AWS", password: "ecr-token", authorizationToken: "x", expiresAt: "2026-11-24T00:00:00Z", region: "us-west-2" };
    default:
      return localStackState(r);
  }
};

const wired = fs.readFileSync(path.join(ROOT, "components", "create-cluster.ts"), "utf8").includes("EksCluster");
const skip = wired ? false : "components/create-cluster.ts does not construct EksCluster yet (the lead wires the eks branch)";
const apps = loadAppManifests().map((a) => a.name);
let stack: StackRun;

before(async () => {
  if (wired) stack = await runStack("Pulumi.eks.yaml", eksStackState);
});

const DEP = "kubernetes:apps/v1:Deployment";
const JOB = "kubernetes:batch/v1:Job";

void describe("eks stack under mocks (Pulumi.eks.yaml)", { skip }, () => {
  void it("builds one EKS cluster with two kernel groups and a system group, and no kind cluster", () => {
    assert.equal(stack.byType("eks:index:Cluster").length, 1);
    const groups = stack.byType("eks:index:ManagedNodeGroup");
    assert.deepEqual(groups.map((g) => g.inputs["labels"][GROUP_LABEL]).sort(), [...KERNEL_GROUPS, "system"].sort());
    assert.equal(stack.byType("command:local:Command").filter((c) => String(c.inputs["create"]).startsWith("kind ")).length, 0);
  });

  void it("binds every Kubernetes resource to the EKS cluster's provider", () => {
    const providers = stack.byType("pulumi:providers:kubernetes");
    assert.equal(providers.length, 1);
    const k8sResources = stack.resources.filter((r) => r.type.startsWith("kubernetes:"));
    assert.ok(k8sResources.length > 0);
    for (const r of k8sResources) {
      assert.match(r.provider ?? "", /^urn:pulumi:eks::k8s-bench::k8s-bench:eks:EksCluster\$pulumi:providers:kubernetes::[^:]+-provider::/, `${r.type} ${r.name}`);
    }
  });

  void it("schedules every app Deployment on the kernel groups, tolerating their taint", () => {
    const deployments = stack.byType(DEP).filter((d) => apps.includes(d.inputs["metadata"].name));
    assert.equal(deployments.length, apps.length);
    for (const d of deployments) {
      const spec = d.inputs["spec"].template.spec;
      assert.deepEqual(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
        { matchExpressions: [{ key: GROUP_LABEL, operator: "In", values: KERNEL_GROUPS }] },
      ]);
      assert.deepEqual(spec.tolerations, [{ key: DEDICATED_TAINT_KEY, operator: "Exists", effect: "NoSchedule" }]);
    }
  });

  void it("runs every benchmark Job on the system group, never on a kernel group", () => {
    const jobs = stack.byType(JOB);
    assert.ok(jobs.length >= apps.length);
    for (const job of jobs) {
      const spec = job.inputs["spec"].template.spec;
      assert.deepEqual(spec.nodeSelector, { [GROUP_LABEL]: "system" }, job.name);
      assert.ok(!(spec.tolerations ?? []).some((t: { key?: string }) => t.key === DEDICATED_TAINT_KEY), `${job.name} tolerates the dedicated taint`);
    }
  });

  void it("pushes every app image to its own ECR repository with the registry credentials", () => {
    const repos = stack.byType("aws:ecr/repository:Repository");
    assert.deepEqual(repos.map((r) => r.inputs["name"]).sort(), apps.map((a) => `k8s-bench-eks/${a}`).sort());
    for (const image of stack.byType("docker-build:index:Image")) {
      assert.equal(image.inputs["push"], true, image.name);
      assert.match((image.inputs["tags"] as string[])[0] ?? "", new RegExp(`^${REGISTRY.replace(/\./g, "\\.")}/k8s-bench-eks/`));
    }
  });

  void it("lets node-exporter onto the tainted kernel nodes, so their metrics are collected", () => {
    const kps = stack.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs["chart"] === "kube-prometheus-stack");
    assert.ok(kps, "kube-prometheus-stack");
    const nodeExporter = (kps.inputs["values"] as Record<string, any>)["prometheus-node-exporter"];
    assert.ok(
      (nodeExporter?.tolerations ?? []).some((t: Record<string, unknown>) => t["key"] === DEDICATED_TAINT_KEY && t["operator"] === "Exists" && t["effect"] === "NoSchedule"),
      JSON.stringify(nodeExporter?.tolerations),
    );
  });

  void it("declares only Kubernetes objects that pass OpenAPI schema validation", async () => {
    const objects = stack.resources.filter(isKubernetesObject);
    assert.ok(objects.length >= apps.length * 3);
    for (const r of objects) {
      await assert.doesNotReject(validateObject(r.type, kubernetesObject(r.inputs)), `${r.type} ${r.name}`);
    }
  });
});
