/**
 * Tier 2: index.ts under Pulumi mocks with the project's own Pulumi.local.yaml. Asserts the
 * resource graph (types, names, key inputs, wiring, provider binding), validates every
 * Kubernetes object against the OpenAPI schema, and resolves `results` and `report` from k6
 * summaries recorded by real k6 runs.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadAppManifests } from "../components/app-manifest";
import { dataHash } from "../components/benchmark-run";
import { collectJobCommand } from "../components/job-collector";
import { GROUP_LABEL } from "../components/cluster";
import { DEFAULTS, kubeProxyDeadlineSeconds } from "../components/config";
import { KUBE_PROXY_DRIVER_FILES } from "../components/kube-proxy-driver-config";
import { kubeProxyDriverRbac } from "../components/kube-proxy-rbac";
import { driverFiles } from "../components/kube-proxy-specs";
import { kindConfigYaml } from "../components/kind-config";
import { Results } from "../components/results-schema";
import { defaultScenarios, resolveScenario } from "../components/scenarios";
import { k6PodSize } from "../components/k6-job";
import { VERSIONS } from "../components/versions";
import { kubernetesObject, validateObject } from "./support/k8s-schema";
import { isKubernetesObject, RecordedResource, runStack, StackRun } from "./support/pulumi-mocks";
import { APP_OBSERVATIONS, CLUSTER_FACTS, IMAGE_SIZE_BYTES, LOCAL_KUBE_PROXY_OUTPUT, localStackState } from "./support/stack-state";

const apps = loadAppManifests().map((a) => a.name);
const scenarios = defaultScenarios("quick");
let stack: StackRun;

before(async () => {
  stack = await runStack("Pulumi.local.yaml", localStackState);
});

const DEP = "kubernetes:apps/v1:Deployment";
const SVC = "kubernetes:core/v1:Service";
const HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";
const JOB = "kubernetes:batch/v1:Job";
const CMD = "command:local:Command";

describe("local stack under mocks (Pulumi.local.yaml)", () => {
  it("finds every app of apps/ (the default runtimes)", () => {
    assert.ok(apps.length >= 1, "apps/*/app.json");
    const appDeployments = stack.byType(DEP).filter((d) => d.inputs["metadata"].namespace === "k8s-bench");
    assert.deepEqual(appDeployments.map((d) => d.inputs["metadata"].name).sort(), [...apps].sort());
  });

  it("creates a kind cluster from the generated config and deletes it on destroy", () => {
    const kind = stack.one(CMD, "local-kind");
    assert.equal(kind.inputs["stdin"], kindConfigYaml({ clusterName: "k8s-bench" }));
    assert.match(kind.inputs["create"], /^kind create cluster --name k8s-bench --config - /);
    assert.equal(kind.inputs["delete"], "kind delete cluster --name k8s-bench");
  });

  it("builds one image per app and loads each into kind by its content tag", () => {
    const images = stack.byType("docker-build:index:Image");
    assert.equal(images.length, apps.length);
    for (const app of apps) {
      const image = stack.one("docker-build:index:Image", `${app}-image-build`);
      const tag = (image.inputs["tags"] as string[])[0] as string;
      assert.match(tag, new RegExp(`^k8s-bench/${app}:h[0-9a-f]{16}$`));
      assert.match(image.inputs["dockerfile"].location, new RegExp(`apps/${app}/Dockerfile$`));
      assert.match(image.inputs["context"].location, /apps$/);
      assert.equal(image.inputs["push"], false);
      const load = stack.one(CMD, `${app}-image-load`);
      assert.equal(load.inputs["create"], `kind load docker-image ${tag} --name k8s-bench 1>&2 && docker image inspect --format '{{.Size}}' ${tag}`);
    }
  });

  it("installs metrics-server (with --kubelet-insecure-tls on kind) and kube-prometheus-stack at pinned versions", () => {
    const releases = stack.byType("kubernetes:helm.sh/v3:Release");
    const ms = releases.find((r) => r.inputs["chart"] === "metrics-server");
    const kps = releases.find((r) => r.inputs["chart"] === "kube-prometheus-stack");
    assert.equal(ms?.inputs["version"], VERSIONS.metricsServerChart);
    assert.equal(kps?.inputs["version"], VERSIONS.kubePrometheusStackChart);
    assert.ok((ms?.inputs["values"].args as string[]).includes("--kubelet-insecure-tls"));
  });

  it("keeps Grafana's admin password out of plain text: generated, secret", () => {
    assert.equal(stack.byType("random:index/randomPassword:RandomPassword").length, 1);
    const kps = stack.byType("kubernetes:helm.sh/v3:Release").find((r) => r.inputs["chart"] === "kube-prometheus-stack");
    assert.equal(kps?.inputs["values"].grafana.adminPassword, "generated-password");
  });

  it("wires each app's Deployment, Service and HPA to each other", () => {
    for (const app of apps) {
      const dep = stack.byType(DEP).find((d) => d.inputs["metadata"].name === app) as RecordedResource;
      const svc = stack.byType(SVC).find((s) => s.inputs["metadata"].name === app) as RecordedResource;
      const hpa = stack.byType(HPA).find((h) => h.inputs["metadata"].name === app) as RecordedResource;
      const pod = dep.inputs["spec"].template;
      assert.deepEqual(svc.inputs["spec"].selector, dep.inputs["spec"].selector.matchLabels);
      for (const [k, v] of Object.entries(svc.inputs["spec"].selector)) assert.equal(pod.metadata.labels[k], v);
      assert.deepEqual(hpa.inputs["spec"].scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: app });
      assert.equal(dep.inputs["spec"].replicas, undefined, "the HPA owns replicas");
      const c = pod.spec.containers[0];
      const tag = (stack.one("docker-build:index:Image", `${app}-image-build`).inputs["tags"] as string[])[0];
      assert.equal(c.image, tag);
      assert.deepEqual(c.resources.requests, { cpu: "100m", memory: "64Mi" });
      assert.equal(c.readinessProbe.httpGet.path, "/health");
      assert.equal(c.livenessProbe.httpGet.path, "/health");
      assert.equal(c.startupProbe.httpGet.path, "/health");
      assert.deepEqual(pod.spec.nodeSelector, { [GROUP_LABEL]: "apps" });
      assert.equal(hpa.inputs["spec"].minReplicas, 2);
      assert.equal(hpa.inputs["spec"].maxReplicas, 10);
    }
  });

  it("declares one k6 Job per (app, scenario) with the script mounted, the Service URL passed and a deadline from the scenario", () => {
    const jobs = stack.byType(JOB).filter((j) => j.inputs["metadata"].namespace === "k8s-bench");
    assert.equal(jobs.length, apps.length * scenarios.length);
    const configMap = stack.one("kubernetes:core/v1:ConfigMap", "k6-scripts");
    for (const app of apps) {
      for (const scenario of scenarios) {
        const job = stack.one(JOB, `${app}-${scenario}-job`);
        const spec = job.inputs["spec"];
        const c = spec.template.spec.containers[0];
        const resolved = resolveScenario(scenario, "quick");
        assert.ok(Object.keys(configMap.inputs["data"]).includes(resolved.script));
        assert.equal(spec.template.spec.volumes[0].configMap.name, configMap.state["metadata"].name);
        assert.match(c.command[2], new RegExp(`/scripts/${resolved.script.replace(".", "\\.")}`));
        const env = Object.fromEntries((c.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
        assert.equal(env["TARGET_URL"], `http://${app}.k8s-bench.svc.cluster.local:8080`);
        assert.equal(env["PROFILE"], "quick");
        assert.equal(spec.activeDeadlineSeconds, resolved.durationSeconds + 300);
        assert.deepEqual(spec.template.spec.nodeSelector, { [GROUP_LABEL]: "system" });
        assert.equal(c.image, VERSIONS.k6Image);
        assert.deepEqual(c.resources.limits, { cpu: "2000m", memory: `${k6PodSize({ cpuMilli: 2000, memoryMiB: 1024 }, resolved.maxVus).memoryMiB}Mi` });
        // Everything the result depends on is on the immutable pod template, so a change reruns it.
        const annotations = spec.template.metadata.annotations;
        assert.equal(annotations["k8s-bench.io/app-image"], (stack.one("docker-build:index:Image", `${app}-image-build`).inputs["tags"] as string[])[0]);
        assert.deepEqual(JSON.parse(annotations["k8s-bench.io/app-resources"]), { cpuRequestMilli: 100, cpuLimitMilli: 500, memoryRequestMiB: 64, memoryLimitMiB: 256, hpa: { minReplicas: 2, maxReplicas: 10, targetCpuPercent: 50 } });
        assert.equal(annotations["k8s-bench.io/scripts-sha256"], dataHash(configMap.inputs["data"]));
        const collect = stack.one(CMD, `${app}-${scenario}-collect`);
        assert.match(collect.inputs["create"], new RegExp(`^node --import tsx components/collector-cli\\.ts job --namespace k8s-bench --job \\S+ --timeout \\d+ --watch-app ${app}$`));
      }
    }
  });

  it("runs the benchmarks in one strict sequence: each Job waits for its app and the previous collector", () => {
    const order = apps.flatMap((app) => scenarios.map((scenario) => ({ app, run: `${app}-${scenario}` })));
    order.forEach(({ app, run }, i) => {
      const job = stack.one(JOB, `${run}-job`);
      const previous = i === 0 ? [] : [`${order[i - 1]?.run}-collect`];
      assert.deepEqual(job.dependsOn.filter((d) => d.endsWith("-collect")), previous, run);
      assert.ok(job.dependsOn.includes(app), `${run} depends on the ${app} BenchApp`);
      assert.deepEqual(stack.one(CMD, `${run}-collect`).dependsOn, [`${run}-job`]);
    });
    // Then the kube-proxy benchmark; the node facts are read last.
    assert.ok(stack.one(JOB, "kube-proxy-driver").dependsOn.includes(`${order[order.length - 1]?.run}-collect`));
    assert.deepEqual(stack.one(CMD, "cluster-facts").dependsOn, ["kube-proxy-collect"]);
  });

  it("binds every Kubernetes resource to the kind cluster's provider", () => {
    assert.equal(stack.byType("pulumi:providers:kubernetes").length, 1);
    const k8sResources = stack.resources.filter((r) => r.type.startsWith("kubernetes:"));
    assert.ok(k8sResources.length > 0);
    for (const r of k8sResources) {
      assert.match(r.provider ?? "", /^urn:pulumi:local::k8s-bench::k8s-bench:cluster:LocalCluster\$pulumi:providers:kubernetes::local-provider::/, `${r.type} ${r.name}`);
    }
  });

  it("declares only Kubernetes objects that pass OpenAPI schema validation", async () => {
    const objects = stack.resources.filter(isKubernetesObject);
    assert.ok(objects.length >= apps.length * 3);
    for (const r of objects) {
      await assert.doesNotReject(validateObject(r.type, kubernetesObject(r.inputs)), `${r.type} ${r.name}`);
    }
  });

  it("runs the Pod Security restricted profile on the benchmark namespace", () => {
    const ns = stack.one("kubernetes:core/v1:Namespace", "bench-namespace");
    assert.equal(ns.inputs["metadata"].labels["pod-security.kubernetes.io/enforce"], "restricted");
  });

  it("resolves results from the recorded k6 summaries, with the environment and pinned versions", () => {
    const results = stack.outputs["results"] as Results;
    assert.equal(results.schemaVersion, 1);
    assert.deepEqual(results.run, { id: "1", profile: "quick", startedAt: "2026-11-23T10:00:00Z", gitCommit: CLUSTER_FACTS.gitCommit });
    assert.deepEqual(results.cluster, { kind: "local", kubernetesVersion: "v1.34.11", nodes: CLUSTER_FACTS.nodes });
    assert.equal(results.versions["k6Image"], VERSIONS.k6Image);
    assert.equal(results.versions["kubeProxyMode"], "nftables");
    assert.deepEqual(Object.keys(results.runtimes).sort(), [...apps].sort());
    for (const app of apps) {
      const rt = results.runtimes[app]!;
      assert.equal(rt.image.sizeBytes, IMAGE_SIZE_BYTES);
      assert.deepEqual(Object.keys(rt.scenarios), scenarios);
      for (const scenario of scenarios) {
        const s = rt.scenarios[scenario]!;
        assert.ok(s.requests > 0, `${app} ${scenario} requests`);
        assert.ok(s.latencyMs.p99 >= s.latencyMs.p95 && s.latencyMs.p95 >= s.latencyMs.p50, `${app} ${scenario} quantiles`);
        assert.equal(s.startedAt, "2026-11-23T10:00:00Z");
        assert.equal(s.hpaMaxReplicas, APP_OBSERVATIONS.maxReplicas);
        assert.deepEqual(s.podMemoryMiB, { idle: APP_OBSERVATIONS.idlePodMemoryMiB, peak: APP_OBSERVATIONS.peakPodMemoryMiB });
      }
    }
  });

  it("renders the report as a Markdown table with one column per runtime", () => {
    const report = stack.outputs["report"] as string;
    const header = report.split("\n").find((l) => l.startsWith("| Metric |"));
    assert.ok(header, report);
    assert.equal(header.split("|").length - 3, apps.length);
    assert.match(report, /\| load: p95 latency \|/);
    assert.match(report, /^\| Memory per pod \(idle\) \| 3\.2 MiB \|/m);
    assert.match(report, /^\| load: HPA replicas \(max\) \| 4 \|/m);
    assert.match(report, /Kubernetes v1\.34\.11/);
  });
});

const KP_NS = "k8s-bench-kube-proxy";
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";

describe("kube-proxy benchmark on the local stack (on by default)", () => {
  const deadline = kubeProxyDeadlineSeconds({ services: DEFAULTS.kubeProxy.local.services, steps: DEFAULTS.kubeProxy.steps, stepIntervalSeconds: DEFAULTS.kubeProxy.local.stepIntervalSeconds });
  const lastAppCollector = `${apps[apps.length - 1]}-${scenarios[scenarios.length - 1]}-collect`;

  it("declares a handful of objects in its own restricted namespace, and no Service: the driver creates those", () => {
    const ns = stack.one("kubernetes:core/v1:Namespace", "kube-proxy-namespace");
    assert.equal(ns.inputs["metadata"].name, KP_NS);
    assert.equal(ns.inputs["metadata"].labels["pod-security.kubernetes.io/enforce"], "restricted");
    const inNamespace = stack.resources.filter((r) => r.inputs["metadata"]?.namespace === KP_NS).map((r) => `${r.type.split(":")[2]} ${r.name}`).sort();
    assert.deepEqual(inNamespace, [
      "ConfigMap kube-proxy-driver-files",
      "Deployment kube-proxy-backend",
      "Job kube-proxy-driver",
      "Role kube-proxy-driver-role",
      "RoleBinding kube-proxy-driver-role-binding",
      "ServiceAccount kube-proxy-driver-sa",
    ]);
  });

  it("grants the driver's ServiceAccount exactly the verbs the driver needs, in three scopes", () => {
    const rbac = kubeProxyDriverRbac({ deployment: "kube-proxy-backend", metrics: true });
    const sa = stack.one("kubernetes:core/v1:ServiceAccount", "kube-proxy-driver-sa");
    const subject = [{ kind: "ServiceAccount", name: sa.state["metadata"].name, namespace: KP_NS }];
    const scopes: [string, string, string, string, unknown][] = [
      [ROLE, "kube-proxy-driver-role", ROLE_BINDING, "kube-proxy-driver-role-binding", rbac.benchNamespace],
      [ROLE, "kube-proxy-driver-kube-system-role", ROLE_BINDING, "kube-proxy-driver-kube-system-role-binding", rbac.kubeSystem],
      [CLUSTER_ROLE, "kube-proxy-driver-nodes-role", CLUSTER_ROLE_BINDING, "kube-proxy-driver-nodes-role-binding", rbac.cluster],
    ];
    for (const [roleType, roleName, bindingType, bindingName, rules] of scopes) {
      const role = stack.one(roleType, roleName);
      const binding = stack.one(bindingType, bindingName);
      assert.deepEqual(role.inputs["rules"], rules, roleName);
      assert.deepEqual(binding.inputs["roleRef"], { apiGroup: "rbac.authorization.k8s.io", kind: roleType.split(":")[2], name: role.state["metadata"].name });
      assert.deepEqual(binding.inputs["subjects"], subject);
      assert.equal(binding.inputs["metadata"].namespace, role.inputs["metadata"].namespace);
    }
    assert.equal(stack.one(ROLE, "kube-proxy-driver-kube-system-role").inputs["metadata"].namespace, "kube-system");
    assert.equal(stack.byType(ROLE).length + stack.byType(CLUSTER_ROLE).length, 3, "no other RBAC");
  });

  it("mounts every driver file from one ConfigMap and runs the entry point", () => {
    const files = stack.one("kubernetes:core/v1:ConfigMap", "kube-proxy-driver-files");
    assert.deepEqual(Object.keys(files.inputs["data"]).sort(), [...KUBE_PROXY_DRIVER_FILES].sort());
    assert.deepEqual(files.inputs["data"], driverFiles());
    const pod = stack.one(JOB, "kube-proxy-driver").inputs["spec"].template.spec;
    assert.deepEqual(pod.volumes[0], { name: "driver", configMap: { name: files.state["metadata"].name } });
    assert.equal(pod.containers[0].command[2], "/driver/kube-proxy-driver-main.ts");
    assert.equal(pod.containers[0].image, VERSIONS.kubeProxyDriverImage);
  });

  it("runs the driver on the system node with the laptop scale and a deadline derived from scale and steps", () => {
    const job = stack.one(JOB, "kube-proxy-driver");
    const pod = job.inputs["spec"].template.spec;
    const env = Object.fromEntries((pod.containers[0].env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    assert.equal(deadline, 501);
    assert.equal(env["DEADLINE_SECONDS"], String(deadline));
    assert.equal(job.inputs["spec"].activeDeadlineSeconds, deadline + 600);
    assert.equal(job.inputs["spec"].backoffLimit, 0);
    assert.equal(env["SERVICES"], "300");
    assert.equal(env["STEPS"], "1,5,10,15,20,25,30");
    assert.equal(env["STEP_INTERVAL_SECONDS"], "15");
    assert.equal(env["POLL_SECONDS"], "3");
    assert.equal(env["NODE_SELECTOR_GROUPS"], "", "every node of the kind cluster");
    assert.deepEqual(pod.nodeSelector, { [GROUP_LABEL]: "system" });
    assert.equal(pod.serviceAccountName, stack.one("kubernetes:core/v1:ServiceAccount", "kube-proxy-driver-sa").state["metadata"].name);
  });

  it("mounts a ServiceAccount token into the driver's pod and no other", () => {
    const pods = [...stack.byType(JOB), ...stack.byType(DEP)].map((r) => [r.name, r.inputs["spec"].template.spec.automountServiceAccountToken] as const);
    assert.deepEqual(pods.filter(([, automount]) => automount !== false), [["kube-proxy-driver", true]]);
  });

  it("collects the driver's log from its container, waiting as long as the Job may run", () => {
    const job = stack.one(JOB, "kube-proxy-driver");
    const collect = stack.one(CMD, "kube-proxy-collect");
    const timeout = deadline + 600 + 120;
    assert.equal(collect.inputs["create"], collectJobCommand(KP_NS, job.state["metadata"].name, timeout, { container: "driver" }));
    assert.match(collect.inputs["create"], / --container driver$/);
    assert.deepEqual(collect.customTimeouts, { create: `${timeout + 60}s` });
    assert.deepEqual(collect.dependsOn, ["kube-proxy-driver"]);
  });

  it("puts the backend on the app node at one replica and leaves the count to the driver", () => {
    const dep = stack.one(DEP, "kube-proxy-backend");
    assert.equal(dep.inputs["metadata"].name, "kube-proxy-backend");
    assert.equal(dep.inputs["spec"].replicas, 1);
    assert.deepEqual(dep.ignoreChanges, ["spec.replicas"]);
    assert.equal(dep.inputs["spec"].template.spec.enableServiceLinks, false);
    assert.deepEqual(dep.inputs["spec"].template.spec.nodeSelector, { [GROUP_LABEL]: "apps" });
  });

  it("runs after the last app benchmark and before the node facts are read", () => {
    assert.deepEqual(stack.one(DEP, "kube-proxy-backend").dependsOn, [lastAppCollector]);
    assert.deepEqual([...stack.one(JOB, "kube-proxy-driver").dependsOn].sort(), [
      "kube-proxy-backend",
      "kube-proxy-driver-files",
      "kube-proxy-driver-kube-system-role-binding",
      "kube-proxy-driver-nodes-role-binding",
      "kube-proxy-driver-role-binding",
      lastAppCollector,
    ].sort());
    assert.deepEqual(stack.one(CMD, "cluster-facts").dependsOn, ["kube-proxy-collect"]);
  });

  it("resolves results.kubeProxy from the driver's output line and reports it", () => {
    const results = stack.outputs["results"] as Results;
    assert.deepEqual(results.kubeProxy, LOCAL_KUBE_PROXY_OUTPUT.result);
    const kp = results.kubeProxy!;
    assert.equal(kp.services, 300);
    assert.equal(kp.targetEndpoints, 300 * 30);
    assert.deepEqual(kp.nodes.map((n) => [n.node, n.group, n.kernelVersion, n.incomplete]), [
      ["k8s-bench-worker", "apps", "6.12.46", false],
      ["k8s-bench-worker2", "system", "6.12.46", false],
    ]);
    assert.ok(kp.nodes.every((n) => n.syncCount > 0 && n.finalSync !== undefined));
    assert.equal(kp.comparison, undefined, "one kernel on kind: nothing to compare");
    assert.match(stack.outputs["report"] as string, /## kube-proxy \(nftables v1\.34\.11; 300 Services, 9,000 endpoints\)/);
  });
});
