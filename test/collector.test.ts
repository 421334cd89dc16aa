import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { imageTag, kubeProxyModeFromConfig, nodeFacts } from "../components/cluster-facts";
import * as fs from "node:fs";
import * as path from "node:path";
import { scenarioResultFromCollected } from "../components/benchmark-run";
import { FAILURE_LOG_LINES, JobApi, JobFailedError, JobView, parseCpuStatLine, PodView, summarizeSamples, waitForJob } from "../components/collector";

/** A scripted Job API: each poll returns the next Job state. */
function fakeApi(states: Partial<JobView>[], pods: PodView[], log = "line 1\nline 2\n"): JobApi & { logCalls: (number | undefined)[] } {
  let i = 0;
  const logCalls: (number | undefined)[] = [];
  return {
    logCalls,
    async getJob(_ns, name) {
      const s = states[Math.min(i++, states.length - 1)] ?? {};
      return { name, conditions: [], failed: 0, succeeded: 0, ...s };
    },
    async listJobPods() {
      return pods;
    },
    async readLog(_ns, _pod, tail) {
      logCalls.push(tail);
      return log;
    },
  };
}

const clock = () => {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
};
const running: PodView = { name: "go-load-x", phase: "Running", nodeName: "worker2", containerReasons: [], exitCodes: [] };

describe("waitForJob", () => {
  it("returns the whole log of the succeeded pod once the Job is Complete", async () => {
    const api = fakeApi(
      [{}, {}, { conditions: [{ type: "Complete", status: "True" }], startTime: "2026-11-23T10:00:00Z", completionTime: "2026-11-23T10:01:00Z" }],
      [{ ...running, phase: "Succeeded" }],
      '{"format":"x"}\n',
    );
    const c = clock();
    const got = await waitForJob(api, { namespace: "k8s-bench", job: "go-load", timeoutSeconds: 600, ...c });
    assert.deepEqual(got, { job: "go-load", pod: "go-load-x", node: "worker2", startedAt: "2026-11-23T10:00:00Z", completedAt: "2026-11-23T10:01:00Z", log: '{"format":"x"}\n' });
    assert.deepEqual(api.logCalls, [undefined], "the full log, not a tail");
    assert.equal(c.now(), 10_000, "polled twice at the default 5 s");
  });

  it("also accepts the SuccessCriteriaMet condition of newer Job controllers", async () => {
    const api = fakeApi([{ conditions: [{ type: "SuccessCriteriaMet", status: "True" }] }], [{ ...running, phase: "Succeeded" }]);
    assert.equal((await waitForJob(api, { namespace: "n", job: "j", timeoutSeconds: 10, ...clock() })).pod, "go-load-x");
  });

  it("throws with the pod's state and last log lines when the Job failed", async () => {
    const api = fakeApi(
      [{ conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }] }],
      [{ ...running, phase: "Failed", containerReasons: ["Error"], exitCodes: [107] }],
      "level=error msg=\"script exception\"\n",
    );
    await assert.rejects(waitForJob(api, { namespace: "k8s-bench", job: "go-load", timeoutSeconds: 600, ...clock() }), (err: Error) => {
      assert.ok(err instanceof JobFailedError);
      assert.equal(
        err.message,
        [
          "job k8s-bench/go-load failed (BackoffLimitExceeded: Job has reached the specified backoff limit)",
          "pod k8s-bench/go-load-x on node worker2: phase Failed; reasons Error; exit codes 107",
          `last ${FAILURE_LOG_LINES} log lines:`,
          'level=error msg="script exception"',
        ].join("\n"),
      );
      return true;
    });
    assert.deepEqual(api.logCalls, [FAILURE_LOG_LINES]);
  });

  it("throws when the Job does not finish within the timeout", async () => {
    const api = fakeApi([{}], [running]);
    await assert.rejects(waitForJob(api, { namespace: "n", job: "j", timeoutSeconds: 30, ...clock() }), /^JobFailedError: job n\/j did not finish within 30 s\npod n\/go-load-x on node worker2: phase Running/);
  });

  it("fails early when the image cannot be pulled, instead of waiting for the deadline", async () => {
    const api = fakeApi([{}], [{ ...running, phase: "Pending", containerReasons: ["ImagePullBackOff"] }]);
    const c = clock();
    await assert.rejects(waitForJob(api, { namespace: "n", job: "j", timeoutSeconds: 3600, stuckSeconds: 60, ...c }), /job n\/j is stuck: ImagePullBackOff for 60 s/);
    assert.ok(c.now() < 120_000);
  });

  it("says so when no pod was ever created", async () => {
    const api = fakeApi([{ conditions: [{ type: "Failed", status: "True", reason: "DeadlineExceeded" }] }], []);
    await assert.rejects(waitForJob(api, { namespace: "n", job: "j", timeoutSeconds: 10, ...clock() }), /failed \(DeadlineExceeded\)\nno pod was created for job n\/j$/);
  });
});

describe("parseCpuStatLine", () => {
  it("reads the wrapper's cgroup v2 cpu.stat line", () => {
    const log = "noise\nK8S_BENCH_CPU_STAT usage_usec=4200000 user_usec=3000000 system_usec=1200000 nr_periods=600 nr_throttled=12 throttled_usec=350000 \n";
    assert.deepEqual(parseCpuStatLine(log), { usageSeconds: 4.2, throttledSeconds: 0.35, throttledPeriods: 12 });
  });
  it("is undefined without the line (cgroup v1 nodes)", () => assert.equal(parseCpuStatLine("{}\n"), undefined));
  it("is undefined when usage is missing", () => assert.equal(parseCpuStatLine("K8S_BENCH_CPU_STAT nr_throttled=1\n"), undefined));
});

describe("cluster facts", () => {
  it("maps a Node to its facts, group from the k8s-bench label", () => {
    assert.deepEqual(
      nodeFacts({
        metadata: { name: "ip-10-0-1-5", labels: { "k8s-bench.io/group": "kernel-6-1", "node.kubernetes.io/instance-type": "m5.4xlarge" } },
        status: { nodeInfo: { kernelVersion: "6.1.144", osImage: "Bottlerocket OS 1.44.0 (aws-k8s-1.32)", kubeletVersion: "v1.32.6-eks-1", containerRuntimeVersion: "containerd://2.0.5", architecture: "amd64" } },
      }),
      { name: "ip-10-0-1-5", group: "kernel-6-1", kernelVersion: "6.1.144", osImage: "Bottlerocket OS 1.44.0 (aws-k8s-1.32)", kubeletVersion: "v1.32.6-eks-1", containerRuntimeVersion: "containerd://2.0.5", instanceType: "m5.4xlarge", architecture: "amd64" },
    );
  });
  it("names the kind control plane and unlabeled nodes", () => {
    assert.equal(nodeFacts({ metadata: { name: "cp", labels: { "node-role.kubernetes.io/control-plane": "" } } }).group, "control-plane");
    assert.equal(nodeFacts({ metadata: { name: "n" } }).group, "unlabeled");
  });
  it("reads kube-proxy's mode from its configuration", () => {
    assert.equal(kubeProxyModeFromConfig("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n"), "nftables");
    assert.equal(kubeProxyModeFromConfig('mode: ""\n'), "iptables");
    assert.equal(kubeProxyModeFromConfig(undefined), "unknown");
  });
  it("reads an image tag, with or without registry port and digest", () => {
    assert.equal(imageTag("registry.k8s.io/kube-proxy:v1.34.11"), "v1.34.11");
    assert.equal(imageTag("602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.32.6-eksbuild.12"), "v1.32.6-eksbuild.12");
    assert.equal(imageTag("localhost:5000/kube-proxy@sha256:abc"), "latest");
    assert.equal(imageTag(undefined), "unknown");
  });
});

describe("app observations while a benchmark runs", () => {
  it("folds samples into max replicas, idle (first) and peak pod memory", () => {
    assert.deepEqual(
      summarizeSamples([{}, { replicas: 2 }, { replicas: 2, podMemoryMiB: [3.21, 3.4] }, { replicas: 5, podMemoryMiB: [9.96, 4, 4.2] }, { replicas: 3 }]),
      { samples: 5, maxReplicas: 5, idlePodMemoryMiB: 3.3, peakPodMemoryMiB: 10 },
    );
    assert.deepEqual(summarizeSamples([]), { samples: 0 });
  });

  it("samples the app at every poll and returns the observations with the log", async () => {
    const api = fakeApi([{}, {}, { conditions: [{ type: "Complete", status: "True" }] }], [{ ...running, phase: "Succeeded" }]);
    let calls = 0;
    api.sampleApp = async () => ({ replicas: ++calls, podMemoryMiB: [10 * calls] });
    const got = await waitForJob(api, { namespace: "n", job: "j", timeoutSeconds: 60, ...clock() });
    assert.deepEqual(got.app, { samples: 3, maxReplicas: 3, idlePodMemoryMiB: 10, peakPodMemoryMiB: 30 });
  });

  it("never fails a benchmark because the metrics API did", async () => {
    const api = fakeApi([{ conditions: [{ type: "Complete", status: "True" }] }], [{ ...running, phase: "Succeeded" }]);
    api.sampleApp = async () => {
      throw new Error("the server is currently unable to handle the request (get pods.metrics.k8s.io)");
    };
    const got = await waitForJob(api, { namespace: "n", job: "j", timeoutSeconds: 60, ...clock() });
    assert.deepEqual(got.app, { samples: 1 });
  });

  it("carries observations into the scenario result", () => {
    const log = fs.readFileSync(path.join(__dirname, "fixtures", "k6", "load.stdout.txt"), "utf8");
    const result = scenarioResultFromCollected("load", { job: "j", pod: "p", log, app: { samples: 9, maxReplicas: 4, idlePodMemoryMiB: 3.2, peakPodMemoryMiB: 6.5 } }, 2000);
    assert.equal(result.hpaMaxReplicas, 4);
    assert.deepEqual(result.podMemoryMiB, { idle: 3.2, peak: 6.5 });
    const without = scenarioResultFromCollected("load", { job: "j", pod: "p", log }, 2000);
    assert.equal(without.hpaMaxReplicas, undefined);
    assert.equal(without.podMemoryMiB, undefined);
  });
});
