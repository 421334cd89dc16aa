/**
 * Tier 1: the `k8s-bench:kubeProxy` settings. Defaults per cluster kind (from the driver's defaults
 * objects), the deadline derived from scale and steps, and every error with its exact text.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { problemsOf } from "./support/config-problems";
import { ConfigContext, DEFAULTS, kubeProxyDeadlineSeconds, parseConfig, Profile } from "../components/config";
import { KUBE_PROXY_DRIVER_DEFAULTS, KUBE_PROXY_DRIVER_LOCAL_DEFAULTS } from "../components/kube-proxy-driver-config";

const ctx: ConfigContext = {
  apps: ["go", "rust"],
  scenarios: ["load"],
  defaultScenarios: (_profile: Profile) => ["load"],
  aws: { region: "us-west-2" },
};
const local = { cluster: "local" };
const eks = { cluster: "eks" };


void describe("kubeProxy config defaults", () => {
  void it("runs on a local stack at a laptop's scale, every node measured", () => {
    assert.deepEqual(parseConfig(local, ctx).kubeProxy, {
      enabled: true,
      services: 300,
      steps: [1, 5, 10, 15, 20, 25, 30],
      stepIntervalSeconds: 15,
      deadlineSeconds: 501,
      groups: [],
    });
  });

  void it("runs on an eks stack at seed 004's scale, on every kernel group", () => {
    assert.deepEqual(parseConfig(eks, ctx).kubeProxy, {
      enabled: true,
      services: 8000,
      steps: [1, 5, 10, 15, 20, 25, 30],
      stepIntervalSeconds: 60,
      deadlineSeconds: 5660,
      groups: ["kernel-6-1", "kernel-6-12"],
    });
  });

  void it("takes the scale from the driver's defaults objects", () => {
    assert.equal(DEFAULTS.kubeProxy.eks.services, KUBE_PROXY_DRIVER_DEFAULTS.services);
    assert.equal(DEFAULTS.kubeProxy.local.services, KUBE_PROXY_DRIVER_LOCAL_DEFAULTS.services);
    assert.deepEqual(DEFAULTS.kubeProxy.steps, KUBE_PROXY_DRIVER_DEFAULTS.steps);
    assert.equal(DEFAULTS.kubeProxy.local.stepIntervalSeconds, KUBE_PROXY_DRIVER_LOCAL_DEFAULTS.stepIntervalSeconds);
  });

  void it("accepts every key as JSON text, steps as a comma-separated list, groups by name", () => {
    const cfg = parseConfig(
      { ...eks, kubeProxy: '{"enabled":"true","services":"2000","steps":"2, 4,8","stepIntervalSeconds":30,"deadlineSeconds":"3600","groups":"kernel-6-12"}' },
      ctx,
    );
    assert.deepEqual(cfg.kubeProxy, { enabled: true, services: 2000, steps: [2, 4, 8], stepIntervalSeconds: 30, deadlineSeconds: 3600, groups: ["kernel-6-12"] });
  });

  void it("accepts steps as a YAML list (JSON array text) and can be switched off", () => {
    const cfg = parseConfig({ ...local, kubeProxy: '{"enabled":false,"steps":[1,3]}' }, ctx);
    assert.equal(cfg.kubeProxy.enabled, false);
    assert.deepEqual(cfg.kubeProxy.steps, [1, 3]);
  });
});

void describe("kubeProxy deadline derived from scale and steps", () => {
  const cases: [string, { services: number; steps: number[]; stepIntervalSeconds: number }, number][] = [
    // 8000/50 writes + 7 × max(60, 8000/20) + 2 × 240,000 × 5 ms + 300
    ["seed 004's scale", { services: 8000, steps: [1, 5, 10, 15, 20, 25, 30], stepIntervalSeconds: 60 }, 160 + 2800 + 2400 + 300],
    // 300/50 + 7 × max(15, 15) + 2 × 9,000 × 5 ms + 300
    ["kind's scale", { services: 300, steps: [1, 5, 10, 15, 20, 25, 30], stepIntervalSeconds: 15 }, 6 + 105 + 90 + 300],
    // A long interval dominates the EndpointSlice writes.
    ["one step, long interval", { services: 100, steps: [1], stepIntervalSeconds: 600 }, 2 + 600 + 1 + 300],
  ];
  for (const [title, scale, expected] of cases) {
    void it(title, () => assert.equal(kubeProxyDeadlineSeconds(scale), expected));
  }

  void it("follows services, steps and interval unless deadlineSeconds is set", () => {
    assert.equal(parseConfig({ ...local, kubeProxy: '{"services":1000,"steps":[1,2],"stepIntervalSeconds":5}' }, ctx).kubeProxy.deadlineSeconds, 20 + 2 * 50 + 20 + 300);
    assert.equal(parseConfig({ ...local, kubeProxy: '{"services":1000,"deadlineSeconds":120}' }, ctx).kubeProxy.deadlineSeconds, 120);
  });
});

void describe("kubeProxy config rejects bad values with key, value and allowed values", () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ["rejects an unknown key", { ...local, kubeProxy: '{"service":10}' }, ["k8s-bench:kubeProxy.service (10) is not a known key; allowed: enabled, services, steps, stepIntervalSeconds, deadlineSeconds, groups"]],
    ["rejects a value that is not an object", { ...local, kubeProxy: "yes" }, ['k8s-bench:kubeProxy ("yes") must be an object with keys enabled, services, steps, stepIntervalSeconds, deadlineSeconds, groups']],
    ["rejects a non-boolean switch", { ...local, kubeProxy: '{"enabled":"on"}' }, ['k8s-bench:kubeProxy.enabled ("on") must be true or false']],
    ["rejects zero Services", { ...local, kubeProxy: '{"services":0}' }, ["k8s-bench:kubeProxy.services (0) must be a whole number from 1 to 99999"]],
    ["rejects more Services than the driver can name", { ...local, kubeProxy: '{"services":100000}' }, ["k8s-bench:kubeProxy.services (100000) must be a whole number from 1 to 99999"]],
    ["rejects steps that are not a list", { ...local, kubeProxy: '{"steps":{"a":1}}' }, ['k8s-bench:kubeProxy.steps ({"a":1}) must be a list of whole numbers such as 1,5,10,15,20,25,30 (replica counts)']],
    ["rejects an empty steps list", { ...local, kubeProxy: '{"steps":[]}' }, ["k8s-bench:kubeProxy.steps ([]) must list at least one replica count such as 1,5,10,15,20,25,30"]],
    ["rejects a zero step", { ...local, kubeProxy: '{"steps":[0,5]}' }, ["k8s-bench:kubeProxy.steps[0] (0) must be a whole number from 1 to 1000"]],
    ["rejects a fractional step", { ...local, kubeProxy: '{"steps":"1,2.5"}' }, ['k8s-bench:kubeProxy.steps[1] ("2.5") must be a whole number from 1 to 1000']],
    [
      "rejects steps that do not increase",
      { ...local, kubeProxy: '{"steps":[1,10,5]}' },
      ["k8s-bench:kubeProxy.steps ([1,10,5]) must be strictly increasing replica counts such as 1,5,10,15,20,25,30: steps[2] (5) is not above steps[1] (10)"],
    ],
    [
      "rejects a repeated step",
      { ...local, kubeProxy: '{"steps":"1,5,5"}' },
      ['k8s-bench:kubeProxy.steps ("1,5,5") must be strictly increasing replica counts such as 1,5,10,15,20,25,30: steps[2] (5) is not above steps[1] (5)'],
    ],
    ["rejects a negative interval", { ...local, kubeProxy: '{"stepIntervalSeconds":-1}' }, ["k8s-bench:kubeProxy.stepIntervalSeconds (-1) must be a whole number from 0 to 3600"]],
    ["rejects a deadline under a minute", { ...local, kubeProxy: '{"deadlineSeconds":30}' }, ["k8s-bench:kubeProxy.deadlineSeconds (30) must be a whole number from 60 to 604800"]],
    [
      "rejects groups on a local stack",
      { ...local, kubeProxy: '{"groups":["apps"]}' },
      ['k8s-bench:kubeProxy.groups (["apps"]) only applies when cluster is eks (on a local cluster every node is measured)'],
    ],
    ["rejects an unknown kernel group", { ...eks, kubeProxy: '{"groups":["kernel-6-1","kernel-5-10"]}' }, ['k8s-bench:kubeProxy.groups ("kernel-5-10") is not known; allowed: kernel-6-1, kernel-6-12']],
    ["rejects the system group (it is not a kernel group)", { ...eks, kubeProxy: '{"groups":"system"}' }, ['k8s-bench:kubeProxy.groups ("system") is not known; allowed: kernel-6-1, kernel-6-12']],
    ["rejects an empty groups list", { ...eks, kubeProxy: '{"groups":[]}' }, ["k8s-bench:kubeProxy.groups ([]) must name at least one of: kernel-6-1, kernel-6-12"]],
    [
      "checks groups against the configured kernel groups",
      { ...eks, eks: '{"kernelGroups":[{"name":"old","version":"1.31"},{"name":"new","version":"1.34"}]}', kubeProxy: '{"groups":["kernel-6-12"]}' },
      ['k8s-bench:kubeProxy.groups ("kernel-6-12") is not known; allowed: old, new'],
    ],
    [
      "rejects the apps namespace when it is the benchmark's own",
      { ...local, namespace: "k8s-bench-kube-proxy" },
      ['k8s-bench:namespace ("k8s-bench-kube-proxy") must differ from the kube-proxy benchmark\'s namespace k8s-bench-kube-proxy (or set kubeProxy.enabled to false)'],
    ],
  ];
  for (const [title, raw, expected] of cases) {
    void it(title, () => assert.deepEqual(problemsOf(raw, ctx), expected));
  }

  void it("accepts the benchmark's namespace for the apps when the benchmark is off", () => {
    assert.equal(parseConfig({ ...local, namespace: "k8s-bench-kube-proxy", kubeProxy: '{"enabled":false}' }, ctx).namespace, "k8s-bench-kube-proxy");
  });

  void it("reports every kubeProxy problem at once", () => {
    assert.equal(problemsOf({ ...local, kubeProxy: '{"services":0,"steps":[3,2],"stepIntervalSeconds":"x","groups":"a"}' }, ctx).length, 4);
  });
});
