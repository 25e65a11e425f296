import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { SyncServerConfig } from '../../src/server.ts';
import { startEngine, stopEngine, waitUntil } from './engine-process.ts';
import { restClient, type Caller } from './rest.ts';
import { startTestServer, type TestServer } from './test-server.ts';

/**
 * What the end-to-end tests of nodes and runs share: a test server with a
 * real engine process joined to it, workflows imported over REST, runs
 * started and awaited to their end.
 */

export type Rest = ReturnType<typeof restClient>;

export interface ServerWithEngine {
  readonly t: TestServer;
  /** The first engine (a test may kill it). */
  readonly engine: ChildProcess | undefined;
  readonly rest: Rest;
  /** Joins one more engine, stopped with the others after the test. */
  addEngine(): Promise<ChildProcess>;
}

/**
 * Registers the hooks that start a listening test server and an engine
 * process for each test (`each`) or once for the file (`all`), and stop them
 * after. Read the fields inside tests or hooks, once they have started.
 */
export const serverWithEngine = (
  config: Partial<SyncServerConfig> = {},
  options: { per?: 'each' | 'all'; engineArgs?: string[]; engineEnv?: Record<string, string> } = {},
): ServerWithEngine => {
  let t: TestServer | undefined;
  let engines: ChildProcess[] = [];
  let rest: Rest | undefined;
  const addEngine = async () => {
    const engine = await startEngine(started(t).baseUrl, {
      ...(options.engineArgs ? { args: options.engineArgs } : {}),
      ...(options.engineEnv ? { env: options.engineEnv } : {}),
    });
    engines.push(engine);
    return engine;
  };
  const start = async () => {
    t = await startTestServer(config);
    await t.listen();
    rest = restClient(t.baseUrl);
    await addEngine();
  };
  const stop = async () => {
    await Promise.all(engines.map((engine) => stopEngine(engine)));
    engines = [];
    await t?.close();
  };
  if (options.per === 'all') {
    beforeAll(start, 60_000);
    afterAll(stop);
  } else {
    beforeEach(start, 60_000);
    afterEach(stop);
  }
  return {
    get t() {
      return started(t);
    },
    get engine() {
      return engines[0];
    },
    get rest() {
      return started(rest);
    },
    addEngine,
  };
};

const started = <T>(value: T | undefined): T => {
  if (value === undefined) throw new Error('serverWithEngine: read inside a test, after its hooks ran');
  return value;
};

/** A node in a Weft import body, placed on a row by its x. */
export const node = (id: string, name: string, type: string, parameters: Record<string, unknown> = {}, x = 0) => ({
  id,
  name,
  type,
  typeVersion: 1,
  position: { x, y: 0 },
  parameters,
});

export const edge = (source: string, target: string) => ({ source, target });

export interface WorkflowBody {
  name: string;
  nodes: unknown[];
  edges: unknown[];
  settings?: Record<string, unknown>;
}

/** Imports a workflow (`POST /api/workflows/import`) and gives its id. */
export const importWorkflow = async (rest: Rest, as: Caller, body: WorkflowBody): Promise<string> => {
  const r = await rest.call<{ id: string }>('POST', '/api/workflows/import', { body: { weft: 1, ...body }, as });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
};

/** Lets a workflow use a credential (its owner grants it). */
export const grantCredential = async (rest: Rest, as: Caller, credentialId: string, workflowId: string) => {
  const r = await rest.call('POST', `/api/credentials/${credentialId}/grants`, { body: { workflowId }, as });
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
};

export interface EndedExecution {
  id: string;
  status: string;
  error: string | null;
}

/** Waits until an execution has left `queued` and `running`, and gives its detail. */
export const executionEnd = <T extends EndedExecution = EndedExecution>(
  rest: Rest,
  as: Caller,
  executionId: string,
  timeoutMs?: number,
): Promise<T> =>
  waitUntil(
    async () => {
      const r = await rest.call<T>('GET', `/api/executions/${executionId}`, { as });
      return r.body.status === 'queued' || r.body.status === 'running' ? undefined : r.body;
    },
    `execution ${executionId} to end`,
    timeoutMs,
  );

/** Starts a manual run (`POST /api/workflows/{id}/run`, with an optional body) and waits for its end. */
export const runToEnd = async <T extends EndedExecution = EndedExecution>(
  rest: Rest,
  as: Caller,
  workflowId: string,
  body?: Record<string, unknown>,
): Promise<T> => {
  const started = await rest.call<{ id: string }>('POST', `/api/workflows/${workflowId}/run`, {
    as,
    ...(body ? { body } : {}),
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  return executionEnd<T>(rest, as, started.body.id);
};
