import {
  saveTemplateRequest,
  templateDetailSchema,
  templateListQuery,
  templateListSchema,
  templateSummarySchema,
  usedTemplateSchema,
  useTemplateRequest,
} from '../templates.ts';
import { defineRoute } from '../contract.ts';
import { forbidden, invalid, noContent, notFound, ok } from './responses.ts';

const tag = 'templates';
const id = { id: 'The template id: `builtin:<slug>` for the built-in ones' };
const noTemplate = notFound('no template with this id');

export const listTemplates = defineRoute({
  operationId: 'listTemplates',
  method: 'get',
  path: '/api/templates',
  tag,
  summary: 'The gallery: built-in and saved templates',
  auth: 'user',
  query: templateListQuery,
  responses: { 200: ok(templateListSchema, 'The templates that match, and the categories') },
});

export const getTemplate = defineRoute({
  operationId: 'getTemplate',
  method: 'get',
  path: '/api/templates/{id}',
  tag,
  summary: 'One template: its definition, variables and sample data',
  auth: 'user',
  params: id,
  responses: { 200: ok(templateDetailSchema, 'The template'), 404: noTemplate },
});

export const getTemplatePicture = defineRoute({
  operationId: 'getTemplatePicture',
  method: 'get',
  path: '/api/templates/{id}/picture.svg',
  tag,
  summary: "A picture of the template's canvas",
  description:
    'An SVG drawn from the definition, with no external references; served with a Content-Security-Policy that forbids everything but inline style, and an ETag of its content.',
  auth: 'user',
  params: id,
  responses: {
    200: { description: 'The picture', media: 'image/svg+xml' },
    304: noContent('The picture the caller has is current (If-None-Match)'),
    404: noTemplate,
  },
});

export const saveTemplate = defineRoute({
  operationId: 'saveTemplate',
  method: 'post',
  path: '/api/templates',
  tag,
  summary: 'Save a workflow as a template of this instance',
  description:
    'An owner of the workflow may. Credential ids are never saved: each credential slot becomes a `credential` variable. Pinned data is kept only with `includePins`.',
  auth: 'user',
  body: saveTemplateRequest,
  responses: {
    201: ok(templateSummarySchema, 'Saved'),
    400: invalid('a variable points at no node, parameter or credential slot'),
    403: forbidden('the caller is not an owner of the workflow'),
    404: notFound('no workflow with this id'),
  },
});

export const deleteTemplate = defineRoute({
  operationId: 'deleteTemplate',
  method: 'delete',
  path: '/api/templates/{id}',
  tag,
  summary: 'Delete a saved template',
  auth: 'user',
  params: id,
  responses: {
    204: noContent('Deleted'),
    403: forbidden('built-in templates cannot be deleted; a saved one only by its creator or the admin'),
    404: noTemplate,
  },
});

export const useTemplate = defineRoute({
  operationId: 'useTemplate',
  method: 'post',
  path: '/api/templates/{id}/use',
  tag,
  summary: 'Create a workflow from a template',
  description:
    "Every required variable needs a value; each credential value must be a credential of the caller's own, each workflow value a workflow they can read. The caller owns the new workflow, and each credential it names is granted to it.",
  auth: 'user',
  params: id,
  body: useTemplateRequest,
  responses: {
    201: ok(usedTemplateSchema, 'The new workflow'),
    400: invalid('a variable has no value, or one that does not fit'),
    403: forbidden('a workflow value names a workflow the caller is not a member of'),
    404: notFound('no template with this id, or a credential value that is not one of the caller’s'),
  },
});
