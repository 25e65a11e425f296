import { useEffect, useState } from 'react';
import { Pin, PinOff } from 'lucide-react';
import type { MemberDto } from '#shared/api/index.ts';
import { origins } from '#shared/origins.ts';
import { checkPin, pinBytes, pinNode, unpinNode, type PinRecord } from '#shared/schema/index.ts';
import { api } from '../api/client.ts';
import { useEditor } from '../editor/editor-context.tsx';
import type { PresenceUser } from '../presence/presence.ts';
import { ItemsPanel } from '../inspector/io-panels/items-views.tsx';
import type { ItemsSource } from '../inspector/io-panels/file-chips-text.ts';
import { sizeText, usePin } from './pins.ts';
import { readWholeOutput } from './whole-output.ts';

/**
 * A node's pin in the inspector: pin the output on screen, type or paste
 * items, see who pinned what, unpin. The pin is document state: everyone in
 * the room sees it at once, and the server records who pinned it.
 */

const names = new Map<string, Promise<Map<string, string>>>();
/** Members' names by user id, fetched once per workflow and page. */
const memberNames = (workflowId: string): Promise<Map<string, string>> => {
  let found = names.get(workflowId);
  if (!found) {
    found = api<{ members: MemberDto[] }>('GET', `/api/workflows/${workflowId}/members`).then(
      (r) => new Map(r.members.map((m) => [m.userId, m.name])),
      () => new Map<string, string>(),
    );
    names.set(workflowId, found);
  }
  return found;
};

const usePinnerName = (workflowId: string, by: string | undefined, me: PresenceUser | undefined): string => {
  const [name, setName] = useState<string>();
  useEffect(() => {
    if (!by || by === me?.id) return;
    let current = true;
    void memberNames(workflowId).then((m) => {
      if (current) setName(m.get(by));
    });
    return () => {
      current = false;
    };
  }, [workflowId, by, me?.id]);
  if (by && by === me?.id) return 'you';
  return name ?? 'someone';
};

/** Where a JSON text is wrong, as line and column (the browser says only the offset, if that). */
const parseProblem = (text: string): string | null => {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    if (!at) return `Not valid JSON: ${message}`;
    const before = text.slice(0, Number(at[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return `Not valid JSON at line ${line}, column ${column}`;
  }
};

const PinEditor = ({
  initial,
  onSave,
  onCancel,
}: {
  initial: string;
  onSave: (items: unknown[]) => string | null;
  onCancel: () => void;
}) => {
  const [text, setText] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const save = () => {
    const syntax = parseProblem(text);
    if (syntax) {
      setProblem(syntax);
      return;
    }
    const value = JSON.parse(text) as unknown;
    const items = Array.isArray(value) ? value : [value];
    setProblem(onSave(items));
  };
  return (
    <div className="pin-editor">
      <textarea
        aria-label="Pinned items (JSON)"
        value={text}
        spellCheck={false}
        rows={8}
        onChange={(e) => setText(e.target.value)}
      />
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      <div className="pin-actions">
        <button type="button" className="primary" onClick={save}>
          Save pin
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
};

export const PinSection = ({
  nodeId,
  output,
  outputStored,
  executionId,
}: {
  nodeId: string;
  /** The first output of the node's last run on screen, if it ran (its first page when `outputSource` is set). */
  output: { json: unknown }[] | undefined;
  /** Where that output is stored and how many items it has (the page may hold only its first ones). */
  outputStored?: { source: ItemsSource; total: number } | undefined;
  executionId: string | undefined;
}) => {
  const { session, presence, canEdit } = useEditor();
  const pin = usePin(session.doc, nodeId);
  const me = presence.awareness.getLocalState()?.user as PresenceUser | undefined;
  const pinner = usePinnerName(session.provider.roomname, pin?.by, me);
  /** The editor's starting text while it is open. */
  const [editing, setEditingText] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  /** The run's whole output (read past the first page if need be), then `use` it; a failure is the problem shown. */
  const withWholeOutput = (use: (items: unknown[]) => void) => {
    if (!output) return;
    setReading(true);
    readWholeOutput(output, outputStored)
      .then(
        (whole) => ('error' in whole ? setProblem(whole.error) : use(whole.items)),
        (error: unknown) =>
          setProblem(`The output could not be read: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => setReading(false));
  };
  const edit = (items: unknown[]) => {
    setProblem(null);
    setEditingText(JSON.stringify(items, null, 2));
  };
  const write = (items: unknown[], source: PinRecord['source'], execution?: string): string | null => {
    const record = { items, by: me?.id ?? '', at: Date.now(), source };
    const found = checkPin(record, { doc: session.doc, nodeId });
    if (found) return found;
    pinNode(session.doc, nodeId, items, { by: me?.id ?? '', source, ...(execution ? { execution } : {}) }, origins.ui);
    return null;
  };
  return (
    <section className="pin-section" aria-label="Pinned data">
      {pin ? (
        <>
          <p className="pin-summary" data-testid="pin-summary">
            <Pin size={13} aria-hidden="true" /> Pinned by {pinner} · {pin.items.length} item
            {pin.items.length === 1 ? '' : 's'} · {sizeText(pinBytes(pin))}
          </p>
          <p className="muted pin-note">
            Manual and test runs use this instead of running the node; webhook and schedule runs ignore it.
          </p>
          {canEdit && editing === null && (
            <div className="pin-actions">
              <button type="button" onClick={() => edit(pin.items)}>
                Edit pinned data
              </button>
              <button type="button" onClick={() => unpinNode(session.doc, nodeId, origins.ui)}>
                <PinOff size={13} aria-hidden="true" /> Unpin
              </button>
            </div>
          )}
          {editing === null && <ItemsPanel title="Output (pinned)" items={pin.items.map((json) => ({ json }))} />}
        </>
      ) : (
        canEdit &&
        editing === null && (
          <div className="pin-actions">
            {output && output.length > 0 && (
              <button
                type="button"
                disabled={reading}
                onClick={() => withWholeOutput((items) => setProblem(write(items, 'run', executionId)))}
              >
                <Pin size={13} aria-hidden="true" /> Pin this output
              </button>
            )}
            <button
              type="button"
              disabled={reading}
              onClick={() => (output && output.length > 0 ? withWholeOutput(edit) : edit([{}]))}
            >
              Set pinned data…
            </button>
          </div>
        )
      )}
      {problem && editing === null && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      {editing !== null && (
        <PinEditor
          initial={editing}
          onCancel={() => setEditingText(null)}
          onSave={(items) => {
            const found = write(items, 'typed');
            if (!found) setEditingText(null);
            return found;
          }}
        />
      )}
    </section>
  );
};
