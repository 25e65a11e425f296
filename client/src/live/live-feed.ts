import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { z } from 'zod';
import {
  LIVE_FEED_PATH,
  liveExecutionsSchema,
  livePresenceSchema,
  type LiveExecutions,
  type PresentUser,
} from '#shared/protocol/live-feed.ts';

/**
 * The live feed in the browser (docs/plans/home-insights.md §1): one
 * EventSource per tab, opened while some page listens and shared by all of
 * them. Presence is kept here (pages read one workflow's people); run changes
 * are handed to listeners as they come. After a reconnect the server sends a
 * whole snapshot again, which replaces what was known, and listeners are told
 * to read their lists again (`resync`), since changes may have been missed.
 */

export interface ExecutionListener {
  changes(news: LiveExecutions): void;
  /** The feed (re)connected or overflowed: changes may be missing; read the list again. */
  resync(): void;
}

const NO_ONE: readonly PresentUser[] = [];
/** After the server refused (signed out, too many feeds) or the stream failed for good: try again after this. */
const RETRY_MS = [2_000, 5_000, 15_000, 30_000];
/** A page that leaves and another that arrives within this keep the same stream. */
const CLOSE_AFTER_MS = 2_000;

let source: EventSource | undefined;
let users = 0;
let closeTimer: ReturnType<typeof setTimeout> | undefined;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let failures = 0;
let presence = new Map<string, readonly PresentUser[]>();
/** Presence gathered from a snapshot until its `ready`. */
let incoming: Map<string, readonly PresentUser[]> | undefined;
const presenceListeners = new Set<() => void>();
const executionListeners = new Set<ExecutionListener>();

/** An event's data read with its schema; undefined for anything else (a newer or broken server). */
const read = <S extends z.ZodType>(schema: S, event: Event): z.output<S> | undefined => {
  try {
    const parsed = schema.safeParse(JSON.parse((event as MessageEvent<string>).data));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const notifyPresence = (): void => {
  for (const listener of presenceListeners) listener();
};

const open = (): void => {
  if (source || typeof EventSource === 'undefined') return;
  const es = new EventSource(LIVE_FEED_PATH);
  source = es;
  incoming = new Map();
  es.addEventListener('presence', (event) => {
    const news = read(livePresenceSchema, event);
    if (!news) return;
    const { workflowId, users: people } = news;
    if (incoming) {
      incoming.set(workflowId, people);
      return;
    }
    // A new map: readers compare snapshots by identity.
    presence = new Map(presence);
    if (people.length > 0) presence.set(workflowId, people);
    else presence.delete(workflowId);
    notifyPresence();
  });
  es.addEventListener('executions', (event) => {
    const news = read(liveExecutionsSchema, event);
    if (!news) return;
    for (const listener of executionListeners) {
      listener.changes(news);
      if (news.overflow) listener.resync();
    }
  });
  es.addEventListener('ready', () => {
    failures = 0;
    presence = new Map([...(incoming ?? new Map<string, readonly PresentUser[]>())].filter(([, p]) => p.length > 0));
    incoming = undefined;
    notifyPresence();
    for (const listener of executionListeners) listener.resync();
  });
  es.addEventListener('error', () => {
    // CONNECTING: the browser reconnects by itself and the snapshot starts over.
    if (es.readyState === EventSource.CONNECTING) {
      incoming = new Map();
      return;
    }
    // CLOSED: refused (401, 429) or not an event stream; try again later, slower each time.
    es.close();
    if (source === es) source = undefined;
    const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] ?? 30_000;
    failures += 1;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      if (users > 0) open();
    }, delay);
  });
};

const hold = (): (() => void) => {
  users += 1;
  clearTimeout(closeTimer);
  open();
  return () => {
    users -= 1;
    if (users > 0) return;
    closeTimer = setTimeout(() => {
      if (users > 0) return;
      clearTimeout(retryTimer);
      source?.close();
      source = undefined;
      presence = new Map();
    }, CLOSE_AFTER_MS);
  };
};

const subscribePresence = (listener: () => void): (() => void) => {
  presenceListeners.add(listener);
  const release = hold();
  return () => {
    presenceListeners.delete(listener);
    release();
  };
};

/** Everyone with the workflow open now, kept current by the feed. */
export const useLivePresence = (workflowId: string): readonly PresentUser[] =>
  useSyncExternalStore(
    subscribePresence,
    () => presence.get(workflowId) ?? NO_ONE,
    () => NO_ONE,
  );

/** Hands the feed's run changes to `listener` while the calling component is mounted. */
export const useLiveExecutions = (listener: ExecutionListener): void => {
  // The latest listener, so one written inline in a render does not re-subscribe on every render.
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => {
    const entry: ExecutionListener = {
      changes: (news) => latest.current.changes(news),
      resync: () => latest.current.resync(),
    };
    executionListeners.add(entry);
    const release = hold();
    return () => {
      executionListeners.delete(entry);
      release();
    };
  }, []);
};
