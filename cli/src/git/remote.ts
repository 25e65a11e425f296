import { createApiClient, isApiError } from '#shared/api/http-client.ts';
import { apiRoutes } from '#shared/api/routes/index.ts';
import type { WorkflowRole } from '#shared/api/common.ts';
import { GitFolderError, messageOf, type FailureKind } from './errors.ts';
import type { Server } from './peer.ts';

/**
 * The REST calls pull and push make, through the typed API client: list what
 * the token can read, create a workflow from a definition, publish, delete.
 * Documents themselves are read and written as a peer (peer.ts).
 */

export interface RemoteWorkflow {
  id: string;
  name: string;
  role: WorkflowRole;
}

export interface Remote {
  listWorkflows(): Promise<RemoteWorkflow[]>;
  importWorkflow(definition: unknown): Promise<{ id: string; warnings: string[] }>;
  publish(id: string): Promise<void>;
  deleteWorkflow(id: string): Promise<void>;
}

const kindOfStatus = (status: number, code: string): FailureKind => {
  if (code === 'network_error') return 'unreachable';
  if (status === 401 || status === 403) return 'authRefused';
  if (status === 404) return 'notFound';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 413 || status === 422) return 'usage';
  return 'failed';
};

const asFolderError = (what: string, error: unknown): GitFolderError => {
  if (!isApiError(error)) return new GitFolderError(`${what}: ${messageOf(error)}`);
  const problems = error.issues.filter((i) => i.severity === 'error').map((i) => i.message);
  return new GitFolderError(`${what}: ${error.message}`, { kind: kindOfStatus(error.status, error.code), problems });
};

export const createRemote = (server: Server): Remote => {
  const api = createApiClient({ baseUrl: server.url, token: server.token });
  const options = () => ({ signal: AbortSignal.timeout(server.timeoutMs) });
  const attempt = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw asFolderError(what, error);
    }
  };
  return {
    listWorkflows: async () => {
      const { workflows } = await attempt('listing the workflows', () =>
        api.call(apiRoutes.listWorkflows, {}, options()),
      );
      return workflows.map((w) => ({ id: w.id, name: w.name, role: w.role }));
    },
    importWorkflow: async (definition) => {
      const created = await attempt('creating the workflow', () =>
        api.call(apiRoutes.importWorkflow, { body: definition }, options()),
      );
      return { id: created.id, warnings: created.warnings.map((w) => w.message) };
    },
    publish: async (id) => {
      await attempt('publishing', () => api.call(apiRoutes.publishWorkflow, { params: { id } }, options()));
    },
    deleteWorkflow: async (id) => {
      await attempt(`deleting workflow ${id}`, () => api.call(apiRoutes.deleteWorkflow, { params: { id } }, options()));
    },
  };
};
