import { useEffect, useState, type SubmitEvent } from 'react';
import type { CredentialDto, CredentialType } from '#shared/api/credentials.ts';
import type { WorkflowDto } from '#shared/api/index.ts';
import type { TemplateDetailDto } from '#shared/api/templates.ts';
import type { TemplateVariable } from '#shared/templates/types.ts';
import { api, ApiError } from '../api/client.ts';
import { CredentialFields, credentialData, typeLabels } from '../runs/credential-fields.tsx';
import { useCredentials } from '../runs/credentials-panel.tsx';
import { fieldText } from '../ui/form.ts';

type Value = string | number | boolean;

const initial = (v: TemplateVariable): Value | undefined => (v.kind === 'credential' ? undefined : v.default);

/** A credential made here, without leaving the form: the "create new" of a credential picker. */
const NewCredential = ({ types, onCreated }: { types: readonly string[]; onCreated: (c: CredentialDto) => void }) => {
  const allowed = (Object.keys(typeLabels) as CredentialType[]).filter((t) => types.includes(t));
  const [type, setType] = useState<CredentialType>(allowed[0] ?? 'bearer');
  const [error, setError] = useState<string>();
  const create = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    event.stopPropagation();
    const form = event.currentTarget;
    const data = credentialData(form, type);
    try {
      onCreated(
        await api<CredentialDto>('POST', '/api/credentials', { name: fieldText(form, 'credentialName'), type, data }),
      );
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Could not reach the server');
    }
  };
  return (
    <form className="new-credential" aria-label="New credential" onSubmit={(e) => void create(e)}>
      <label>
        Credential name
        <input name="credentialName" required maxLength={200} />
      </label>
      <label>
        Credential type
        <select value={type} onChange={(e) => setType(e.target.value as CredentialType)}>
          {allowed.map((t) => (
            <option key={t} value={t}>
              {typeLabels[t]}
            </option>
          ))}
        </select>
      </label>
      <CredentialFields type={type} />
      <button type="submit">Create credential</button>
      {error && <p className="error">{error}</p>}
    </form>
  );
};

/**
 * "Use template": a form made from the template's variables (text, numbers,
 * switches, options, a credential of the right type or a workflow), then the
 * new workflow. The server checks everything again; its issues show here.
 */
export const UseTemplateForm = ({
  template,
  onCreated,
  onCancel,
}: {
  template: TemplateDetailDto;
  onCreated: (workflowId: string) => void;
  onCancel: () => void;
}) => {
  const { credentials, reload } = useCredentials();
  const [workflows, setWorkflows] = useState<WorkflowDto[]>([]);
  const [values, setValues] = useState<Record<string, Value | undefined>>(() =>
    Object.fromEntries(template.variables.map((v) => [v.key, initial(v)])),
  );
  const [name, setName] = useState(template.name);
  const [creating, setCreating] = useState<string>();
  const [error, setError] = useState<string>();
  const wantsWorkflows = template.variables.some((v) => v.kind === 'workflow');
  useEffect(() => {
    if (!wantsWorkflows) return;
    api<{ workflows: WorkflowDto[] }>('GET', '/api/workflows').then(
      (r) => setWorkflows(r.workflows),
      () => undefined,
    );
  }, [wantsWorkflows]);

  const set = (key: string, value: Value | undefined) => setValues((old) => ({ ...old, [key]: value }));

  const submit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''));
    try {
      const res = await api<{ workflowId: string }>('POST', `/api/templates/${encodeURIComponent(template.id)}/use`, {
        name,
        values: given,
      });
      onCreated(res.workflowId);
    } catch (e) {
      const issues = e instanceof ApiError ? e.issues.map((i) => i.message) : [];
      setError(
        issues.length > 0 ? issues.join('\n') : e instanceof ApiError ? e.message : 'Could not reach the server',
      );
    }
  };

  const field = (v: TemplateVariable) => {
    const value = values[v.key];
    const id = `tv-${v.key}`;
    switch (v.kind) {
      case 'boolean':
        return (
          <label className="check" htmlFor={id}>
            <input id={id} type="checkbox" checked={value === true} onChange={(e) => set(v.key, e.target.checked)} />{' '}
            {v.label}
          </label>
        );
      case 'options':
        return (
          <select id={id} value={String(value ?? '')} onChange={(e) => set(v.key, e.target.value)}>
            {!v.required && <option value="">—</option>}
            {(v.options ?? []).map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        );
      case 'credential': {
        const fitting = credentials.filter((c) => !v.credentialTypes || v.credentialTypes.includes(c.type));
        return (
          <span className="credential-pick">
            <select id={id} value={String(value ?? '')} onChange={(e) => set(v.key, e.target.value || undefined)}>
              <option value="">Choose a credential…</option>
              {fitting.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({typeLabels[c.type]})
                </option>
              ))}
            </select>
            <button type="button" className="link" onClick={() => setCreating(creating === v.key ? undefined : v.key)}>
              Create new
            </button>
          </span>
        );
      }
      case 'workflow':
        return (
          <select id={id} value={String(value ?? '')} onChange={(e) => set(v.key, e.target.value || undefined)}>
            <option value="">Choose a workflow…</option>
            {workflows.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        );
      case 'number':
        return (
          <input
            id={id}
            type="number"
            value={typeof value === 'number' ? value : ''}
            onChange={(e) => set(v.key, e.target.value === '' ? undefined : Number(e.target.value))}
          />
        );
      case 'string':
        return <input id={id} value={String(value ?? '')} onChange={(e) => set(v.key, e.target.value)} />;
    }
  };

  return (
    <div className="use-template" aria-label="Use template">
      <form id="use-template-form" className="template-form" onSubmit={(e) => void submit(e)}>
        <label>
          Workflow name
          <input value={name} required maxLength={200} onChange={(e) => setName(e.target.value)} />
        </label>
        {template.variables.map((v) => (
          <div key={v.key} className="template-variable">
            {v.kind !== 'boolean' && (
              <label htmlFor={`tv-${v.key}`}>
                {v.label}
                {v.required ? ' *' : ''}
              </label>
            )}
            {field(v)}
            {v.description && <span className="muted">{v.description}</span>}
          </div>
        ))}
      </form>
      {creating && (
        <NewCredential
          types={template.variables.find((v) => v.key === creating)?.credentialTypes ?? []}
          onCreated={(c) => {
            reload();
            set(creating, c.id);
            setCreating(undefined);
          }}
        />
      )}
      {error && (
        <p className="error" role="alert" style={{ whiteSpace: 'pre-line' }}>
          {error}
        </p>
      )}
      <div className="template-actions">
        <button type="submit" form="use-template-form" className="primary">
          Create workflow
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
};
