// The one way Weir talks to a Kubernetes API server: server-side apply as field manager "weir"
// (force, strict field validation, so a field the CRD does not know is an error, not silently
// dropped), reads, label-selected lists and deletes. Errors are typed: the server refusing a
// manifest (its own schema message) is a KubernetesRejectedError, everything else a
// KubernetesApiError; a missing object reads as null.
import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  ServerConfiguration,
  createConfiguration,
  type KubernetesObject,
  type Middleware,
} from "@kubernetes/client-node";
import { env } from "@weir/env";

export const FIELD_MANAGER = "weir";

/** The API server could not be reached or answered with an error other than a refusal. */
export class KubernetesApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    opts: { cause?: unknown } = {},
  ) {
    super(message, opts);
  }
}

/** The API server refused a manifest (schema validation, an unknown field, a CEL rule). */
export class KubernetesRejectedError extends KubernetesApiError {}

/** The driver's kubeconfig: WEIR_KUBECONFIG, else the pod's service account (in-cluster). */
export function kubeConfigFromEnv(): KubeConfig {
  const kc = new KubeConfig();
  const file = env().WEIR_KUBECONFIG;
  if (file) kc.loadFromFile(file);
  else kc.loadFromCluster();
  return kc;
}

const strictValidation: Middleware = {
  pre: async (ctx) => {
    if (ctx.getHttpMethod() === "PATCH") ctx.setQueryParam("fieldValidation", "Strict");
    return ctx;
  },
  post: async (rsp) => rsp,
};

type Ref = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

function describe(o: Ref): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
}

/** The server's own message out of an ApiException's body (a Status object as JSON). */
function serverMessage(err: ApiException<unknown>): string {
  let body: unknown = err.body;
  if (typeof err.body === "string") {
    const text = err.body;
    try {
      body = JSON.parse(text);
    } catch {
      return text;
    }
  }
  return (body as { message?: string } | null)?.message ?? err.message;
}

function wrap(err: unknown, what: string): never {
  if (err instanceof ApiException) {
    const msg = serverMessage(err);
    // 422 Invalid; 400 BadRequest (strict decoding: unknown or duplicate field); a type error under
    // server-side apply comes back as 500 with "failed to create typed patch object".
    const refused = err.code === 422 || err.code === 400 || (err.code === 500 && /typed patch|\.spec\./.test(msg));
    const E = refused ? KubernetesRejectedError : KubernetesApiError;
    throw new E(`Kubernetes ${refused ? "refused" : "failed on"} ${what}: ${msg}`, err.code, { cause: err });
  }
  throw new KubernetesApiError(
    `Kubernetes API unreachable for ${what}: ${err instanceof Error ? err.message : String(err)}`,
    null,
    { cause: err },
  );
}

export class KubernetesClient {
  readonly api: KubernetesObjectApi;

  constructor(kc: KubeConfig) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KubernetesApiError("The kubeconfig has no current cluster.", null);
    // Every call names its namespace: no default namespace from the kubeconfig.
    this.api = new KubernetesObjectApi(
      createConfiguration({
        baseServer: new ServerConfiguration(cluster.server, {}),
        authMethods: { default: kc },
        promiseMiddleware: [strictValidation],
      }),
    );
  }

  /** Server-side apply: creates or updates the fields Weir owns; no-op when nothing changed. */
  async apply<T extends KubernetesObject>(obj: T & Ref): Promise<T> {
    try {
      return await this.api.patch(obj, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
    } catch (err) {
      wrap(err, describe(obj));
    }
  }

  async read<T extends KubernetesObject>(ref: Ref): Promise<T | null> {
    try {
      return await this.api.read<T>(ref as T & Ref);
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return null;
      wrap(err, describe(ref));
    }
  }

  async list<T extends KubernetesObject>(
    apiVersion: string,
    kind: string,
    namespace: string,
    labelSelector: string,
  ): Promise<T[]> {
    try {
      const res = await this.api.list<T>(
        apiVersion,
        kind,
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
      );
      return res.items;
    } catch (err) {
      wrap(err, `${kind} list in ${namespace}`);
    }
  }

  /** Deletes the object; already gone is fine. */
  async delete(ref: Ref): Promise<void> {
    try {
      await this.api.delete(ref as KubernetesObject);
    } catch (err) {
      if (err instanceof ApiException && err.code === 404) return;
      wrap(err, `deleting ${describe(ref)}`);
    }
  }
}
