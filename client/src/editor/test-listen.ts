import type { Awareness } from 'y-protocols/awareness';
import { z } from 'zod';
import { testWebhookListenSchema, type TestWebhookListenDto } from '#shared/api/access.ts';
import { serverEntry } from '../runs/server-entry.ts';

/**
 * "Listen for test event": while someone listens, `/webhook-test/<path>`
 * runs this workflow's current document, until the server's deadline.
 *
 * The server announces who listens in the room (its awareness entry's
 * `testWebhook`, shared/src/protocol/live.ts), so everyone in
 * the workflow sees the same state, and it ends it at the deadline. The
 * answer to this person's own Listen bridges the moment before that
 * announcement arrives. A deadline passed on this device's clock counts as
 * ended even if the announcement is late.
 */

export type TestListenState = TestWebhookListenDto;

/**
 * The room's `testWebhook` (shared/src/protocol/live.ts) and the Listen
 * answer share this shape. The card takes no more than it can show: a
 * server never names an empty path, and a hundred are past any real workflow.
 */
const listenState = testWebhookListenSchema.extend({
  paths: z.array(z.string().min(1).max(2048)).max(100),
});

export const readTestListen = (raw: unknown): TestListenState | null => {
  const parsed = listenState.safeParse(raw);
  return parsed.success ? parsed.data : null;
};

/** `/webhook-test/<path>` on this origin, each segment encoded as the browser would send it. */
export const testWebhookUrl = (origin: string, path: string): string =>
  `${origin}/webhook-test/${path.split('/').map(encodeURIComponent).join('/')}`;

/** setTimeout fires at once past this (a 32-bit delay). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export type ListenRequest = (method: 'POST' | 'DELETE', path: string) => Promise<TestWebhookListenDto | undefined>;

export class TestListen {
  /** What the server last announced in the room (null: nobody listens). */
  private announced: TestListenState | null;
  /** This person's own Listen answer, until the room's announcement replaces it. */
  private answered: TestListenState | null = null;
  private state: TestListenState | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly awareness: Awareness,
    private readonly workflowId: string,
    private readonly request: ListenRequest,
    private readonly now: () => number = Date.now,
  ) {
    this.announced = readTestListen(serverEntry(awareness)?.testWebhook);
    awareness.on('change', this.onAwareness);
    this.update();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Who listens now and until when; null when nobody does (or the deadline passed). */
  getState = (): TestListenState | null => this.state;

  /** Starts (or renews) listening; rejects with the server's error (no Webhook path, someone else's path, no access). */
  async listen(): Promise<TestListenState> {
    const answer = readTestListen(await this.request('POST', this.path()));
    if (!answer) throw new Error('The server did not say what it listens for');
    this.answered = answer;
    this.update();
    return answer;
  }

  /** Ends listening now for everyone in the workflow. */
  async stop(): Promise<void> {
    await this.request('DELETE', this.path());
    this.answered = null;
    this.announced = null;
    this.update();
  }

  destroy(): void {
    this.awareness.off('change', this.onAwareness);
    clearTimeout(this.timer);
    this.listeners.clear();
  }

  private path(): string {
    return `/api/workflows/${encodeURIComponent(this.workflowId)}/test-webhook/listen`;
  }

  private readonly onAwareness = (): void => {
    const next = readTestListen(serverEntry(this.awareness)?.testWebhook);
    if (next?.expiresAt === this.announced?.expiresAt && next?.paths.join('\n') === this.announced?.paths.join('\n')) {
      return;
    }
    // The room has spoken since: it is newer than any answer of ours (someone may have stopped it).
    this.announced = next;
    this.answered = null;
    this.update();
  };

  private update(): void {
    clearTimeout(this.timer);
    const candidate = this.answered ?? this.announced;
    const left = candidate ? candidate.expiresAt - this.now() : 0;
    const next = candidate && left > 0 ? candidate : null;
    // Wake at the deadline so the state ends even if the room's announcement is late.
    if (next) this.timer = setTimeout(() => this.update(), Math.min(left, MAX_TIMER_MS));
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}
