import { waitUntil } from './engine-process.ts';

export interface SseEvent {
  event: string;
  data: unknown;
}

export interface SseClient {
  /** The response's status (200 for an open stream). */
  readonly status: number;
  /** Every event so far, in order. */
  readonly events: SseEvent[];
  /** Resolves once the server ended the stream. */
  readonly ended: Promise<void>;
  /** The first event from index `from` on that passes `test`. */
  next(test: (e: SseEvent) => boolean, what: string, from?: number, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/**
 * Reads a Server-Sent Events stream over fetch as EventSource does (event and
 * data fields, blank line ends an event, comment lines skipped), for the live
 * feed's tests. Data is parsed as JSON.
 */
export const openSse = async (url: string, headers: Record<string, string> = {}): Promise<SseClient> => {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  let ended: Promise<void> = Promise.resolve();
  if (res.ok && res.body) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    ended = (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith(':')) continue;
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data.push(line.slice(6));
            }
            if (data.length > 0) events.push({ event, data: JSON.parse(data.join('\n')) as unknown });
          }
        }
      } catch {
        // Aborted by close().
      }
    })();
  } else await res.body?.cancel();
  return {
    status: res.status,
    events,
    ended,
    next: (test, what, from = 0, timeoutMs = 10_000) =>
      waitUntil(() => Promise.resolve(events.slice(from).find(test)), what, timeoutMs),
    close: () => abort.abort(),
  };
};
