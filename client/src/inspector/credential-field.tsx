import { useState } from 'react';
import type { WorkflowCredentialDto } from '#shared/api/access.ts';
import type { CredentialDto } from '#shared/api/credentials.ts';
import { getNodeDefinition } from '#shared/nodes/index.ts';
import { origins } from '#shared/origins.ts';
import { isShown } from '#shared/schema/params.ts';
import { setNodeCredential } from '#shared/schema/write.ts';
import { ApiError } from '../api/client.ts';
import type { NodeContent } from '../canvas/flow-binding.ts';
import { useEditor } from '../editor/editor-context.tsx';
import { grantCredential, useCredentials, useWorkflowCredentials } from '../runs/credentials-panel.tsx';

/**
 * Choosing a credential for each of the node's credential slots: the document
 * holds only its id. A run carries a credential only where its owner granted
 * it to the workflow; choosing one's own credential here is that grant. The
 * field says plainly when a chosen credential cannot run here, and why.
 */
export const CredentialFields = ({ node }: { node: NodeContent }) => {
  const { session, canEdit } = useEditor();
  const workflowId = session.provider.roomname;
  const { credentials: mine } = useCredentials();
  const granted = useWorkflowCredentials(workflowId);
  const [error, setError] = useState<string>();
  const slots = (getNodeDefinition(node.type)?.credentials ?? []).filter((s) => isShown(s.showWhen, node.parameters));
  if (slots.length === 0) return null;

  const grant = async (id: string) => {
    try {
      await grantCredential(id, workflowId);
      setError(undefined);
    } catch (e) {
      setError(
        `Could not grant the credential to this workflow (${e instanceof ApiError ? e.message : 'the server is not reachable'}); runs fail until it is granted.`,
      );
    }
  };

  const choose = (slot: string, id: string) => {
    setNodeCredential(session.doc, node.id, slot, id || null, origins.ui);
    if (mine.some((c) => c.id === id)) void grant(id);
  };

  return (
    <section aria-label="Credentials" className="params">
      {slots.map((slot) => {
        const chosen = node.credentials[slot.name] ?? '';
        const own = mine.filter((c) => slot.types.includes(c.type));
        const others = (granted ?? []).filter((c) => slot.types.includes(c.type) && !mine.some((m) => m.id === c.id));
        const known = own.some((c) => c.id === chosen) || others.some((c) => c.id === chosen);
        return (
          <div className="field" key={slot.name}>
            <label>
              {slot.label}
              <select value={chosen} disabled={!canEdit} onChange={(e) => choose(slot.name, e.target.value)}>
                <option value="">— choose —</option>
                {own.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
                {others.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.ownerName}’s)
                  </option>
                ))}
                {chosen && !known && <option value={chosen}>A credential of someone else</option>}
              </select>
            </label>
            {chosen && granted && (
              <GrantStatus
                chosen={chosen}
                mine={mine}
                granted={granted}
                canGrant={canEdit}
                onGrant={() => void grant(chosen)}
              />
            )}
            {own.length === 0 && others.length === 0 && (
              <p className="muted">Add one in the Credentials panel (key icon).</p>
            )}
          </div>
        );
      })}
      {error && (
        <p className="warning" role="alert">
          {error}
        </p>
      )}
    </section>
  );
};

/** Whether the chosen credential can run in this workflow, and what to do when it cannot. */
const GrantStatus = ({
  chosen,
  mine,
  granted,
  canGrant,
  onGrant,
}: {
  chosen: string;
  mine: CredentialDto[];
  granted: WorkflowCredentialDto[];
  canGrant: boolean;
  onGrant: () => void;
}) => {
  const grant = granted.find((g) => g.id === chosen);
  const own = mine.find((c) => c.id === chosen);
  if (grant) {
    return <p className="field-help">Granted to this workflow by {own ? 'you' : grant.ownerName}.</p>;
  }
  if (own) {
    return (
      <p className="warning" role="status" data-testid="credential-not-granted">
        You have not granted “{own.name}” to this workflow, so its runs cannot use it.{' '}
        {canGrant && (
          <button type="button" onClick={onGrant}>
            Grant it
          </button>
        )}
      </p>
    );
  }
  return (
    <p className="warning" role="status" data-testid="credential-not-granted">
      This node cannot run: it uses someone else’s credential, which its owner has not granted to this workflow. Ask
      them to choose it in this node, or choose one of yours.
    </p>
  );
};
