/**
 * Tier 1: the kube-proxy benchmark's builders as plain values: RBAC exactly as the driver's rules
 * say, the driver Job (deadline, env the driver parses back, placement, security, volumes, the only
 * mounted token), the backend Deployment, the ConfigMap of driver files, and schema validity.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { DEDICATED_TAINT_KEY, GROUP_LABEL } from "../components/cluster";
import { KubeProxyBenchConfig } from "../components/config";
import { eksAppPlacement, eksSystemPlacement } from "../components/eks-placement";
import { KUBE_PROXY_DRIVER_DEFAULTS, KUBE_PROXY_DRIVER_ENTRY, KUBE_PROXY_DRIVER_FILES, parseDriverEnv } from "../components/kube-proxy-driver-config";
import { kindConfig, KUBE_PROXY_PATCH } from "../components/kind-config";
import { kubeProxyDriverRbac } from "../components/kube-proxy-rbac";
import {
  BACKEND_PORT,
  backendDeploymentSpec,
  backendSelector,
  DRIVER_CONTAINER,
  driverClusterRoleBindingSpec,
  driverFiles,
  driverJobDeadlineSeconds,
  driverJobSpec,
  DriverJobInput,
  driverRbacSpecs,
  driverRoleBindingSpec,
  KUBE_PROXY_BACKEND,
  KUBE_PROXY_BENCH_NAMESPACE,
  kubeProxyNamespaceSpec,
} from "../components/kube-proxy-specs";
import { VERSIONS } from "../components/versions";
import { validateObject } from "./support/k8s-schema";

const NS = KUBE_PROXY_BENCH_NAMESPACE;
const config: KubeProxyBenchConfig = { enabled: true, services: 8000, steps: [1, 5, 10, 15, 20, 25, 30], stepIntervalSeconds: 60, deadlineSeconds: 5660, groups: ["kernel-6-1", "kernel-6-12"] };
const jobInput: DriverJobInput = { namespace: NS, serviceAccount: "kp-sa", configMap: "kp-files", config, pollSeconds: 10, runId: "7", placement: eksSystemPlacement() };
const plain = (o: unknown): any => JSON.parse(JSON.stringify(o));

void describe("kube-proxy RBAC", () => {
  const specs = plain(driverRbacSpecs(NS));

  void it("grants exactly the driver's rules, scope by scope", () => {
    const rbac = kubeProxyDriverRbac({ deployment: KUBE_PROXY_BACKEND, metrics: true });
    assert.deepEqual(specs.benchNamespaceRole.rules, rbac.benchNamespace);
    assert.deepEqual(specs.kubeSystemRole.rules, rbac.kubeSystem);
    assert.deepEqual(specs.clusterRole.rules, rbac.cluster);
    assert.equal(specs.benchNamespaceRole.metadata.namespace, NS);
    assert.equal(specs.kubeSystemRole.metadata.namespace, "kube-system");
  });

  void it("spells out the verbs: Services written, slices and nodes listed, the backend scaled by name, kube-proxy read", () => {
    const flat = (rules: any[]): string[] => rules.map((r) => `${r.apiGroups.join(",")}/${r.resources.join(",")}${r.resourceNames ? `[${r.resourceNames.join(",")}]` : ""}: ${r.verbs.join(",")}`);
    assert.deepEqual(flat(specs.benchNamespaceRole.rules), [
      "/services: list,create,patch,delete",
      "discovery.k8s.io/endpointslices: list",
      "apps/deployments[kube-proxy-backend]: get",
      "apps/deployments/scale[kube-proxy-backend]: patch",
    ]);
    assert.deepEqual(flat(specs.kubeSystemRole.rules), ["/pods: list", "/pods/log: get", "/configmaps[kube-proxy-config,kube-proxy]: get", "/pods/proxy: get"]);
    assert.deepEqual(flat(specs.clusterRole.rules), ["/nodes: list"]);
    const all = [...specs.benchNamespaceRole.rules, ...specs.kubeSystemRole.rules, ...specs.clusterRole.rules];
    assert.ok(!all.some((r: any) => r.verbs.includes("*") || r.resources.includes("*") || r.apiGroups.includes("*")), "no wildcards");
  });

  void it("binds each Role and the ClusterRole to the driver's ServiceAccount only", () => {
    const sa = { name: "kp-sa", namespace: NS };
    assert.deepEqual(plain(driverRoleBindingSpec("kube-system", "kp-ks", sa)), {
      metadata: { namespace: "kube-system", labels: specs.kubeSystemRole.metadata.labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "kp-ks" },
      subjects: [{ kind: "ServiceAccount", name: "kp-sa", namespace: NS }],
    });
    const crb = plain(driverClusterRoleBindingSpec("kp-nodes", sa));
    assert.deepEqual(crb.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "kp-nodes" });
    assert.deepEqual(crb.subjects, [{ kind: "ServiceAccount", name: "kp-sa", namespace: NS }]);
  });
});

void describe("kube-proxy driver Job", () => {
  const job = plain(driverJobSpec(jobInput));
  const pod = job.spec.template.spec;
  const c = pod.containers[0];

  void it("gets the driver's deadline plus 600 s, no retries, no Pulumi await", () => {
    assert.equal(job.spec.activeDeadlineSeconds, 5660 + 600);
    assert.equal(driverJobDeadlineSeconds(501), 1101);
    assert.equal(job.spec.backoffLimit, 0);
    assert.equal(pod.restartPolicy, "Never");
    assert.equal(job.metadata.annotations["pulumi.com/skipAwait"], "true");
    assert.equal(job.spec.ttlSecondsAfterFinished, undefined, "the log is read after completion");
    assert.equal(job.spec.template.metadata.labels["k8s-bench.io/run-id"], "7");
  });

  void it("passes the scale, steps, deadline and measured groups in env the driver parses back", () => {
    const env = Object.fromEntries((c.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    assert.deepEqual(env, {
      MODE: "run",
      NAMESPACE: NS,
      DEPLOYMENT: KUBE_PROXY_BACKEND,
      SERVICES: "8000",
      STEPS: "1,5,10,15,20,25,30",
      STEP_INTERVAL_SECONDS: "60",
      DEADLINE_SECONDS: "5660",
      POLL_SECONDS: "10",
      NODE_SELECTOR_GROUPS: "kernel-6-1,kernel-6-12",
      METRICS: "true",
      CLEANUP_AFTER: "true",
    });
    const parsed = parseDriverEnv(env);
    assert.ok("config" in parsed, JSON.stringify(parsed));
    assert.deepEqual(parsed.config, {
      ...KUBE_PROXY_DRIVER_DEFAULTS,
      services: 8000,
      steps: config.steps,
      stepIntervalSeconds: 60,
      deadlineSeconds: 5660,
      pollSeconds: 10,
      nodeSelectorGroups: ["kernel-6-1", "kernel-6-12"],
    });
  });

  void it("targets a subset of kernel groups, or every node when none is listed", () => {
    const env = (groups: string[]): unknown =>
      (plain(driverJobSpec({ ...jobInput, config: { ...config, groups } })).spec.template.spec.containers[0].env as { name: string; value: string }[]).find((e) => e.name === "NODE_SELECTOR_GROUPS");
    assert.deepEqual(env(["kernel-6-12"]), { name: "NODE_SELECTOR_GROUPS", value: "kernel-6-12" });
    const none = env([]) as { name: string; value: string };
    assert.equal(none.value, "");
    const parsed = parseDriverEnv({ NODE_SELECTOR_GROUPS: none.value });
    assert.ok("config" in parsed && parsed.config.nodeSelectorGroups.length === 0);
  });

  void it("runs the mounted entry point with the pinned Node image on the system group", () => {
    assert.equal(c.name, DRIVER_CONTAINER);
    assert.equal(c.image, VERSIONS.kubeProxyDriverImage);
    assert.match(c.image, /^node:24\.\d+\.\d+-alpine3\.\d+$/);
    assert.deepEqual(c.command, ["node", "--disable-warning=ExperimentalWarning", `/driver/${KUBE_PROXY_DRIVER_ENTRY}`]);
    assert.deepEqual(pod.nodeSelector, { [GROUP_LABEL]: "system" });
    assert.equal(pod.tolerations, undefined, "never on a tainted kernel node");
  });

  void it("mounts the ServiceAccount token (the only pod that does) under the restricted profile as uid 1000", () => {
    assert.equal(pod.serviceAccountName, "kp-sa");
    assert.equal(pod.automountServiceAccountToken, true);
    assert.equal(pod.enableServiceLinks, false);
    assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } });
    assert.deepEqual(c.securityContext, {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    assert.deepEqual(c.resources.limits, { cpu: "1", memory: "1Gi" });
  });

  void it("mounts the driver's ConfigMap read-only and a small /tmp", () => {
    assert.deepEqual(pod.volumes, [{ name: "driver", configMap: { name: "kp-files" } }, { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } }]);
    assert.deepEqual(c.volumeMounts, [{ name: "driver", mountPath: "/driver", readOnly: true }, { name: "tmp", mountPath: "/tmp" }]);
  });
});

void describe("kube-proxy backend Deployment", () => {
  const dep = plain(backendDeploymentSpec({ namespace: NS, replicas: 1, placement: eksAppPlacement(["kernel-6-1", "kernel-6-12"]) }));
  const pod = dep.spec.template.spec;
  const c = pod.containers[0];

  void it("is the Deployment the driver's RBAC names, starting at one replica, selected by its labels", () => {
    assert.equal(dep.metadata.name, KUBE_PROXY_BACKEND);
    assert.equal(dep.metadata.namespace, NS);
    assert.equal(dep.spec.replicas, 1);
    assert.deepEqual(dep.spec.selector.matchLabels, backendSelector());
    for (const [k, v] of Object.entries(backendSelector())) assert.equal(dep.spec.template.metadata.labels[k], v);
  });

  void it("runs pause with service links off, no token, no probes, the Services' target port", () => {
    assert.equal(c.image, VERSIONS.kubeProxyBackendImage);
    assert.equal(pod.enableServiceLinks, false);
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(c.readinessProbe, undefined);
    assert.equal(c.livenessProbe, undefined);
    assert.deepEqual(c.ports, [{ name: "http", containerPort: BACKEND_PORT, protocol: "TCP" }]);
    assert.deepEqual(c.resources, { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "16Mi" } });
    assert.equal(pod.securityContext.runAsUser, 65535);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  });

  void it("lands on the kernel groups, tolerating their taint", () => {
    assert.deepEqual(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms, [
      { matchExpressions: [{ key: GROUP_LABEL, operator: "In", values: ["kernel-6-1", "kernel-6-12"] }] },
    ]);
    assert.deepEqual(pod.tolerations, [{ key: DEDICATED_TAINT_KEY, operator: "Exists", effect: "NoSchedule" }]);
  });
});

void describe("kube-proxy driver files", () => {
  const files = driverFiles();

  void it("holds every driver file, as on disk", () => {
    assert.deepEqual(Object.keys(files), KUBE_PROXY_DRIVER_FILES);
    assert.ok(KUBE_PROXY_DRIVER_FILES.includes(KUBE_PROXY_DRIVER_ENTRY));
    for (const file of KUBE_PROXY_DRIVER_FILES) assert.equal(files[file], fs.readFileSync(path.join(__dirname, "..", "components", file), "utf8"));
  });

  void it("is self-contained: every runtime import of a driver file is another driver file", () => {
    for (const [file, text] of Object.entries(files)) {
      for (const m of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"([^"]+)";/gms)) {
        const [, typeOnly, specifier] = m;
        if (typeOnly || specifier?.startsWith("node:")) continue;
        assert.ok(KUBE_PROXY_DRIVER_FILES.includes((specifier ?? "").replace(/^\.\//, "")), `${file} imports ${specifier}`);
      }
    }
  });
});

void describe("kind's kube-proxy as the driver needs it", () => {
  void it("logs every sync (verbosity >= 2) and serves metrics where the driver's pod-proxy scrape looks", () => {
    assert.ok(KUBE_PROXY_PATCH.logging.verbosity >= 2);
    const port = KUBE_PROXY_PATCH.metricsBindAddress.split(":")[1];
    assert.equal(KUBE_PROXY_PATCH.metricsBindAddress.split(":")[0], "0.0.0.0", "reachable from the API server, not only 127.0.0.1");
    assert.match(fs.readFileSync(path.join(__dirname, "..", "components", "kube-proxy-driver.ts"), "utf8"), new RegExp(`:${port}/proxy/metrics`));
    assert.deepEqual(kindConfig({ clusterName: "k" })["networking"], { kubeProxyMode: "nftables" });
  });
});

void describe("kube-proxy objects against the Kubernetes schema", () => {
  const sa = { name: "kp-sa", namespace: NS };
  const rbac = driverRbacSpecs(NS);
  const objects: [string, unknown][] = [
    ["kubernetes:core/v1:Namespace", kubeProxyNamespaceSpec()],
    ["kubernetes:apps/v1:Deployment", backendDeploymentSpec({ namespace: NS, replicas: 1, placement: eksAppPlacement(["kernel-6-1"]) })],
    ["kubernetes:batch/v1:Job", { ...driverJobSpec(jobInput), metadata: { name: "kp-driver", namespace: NS } }],
    ["kubernetes:rbac.authorization.k8s.io/v1:Role", rbac.benchNamespaceRole],
    ["kubernetes:rbac.authorization.k8s.io/v1:Role", rbac.kubeSystemRole],
    ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", rbac.clusterRole],
    ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", driverRoleBindingSpec(NS, "kp-role", sa)],
    ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", driverClusterRoleBindingSpec("kp-nodes", sa)],
  ];
  for (const [type, object] of objects) {
    void it(`accepts the ${type.split(":")[2]}${type.endsWith("Role") ? ` in ${(object as any).metadata.namespace ?? "the cluster"}` : ""}`, async () => {
      await validateObject(type, plain(object));
    });
  }

  void it("enforces the restricted Pod Security profile on the benchmark's namespace", () => {
    assert.deepEqual(plain(kubeProxyNamespaceSpec()).metadata, {
      name: "k8s-bench-kube-proxy",
      labels: { "app.kubernetes.io/part-of": "k8s-bench", "app.kubernetes.io/managed-by": "pulumi", "pod-security.kubernetes.io/enforce": "restricted" },
    });
  });
});
