import { instanceSettingsSchema, updateInstanceSettingsRequest } from '../settings.ts';
import { defineRoute } from '../contract.ts';
import { forbidden, invalid, ok } from './responses.ts';

const tag = 'admin';
const notAdmin = forbidden('only an instance admin may');

export const getInstanceSettings = defineRoute({
  operationId: 'getInstanceSettings',
  method: 'get',
  path: '/api/admin/settings',
  tag,
  summary: 'The instance settings (admins)',
  description:
    'Sign-up policy, SMTP (never its password), outbound allow-list, execution retention, default time limit.',
  auth: 'user',
  responses: { 200: ok(instanceSettingsSchema, 'The settings in force'), 403: notAdmin },
});

export const updateInstanceSettings = defineRoute({
  operationId: 'updateInstanceSettings',
  method: 'patch',
  path: '/api/admin/settings',
  tag,
  summary: 'Change instance settings (admins)',
  description:
    'What is given changes, the rest stays; applied at once, without a restart, on every instance, and audited ' +
    '(`settings.changed`, without secrets). A closed instance answers `POST /api/auth/signup` with 403.',
  auth: 'user',
  body: updateInstanceSettingsRequest,
  responses: {
    200: ok(instanceSettingsSchema, 'The settings in force after the change'),
    400: invalid('a value out of range, or an allow-list entry that is not an IP, CIDR, host name or *.domain'),
    403: notAdmin,
  },
});
