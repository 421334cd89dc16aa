/**
 * Tier 2: index.ts under mocks with Pulumi.local.yaml and `k8s-bench:kubeProxy.enabled: false`:
 * nothing of the kube-proxy benchmark is declared, the node facts follow the last app benchmark,
 * and `results` has no kubeProxy. (One stack per file: Pulumi's mock state is per process.)
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { Results } from "../components/results-schema";
import { runStack, StackRun } from "./support/pulumi-mocks";
import { localStackState } from "./support/stack-state";

let stack: StackRun;

before(async () => {
  stack = await runStack("Pulumi.local.yaml", localStackState, { "k8s-bench:kubeProxy": JSON.stringify({ enabled: false }) });
});

describe("local stack with the kube-proxy benchmark switched off", () => {
  it("declares none of its objects", () => {
    const kubeProxy = stack.resources.filter((r) => r.name.startsWith("kube-proxy") || r.inputs["metadata"]?.namespace === "k8s-bench-kube-proxy");
    assert.deepEqual(kubeProxy.map((r) => `${r.type} ${r.name}`), []);
  });

  it("reads the node facts right after the last app benchmark", () => {
    const collectors = stack.byType("command:local:Command").filter((c) => c.name.endsWith("-collect"));
    assert.ok(collectors.length > 0);
    assert.deepEqual(stack.one("command:local:Command", "cluster-facts").dependsOn, [collectors[collectors.length - 1]?.name]);
  });

  it("leaves kubeProxy out of the results and the report", () => {
    const results = stack.outputs["results"] as Results;
    assert.equal(results.kubeProxy, undefined);
    assert.doesNotMatch(stack.outputs["report"] as string, /## kube-proxy/);
  });
});
