import type { Logger } from '#shared/log.ts';
import { SYSTEM_ACTOR, type AuditLog } from '../audit/audit-log.ts';
import type { EditPolicy } from './edit-policy.ts';
import type { ModeStore, ModeState } from './mode-store.ts';

/** How often every instance looks for idle pens. */
export const PEN_SWEEP_MS = 30_000;

/**
 * Frees pens whose holder made no committed edit for their idle time
 * (docs/plans/collaboration.md §5.4). Every instance sweeps: the store's
 * release is one conditional UPDATE, so each pen is released by one of them,
 * which applies it here and notifies the others.
 */
export class PenSweeper {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<ModeState[]> | undefined;

  constructor(
    private readonly options: {
      store: ModeStore;
      policy: EditPolicy;
      logger: Logger;
      /** The server's idle release (WEFT_PEN_IDLE_MINUTES); a workflow may set its own. */
      idleMs: number;
      everyMs?: number;
      now?: () => number;
      /** Each release is recorded as the system's `pen.released`. */
      audit?: AuditLog;
    },
  ) {
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) => options.logger.error({ err: error }, 'releasing idle pens failed'));
    }, options.everyMs ?? PEN_SWEEP_MS);
    this.timer.unref();
  }

  /** One round now (one at a time); answers the pens it released. */
  sweep(): Promise<ModeState[]> {
    this.running ??= (async () => {
      try {
        const released = await this.options.store.releaseIdle((this.options.now ?? Date.now)(), this.options.idleMs);
        for (const state of released) {
          this.options.logger.info({ workflowId: state.workflowId }, 'pen released after its holder was idle');
          this.options.policy.apply(state);
        }
        await this.options.audit?.record(
          SYSTEM_ACTOR,
          released.map((state) => ({
            action: 'pen.released',
            workflowId: state.workflowId,
            data: { reason: 'idle', mode: state.mode },
          })),
        );
        return released;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
