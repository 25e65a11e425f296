import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useSetAtom } from 'jotai';
import { Check, Copy, Webhook } from 'lucide-react';
import { ApiError } from '../api/client.ts';
import { toastAtom } from '../state/atoms.ts';
import { useEditor } from './editor-context.tsx';
import { testWebhookUrl, type TestListenState } from './test-listen.ts';
import './test-webhook.css';

/**
 * "Listen for test event", as in n8n: an editor of a workflow with a Webhook
 * node asks the server to serve its current document at `/webhook-test/<path>`
 * for a while. It lives on the canvas, not in the top bar: the bar is full and
 * stays one line. A test run lights the canvas up like any run.
 */

const message = (e: unknown): string => (e instanceof ApiError ? e.message : 'Could not reach the server');

const useTestListen = (): TestListenState | null => {
  const { testListen } = useEditor();
  return useSyncExternalStore(testListen.subscribe, testListen.getState);
};

const useHasWebhook = (): boolean => {
  const { binding } = useEditor();
  return useSyncExternalStore(binding.subscribe, () =>
    binding.getSnapshot().nodes.some((n) => n.data.node.type === 'webhook' && !n.data.node.disabled),
  );
};

/** Seconds until `deadline` on this device's clock, ticking once a second. */
const useSecondsLeft = (deadline: number): number => {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [deadline]);
  return Math.max(0, Math.ceil((deadline - now) / 1000));
};

const clock = (seconds: number): string => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

const TimeLeft = ({ deadline }: { deadline: number }) => {
  const seconds = useSecondsLeft(deadline);
  return (
    <span className="listen-time" data-testid="listen-time-left" title="Time left">
      {clock(seconds)}
    </span>
  );
};

const CopyableUrl = ({ url }: { url: string }) => {
  const [copied, setCopied] = useState(false);
  const text = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  const selectText = () => {
    if (text.current) window.getSelection()?.selectAllChildren(text.current);
  };
  const copy = () => {
    // The clipboard API needs a secure context (https or localhost); elsewhere the URL is selected to copy by hand.
    const clipboard = window.isSecureContext ? navigator.clipboard : undefined;
    if (!clipboard) {
      selectText();
      return;
    }
    clipboard.writeText(url).then(() => setCopied(true), selectText);
  };
  return (
    <li className="listen-url">
      <code ref={text} data-testid="test-url">
        {url}
      </code>
      <button type="button" className="icon-button" aria-label="Copy test URL" title="Copy" onClick={copy}>
        {copied ? <Check size={14} aria-hidden="true" /> : <Copy size={14} aria-hidden="true" />}
      </button>
    </li>
  );
};

/**
 * On the canvas, top right: "Listen for test event" for editors of a workflow
 * with a Webhook node; while someone listens (as the server says in the room),
 * the test URLs, the time left and, for editors, Stop listening.
 */
export const TestWebhookControl = () => {
  const { testListen, canEdit } = useEditor();
  const state = useTestListen();
  const hasWebhook = useHasWebhook();
  const setToast = useSetAtom(toastAtom);
  const [busy, setBusy] = useState(false);
  const act = async (action: () => Promise<unknown>, failure: string) => {
    setBusy(true);
    try {
      await action();
    } catch (e) {
      setToast({ text: `${failure}: ${message(e)}`, kind: 'error' });
    } finally {
      setBusy(false);
    }
  };
  if (!state) {
    if (!canEdit || !hasWebhook) return null;
    return (
      <button
        type="button"
        className="listen-button"
        title="For two minutes, /webhook-test/ runs this workflow as it is on the canvas"
        disabled={busy}
        onClick={() => void act(() => testListen.listen(), 'Could not listen')}
      >
        <Webhook size={14} aria-hidden="true" /> Listen for test event
      </button>
    );
  }
  return (
    <section className="listen-card" aria-label="Listening for a test event">
      <header>
        <span className="listen-dot" aria-hidden="true" />
        <strong>Listening for a test event</strong>
        <TimeLeft deadline={state.expiresAt} />
      </header>
      <p className="muted">Call a test URL: this workflow runs as it is on the canvas.</p>
      <ul>
        {state.paths.map((path) => (
          <CopyableUrl key={path} url={testWebhookUrl(window.location.origin, path)} />
        ))}
      </ul>
      {canEdit && (
        <button
          type="button"
          disabled={busy}
          onClick={() => void act(() => testListen.stop(), 'Could not stop listening')}
        >
          Stop listening
        </button>
      )}
    </section>
  );
};
