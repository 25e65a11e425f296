import * as routes from '#shared/api/routes/modes.ts';
import { ErrorCodes, UserError } from '#shared/errors.ts';
import { ID_PATTERN } from '#shared/ids.ts';
import type { EditPolicy } from '../../modes/edit-policy.ts';
import { modeDto } from '../../modes/mode-dto.ts';
import type { ModeState, ModeStore, PenResult } from '../../modes/mode-store.ts';
import { memberName } from '../../modes/require-change.ts';
import { requireAccess } from '../../workflows/access.ts';
import type { WorkflowStore } from '../../workflows/workflow-store.ts';
import { audit } from '../audit-actor.ts';
import { contractRoutes, implement } from './contract-routes.ts';

export interface ModeRouteDeps {
  store: WorkflowStore;
  modes: ModeStore;
  policy: EditPolicy;
  /** The server's pen idle release (WEFT_PEN_IDLE_MINUTES). */
  defaultIdleMs: number;
  now?: () => number;
}

const workflowId = (raw: string): string => {
  if (!ID_PATTERN.test(raw)) throw new UserError(ErrorCodes.notFound, `Workflow ${raw} does not exist`);
  return raw;
};

/**
 * A workflow's edit mode and its pen (docs/plans/collaboration.md §5.1).
 * Every change is applied to this instance's policy before the answer, so
 * when an owner's lock returns, this instance already drops the others'
 * edits and has told their tabs.
 */
export const modeRoutes = ({ store, modes, policy, defaultIdleMs, now = Date.now }: ModeRouteDeps) => {
  const dto = (state: ModeState) => modeDto(state, defaultIdleMs);
  /** Applies a pen write, or answers its refusal. */
  const settle = async (result: PenResult): Promise<ModeState> => {
    switch (result.status) {
      case 'ok':
        policy.apply(result.state);
        return result.state;
      case 'notPen':
        throw new UserError(ErrorCodes.conflict, 'This workflow is not in pen mode');
      case 'held':
        throw new UserError(
          ErrorCodes.conflict,
          `${await memberName(store, result.state.workflowId, result.state.pen?.holder ?? null)} holds the pen`,
        );
      case 'notHolder':
        throw new UserError(ErrorCodes.forbidden, 'Only whoever holds the pen, or an owner, can do this');
      case 'notEditor':
        throw new UserError(ErrorCodes.validationFailed, 'The pen goes only to an editor or owner of this workflow');
    }
  };

  return contractRoutes('/api/workflows', [
    implement(routes.setMode, async (c, { user, params, body }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(store, id, user, 'setMode');
      const { mode, reason, penIdleMinutes } = await body();
      const state = await modes.setMode(id, {
        mode,
        reason: reason === undefined || reason === '' ? null : reason,
        by: user.id,
        at: now(),
        penIdleMs: penIdleMinutes === undefined ? null : penIdleMinutes * 60_000,
      });
      policy.apply(state);
      await audit(c, user, {
        action: 'mode.changed',
        workflowId: id,
        data: { mode: state.mode, reason: state.reason ?? null },
      });
      return reply(200, dto(state));
    }),
    implement(routes.getMode, async (_c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(store, id, user, 'read');
      return reply(200, dto(await policy.fresh(id)));
    }),
    implement(routes.takePen, async (c, { user, params, body }, reply) => {
      const id = workflowId(params.id);
      const role = await requireAccess(store, id, user, 'edit');
      const force = (await body())?.force === true;
      if (force && role !== 'owner')
        throw new UserError(ErrorCodes.forbidden, 'Only an owner can take the pen by force');
      const state = await settle(await modes.takePen(id, user.id, now(), { force }));
      await audit(c, user, { action: force ? 'pen.forced' : 'pen.taken', workflowId: id });
      return reply(200, dto(state));
    }),
    implement(routes.requestPen, async (c, { user, params }, reply) => {
      const id = workflowId(params.id);
      await requireAccess(store, id, user, 'edit');
      const state = await settle(await modes.requestPen(id, user.id, now()));
      const holder = state.pen?.holder ?? null;
      await audit(c, user, {
        action: 'pen.requested',
        workflowId: id,
        ...(holder === null ? {} : { target: { type: 'user', id: holder } }),
      });
      return reply(202, dto(state));
    }),
    implement(routes.handOverPen, async (c, { user, params, body }, reply) => {
      const id = workflowId(params.id);
      const role = await requireAccess(store, id, user, 'edit');
      const { userId } = await body();
      const result = await modes.handOver(id, { userId: user.id, asOwner: role === 'owner' }, userId, now());
      const state = await settle(result);
      await audit(c, user, { action: 'pen.handed_over', workflowId: id, target: { type: 'user', id: userId } });
      return reply(200, dto(state));
    }),
    implement(routes.releasePen, async (c, { user, params }, reply) => {
      const id = workflowId(params.id);
      const role = await requireAccess(store, id, user, 'edit');
      await settle(await modes.releasePen(id, { userId: user.id, asOwner: role === 'owner' }));
      await audit(c, user, { action: 'pen.released', workflowId: id });
      return reply(204);
    }),
  ]);
};
