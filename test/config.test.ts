import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { problemsOf } from "./support/config-problems";
import { BenchConfig, ConfigContext, DEFAULTS, parseConfig, Profile, projectConfig } from "../components/config";

const ctx: ConfigContext = {
  apps: ["django", "fastapi", "go", "rust"],
  scenarios: ["load", "spike", "capacity"],
  defaultScenarios: (profile: Profile) => (profile === "quick" ? ["load"] : ["load", "spike", "capacity"]),
};

const base = { cluster: "local" };


describe("parseConfig defaults", () => {
  it("resolves every default for a local stack that sets only the cluster", () => {
    const expected: BenchConfig = {
      cluster: { kind: "local", clusterName: "k8s-bench", existingContext: undefined, kubeconfigPath: undefined },
      runtimes: ["django", "fastapi", "go", "rust"],
      profile: "quick",
      scenarios: ["load"],
      runId: "1",
      namespace: "k8s-bench",
      resources: { cpuRequestMilli: 100, cpuLimitMilli: 500, memoryRequestMiB: 64, memoryLimitMiB: 256 },
      hpa: { minReplicas: 2, maxReplicas: 10, targetCpuPercent: 50 },
      monitoring: { enabled: true },
      k6: { cpuMilli: 2000, memoryMiB: 1024 },
      kubeProxy: { enabled: true, services: 300, steps: [1, 5, 10, 15, 20, 25, 30], stepIntervalSeconds: 15, deadlineSeconds: 501, groups: [] },
    };
    assert.deepEqual(parseConfig(base, ctx), expected);
  });

  it("uses the full profile's scenario list when profile is full", () => {
    assert.deepEqual(parseConfig({ ...base, profile: "full" }, ctx).scenarios, ["load", "spike", "capacity"]);
  });

  it("accepts structured values as JSON text and numbers as strings, the way Pulumi passes them", () => {
    const cfg = parseConfig(
      {
        ...base,
        runtimes: '["rust","go"]',
        hpa: '{"minReplicas":"3","maxReplicas":5,"targetCpuPercent":70}',
        resources: '{"cpuRequest":"0.25","cpuLimit":1,"memoryRequest":"128Mi","memoryLimit":"1Gi"}',
        monitoring: '{"enabled":"false"}',
        k6: '{"cpu":"1500m","memory":"512Mi"}',
        runId: "rerun-2",
        local: '{"existingContext":"docker-desktop","kubeconfigPath":"/tmp/kc"}',
      },
      ctx,
    );
    assert.deepEqual(cfg.runtimes, ["rust", "go"]);
    assert.deepEqual(cfg.hpa, { minReplicas: 3, maxReplicas: 5, targetCpuPercent: 70 });
    assert.deepEqual(cfg.resources, { cpuRequestMilli: 250, cpuLimitMilli: 1000, memoryRequestMiB: 128, memoryLimitMiB: 1024 });
    assert.equal(cfg.monitoring.enabled, false);
    assert.deepEqual(cfg.k6, { cpuMilli: 1500, memoryMiB: 512 });
    assert.equal(cfg.runId, "rerun-2");
    assert.deepEqual(cfg.cluster, { kind: "local", clusterName: "k8s-bench", existingContext: "docker-desktop", kubeconfigPath: "/tmp/kc" });
  });

  it("accepts a comma-separated runtimes list as set by `pulumi config set`", () => {
    assert.deepEqual(parseConfig({ ...base, runtimes: "go, rust" }, ctx).runtimes, ["go", "rust"]);
  });

  it("keeps DEFAULTS in line with seed 000's HPA and resource values", () => {
    assert.deepEqual(DEFAULTS.hpa, { minReplicas: 2, maxReplicas: 10, targetCpuPercent: 50 });
    assert.equal(DEFAULTS.resources.cpuRequestMilli, 100);
    assert.equal(DEFAULTS.resources.cpuLimitMilli, 500);
  });
});

describe("parseConfig rejects bad configuration with key, value and allowed values", () => {
  const cases: [string, Record<string, string>, string[]][] = [
    ["throws when cluster is missing", {}, ["k8s-bench:cluster is required: set it to local or eks (the stack files Pulumi.local.yaml and Pulumi.eks.yaml do)"]],
    ["throws when cluster is foo", { cluster: "foo" }, ['k8s-bench:cluster ("foo") must be one of: local, eks']],
    ["throws when minReplicas > maxReplicas", { ...base, hpa: '{"minReplicas":12,"maxReplicas":10}' }, ["k8s-bench:hpa.minReplicas (12) must be <= hpa.maxReplicas (10)"]],
    ["throws on an unknown runtime", { ...base, runtimes: '["go","java"]' }, ['k8s-bench:runtimes ("java") is not known; allowed: django, fastapi, go, rust']],
    ["throws on a negative CPU limit", { ...base, resources: '{"cpuLimit":"-500m"}' }, ['k8s-bench:resources.cpuLimit ("-500m") must be a positive CPU quantity such as 100m or 0.5']],
    ["throws on a profile typo", { ...base, profile: "quik" }, ['k8s-bench:profile ("quik") must be one of: quick, full']],
    ["throws on an unknown top-level key (a typo would silently do nothing)", { ...base, profle: "full" }, ['k8s-bench:profle ("full") is not a known key; allowed: cluster, runtimes, profile, scenarios, runId, namespace, resources, hpa, monitoring, k6, kubeProxy, local, eks, grafanaAdminPassword']],
    ["throws on an unknown nested key", { ...base, hpa: '{"minReplica":3}' }, ["k8s-bench:hpa.minReplica (3) is not a known key; allowed: minReplicas, maxReplicas, targetCpuPercent"]],
    ["throws when the CPU request exceeds the limit", { ...base, resources: '{"cpuRequest":"1","cpuLimit":"500m"}' }, ['k8s-bench:resources.cpuRequest ("1") must be <= resources.cpuLimit (500m)']],
    ["throws when the memory request exceeds the limit", { ...base, resources: '{"memoryRequest":"512Mi"}' }, ['k8s-bench:resources.memoryRequest ("512Mi") must be <= resources.memoryLimit (256Mi)']],
    ["throws on a memory quantity that is not whole MiB", { ...base, resources: '{"memoryLimit":"100k"}' }, ['k8s-bench:resources.memoryLimit ("100k") must be a positive memory quantity in whole MiB such as 64Mi or 1Gi']],
    ["throws on a zero minReplicas", { ...base, hpa: '{"minReplicas":0}' }, ["k8s-bench:hpa.minReplicas (0) must be a whole number from 1 to 1000"]],
    ["throws on a fractional CPU target", { ...base, hpa: '{"targetCpuPercent":50.5}' }, ["k8s-bench:hpa.targetCpuPercent (50.5) must be a whole number from 1 to 1000"]],
    ["throws on an unknown scenario", { ...base, scenarios: "load,stress" }, ['k8s-bench:scenarios ("stress") is not known; allowed: load, spike, capacity']],
    ["throws on an empty runtimes list", { ...base, runtimes: "[]" }, ["k8s-bench:runtimes (\"[]\") must name at least one of: django, fastapi, go, rust"]],
    ["throws on a repeated runtime", { ...base, runtimes: "go,go" }, ['k8s-bench:runtimes ("go,go") lists go more than once']],
    ["throws on a run id that is not a label value", { ...base, runId: "Run 2" }, ['k8s-bench:runId ("Run 2") must be 1-20 lower-case letters, digits or \'-\', starting and ending with a letter or digit']],
    ["throws on the kube-system namespace", { ...base, namespace: "kube-system" }, ['k8s-bench:namespace ("kube-system") must be a namespace of its own (the stack creates and deletes it)']],
    ["throws on a malformed structured value", { ...base, hpa: "{minReplicas: 3" }, ['k8s-bench:hpa ("{minReplicas: 3") must be an object with keys minReplicas, maxReplicas, targetCpuPercent']],
    ["throws on a non-boolean monitoring switch", { ...base, monitoring: '{"enabled":"yes"}' }, ['k8s-bench:monitoring.enabled ("yes") must be true or false']],
    ["throws on eks settings in a local stack", { ...base, eks: '{"kubernetesVersion":"1.34"}' }, ['k8s-bench:eks ("{\\"kubernetesVersion\\":\\"1.34\\"}") only applies when cluster is eks']],
    ["throws on kubeconfigPath without existingContext", { ...base, local: '{"kubeconfigPath":"/tmp/kc"}' }, ['k8s-bench:local.kubeconfigPath ("/tmp/kc") only applies with local.existingContext; set that too or remove it']],
    ["throws on a cluster name that is not a DNS label", { ...base, local: '{"clusterName":"My_Cluster"}' }, ["k8s-bench:local.clusterName (\"My_Cluster\") must be a DNS label (lower-case letters, digits, '-')"]],
    ["throws on a zero k6 CPU", { ...base, k6: '{"cpu":"0"}' }, ['k8s-bench:k6.cpu ("0") must be a positive CPU quantity such as 2 or 1500m']],
  ];
  for (const [title, raw, expected] of cases) {
    it(title, () => assert.deepEqual(problemsOf(raw, ctx), expected));
  }

  it("reports every problem at once, not only the first", () => {
    const problems = problemsOf({ cluster: "foo", profile: "quik", hpa: '{"minReplicas":12,"maxReplicas":10}', runtimes: "java" }, ctx);
    assert.equal(problems.length, 4);
  });

  it("puts every problem in one error message with the fix", () => {
    assert.throws(() => parseConfig({ cluster: "foo", profile: "quik" }, ctx), (err: Error) => {
      assert.match(err.message, /^Invalid k8s-bench configuration \(2 problems\):\n {2}- k8s-bench:cluster \("foo"\) must be one of: local, eks\n {2}- k8s-bench:profile \("quik"\) must be one of: quick, full\n/);
      assert.match(err.message, /pulumi config set <key> <value>/);
      return true;
    });
  });

  it("rejects a stack when apps/ holds no benchmark target", () => {
    assert.throws(() => parseConfig(base, { ...ctx, apps: [] }), /no benchmark targets found: apps\/\*\/app.json is missing/);
  });
});

describe("projectConfig", () => {
  it("keeps only the k8s-bench namespace and strips its prefix", () => {
    assert.deepEqual(projectConfig({ "k8s-bench:cluster": "local", "aws:region": "us-west-2", "k8s-bench:hpa": "{}" }), { cluster: "local", hpa: "{}" });
  });
});
