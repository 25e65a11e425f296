import { useEffect, useState } from 'react';
import { useLocation } from 'wouter';
import type { UserDto } from '#shared/api/index.ts';
import type { TemplateDetailDto, TemplateListDto, TemplateSummaryDto } from '#shared/api/templates.ts';
import { getNodeDefinition } from '#shared/nodes/catalog.ts';
import type { TemplateCategory } from '#shared/templates/types.ts';
import { api, ApiError } from '../api/client.ts';
import { NodeIcon } from '../canvas/node-icons.tsx';
import { DefinitionCanvas } from '../history/version-canvas.tsx';
import { UseTemplateForm } from '../templates/use-template-form.tsx';
import { TopBar } from './topbar.tsx';
import '../templates/templates.css';

const message = (e: unknown): string => (e instanceof ApiError ? e.message : 'Could not reach the server');

const Card = ({ template, onOpen }: { template: TemplateSummaryDto; onOpen: () => void }) => (
  <li className="template-card">
    <button type="button" className="template-open" onClick={onOpen} aria-label={`Preview ${template.name}`}>
      <img src={template.pictureUrl} alt="" loading="lazy" />
    </button>
    <div className="template-card-text">
      <strong>{template.name}</strong>
      <span className="muted">
        {template.category}
        {template.builtin ? '' : ` · by ${template.createdBy?.name ?? 'a former member'}`}
      </span>
      <span className="template-icons" aria-label="Nodes">
        {template.nodeTypes.map((type) => {
          const def = getNodeDefinition(type);
          return (
            <span key={type} title={def?.label ?? type} style={{ color: def?.color }}>
              <NodeIcon icon={def?.icon} />
            </span>
          );
        })}
      </span>
    </div>
  </li>
);

/** The gallery: search, category chips, a card per template; a card opens its preview. */
export const TemplatesPage = ({ user, onSignOut }: { user: UserDto; onSignOut: () => void }) => {
  const [, navigate] = useLocation();
  const [search, setSearch] = useState('');
  const [category, setCategory] = useState<TemplateCategory>();
  const [list, setList] = useState<TemplateListDto>();
  const [open, setOpen] = useState<TemplateDetailDto>();
  const [using, setUsing] = useState(false);
  const [error, setError] = useState<string>();
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const query = new URLSearchParams();
    if (search.trim()) query.set('search', search.trim());
    if (category) query.set('category', category);
    const controller = new AbortController();
    // Typing waits a moment before asking, so a word is one request rather than one per letter.
    const timer = setTimeout(() => {
      api<TemplateListDto>('GET', `/api/templates?${query.toString()}`).then(
        (r) => {
          if (!controller.signal.aborted) setList(r);
        },
        (e: unknown) => setError(message(e)),
      );
    }, 150);
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [search, category, reloads]);

  const preview = (t: TemplateSummaryDto) => {
    setUsing(false);
    api<TemplateDetailDto>('GET', `/api/templates/${encodeURIComponent(t.id)}`).then(setOpen, (e: unknown) =>
      setError(message(e)),
    );
  };

  const remove = async (t: TemplateDetailDto) => {
    if (!window.confirm(`Delete the template "${t.name}" for everyone?`)) return;
    try {
      await api('DELETE', `/api/templates/${encodeURIComponent(t.id)}`);
      setOpen(undefined);
      setReloads((n) => n + 1);
    } catch (e) {
      setError(message(e));
    }
  };

  return (
    <div className="shell templates-page">
      <TopBar user={user} onSignOut={onSignOut} />
      <main>
        <h1 style={{ fontSize: 22, margin: '0 0 12px' }}>Templates</h1>
        <input
          type="search"
          className="template-search"
          placeholder="Search templates"
          aria-label="Search templates"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <div className="template-chips" role="group" aria-label="Categories">
          <button type="button" aria-pressed={category === undefined} onClick={() => setCategory(undefined)}>
            All
          </button>
          {list?.categories.map((c) => (
            <button
              key={c.name}
              type="button"
              aria-pressed={category === c.name}
              onClick={() => setCategory(category === c.name ? undefined : c.name)}
            >
              {c.name} <span className="muted">{c.count}</span>
            </button>
          ))}
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        {list && list.templates.length === 0 && <p className="muted">No template matches.</p>}
        <ul className="template-grid" aria-label="Templates">
          {list?.templates.map((t) => (
            <Card key={t.id} template={t} onOpen={() => preview(t)} />
          ))}
        </ul>
      </main>
      {open && (
        <section className="template-preview" role="dialog" aria-label={`Template ${open.name}`}>
          <header>
            <div>
              <h2>{open.name}</h2>
              <p className="muted">{open.description}</p>
            </div>
            <div className="template-actions">
              {!using && (
                <button type="button" className="primary" onClick={() => setUsing(true)}>
                  Use template
                </button>
              )}
              {open.canDelete && (
                <button type="button" className="danger" onClick={() => void remove(open)}>
                  Delete
                </button>
              )}
              <button type="button" onClick={() => setOpen(undefined)}>
                Close
              </button>
            </div>
          </header>
          <div className="template-preview-body">
            <div className="template-preview-canvas">
              {/* Mounted again when the form opens beside it, so the view fits the narrower space. */}
              <DefinitionCanvas key={String(using)} definition={open.definition} label="Template preview" />
            </div>
            {using && (
              <UseTemplateForm
                template={open}
                onCancel={() => setUsing(false)}
                onCreated={(workflowId) => navigate(`/w/${workflowId}`)}
              />
            )}
          </div>
        </section>
      )}
    </div>
  );
};
