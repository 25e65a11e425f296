import { getNodeDefinition } from '#shared/nodes/index.ts';
import { origins } from '#shared/origins.ts';
import { isShown } from '#shared/schema/params.ts';
import { setNodeCredential } from '#shared/schema/write.ts';
import type { NodeContent } from '../canvas/flow-binding.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { useCredentials } from '../runs/credentials-panel.tsx';

/** Choosing a credential for each of the node's credential slots: the document holds only its id. */
export const CredentialFields = ({ node }: { node: NodeContent }) => {
  const { session, canEdit } = useEditor();
  const { credentials } = useCredentials();
  const slots = (getNodeDefinition(node.type)?.credentials ?? []).filter((s) => isShown(s.showWhen, node.parameters));
  if (slots.length === 0) return null;
  return (
    <section aria-label="Credentials" className="params">
      {slots.map((slot) => {
        const chosen = node.credentials[slot.name] ?? '';
        const usable = credentials.filter((c) => slot.types.includes(c.type));
        return (
          <div className="field" key={slot.name}>
            <label>
              {slot.label}
              <select
                value={chosen}
                disabled={!canEdit}
                onChange={(e) => setNodeCredential(session.doc, node.id, slot.name, e.target.value || null, origins.ui)}
              >
                <option value="">— choose —</option>
                {usable.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
                {chosen && !usable.some((c) => c.id === chosen) && (
                  <option value={chosen}>A credential of someone else</option>
                )}
              </select>
            </label>
            {usable.length === 0 && <p className="muted">Add one in the Credentials panel (key icon).</p>}
          </div>
        );
      })}
    </section>
  );
};
