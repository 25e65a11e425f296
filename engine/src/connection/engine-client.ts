import WebSocket from 'ws';
import type { Logger } from '#shared/log.ts';
import {
  ENGINE_HEARTBEAT_MS,
  ENGINE_MAX_BATCH,
  ENGINE_MAX_FRAME_BYTES,
  ENGINE_PATH,
  EngineCloseCodes,
  MAX_LOG_LINES,
  serverToEngineSchema,
  type EngineToServer,
  type Job,
  type RunResultMessage,
} from '#shared/protocol/engine.ts';
import type { WorkflowDefinition } from '#shared/schema/definition.ts';
import { validateDefinition } from '#shared/schema/validate.ts';
import { z } from 'zod';
import { ParameterResolver } from '#shared/expressions/resolve.ts';
import { OutboundClients } from '../net/outbound-client.ts';
import { executors } from '../nodes/registry.ts';
import { runWorkflow, type RunResult } from '../runner/run-workflow.ts';
import { NodeError, type SubworkflowAnswer, type SubworkflowCaller } from '../runner/types.ts';
import { randomUUID } from 'node:crypto';
import { childAnswer } from '../nodes/child-output.ts';
import { RunCanceled } from '../runner/sleep.ts';
import { Sandbox } from '#shared/sandbox/sandbox.ts';
import { createSandbox } from '../sandbox/node-host.ts';

/**
 * An engine's connection to its server: takes jobs up to its concurrency,
 * runs them, streams every node event, reports each end, heartbeats, and
 * reconnects when the connection drops. Stateless: everything a job needs
 * comes with it, everything it produces goes back.
 */

/** Versions whose parsed definitions an engine keeps (each holds its graph and expression plans). */
const MAX_CACHED_VERSIONS = 256;

/** A zod error for a run's error message: readable, and short however much was wrong. */
const issues = (error: z.ZodError): string => {
  const text = z.prettifyError(error);
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
};

const megabytes = (bytes: number): string => `${Math.round((bytes / 1048576) * 10) / 10} MB`;

/** Bytes a message takes on the wire, or an upper bound for short ones (counting them exactly costs more than it saves). */
const wireBytes = (text: string): number => (text.length < 1 << 20 ? text.length * 3 : Buffer.byteLength(text));

/**
 * The `finished` message as JSON text, within ENGINE_MAX_FRAME_BYTES: a
 * result too large to send fails its execution with that reason (its node
 * runs kept without their items), where sending it would get the whole
 * connection closed and every run on it lost.
 */
export const encodeFinished = (executionId: string, result: RunResult): string => {
  const runs = result.runs.map((r) => ({
    nodeId: r.nodeId,
    name: r.name,
    runIndex: r.runIndex,
    status: r.status,
    // Node items go as JSON text, which the server stores unread.
    input: r.inputJson ?? JSON.stringify(r.input),
    output: r.outputJson ?? JSON.stringify(r.output),
    attempts: r.attempts,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.origin !== undefined && r.origin !== 'ran' ? { origin: r.origin } : {}),
    ...(r.paired !== undefined ? { paired: r.paired } : {}),
  }));
  const { runs: _items, ...rest } = result;
  let bytes = Number.POSITIVE_INFINITY;
  try {
    const text = JSON.stringify({ type: 'finished', executionId, result: { ...rest, runs } });
    bytes = Buffer.byteLength(text);
    if (bytes <= ENGINE_MAX_FRAME_BYTES) return text;
  } catch {
    // Longer than a string can be: too large all the same.
  }
  const size = Number.isFinite(bytes) ? megabytes(bytes) : 'more than 512 MB';
  const error = `Output too large: the execution's result is ${size}, more than the ${megabytes(ENGINE_MAX_FRAME_BYTES)} one message to the server may carry; its node runs are kept without their items (make the workflow handle fewer or smaller items, or raise less data per run)`;
  const logs = [...result.logs.slice(0, MAX_LOG_LINES), { at: Date.now(), level: 'error' as const, message: error }];
  const outline: RunResultMessage = {
    status: 'failed',
    error,
    ...(result.failedNode !== undefined ? { failedNode: result.failedNode } : {}),
    ...(result.customData !== undefined ? { customData: result.customData } : {}),
    runs: runs.map((r) => ({ ...r, input: '{}', output: '{}' })),
    lastOutput: [],
    logs,
  };
  const text = JSON.stringify({ type: 'finished', executionId, result: outline });
  if (Buffer.byteLength(text) <= ENGINE_MAX_FRAME_BYTES) return text;
  return JSON.stringify({ type: 'finished', executionId, result: { ...outline, runs: [] } });
};

export interface EngineClientOptions {
  /** http(s)://host:port of the server. */
  server: string;
  token: string;
  engineId: string;
  concurrency: number;
  logger: Logger;
  /** The folder Read/Write Files is confined to (absolute); without one that node fails. */
  filesDir?: string;
  /**
   * The server refused the token (close 4401): retrying cannot help, so the
   * process should end and say so; a supervisor then shows the failure.
   */
  onRefused?: () => void;
}

/** A sub-workflow request waiting for the server's answer, then (with wait) for the child's end. */
interface PendingSubrun {
  wait: boolean;
  /** The caller's signal: the child runs under it. */
  signal: AbortSignal;
  resolve: (answer: SubworkflowAnswer) => void;
  reject: (error: Error) => void;
  childExecutionId?: string;
}

export class EngineClient {
  private socket: WebSocket | undefined;
  private readonly running = new Map<string, AbortController>();
  /** Sub-workflow requests by request id. */
  private readonly subruns = new Map<string, PendingSubrun>();
  private sandbox: Sandbox | undefined;
  private resolver: ParameterResolver | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private stopping = false;
  private connectedOnce: (() => void) | undefined;
  /** Definitions by version hash, most recently run last. */
  private readonly definitions = new Map<string, WorkflowDefinition>();
  /** HTTP clients by the network policy jobs bring (one per server setting). */
  private readonly outbound = new OutboundClients();

  constructor(private readonly options: EngineClientOptions) {}

  /** Connects; resolves once the server has the engine's hello. */
  async start(): Promise<void> {
    this.sandbox = await createSandbox();
    this.resolver = new ParameterResolver(this.sandbox);
    await new Promise<void>((resolve) => {
      this.connectedOnce = resolve;
      this.connect();
    });
  }

  get activeJobs(): number {
    return this.running.size;
  }

  /** Graceful stop: no new jobs; running ones finish (or are canceled after `graceMs`); then the socket closes. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    const deadline = Date.now() + graceMs;
    while (this.running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const controller of this.running.values()) {
      controller.abort(new RunCanceled(`the engine stopped and could not wait longer than ${graceMs / 1000} s`));
    }
    while (this.running.size > 0) await new Promise((r) => setTimeout(r, 20));
    clearInterval(this.heartbeat);
    // The last run's result may still wait for this turn's flush: send it before the close.
    this.flush();
    this.socket?.close(1000, 'engine stopping');
    this.sandbox?.dispose();
    await this.outbound.close();
  }

  private connect(): void {
    const url = new URL(ENGINE_PATH, this.options.server.replace(/^http/, 'ws'));
    // In a header, not the URL: URLs end up in proxies' access logs.
    const socket = new WebSocket(url, {
      maxPayload: ENGINE_MAX_FRAME_BYTES,
      headers: { authorization: `Bearer ${this.options.token}` },
    });
    this.socket = socket;
    socket.on('open', () => {
      this.send({ type: 'hello', engineId: this.options.engineId, concurrency: this.options.concurrency });
      this.heartbeat = setInterval(() => this.send({ type: 'heartbeat' }), ENGINE_HEARTBEAT_MS);
      this.options.logger.info({ server: this.options.server }, 'engine connected');
      this.connectedOnce?.();
      this.connectedOnce = undefined;
    });
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return;
      }
      const message = serverToEngineSchema.safeParse(parsed);
      if (!message.success) {
        this.options.logger.warn({ issues: message.error.issues.length }, 'unreadable message from the server');
        this.refuseJob(parsed, message.error);
        return;
      }
      const m = message.data;
      if (m.type === 'run') void this.run(m.job);
      else if (m.type === 'cancel') this.running.get(m.executionId)?.abort(new RunCanceled('someone stopped the run'));
      else this.subrunAnswered(m);
    });
    socket.on('close', (code, reason) => {
      clearInterval(this.heartbeat);
      // Runs of a lost connection are failed by the server; stop them here too.
      for (const controller of this.running.values()) {
        controller.abort(new RunCanceled('the engine lost its connection to the server'));
      }
      for (const [id, pending] of this.subruns) {
        this.subruns.delete(id);
        pending.reject(new NodeError('The engine lost its connection to the server while it started the sub-workflow'));
      }
      if (this.stopping) return;
      if (code === EngineCloseCodes.unauthorized) {
        this.options.logger.error({ server: this.options.server }, 'the server refused this engine’s token');
        this.stopping = true;
        this.options.onRefused?.();
        return;
      }
      this.options.logger.warn({ code, reason: reason.toString() }, 'engine disconnected; reconnecting');
      this.reconnectTimer = setTimeout(() => this.connect(), 1_000);
    });
    socket.on('error', (error) => this.options.logger.warn({ err: error.message }, 'engine socket error'));
  }

  /**
   * A run job the engine cannot read (a server of another release, say) is
   * answered as a failed run: dropped silently, it would stay "running" on
   * the server until its deadline.
   */
  private refuseJob(parsed: unknown, error: z.ZodError): void {
    const job = (parsed as { type?: unknown; job?: { executionId?: unknown } } | null)?.job;
    if ((parsed as { type?: unknown } | null)?.type !== 'run' || typeof job?.executionId !== 'string') return;
    this.send({
      type: 'finished',
      executionId: job.executionId,
      result: {
        status: 'failed',
        error: `The engine could not read the job (is it of another release than the server?): ${issues(error)}`,
        runs: [],
        lastOutput: [],
      },
    });
  }

  /** Messages of this turn, each as JSON text. */
  private outbox: string[] = [];

  /**
   * Messages of one turn of the event loop go out together (a JSON list per
   * frame): a run's node events come in bursts, and a frame each cost more
   * than the events. Nothing waits longer than the current turn.
   */
  private send(message: EngineToServer): void {
    this.sendText(JSON.stringify(message));
  }

  private sendText(text: string): void {
    if (this.outbox.push(text) === 1) setImmediate(this.flush);
  }

  /** Frames of at most ENGINE_MAX_BATCH messages and ENGINE_MAX_FRAME_BYTES, which the server accepts. */
  private readonly flush = (): void => {
    const batch = this.outbox;
    this.outbox = [];
    const socket = this.socket;
    if (socket?.readyState !== WebSocket.OPEN) return;
    let frame: string[] = [];
    let size = 2;
    const sendFrame = () => {
      if (frame.length === 0) return;
      socket.send(`[${frame.join(',')}]`, (error) => {
        if (error) this.options.logger.warn({ err: error.message }, 'engine could not send');
      });
      frame = [];
      size = 2;
    };
    for (const text of batch) {
      const bytes = wireBytes(text);
      if (bytes + 2 > ENGINE_MAX_FRAME_BYTES && Buffer.byteLength(text) + 2 > ENGINE_MAX_FRAME_BYTES) {
        // Only a result can be this large, and encodeFinished keeps results below it: never reached.
        this.options.logger.error({ bytes }, 'a message too large for the engine channel was dropped');
        continue;
      }
      if (frame.length >= ENGINE_MAX_BATCH || size + bytes + 1 > ENGINE_MAX_FRAME_BYTES) sendFrame();
      frame.push(text);
      size += bytes + 1;
    }
    sendFrame();
  };

  /**
   * The job's definition, the same object for every run of a version: the
   * runner's graph and the parameter plans are cached on it, so a webhook
   * that runs the same version again skips building them. A version is
   * validated the first time it arrives: the runner relies on the shape
   * (defaults filled in, ids and handles well-formed), and a server of another
   * release or a corrupt row must fail the run, not the engine.
   */
  private definitionOf(job: Job): WorkflowDefinition {
    let definition = this.definitions.get(job.versionHash);
    if (definition) this.definitions.delete(job.versionHash);
    else {
      // The same check the server made when it saved the version.
      const checked = validateDefinition(job.definition);
      if (!checked.ok) {
        const problems = checked.issues
          .filter((issue) => issue.severity !== 'warning')
          .slice(0, 10)
          .map((issue) => `${issue.path.join('.') || 'definition'}: ${issue.message}`);
        throw new Error(`version ${job.versionHash} is not a workflow this engine can run: ${problems.join('; ')}`);
      }
      definition = checked.definition;
    }
    this.definitions.set(job.versionHash, definition);
    if (this.definitions.size > MAX_CACHED_VERSIONS) {
      const oldest = this.definitions.keys().next().value;
      if (oldest !== undefined) this.definitions.delete(oldest);
    }
    return definition;
  }

  /** Execute Workflow's way to the server: one `subrun` request, answered by subrunStarted or subrunRefused. */
  private subworkflowOf(job: Job): SubworkflowCaller {
    return (nodeId, request, signal) =>
      new Promise<SubworkflowAnswer>((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason instanceof Error ? signal.reason : new RunCanceled('canceled'));
          return;
        }
        const requestId = randomUUID();
        const onAbort = () => {
          // The child (if it runs) follows the same signal; the request is forgotten.
          this.subruns.delete(requestId);
          reject(signal.reason instanceof Error ? signal.reason : new RunCanceled('canceled'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        const done =
          <T>(fn: (value: T) => void) =>
          (value: T) => {
            signal.removeEventListener('abort', onAbort);
            this.subruns.delete(requestId);
            fn(value);
          };
        this.subruns.set(requestId, { wait: request.wait, signal, resolve: done(resolve), reject: done(reject) });
        this.send({
          type: 'subrun',
          executionId: job.executionId,
          requestId,
          nodeId,
          workflowId: request.workflowId,
          version: request.version,
          ...(request.versionName !== undefined ? { versionName: request.versionName } : {}),
          items: JSON.stringify(request.items),
          wait: request.wait,
        });
      });
  }

  private subrunAnswered(
    m:
      | { type: 'subrunStarted'; requestId: string; childExecutionId: string }
      | { type: 'subrunRefused'; requestId: string; message: string },
  ): void {
    const pending = this.subruns.get(m.requestId);
    if (!pending) return;
    if (m.type === 'subrunRefused') pending.reject(new NodeError(m.message));
    else if (!pending.wait) pending.resolve({ executionId: m.childExecutionId });
    // With wait, the child's inline job comes next and its end resolves the request.
    else pending.childExecutionId = m.childExecutionId;
  }

  private async run(job: Job): Promise<void> {
    if (!this.sandbox || !this.resolver) return;
    const controller = new AbortController();
    const caller = job.inline ? this.subruns.get(job.inline.requestId) : undefined;
    if (job.inline && !caller) {
      // Its caller is gone (canceled, failed) before the child came: it ends at once, not run.
      this.send({
        type: 'finished',
        executionId: job.executionId,
        result: { status: 'canceled', error: 'The calling run ended first', runs: [], lastOutput: [] },
      });
      return;
    }
    this.running.set(job.executionId, controller);
    // A child cannot outlive its caller: the caller's cancel and time limit stop it too.
    const signal = caller ? AbortSignal.any([controller.signal, caller.signal]) : controller.signal;
    try {
      const result = await runWorkflow({
        definition: this.definitionOf(job),
        executors,
        sandbox: this.sandbox,
        resolver: this.resolver,
        meta: { workflow: job.workflow, execution: { id: job.executionId, mode: job.mode } },
        ...(job.startNodeId ? { startNodeId: job.startNodeId } : {}),
        ...(job.triggerItems ? { triggerItems: job.triggerItems } : {}),
        ...(job.pins ? { pins: job.pins } : {}),
        ...(job.partial ? { partial: job.partial } : {}),
        signal,
        subworkflow: this.subworkflowOf(job),
        ...(job.limits ? { limits: job.limits } : {}),
        ...(job.timezone ? { defaultTimezone: job.timezone } : {}),
        ...(job.defaultTimeoutSeconds === undefined ? {} : { defaultTimeoutSeconds: job.defaultTimeoutSeconds }),
        outbound: this.outbound.for(job.network),
        ...(this.options.filesDir !== undefined ? { filesDir: this.options.filesDir } : {}),
        encodeItems: true,
        credential: (id) => {
          const secret = job.credentials?.[id];
          return secret
            ? Promise.resolve(secret)
            : Promise.reject(new Error(`credential ${id} is not available to this run`));
        },
        // Every node starts queued; the server knows that without being told once per node.
        onEvent: (event) => {
          if (event.status !== 'queued') this.send({ type: 'event', executionId: job.executionId, event });
        },
      });
      this.sendText(encodeFinished(job.executionId, result));
      if (caller) {
        if (result.status === 'succeeded') {
          caller.resolve(childAnswer(job.executionId, this.definitionOf(job), result.runs));
        } else {
          const why = result.status === 'canceled' ? 'was canceled' : `failed: ${result.error ?? 'failed'}`;
          caller.reject(new NodeError(`The sub-workflow ${why}`, `Execution ${job.executionId}`));
        }
      }
    } catch (e) {
      this.options.logger.error(
        { err: e instanceof Error ? e.message : String(e), executionId: job.executionId },
        'run crashed',
      );
      this.send({
        type: 'finished',
        executionId: job.executionId,
        result: {
          status: 'failed',
          error: `The engine failed: ${e instanceof Error ? e.message : String(e)}`,
          runs: [],
          lastOutput: [],
        },
      });
      caller?.reject(new NodeError(`The sub-workflow failed: ${e instanceof Error ? e.message : String(e)}`));
    } finally {
      this.running.delete(job.executionId);
    }
  }
}
