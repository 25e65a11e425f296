import { useEffect, useState, type SubmitEvent } from 'react';
import type { TemplateSummaryDto } from '#shared/api/templates.ts';
import { getNodeDefinition } from '#shared/nodes/catalog.ts';
import type { WorkflowDefinition } from '#shared/schema/index.ts';
import { templateCategories, type TemplateVariable } from '#shared/templates/types.ts';
import { api, ApiError } from '../api/client.ts';
import { fieldText } from '../ui/form.ts';
import { SidePanel } from '../ui/side-panel.tsx';

/** A parameter the author may offer as a variable: a top-level scalar of a node. */
interface Candidate {
  id: string;
  variable: TemplateVariable;
}

const keyOf = (text: string): string => {
  const key = text.replace(/[^A-Za-z0-9_]/g, '').replace(/^[^A-Za-z]+/, '');
  return (key || 'value').slice(0, 60);
};

/** Every text, number, switch and option parameter of every node, as the variable it would become. */
const candidatesOf = (definition: WorkflowDefinition): Candidate[] => {
  const used = new Set<string>();
  return definition.nodes.flatMap((node) => {
    const def = getNodeDefinition(node.type);
    if (!def || def.annotation) return [];
    return def.params.flatMap((param): Candidate[] => {
      if (param.kind !== 'string' && param.kind !== 'number' && param.kind !== 'boolean' && param.kind !== 'options') {
        return [];
      }
      let key = keyOf(`${node.name}_${param.name}`);
      for (let n = 2; used.has(key); n++) key = `${key.slice(0, 58)}${n}`;
      used.add(key);
      const current = node.parameters[param.name];
      const fits =
        param.kind === 'boolean'
          ? typeof current === 'boolean'
          : param.kind === 'number'
            ? typeof current === 'number'
            : typeof current === 'string';
      return [
        {
          id: `${node.id}\n${param.name}`,
          variable: {
            key,
            label: `${node.name}: ${param.label}`.slice(0, 100),
            required: param.kind === 'string' || param.kind === 'number',
            kind: param.kind,
            ...(fits && current !== '' ? { default: current as string | number | boolean } : {}),
            ...(param.kind === 'options' ? { options: param.options.map((o) => o.value) } : {}),
            targets: [{ nodeId: node.id, path: [param.name] }],
          },
        },
      ];
    });
  });
};

/**
 * "Save as template" (owners): name, description, category, tags and which
 * parameters people fill in when they use it. Credentials are never saved:
 * the server turns each credential slot into a variable.
 */
export const SaveTemplatePanel = ({ workflowId, onClose }: { workflowId: string; onClose: () => void }) => {
  const [definition, setDefinition] = useState<WorkflowDefinition>();
  const [marked, setMarked] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState<TemplateSummaryDto>();

  useEffect(() => {
    api<WorkflowDefinition>('GET', `/api/workflows/${encodeURIComponent(workflowId)}/export`).then(
      setDefinition,
      (e: unknown) => setError(e instanceof ApiError ? e.message : 'Could not load the workflow'),
    );
  }, [workflowId]);

  const candidates = definition ? candidatesOf(definition) : [];

  const save = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    try {
      const created = await api<TemplateSummaryDto>('POST', '/api/templates', {
        workflowId,
        name: fieldText(form, 'templateName'),
        description: fieldText(form, 'templateDescription'),
        category: fieldText(form, 'templateCategory'),
        tags: fieldText(form, 'templateTags')
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        variables: candidates.filter((c) => marked.has(c.id)).map((c) => c.variable),
        includePins: new FormData(form).get('includePins') === 'on',
      });
      setSaved(created);
      setError(undefined);
    } catch (e) {
      const issues = e instanceof ApiError ? e.issues.map((i) => i.message) : [];
      setError([e instanceof ApiError ? e.message : 'Could not reach the server', ...issues].join('\n'));
    }
  };

  const toggle = (id: string, on: boolean) =>
    setMarked((old) => {
      const next = new Set(old);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <SidePanel
      label="Save as template panel"
      title="Save as template"
      closeLabel="Close save as template"
      onClose={onClose}
    >
      {saved ? (
        <p role="status">
          Saved “{saved.name}” to the instance’s templates. <a href="/templates">Open the gallery</a>
        </p>
      ) : (
        <form onSubmit={(e) => void save(e)} style={{ display: 'grid', gap: 8 }}>
          <label>
            Template name
            <input
              name="templateName"
              required
              maxLength={100}
              defaultValue={definition?.name ?? ''}
              key={definition?.name}
            />
          </label>
          <label>
            Description
            <textarea name="templateDescription" maxLength={2000} rows={3} />
          </label>
          <label>
            Category
            <select name="templateCategory" defaultValue="Getting started">
              {templateCategories.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            Tags (comma-separated)
            <input name="templateTags" maxLength={400} />
          </label>
          <label className="check">
            <input type="checkbox" name="includePins" /> Include sample data (pinned data)
          </label>
          <fieldset style={{ display: 'grid', gap: 4 }}>
            <legend>Ask for these when the template is used</legend>
            {candidates.map((c) => (
              <label key={c.id} className="check">
                <input type="checkbox" checked={marked.has(c.id)} onChange={(e) => toggle(c.id, e.target.checked)} />{' '}
                {c.variable.label}
              </label>
            ))}
          </fieldset>
          <p className="muted">Credentials are never saved: whoever uses the template picks their own.</p>
          <button type="submit" className="primary">
            Save template
          </button>
        </form>
      )}
      {error && (
        <p className="error" role="alert" style={{ whiteSpace: 'pre-line' }}>
          {error}
        </p>
      )}
    </SidePanel>
  );
};
