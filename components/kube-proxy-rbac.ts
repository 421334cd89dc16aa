/**
 * The exact RBAC rules of the kube-proxy benchmark driver, as plain PolicyRule objects (assignable
 * to `k8s.types.input.rbac.v1.PolicyRule`), and the request → (verb, resource) mapping the API
 * server applies, so tests can prove the driver never asks for anything outside these rules.
 *
 * Three scopes: a Role in the benchmark namespace, a Role in kube-system (read kube-proxy pods,
 * logs, config), and a ClusterRole (list Nodes). Server-side apply of a new object is authorized as
 * `create` as well as `patch`, so Services need both.
 *
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb
 * @see https://kubernetes.io/docs/reference/using-api/api-concepts/#patch-and-apply
 */
import { KUBE_PROXY_CONFIGMAPS, KUBE_PROXY_NAMESPACE } from "./kube-proxy-driver-config.ts";

/** A plain RBAC rule. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** The rules of each scope. */
export interface KubeProxyDriverRbac {
  /** Role (and RoleBinding) in the benchmark namespace. */
  benchNamespace: PolicyRule[];
  /** Role (and RoleBinding) in kube-system. */
  kubeSystem: PolicyRule[];
  /** ClusterRole (and ClusterRoleBinding). */
  cluster: PolicyRule[];
}

/** Options that change the rules. */
export interface KubeProxyDriverRbacOptions {
  /** The backend Deployment (get and scale are limited to it). */
  deployment: string;
  /** Scrape kube-proxy metrics through the pod proxy (adds `get pods/proxy` in kube-system). @default true */
  metrics?: boolean;
}

/** The driver's rules. Nothing else is needed, in either mode. */
export function kubeProxyDriverRbac(options: KubeProxyDriverRbacOptions): KubeProxyDriverRbac {
  const kubeSystem: PolicyRule[] = [
    { apiGroups: [""], resources: ["pods"], verbs: ["list"] },
    { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
    { apiGroups: [""], resources: ["configmaps"], verbs: ["get"], resourceNames: [...KUBE_PROXY_CONFIGMAPS] },
  ];
  if (options.metrics ?? true) kubeSystem.push({ apiGroups: [""], resources: ["pods/proxy"], verbs: ["get"] });
  return {
    benchNamespace: [
      // list: cleanup and counting; create + patch: server-side apply; delete: cleanup.
      { apiGroups: [""], resources: ["services"], verbs: ["list", "create", "patch", "delete"] },
      { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list"] },
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get"], resourceNames: [options.deployment] },
      { apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"], resourceNames: [options.deployment] },
    ],
    kubeSystem,
    cluster: [{ apiGroups: [""], resources: ["nodes"], verbs: ["list"] }],
  };
}

/** The authorization attributes of one API request, as the API server derives them. */
export interface RequestAttributes {
  verb: string;
  apiGroup: string;
  /** "services", or "deployments/scale" with a subresource. */
  resource: string;
  namespace?: string;
  name?: string;
}

/**
 * Maps an HTTP request to its RBAC attributes (the API server's RequestInfo rules for resource
 * requests): GET on a collection is `list` (`watch` with ?watch=true), GET on an object `get`,
 * POST `create`, PUT `update`, PATCH `patch`, DELETE `delete` (`deletecollection` on a collection).
 * @throws Error for non-resource paths.
 */
export function requestAttributes(method: string, pathWithQuery: string): RequestAttributes {
  const url = new URL(pathWithQuery, "http://x");
  const parts = url.pathname.split("/").filter((p) => p !== "").map(decodeURIComponent);
  let apiGroup: string;
  let rest: string[];
  if (parts[0] === "api" && parts[1] === "v1") {
    apiGroup = "";
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 3) {
    apiGroup = parts[1] as string;
    rest = parts.slice(3);
  } else {
    throw new Error(`not a resource request: ${method} ${pathWithQuery}`);
  }
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  if (resource === undefined) throw new Error(`not a resource request: ${method} ${pathWithQuery}`);
  const m = method.toUpperCase();
  const collection = name === undefined;
  const verb =
    m === "GET" || m === "HEAD"
      ? collection ? (url.searchParams.get("watch") === "true" ? "watch" : "list") : "get"
      : m === "POST" ? "create"
      : m === "PUT" ? "update"
      : m === "PATCH" ? "patch"
      : m === "DELETE" ? (collection ? "deletecollection" : "delete")
      : m.toLowerCase();
  const attrs: RequestAttributes = { verb, apiGroup, resource: subresource ? `${resource}/${subresource}` : resource };
  if (namespace !== undefined) attrs.namespace = namespace;
  if (name !== undefined) attrs.name = name.replace(/:\d+$/, ""); // pods/<name>:10249/proxy
  return attrs;
}

/** Does any rule of `rules` allow `attrs`? */
export function rulesAllow(rules: PolicyRule[], attrs: RequestAttributes): boolean {
  return rules.some(
    (r) =>
      (r.apiGroups.includes("*") || r.apiGroups.includes(attrs.apiGroup)) &&
      (r.resources.includes("*") || r.resources.includes(attrs.resource)) &&
      (r.verbs.includes("*") || r.verbs.includes(attrs.verb)) &&
      (r.resourceNames === undefined || r.resourceNames.length === 0 || (attrs.name !== undefined && r.resourceNames.includes(attrs.name))),
  );
}

/**
 * Is a request allowed by the driver's RBAC? Namespaced requests are checked against the Role of
 * their namespace (plus the ClusterRole), cluster-scoped ones against the ClusterRole only.
 */
export function driverRbacAllows(rbac: KubeProxyDriverRbac, benchNamespace: string, attrs: RequestAttributes): boolean {
  if (rulesAllow(rbac.cluster, attrs)) return true;
  if (attrs.namespace === benchNamespace) return rulesAllow(rbac.benchNamespace, attrs);
  if (attrs.namespace === KUBE_PROXY_NAMESPACE) return rulesAllow(rbac.kubeSystem, attrs);
  return false;
}
