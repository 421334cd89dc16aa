import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deploymentSpec } from "../components/bench-app-specs";
import { typeToGvk, validateObject } from "./support/k8s-schema";

const resources = { cpuRequestMilli: 100, cpuLimitMilli: 500, memoryRequestMiB: 64, memoryLimitMiB: 256 };

describe("Kubernetes schema validation", () => {
  it("maps Pulumi type tokens to apiVersion and kind", () => {
    assert.deepEqual(typeToGvk("kubernetes:apps/v1:Deployment"), { apiVersion: "apps/v1", kind: "Deployment" });
    assert.deepEqual(typeToGvk("kubernetes:core/v1:Service"), { apiVersion: "v1", kind: "Service" });
    assert.deepEqual(typeToGvk("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"), { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler" });
  });
  it("accepts the Deployment builder's output", async () => {
    const dep = deploymentSpec({ name: "go", namespace: "k8s-bench", image: "k8s-bench/go:h1", resources, placement: {} });
    await validateObject("kubernetes:apps/v1:Deployment", dep as unknown as Record<string, unknown>);
  });
  it("rejects a manifest the API server would reject: a string containerPort", async () => {
    const dep = deploymentSpec({ name: "go", namespace: "k8s-bench", image: "k8s-bench/go:h1", resources, placement: {} }) as any;
    dep.spec.template.spec.containers[0].ports[0].containerPort = "8080";
    await assert.rejects(validateObject("kubernetes:apps/v1:Deployment", dep), /containerPort must be integer/);
  });
  it("rejects a Deployment without a selector", async () => {
    const dep = deploymentSpec({ name: "go", namespace: "k8s-bench", image: "k8s-bench/go:h1", resources, placement: {} }) as any;
    delete dep.spec.selector;
    await assert.rejects(validateObject("kubernetes:apps/v1:Deployment", dep), /selector/);
  });
  it("rejects a misspelled probe field", async () => {
    const dep = deploymentSpec({ name: "go", namespace: "k8s-bench", image: "k8s-bench/go:h1", resources, placement: {} }) as any;
    dep.spec.template.spec.containers[0].readinessProbe.httpGet.port = { named: "http" };
    await assert.rejects(validateObject("kubernetes:apps/v1:Deployment", dep));
  });
});
