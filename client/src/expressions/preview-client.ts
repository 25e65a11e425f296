import { useEffect, useState } from 'react';
import type { PreviewContext, PreviewResponse } from './preview-protocol.ts';

/**
 * The page's side of the preview worker: one worker per tab, made when the
 * first expression field asks (the wasm and the worker chunk load then, not
 * with the app). A worker that dies (a wasm trap) is replaced on the next
 * request.
 */

type Listener = (response: PreviewResponse) => void;

let worker: Worker | undefined;
let nextId = 1;
const listeners = new Map<number, Listener>();

const workerOf = (): Worker => {
  if (worker) return worker;
  const made = new Worker(new URL('./preview-worker.ts', import.meta.url), { type: 'module', name: 'weft-preview' });
  made.onmessage = (event: MessageEvent<PreviewResponse>) => {
    const listener = listeners.get(event.data.id);
    listeners.delete(event.data.id);
    listener?.(event.data);
  };
  made.onerror = () => {
    made.terminate();
    if (worker === made) worker = undefined;
    for (const [id, listener] of listeners)
      listener({ id, ok: false, error: 'The preview stopped; edit to try again.' });
    listeners.clear();
  };
  worker = made;
  return made;
};

/** Asks for one value; the answer may never come when a newer request overtakes it (the worker drops it). */
const request = (expression: string, context: PreviewContext, listener: Listener): (() => void) => {
  const id = nextId++;
  // Only the newest request of this field matters: older ones are forgotten here as in the worker.
  listeners.set(id, listener);
  workerOf().postMessage({ id, expression, context });
  return () => listeners.delete(id);
};

export type PreviewState =
  | { state: 'idle' }
  | { state: 'waiting' }
  | { state: 'value'; value: unknown; type: string }
  | { state: 'error'; error: string };

/** Typing settles for this long before the worker is asked. */
const DEBOUNCE_MS = 150;

/**
 * The value of `expression` against `context`, kept current as either changes. While a newer answer is on its
 * way the last one stays shown: values flickering to "…" on every keystroke are harder to read.
 */
export const useExpressionPreview = (
  expression: string | undefined,
  context: PreviewContext | undefined,
): PreviewState => {
  const [answer, setAnswer] = useState<PreviewState>();
  // The context changes identity on every render that rebuilds it; its text is what matters.
  const contextKey = context ? JSON.stringify(context) : '';
  const active = expression !== undefined && contextKey !== '';
  useEffect(() => {
    if (expression === undefined || !contextKey) return;
    let cancel: (() => void) | undefined;
    const timer = setTimeout(() => {
      cancel = request(expression, JSON.parse(contextKey) as PreviewContext, (r) =>
        setAnswer(r.ok ? { state: 'value', value: r.value, type: r.type } : { state: 'error', error: r.error }),
      );
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      cancel?.();
    };
  }, [expression, contextKey]);
  if (!active) return { state: 'idle' };
  return answer ?? { state: 'waiting' };
};
