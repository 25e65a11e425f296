import type { Context } from 'hono';
import * as routes from '#shared/api/routes/templates.ts';
import type { TemplateDetailDto, TemplateSummaryDto } from '#shared/api/templates.ts';
import { ErrorCodes, UserError, type Issue } from '#shared/errors.ts';
import { createId, ID_PATTERN } from '#shared/ids.ts';
import { getNodeDefinition } from '#shared/nodes/catalog.ts';
import { templatePicture } from '#shared/templates/picture.ts';
import {
  isBuiltinId,
  templateCategories,
  templateIdSchema,
  templateVariablesSchema,
  type TemplateCategory,
  type TemplatePins,
  type TemplateVariable,
} from '#shared/templates/types.ts';
import { applyTemplateValues, checkTemplateVariables, withoutCredentials } from '#shared/templates/variables.ts';
import type { WorkflowDefinition } from '#shared/schema/index.ts';
import type { User } from '../../accounts/account-store.ts';
import type { CredentialStore } from '../../credentials/credential-store.ts';
import { contentHashOf, loadBuiltins } from '../../templates/builtin-templates.ts';
import type { TemplateStore } from '../../templates/template-store.ts';
import { requireAccess } from '../../workflows/access.ts';
import type { WorkflowService } from '../../workflows/workflow-service.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { audit } from '../audit-actor.ts';
import type { AppEnv } from '../auth.ts';
import { contractRoutes, implement } from './contract-routes.ts';

export interface TemplateRouteDeps {
  templates: TemplateStore;
  workflowStore: WorkflowStore;
  workflows: WorkflowService;
  credentials: CredentialStore;
  now?: () => number;
}

/** What the gallery and the routes need of a template, built-in or saved. */
interface Template {
  id: string;
  name: string;
  description: string;
  category: TemplateCategory;
  tags: string[];
  definition: WorkflowDefinition;
  variables: TemplateVariable[];
  pins: TemplatePins | null;
  contentHash: string;
  builtin: boolean;
  createdBy: { id: string; name: string } | null;
  createdAt: number | null;
}

/**
 * A picture is the same for the same content, so it is served with the
 * content's hash as ETag and its URL carries the hash: a browser may keep it
 * until the template changes. No script, no external reference: the CSP
 * forbids everything but the inline presentation attributes it uses.
 */
const PICTURE_CSP = "default-src 'none'; style-src 'unsafe-inline'";
const PICTURE_CACHE_MAX = 256;

const notFound = (id: string): UserError => new UserError(ErrorCodes.notFound, `Template ${id} does not exist`);

const invalid = (issues: Issue[]): UserError =>
  new UserError(ErrorCodes.validationFailed, issues.map((i) => i.message).join('; '), { issues });

const nodeTypesOf = (definition: WorkflowDefinition): string[] => [
  ...new Set(definition.nodes.filter((n) => getNodeDefinition(n.type)?.annotation !== true).map((n) => n.type)),
];

const summaryOf = (t: Template, user: User): TemplateSummaryDto => ({
  id: t.id,
  name: t.name,
  description: t.description,
  category: t.category,
  tags: t.tags,
  nodeTypes: nodeTypesOf(t.definition),
  builtin: t.builtin,
  createdBy: t.createdBy,
  canDelete: !t.builtin && (user.isAdmin || t.createdBy?.id === user.id),
  createdAt: t.createdAt,
  pictureUrl: `/api/templates/${encodeURIComponent(t.id)}/picture.svg?v=${t.contentHash}`,
});

const detailOf = (t: Template, user: User): TemplateDetailDto => ({
  ...summaryOf(t, user),
  definition: t.definition,
  variables: t.variables,
  pins: t.pins,
});

/** Every word of the search appears in the name, description, tags, or a node type's id or label. */
const matches = (t: Template, words: readonly string[]): boolean => {
  if (words.length === 0) return true;
  const types = nodeTypesOf(t.definition);
  const haystack = [
    t.name,
    t.description,
    ...t.tags,
    ...types,
    ...types.map((type) => getNodeDefinition(type)?.label ?? ''),
  ]
    .join('\n')
    .toLowerCase();
  return words.every((w) => haystack.includes(w));
};

/**
 * The template gallery (docs/plans/n8n-daily.md §9.1): built-in templates,
 * which ship with the code, and those people saved, in one list; a workflow
 * made from one; a workflow saved as one.
 */
export const templateRoutes = ({
  templates,
  workflowStore,
  workflows,
  credentials,
  now = Date.now,
}: TemplateRouteDeps) => {
  const builtins: ReadonlyMap<string, Template> = new Map(
    [...loadBuiltins().values()].map((b) => [
      b.id,
      { ...b, pins: b.pins ?? null, builtin: true, createdBy: null, createdAt: null },
    ]),
  );
  // Pictures by id and content: drawing is cheap, but a gallery asks for a page of them at once.
  const pictures = new Map<string, string>();

  const savedAsTemplate = (s: Awaited<ReturnType<TemplateStore['list']>>[number]): Template => ({
    ...s,
    builtin: false,
  });

  const find = async (rawId: string): Promise<Template> => {
    if (!templateIdSchema.safeParse(rawId).success) throw notFound(rawId);
    const builtin = builtins.get(rawId);
    if (builtin) return builtin;
    if (isBuiltinId(rawId)) throw notFound(rawId);
    const saved = await templates.get(rawId);
    if (!saved) throw notFound(rawId);
    return savedAsTemplate(saved);
  };

  const pictureOf = (t: Template): string => {
    const key = `${t.id}\n${t.contentHash}`;
    let svg = pictures.get(key);
    if (svg === undefined) {
      svg = templatePicture(t.definition);
      if (pictures.size >= PICTURE_CACHE_MAX) pictures.delete(pictures.keys().next().value ?? '');
      pictures.set(key, svg);
    }
    return svg;
  };

  /** The credentials a person picked must be their own and of a type the slot takes. */
  const checkCredentials = async (
    user: User,
    variables: readonly TemplateVariable[],
    values: Record<string, unknown>,
  ) => {
    const mine = new Map((await credentials.list(user.id)).map((c) => [c.id, c]));
    for (const variable of variables) {
      if (variable.kind !== 'credential') continue;
      const id = values[variable.key];
      if (typeof id !== 'string') continue;
      const credential = mine.get(id);
      if (!credential) throw new UserError(ErrorCodes.notFound, `Credential ${id} does not exist`);
      if (variable.credentialTypes && !variable.credentialTypes.includes(credential.type)) {
        throw invalid([
          {
            path: ['values', variable.key],
            message: `${variable.label} takes a credential of type ${variable.credentialTypes.join(' or ')}, not ${credential.type}`,
            severity: 'error',
          },
        ]);
      }
    }
  };

  return contractRoutes('/api/templates', [
    implement(routes.listTemplates, async (_c, { user, query }, reply) => {
      const words = (query.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const all = [...builtins.values(), ...(await templates.list()).map(savedAsTemplate)].filter((t) =>
        matches(t, words),
      );
      const counts = new Map<TemplateCategory, number>();
      for (const t of all) counts.set(t.category, (counts.get(t.category) ?? 0) + 1);
      return reply(200, {
        templates: all.filter((t) => !query.category || t.category === query.category).map((t) => summaryOf(t, user)),
        categories: templateCategories.map((name) => ({ name, count: counts.get(name) ?? 0 })),
      });
    }),
    implement(routes.getTemplate, async (_c, { user, params }, reply) =>
      reply(200, detailOf(await find(params.id), user)),
    ),
    implement(routes.getTemplatePicture, async (c: Context<AppEnv>, { params }) => {
      const t = await find(params.id);
      const etag = `"${t.contentHash}"`;
      const headers = {
        'Content-Security-Policy': PICTURE_CSP,
        ETag: etag,
        'Cache-Control': 'private, max-age=31536000, immutable',
      };
      if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
      return c.body(pictureOf(t), 200, { ...headers, 'Content-Type': 'image/svg+xml; charset=utf-8' });
    }),
    implement(routes.saveTemplate, async (c, { user, body }, reply) => {
      const request = await body();
      if (!ID_PATTERN.test(request.workflowId)) {
        throw new UserError(ErrorCodes.notFound, `Workflow ${request.workflowId} does not exist`);
      }
      // Saving shares the workflow with the whole instance: its owners' decision, as sharing is.
      await requireAccess(workflowStore, request.workflowId, user, 'manageMembers');
      const { definition, variables: slots } = withoutCredentials(await workflows.export(request.workflowId));
      const taken = new Set(
        request.variables.flatMap((v) =>
          v.targets.flatMap((t) => ('credentialSlot' in t ? [`${t.nodeId}\n${t.credentialSlot}`] : [])),
        ),
      );
      const variables = [
        ...request.variables,
        ...slots.filter((s) =>
          s.targets.every((t) => 'credentialSlot' in t && !taken.has(`${t.nodeId}\n${t.credentialSlot}`)),
        ),
      ];
      const merged = templateVariablesSchema.safeParse(variables);
      if (!merged.success) {
        throw invalid(
          merged.error.issues.map((i) => ({
            path: ['variables', ...i.path.map(String)],
            message: `Variables: ${i.message}`,
            severity: 'error' as const,
          })),
        );
      }
      const problems = checkTemplateVariables(definition, merged.data);
      if (problems.length > 0) throw invalid(problems);
      const created = await templates.create({
        id: createId(),
        name: request.name,
        description: request.description,
        category: request.category,
        tags: request.tags,
        definition: { ...definition, name: request.name },
        variables: merged.data,
        // Pins are not in the document yet (issue 15 step 3): nothing to include until they are.
        pins: null,
        contentHash: contentHashOf({ definition }),
        createdBy: user.id,
        createdAt: now(),
      });
      await audit(c, user, {
        action: 'template.saved',
        workflowId: request.workflowId,
        target: { type: 'template', id: created.id },
        data: { template: created.name },
      });
      return reply(201, summaryOf(savedAsTemplate(created), user));
    }),
    implement(routes.deleteTemplate, async (c, { user, params }, reply) => {
      const t = await find(params.id);
      if (t.builtin) throw new UserError(ErrorCodes.forbidden, 'Built-in templates cannot be deleted');
      if (!user.isAdmin && t.createdBy?.id !== user.id) {
        throw new UserError(ErrorCodes.forbidden, 'Only whoever saved this template, or the admin, may delete it');
      }
      if (!(await templates.delete(t.id))) throw notFound(t.id);
      await audit(c, user, {
        action: 'template.deleted',
        target: { type: 'template', id: t.id },
        data: { template: t.name },
      });
      return reply(204);
    }),
    implement(routes.useTemplate, async (c, { user, params, body }, reply) => {
      const t = await find(params.id);
      const request = await body();
      const applied = applyTemplateValues(t.definition, t.variables, request.values);
      if (!applied.ok) throw invalid(applied.issues);
      await checkCredentials(user, t.variables, request.values);
      // A workflow a variable names (a sub-workflow, an error workflow) must be one the caller can read.
      for (const variable of t.variables) {
        const id = request.values[variable.key];
        if (variable.kind === 'workflow' && typeof id === 'string')
          await requireAccess(workflowStore, id, user, 'read');
      }
      const created = await workflows.import(user, { ...applied.definition, name: request.name ?? t.name });
      // The person picked their own credentials for this workflow: its runs may use them.
      for (const credentialId of applied.credentialIds) {
        await credentials.grant(credentialId, created.id, now(), user.id);
      }
      await audit(c, user, {
        action: 'workflow.imported',
        workflowId: created.id,
        workflowName: created.name,
        data: { template: t.id },
      });
      return reply(201, { workflowId: created.id });
    }),
  ]);
};
