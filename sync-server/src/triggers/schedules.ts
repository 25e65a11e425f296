import { Cron } from 'croner';
import type { Logger } from '#shared/log.ts';

/** One Schedule Trigger of an active workflow's published version, checked (trigger-service.ts). */
export interface ScheduleSpec {
  nodeId: string;
  expression: string;
  timezone: string;
}

/** What one tick asks for. `tickMillis` is the tick's time; a tick carries it when it may be handled twice. */
export interface Tick {
  workflowId: string;
  versionHash: string;
  nodeId: string;
  timezone: string;
  tickMillis?: number;
}

/**
 * Where schedules tick: in this process (LocalSchedules, one server) or on
 * BullMQ job schedulers every instance shares (bull-schedules.ts). The
 * trigger service says what is active; this decides who fires.
 */
export interface Schedules {
  /** The workflow's schedules become exactly `specs` of `versionHash`. */
  set(workflowId: string, versionHash: string, specs: readonly ScheduleSpec[]): Promise<void>;
  remove(workflowId: string): Promise<void>;
  /** At start: exactly these workflows' schedules exist (what a crash between a commit and `set` left is repaired). */
  reconcile(
    active: readonly { workflowId: string; versionHash: string; specs: readonly ScheduleSpec[] }[],
  ): Promise<void>;
  close(): Promise<void>;
}

/** Today's single-server schedules: croner jobs in this process, one run per tick, no overlapping runs. */
export class LocalSchedules implements Schedules {
  private readonly jobs = new Map<string, Cron[]>();

  constructor(
    private readonly fire: (tick: Tick) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  set(workflowId: string, versionHash: string, specs: readonly ScheduleSpec[]): Promise<void> {
    this.stop(workflowId);
    this.jobs.set(
      workflowId,
      specs.map(
        ({ nodeId, expression, timezone }) =>
          new Cron(expression, { timezone, protect: true }, () => {
            void this.fire({ workflowId, versionHash, nodeId, timezone }).catch((e: unknown) =>
              this.logger.error({ workflowId, err: e instanceof Error ? e.message : String(e) }, 'schedule run failed'),
            );
          }),
      ),
    );
    return Promise.resolve();
  }

  remove(workflowId: string): Promise<void> {
    this.stop(workflowId);
    return Promise.resolve();
  }

  async reconcile(
    active: readonly { workflowId: string; versionHash: string; specs: readonly ScheduleSpec[] }[],
  ): Promise<void> {
    for (const { workflowId, versionHash, specs } of active) await this.set(workflowId, versionHash, specs);
  }

  close(): Promise<void> {
    for (const workflowId of [...this.jobs.keys()]) this.stop(workflowId);
    return Promise.resolve();
  }

  private stop(workflowId: string): void {
    for (const job of this.jobs.get(workflowId) ?? []) job.stop();
    this.jobs.delete(workflowId);
  }
}
