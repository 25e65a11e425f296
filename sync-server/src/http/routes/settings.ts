import * as routes from '#shared/api/routes/settings.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import type { User } from '../../accounts/account-store.ts';
import type { InstanceSettings } from '../../settings/instance-settings.ts';
import { audit } from '../audit-actor.ts';
import { contractRoutes, implement } from './contract-routes.ts';

const requireAdmin = (user: User): void => {
  if (!user.isAdmin)
    throw new UserError(ErrorCodes.forbidden, 'Only an instance admin can read or change its settings');
};

/** `/api/admin/settings`: the instance settings, read and changed by admins, applied without a restart. */
export const settingsRoutes = (settings: InstanceSettings) =>
  contractRoutes('/api/admin/settings', [
    implement(routes.getInstanceSettings, (_c, { user }, reply) => {
      requireAdmin(user);
      return reply(200, settings.view());
    }),
    implement(routes.updateInstanceSettings, async (c, { user, body }, reply) => {
      requireAdmin(user);
      const changed = await settings.update(await body());
      await audit(c, user, { action: 'settings.changed', data: changed });
      return reply(200, settings.view());
    }),
  ]);
