/**
 * Tier 2: index.ts under Pulumi mocks with the project's own Pulumi.eks.yaml. The EKS cluster is
 * the only fork between the stacks: this checks that the EKS branch is what the rest of the program
 * is wired to (provider, placement, registry images) and that everything else is declared as on
 * the local stack.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadAppManifests } from "../components/app-manifest";
import { DEDICATED_TAINT_KEY, GROUP_LABEL } from "../components/cluster";
import { DEFAULTS, kubeProxyDeadlineSeconds } from "../components/config";
import { EKS_DEFAULTS, KUBE_PROXY_ADDON_VERSIONS } from "../components/eks-config";
import { kubeProxyDriverRbac } from "../components/kube-proxy-rbac";
import { Results } from "../components/results-schema";
import { kubernetesObject, validateObject } from "./support/k8s-schema";
import { isKubernetesObject, runStack, StackRun, StateFor } from "./support/pulumi-mocks";
import { kubeProxyCollected, kubeProxyDriverOutput, localStackState } from "./support/stack-state";

const ACCOUNT = "123456789012";
const REGISTRY = `${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com`;
const EKS_KUBECONFIG = JSON.stringify({ apiVersion: "v1", kind: "Config", clusters: [{ name: "k8s-bench-eks", cluster: { server: "https://k8s-bench-eks.eks.example" } }] });
const KERNEL_GROUPS = EKS_DEFAULTS.kernelGroups.map((g) => g.name);

/** What the kube-proxy driver prints on the EKS stack: seed 004's recorded logs, one node per kernel group. */
const EKS_KUBE_PROXY_OUTPUT = kubeProxyDriverOutput(
  [
    { file: "ip-10-0-1-23.log", node: "ip-10-0-1-23.us-west-2.compute.internal", kernelVersion: "6.1.144", group: "kernel-6-1" },
    { file: "ip-10-0-2-45.log", node: "ip-10-0-2-45.us-west-2.compute.internal", kernelVersion: "6.12.46", group: "kernel-6-12" },
  ],
  {
    mode: "nftables",
    version: KUBE_PROXY_ADDON_VERSIONS[EKS_DEFAULTS.kubernetesVersion] ?? "unknown",
    services: DEFAULTS.kubeProxy.eks.services,
    finalReplicas: DEFAULTS.kubeProxy.steps.at(-1) ?? 1,
  },
);

/** Provider outputs of the EKS stack: AWS on top of what the local stack's providers return. */
const eksStackState: StateFor = (r) => {
  if (r.type === "command:local:Command" && r.name === "kube-proxy-collect") {
    return { stdout: JSON.stringify(kubeProxyCollected(String(r.inputs["create"]), EKS_KUBE_PROXY_OUTPUT)), stderr: "" };
  }
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

const apps = loadAppManifests().map((a) => a.name);
let stack: StackRun;

before(async () => {
  stack = await runStack("Pulumi.eks.yaml", eksStackState);
});

const DEP = "kubernetes:apps/v1:Deployment";
const JOB = "kubernetes:batch/v1:Job";

void describe("eks stack under mocks (Pulumi.eks.yaml)", () => {
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

  void it("runs the kube-proxy driver on the system group, measuring every kernel group at seed 004's scale", () => {
    const job = stack.one(JOB, "kube-proxy-driver");
    const pod = job.inputs["spec"].template.spec;
    const env = Object.fromEntries((pod.containers[0].env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    const deadline = kubeProxyDeadlineSeconds({ services: 8000, steps: DEFAULTS.kubeProxy.steps, stepIntervalSeconds: 60 });
    assert.equal(deadline, 5660);
    assert.equal(env["NODE_SELECTOR_GROUPS"], KERNEL_GROUPS.join(","));
    assert.equal(env["SERVICES"], "8000");
    assert.equal(env["STEP_INTERVAL_SECONDS"], "60");
    assert.equal(env["POLL_SECONDS"], "10");
    assert.equal(env["DEADLINE_SECONDS"], String(deadline));
    assert.equal(job.inputs["spec"].activeDeadlineSeconds, deadline + 600);
    assert.deepEqual(pod.nodeSelector, { [GROUP_LABEL]: "system" });
    assert.equal(pod.automountServiceAccountToken, true);
    const collect = stack.one("command:local:Command", "kube-proxy-collect");
    assert.match(collect.inputs["create"], new RegExp(`--namespace k8s-bench-kube-proxy --job ${job.state["metadata"].name} --timeout ${deadline + 600 + 120} --container driver$`));
    assert.deepEqual(collect.customTimeouts, { create: `${deadline + 600 + 120 + 60}s` });
  });

  void it("puts the kube-proxy backend on the kernel groups, tolerating their taint", () => {
    const spec = stack.one(DEP, "kube-proxy-backend").inputs["spec"].template.spec;
    assert.deepEqual(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
      { matchExpressions: [{ key: GROUP_LABEL, operator: "In", values: KERNEL_GROUPS }] },
    ]);
    assert.deepEqual(spec.tolerations, [{ key: DEDICATED_TAINT_KEY, operator: "Exists", effect: "NoSchedule" }]);
  });

  void it("grants the kube-proxy driver exactly its rules, bound to its ServiceAccount", () => {
    const rbac = kubeProxyDriverRbac({ deployment: "kube-proxy-backend", metrics: true });
    assert.deepEqual(stack.one("kubernetes:rbac.authorization.k8s.io/v1:Role", "kube-proxy-driver-role").inputs["rules"], rbac.benchNamespace);
    assert.deepEqual(stack.one("kubernetes:rbac.authorization.k8s.io/v1:Role", "kube-proxy-driver-kube-system-role").inputs["rules"], rbac.kubeSystem);
    assert.deepEqual(stack.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "kube-proxy-driver-nodes-role").inputs["rules"], rbac.cluster);
    const sa = stack.one("kubernetes:core/v1:ServiceAccount", "kube-proxy-driver-sa").state["metadata"].name;
    for (const [type, name] of [
      ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "kube-proxy-driver-role-binding"],
      ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "kube-proxy-driver-kube-system-role-binding"],
      ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "kube-proxy-driver-nodes-role-binding"],
    ] as const) {
      assert.deepEqual(stack.one(type, name).inputs["subjects"], [{ kind: "ServiceAccount", name: sa, namespace: "k8s-bench-kube-proxy" }], name);
    }
  });

  void it("runs the kube-proxy benchmark after the last app benchmark and before the node facts", () => {
    const collectors = stack.byType("command:local:Command").filter((c) => c.name.endsWith("-collect") && c.name !== "kube-proxy-collect");
    const last = collectors[collectors.length - 1]?.name ?? "";
    assert.ok(stack.one(JOB, "kube-proxy-driver").dependsOn.includes(last), last);
    assert.deepEqual(stack.one("command:local:Command", "cluster-facts").dependsOn, ["kube-proxy-collect"]);
  });

  void it("resolves results.kubeProxy with the kernel comparison from the driver's output", () => {
    const results = stack.outputs["results"] as Results;
    assert.deepEqual(results.kubeProxy, EKS_KUBE_PROXY_OUTPUT.result);
    const kp = results.kubeProxy!;
    assert.equal(kp.targetEndpoints, 240000);
    assert.deepEqual(kp.nodes.map((n) => n.group), KERNEL_GROUPS);
    assert.deepEqual(kp.comparison?.kernels, ["6.12.46", "6.1.144"]);
    assert.match(kp.comparison?.summary ?? "", /^kernel 6\.12\.46 synced 240,015 endpoints \d+\.\d× faster than 6\.1\.144 /);
    assert.ok((stack.outputs["report"] as string).includes(kp.comparison?.summary ?? "(none)"));
  });

  void it("declares only Kubernetes objects that pass OpenAPI schema validation", async () => {
    const objects = stack.resources.filter(isKubernetesObject);
    assert.ok(objects.length >= apps.length * 3);
    for (const r of objects) {
      await assert.doesNotReject(validateObject(r.type, kubernetesObject(r.inputs)), `${r.type} ${r.name}`);
    }
  });
});
